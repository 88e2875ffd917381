/**
 * AutoML for Images training data: JSON Lines inside an MLTable folder, one line per labeled image, in the
 * shapes of Microsoft's "Data schemas to train computer vision models with automated machine learning":
 *
 *   {"image_url": …, "image_details": {"format": "jpg", "width": 499, "height": 666}, "label": …}
 *
 * with `label` a class name (multi-class), a list of class names (multi-label), a list of
 * {label, topX, topY, bottomX, bottomY, isCrowd} (object detection, corners as fractions of the width and
 * height) or a list of {label, isCrowd, polygon: [[x1, y1, …]]} (instance segmentation, fractions too).
 */
import { basename, dirname, posix, relative, resolve } from 'node:path';
import { isImageTask } from '../model';
import type { ItemAnnotation, LabelProject } from '../model';
import type { SplitOptions } from '../split';
import { imageInfos, inFolder, labeledItems, readItemImageInfo, splitParts } from './common';
import type { ExportInput, ExportResult, ImageInfoReader, LabeledItem } from './common';
import { imageMlTable } from './mltable';

/** Where `image_url` points. */
export type ImageUrlStyle =
  /** `azureml://datastores/<datastore>/paths/<path>/<item>`: the images uploaded to a datastore under `path`. */
  | { kind: 'datastore'; datastore: string; path: string }
  /** The image's path relative to the MLTable folder, for use on this machine. */
  | { kind: 'relative' };

export interface AutoMlImageExportOptions {
  /** The folder the export is written to (relative image URLs start from it). */
  exportFolder: string;
  /** Defaults to the data asset's datastore when the source is one, else relative paths. */
  imageUrl?: ImageUrlStyle;
  split?: SplitOptions;
  /** Reads an image's header; defaults to reading the item's file. */
  readImageInfo?: ImageInfoReader;
}

export function defaultImageUrlStyle(project: LabelProject): ImageUrlStyle {
  const source = project.source;
  if (source.kind === 'dataAsset' && source.datastore && source.datastorePath !== undefined)
    return { kind: 'datastore', datastore: source.datastore, path: source.datastorePath };
  return { kind: 'relative' };
}

function datastoreUrl(style: { datastore: string; path: string }, item: string): string {
  const path = posix.join(style.path.replace(/^\/+|\/+$/g, ''), item);
  return `azureml://datastores/${style.datastore}/paths/${path}`;
}

/**
 * Paths relative to `folder` with `/` separators. path.relative resolves both sides on every call, a tenth of
 * a second over 10,000 pictures; pictures share a few folders, so each folder is made relative once.
 */
function relativeUrls(folder: string): (file: string) => string {
  const folders = new Map<string, string>();
  return (file) => {
    const parent = dirname(file);
    let prefix = folders.get(parent);
    if (prefix === undefined) {
      const relativeFolder = relative(folder, parent).split(/[\\/]/).join('/');
      prefix = relativeFolder ? `${relativeFolder}/` : '';
      folders.set(parent, prefix);
    }
    return prefix + basename(file);
  };
}

function labelValue(project: LabelProject, record: ItemAnnotation): unknown {
  switch (project.task) {
    case 'image-classification':
      return (record.classes ?? [])[0];
    case 'image-classification-multilabel':
      return record.classes ?? [];
    case 'object-detection':
      return (record.boxes ?? []).map((box) => ({
        label: box.label,
        topX: box.left,
        topY: box.top,
        bottomX: box.right,
        bottomY: box.bottom,
        isCrowd: 0,
      }));
    case 'instance-segmentation':
      return (record.polygons ?? []).map((polygon) => ({
        label: polygon.label,
        isCrowd: 0,
        polygon: polygon.segments,
      }));
    default:
      throw new Error(`${project.task} is not an image task.`);
  }
}

export async function exportAutoMlImages(input: ExportInput, options: AutoMlImageExportOptions): Promise<ExportResult> {
  if (!isImageTask(input.project.task)) throw new Error('AutoML image export needs an image project.');
  const skipped: ExportResult['skipped'] = [];
  const entries = labeledItems(input, skipped);
  const infos = await imageInfos(entries, options.readImageInfo ?? readItemImageInfo);
  const style = options.imageUrl ?? defaultImageUrlStyle(input.project);
  const files = new Map<string, string>();
  const usable: LabeledItem[] = [];
  for (const entry of entries) {
    const info = infos.get(entry.item.id);
    if (info instanceof Error || !info) skipped.push({ item: entry.item.id, reason: info?.message ?? 'no size' });
    else usable.push(entry);
  }
  let exported = 0;
  for (const part of splitParts(usable, options.split)) {
    const dataFile = part.role === 'validation' ? 'validation_annotations.jsonl' : 'train_annotations.jsonl';
    const relativeUrl = relativeUrls(resolve(options.exportFolder, part.folder));
    const lines = part.entries.map(({ item, record }) => {
      const info = infos.get(item.id) as { format: string; width: number; height: number };
      let imageUrl: string;
      if (style.kind === 'datastore') imageUrl = datastoreUrl(style, item.id);
      else if (item.absolutePath) imageUrl = relativeUrl(item.absolutePath);
      else imageUrl = item.id;
      return JSON.stringify({
        image_url: imageUrl,
        image_details: { format: info.format, width: info.width, height: info.height },
        label: labelValue(input.project, record),
      });
    });
    exported += lines.length;
    files.set(inFolder(part.folder, dataFile), lines.length ? `${lines.join('\n')}\n` : '');
    files.set(inFolder(part.folder, 'MLTable'), imageMlTable(dataFile));
  }
  return { files, exported, skipped };
}
