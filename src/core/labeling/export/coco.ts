/**
 * COCO object detection / instance segmentation JSON: `images` (id, file_name, width, height), `annotations`
 * (id, image_id, category_id, bbox [x, y, width, height] in pixels, area, iscrowd, and for polygons
 * `segmentation` [[x1, y1, …]] in pixels) and `categories` (id, name). Ids count from 1 in item order and
 * label-set order, so the same project gives the same file. Pixels = normalized × the size read from the
 * image header, kept to two decimals.
 */
import type { SplitOptions } from '../split';
import { imageInfos, inFolder, labeledItems, readItemImageInfo, roundPixel, splitParts } from './common';
import type { ExportInput, ExportResult, ImageInfoReader, LabeledItem } from './common';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  iscrowd: 0 | 1;
  segmentation?: number[][];
  /** Only in predictions (results files). */
  score?: number;
}

export interface CocoCategory {
  id: number;
  name: string;
}

export interface CocoDataset {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

export interface CocoExportOptions {
  split?: SplitOptions;
  readImageInfo?: ImageInfoReader;
}

/** Shoelace area of one outline, in the units of its points. */
export function polygonArea(points: readonly number[]): number {
  let twice = 0;
  for (let index = 0; index < points.length; index += 2) {
    const next = (index + 2) % points.length;
    twice += points[index] * points[next + 1] - points[next] * points[index + 1];
  }
  return Math.abs(twice) / 2;
}

export async function exportCoco(input: ExportInput, options: CocoExportOptions = {}): Promise<ExportResult> {
  const task = input.project.task;
  if (task !== 'object-detection' && task !== 'instance-segmentation')
    throw new Error('COCO export is for object detection and instance segmentation projects.');
  const skipped: ExportResult['skipped'] = [];
  const entries = labeledItems(input, skipped);
  const infos = await imageInfos(entries, options.readImageInfo ?? readItemImageInfo);
  const usable: LabeledItem[] = [];
  for (const entry of entries) {
    const info = infos.get(entry.item.id);
    if (info instanceof Error || !info) skipped.push({ item: entry.item.id, reason: info?.message ?? 'no size' });
    else usable.push(entry);
  }
  const categories: CocoCategory[] = input.project.labels.map((label, index) => ({ id: index + 1, name: label.name }));
  const categoryId = new Map(categories.map((category) => [category.name, category.id]));
  const files = new Map<string, string>();
  let exported = 0;
  for (const part of splitParts(usable, options.split)) {
    const dataset: CocoDataset = { images: [], annotations: [], categories };
    part.entries.forEach(({ item, record }, index) => {
      const info = infos.get(item.id) as { width: number; height: number };
      const imageId = index + 1;
      dataset.images.push({ id: imageId, file_name: item.id, width: info.width, height: info.height });
      for (const box of record.boxes ?? []) {
        const x = roundPixel(box.left * info.width);
        const y = roundPixel(box.top * info.height);
        const width = roundPixel(box.right * info.width - box.left * info.width);
        const height = roundPixel(box.bottom * info.height - box.top * info.height);
        dataset.annotations.push({
          id: dataset.annotations.length + 1,
          image_id: imageId,
          category_id: categoryId.get(box.label) ?? 0,
          bbox: [x, y, width, height],
          area: roundPixel(width * height),
          iscrowd: 0,
        });
      }
      for (const polygon of record.polygons ?? []) {
        const segmentation = polygon.segments.map((segment) =>
          segment.map((value, position) => roundPixel(value * (position % 2 === 0 ? info.width : info.height))),
        );
        const xs = segmentation.flatMap((segment) => segment.filter((_, position) => position % 2 === 0));
        const ys = segmentation.flatMap((segment) => segment.filter((_, position) => position % 2 === 1));
        const left = Math.min(...xs);
        const top = Math.min(...ys);
        dataset.annotations.push({
          id: dataset.annotations.length + 1,
          image_id: imageId,
          category_id: categoryId.get(polygon.label) ?? 0,
          bbox: [left, top, roundPixel(Math.max(...xs) - left), roundPixel(Math.max(...ys) - top)],
          area: roundPixel(segmentation.reduce((sum, segment) => sum + polygonArea(segment), 0)),
          iscrowd: 0,
          segmentation,
        });
      }
    });
    exported += dataset.images.length;
    const name = part.role === 'validation' ? 'validation.json' : part.role === 'training' ? 'train.json' : 'coco.json';
    files.set(inFolder(part.folder, name), `${JSON.stringify(dataset, null, 2)}\n`);
  }
  return { files, exported, skipped };
}
