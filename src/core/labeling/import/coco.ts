/**
 * Pre-labels from COCO: a dataset (`images`, `annotations`, `categories`; an annotation's `score`, when there
 * is one, is kept), or a results list ([{image_id, category_id, bbox, score, segmentation?}]) together with
 * the dataset that names its images and categories. Images are matched to items by `file_name`. Pixel
 * coordinates become fractions of the image's `width` and `height` (read from the image header when the file
 * leaves them out). Polygons in RLE form cannot be drawn and are reported.
 */
import type { CocoAnnotation, CocoCategory, CocoImage } from '../export/coco';
import type { ImageInfoReader } from '../export/common';
import type { LabelItem } from '../items';
import { annotationKindOf, isMultiLabel, roundCoordinate } from '../model';
import type { LabelProject } from '../model';
import type { SuggestionInput } from '../store';
import { addSuggestion, emptyImportResult, itemMatcher } from './match';
import type { ImportResult } from './match';

export interface CocoImportOptions {
  /** For a results list: the dataset whose images and categories it refers to. */
  dataset?: unknown;
  minScore?: number;
  source?: string;
  /** Reads an image's size when the COCO image leaves it out. */
  readImageInfo?: ImageInfoReader;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export async function importCoco(
  json: unknown,
  project: LabelProject,
  items: readonly LabelItem[],
  options: CocoImportOptions = {},
): Promise<ImportResult> {
  const result = emptyImportResult();
  const datasetValue = Array.isArray(json) ? options.dataset : json;
  if (!isObject(datasetValue) || !Array.isArray(datasetValue.images) || !Array.isArray(datasetValue.categories))
    throw new Error(
      Array.isArray(json)
        ? 'A COCO results list needs the dataset it refers to (its images and categories).'
        : 'This is not a COCO file: it needs `images`, `annotations` and `categories`.',
    );
  const annotations = (Array.isArray(json) ? json : datasetValue.annotations) as unknown[];
  if (!Array.isArray(annotations)) throw new Error('This COCO file has no `annotations` list.');

  const categories = new Map<number, string>();
  for (const category of datasetValue.categories as CocoCategory[])
    if (isObject(category) && isNumber(category.id)) categories.set(category.id, String(category.name));
  const match = itemMatcher(items);
  const itemsById = new Map(items.map((item) => [item.id, item]));
  const images = new Map<number, { item?: string; width?: number; height?: number; fileName: string }>();
  for (const image of datasetValue.images as CocoImage[]) {
    if (!isObject(image) || !isNumber(image.id) || typeof image.file_name !== 'string') continue;
    const item = match(image.file_name);
    if (!item) result.unmatched.push(image.file_name);
    images.set(image.id, {
      item,
      fileName: image.file_name,
      width: isNumber(image.width) && image.width > 0 ? image.width : undefined,
      height: isNumber(image.height) && image.height > 0 ? image.height : undefined,
    });
  }

  const known = new Set(project.labels.map((label) => label.name));
  const kind = annotationKindOf(project.task);
  const minScore = options.minScore ?? 0;
  const classes = new Map<string, Map<string, number | undefined>>();
  for (const [index, value] of annotations.entries()) {
    const where = `annotation ${index + 1}`;
    if (!isObject(value)) {
      result.ignored.push({ where, reason: 'not a JSON object' });
      continue;
    }
    const annotation = value as unknown as CocoAnnotation;
    const image = images.get(annotation.image_id);
    if (!image) {
      result.ignored.push({ where, reason: `no image ${annotation.image_id}` });
      continue;
    }
    if (!image.item) continue;
    const label = categories.get(annotation.category_id);
    if (label === undefined) {
      result.ignored.push({ where, reason: `no category ${annotation.category_id}` });
      continue;
    }
    const score = isNumber(annotation.score) ? annotation.score : undefined;
    if (score !== undefined && score < minScore) continue;
    const tail = {
      ...(score === undefined ? {} : { score }),
      ...(options.source === undefined ? {} : { source: options.source }),
    };
    if (kind === 'classes') {
      const perItem = classes.get(image.item) ?? new Map<string, number | undefined>();
      const before = perItem.get(label);
      perItem.set(label, before === undefined || (score ?? 0) > before ? score : before);
      classes.set(image.item, perItem);
      continue;
    }
    if (kind === 'spans') {
      result.ignored.push({ where, reason: 'COCO has no text spans' });
      continue;
    }
    if (image.width === undefined || image.height === undefined) {
      const item = itemsById.get(image.item);
      try {
        if (!options.readImageInfo || !item) throw new Error('the size is not in the file');
        const info = await options.readImageInfo(item);
        image.width = info.width;
        image.height = info.height;
      } catch (error) {
        result.ignored.push({ where, reason: `the size of ${image.fileName} is unknown: ${(error as Error).message}` });
        continue;
      }
    }
    const width = image.width as number;
    const height = image.height as number;
    let suggestion: SuggestionInput;
    if (kind === 'boxes') {
      const bbox = annotation.bbox;
      if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every(isNumber)) {
        result.ignored.push({ where, reason: 'no bbox [x, y, width, height]' });
        continue;
      }
      const [x, y, w, h] = bbox;
      suggestion = {
        kind: 'box',
        label,
        left: roundCoordinate(x / width),
        top: roundCoordinate(y / height),
        right: roundCoordinate((x + w) / width),
        bottom: roundCoordinate((y + h) / height),
        ...tail,
      };
    } else {
      const segmentation = annotation.segmentation as unknown;
      if (
        !Array.isArray(segmentation) ||
        segmentation.length === 0 ||
        !segmentation.every((segment) => Array.isArray(segment) && segment.length >= 6 && segment.every(isNumber))
      ) {
        result.ignored.push({ where, reason: 'no polygon segmentation (RLE masks cannot be drawn)' });
        continue;
      }
      const segments = (segmentation as number[][]).map((segment) =>
        segment.map((value, position) => roundCoordinate(value / (position % 2 === 0 ? width : height))),
      );
      suggestion = { kind: 'polygon', label, segments, ...tail };
    }
    addSuggestion(result, known, image.item, suggestion);
  }

  for (const [item, labels] of classes) {
    let entries = [...labels.entries()];
    if (!isMultiLabel(project.task)) entries = [entries.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0]];
    for (const [label, score] of entries)
      addSuggestion(result, known, item, {
        kind: 'class',
        label,
        ...(score === undefined ? {} : { score }),
        ...(options.source === undefined ? {} : { source: options.source }),
      });
  }
  return result;
}
