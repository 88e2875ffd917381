/** What every exporter shares: the labeled items to export, the split, the MLTable files, writing the result. */
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../atomicFile';
import { readImageInfo } from '../imageInfo';
import type { ImageInfo } from '../imageInfo';
import type { LabelItem } from '../items';
import { isLabeled } from '../model';
import type { ItemAnnotation, LabelProject } from '../model';
import { splitItems } from '../split';
import type { SplitOptions } from '../split';
import type { LabelStore } from '../store';

export interface ExportInput {
  project: LabelProject;
  /** The source's items (listSourceItems / LabelStore.listItems), for files and texts. */
  items: readonly LabelItem[];
  /** The records (LabelStore.annotations()). */
  annotations: readonly ItemAnnotation[];
}

/** What the exporters need, from an open store. */
export async function exportInputOf(store: LabelStore): Promise<ExportInput> {
  return { project: store.project, items: await store.listItems(), annotations: store.annotations() };
}

export interface ExportResult {
  /** Relative path in the export folder → content. */
  files: Map<string, string>;
  /** How many items were written. */
  exported: number;
  /** Labeled items left out, and why (the file is gone, its header cannot be read, …). */
  skipped: { item: string; reason: string }[];
}

export interface LabeledItem {
  item: LabelItem;
  record: ItemAnnotation;
}

/** The labeled items that still exist in the source, in item order; the others go to `skipped`. */
export function labeledItems(input: ExportInput, skipped: ExportResult['skipped']): LabeledItem[] {
  const byId = new Map(input.items.map((item) => [item.id, item]));
  const result: LabeledItem[] = [];
  for (const record of input.annotations) {
    if (!isLabeled(record, input.project.task)) continue;
    const item = byId.get(record.item);
    if (!item) skipped.push({ item: record.item, reason: 'no longer in the source' });
    else result.push({ item, record });
  }
  return result;
}

export interface SplitPart<T> {
  /** The folder below the export folder ('' without a split). */
  folder: string;
  /** training or validation; 'all' without a split. */
  role: 'training' | 'validation' | 'all';
  entries: T[];
}

/**
 * The parts to write: one folder-less part without a split, else `training-mltable-folder` and
 * `validation-mltable-folder`, the names Microsoft's AutoML samples use.
 */
export function splitParts<T extends LabeledItem>(entries: T[], split: SplitOptions | undefined): SplitPart<T>[] {
  if (!split) return [{ folder: '', role: 'all', entries }];
  const sides = splitItems(
    entries.map((entry) => entry.item.id),
    split,
  );
  const validation = new Set(sides.validation);
  return [
    { folder: 'training-mltable-folder', role: 'training', entries: entries.filter((e) => !validation.has(e.item.id)) },
    {
      folder: 'validation-mltable-folder',
      role: 'validation',
      entries: entries.filter((e) => validation.has(e.item.id)),
    },
  ];
}

export function inFolder(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

/** Writes each file below `folder`, creating subfolders; each file replaced atomically. */
export async function writeExportFiles(folder: string, files: ReadonlyMap<string, string>): Promise<void> {
  for (const [relative, content] of files) {
    const target = join(folder, ...relative.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFileAtomic(target, content);
  }
}

/** Headers read between two turns of the event loop. */
const YIELD_EVERY = 200;

export type ImageInfoReader = (item: LabelItem) => Promise<ImageInfo>;

export const readItemImageInfo: ImageInfoReader = (item) => {
  if (!item.absolutePath) return Promise.reject(new Error(`The item ${item.id} is not a file.`));
  return readImageInfo(item.absolutePath);
};

/** Image headers of many items, a bounded number of files open at once; a failure is returned, not thrown. */
export async function imageInfos(
  entries: readonly LabeledItem[],
  reader: ImageInfoReader,
  concurrency = 32,
): Promise<Map<string, ImageInfo | Error>> {
  const result = new Map<string, ImageInfo | Error>();
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++];
      try {
        result.set(entry.item.id, await reader(entry.item));
      } catch (error) {
        result.set(entry.item.id, error instanceof Error ? error : new Error(String(error)));
      }
      // Headers are read synchronously (see readImageInfo): let the rest of the host run between batches.
      if (next % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  return result;
}

/** Pixel values keep two decimals: exact for whole pixels, and short. */
export function roundPixel(value: number): number {
  return Math.round(value * 100) / 100;
}
