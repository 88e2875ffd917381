/**
 * Pre-labels from AutoML image JSON Lines. Each line is either
 * - training data (`image_url` with `label`, the shapes export/automlImages.ts writes), or
 * - a model's predictions (`filename` with `probs` and `labels` for classification, or with `boxes`:
 *   [{box: {topX, topY, bottomX, bottomY}, label, score, polygon?}] for detection and segmentation), as
 *   Microsoft's "Data schemas … Output format" shows them; a line holding a list of these is read too.
 * Coordinates are already fractions of the image size, as the store keeps them.
 */
import type { LabelItem } from '../items';
import { annotationKindOf, isMultiLabel } from '../model';
import type { LabelProject } from '../model';
import type { SuggestionInput } from '../store';
import { addSuggestion, emptyImportResult, itemMatcher } from './match';
import type { ImportResult } from './match';

export interface AutoMlImportOptions {
  /** Predictions scored below this are left out (0 keeps all). */
  minScore?: number;
  /** For multi-label classification predictions: a class is suggested when its probability reaches this. */
  multiLabelThreshold?: number;
  /** Recorded on each suggestion (the file's name). */
  source?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function polygonSegments(value: unknown): number[][] | undefined {
  if (!Array.isArray(value)) return undefined;
  const segments = value.every(isNumber) ? [value as number[]] : value;
  if (!segments.every((segment) => Array.isArray(segment) && segment.length >= 6 && segment.every(isNumber)))
    return undefined;
  return segments as number[][];
}

export function importAutoMlJsonl(
  text: string,
  project: LabelProject,
  items: readonly LabelItem[],
  options: AutoMlImportOptions = {},
): ImportResult {
  const result = emptyImportResult();
  const match = itemMatcher(items);
  const known = new Set(project.labels.map((label) => label.name));
  const kind = annotationKindOf(project.task);
  const minScore = options.minScore ?? 0;
  const tail = (score?: number) => ({
    ...(score === undefined ? {} : { score }),
    ...(options.source === undefined ? {} : { source: options.source }),
  });

  const fromRecord = (record: Json, where: string): void => {
    const reference = typeof record.image_url === 'string' ? record.image_url : record.filename;
    if (typeof reference !== 'string') {
      result.ignored.push({ where, reason: 'no image_url or filename' });
      return;
    }
    const item = match(reference);
    if (!item) {
      result.unmatched.push(reference);
      return;
    }
    const suggestions: SuggestionInput[] = [];
    const problem = readSuggestions(record, suggestions);
    if (problem) {
      result.ignored.push({ where, reason: problem });
      return;
    }
    for (const suggestion of suggestions) addSuggestion(result, known, item, suggestion);
  };

  const readSuggestions = (record: Json, out: SuggestionInput[]): string | undefined => {
    if (Array.isArray(record.probs) && Array.isArray(record.labels)) {
      if (kind !== 'classes') return 'classification predictions for a project that is not classification';
      const pairs = (record.labels as unknown[]).map((label, index) => ({
        label: String(label),
        score: (record.probs as unknown[])[index],
      }));
      if (!pairs.every((pair) => isNumber(pair.score))) return '`probs` must be numbers';
      const scored = pairs as { label: string; score: number }[];
      const chosen = isMultiLabel(project.task)
        ? scored.filter((pair) => pair.score >= (options.multiLabelThreshold ?? 0.5))
        : [scored.reduce((best, pair) => (pair.score > best.score ? pair : best))];
      for (const pair of chosen)
        if (pair.score >= minScore) out.push({ kind: 'class', label: pair.label, ...tail(pair.score) });
      return undefined;
    }
    if (Array.isArray(record.boxes)) {
      for (const entry of record.boxes) {
        if (!isObject(entry) || typeof entry.label !== 'string') return 'each of `boxes` needs a label';
        const score = isNumber(entry.score) ? entry.score : undefined;
        if (score !== undefined && score < minScore) continue;
        const shape = shapeFrom(entry.label, isObject(entry.box) ? entry.box : {}, entry.polygon, score);
        if (typeof shape === 'string') return shape;
        out.push(shape);
      }
      return undefined;
    }
    if (record.label === undefined) return 'no label, labels or boxes';
    const score = isNumber(record.score) ? record.score : undefined;
    if (
      typeof record.label === 'string' ||
      (Array.isArray(record.label) && record.label.every((l) => typeof l === 'string'))
    ) {
      if (kind !== 'classes') return 'class labels for a project that is not classification';
      const labels = typeof record.label === 'string' ? [record.label] : (record.label as string[]);
      for (const label of labels) out.push({ kind: 'class', label, ...tail(score) });
      return undefined;
    }
    if (!Array.isArray(record.label)) return '`label` must be a class, a list of classes or a list of objects';
    for (const entry of record.label) {
      if (!isObject(entry) || typeof entry.label !== 'string') return 'each object in `label` needs a label';
      const entryScore = isNumber(entry.score) ? entry.score : score;
      if (entryScore !== undefined && entryScore < minScore) continue;
      const shape = shapeFrom(entry.label, entry, entry.polygon, entryScore);
      if (typeof shape === 'string') return shape;
      out.push(shape);
    }
    return undefined;
  };

  const shapeFrom = (label: string, box: Json, polygon: unknown, score?: number): SuggestionInput | string => {
    if (kind === 'polygons') {
      const segments = polygonSegments(polygon);
      if (!segments) return 'a segmentation prediction needs `polygon` [[x1, y1, …]]';
      return { kind: 'polygon', label, segments, ...tail(score) };
    }
    if (kind === 'boxes') {
      const { topX, topY, bottomX, bottomY } = box;
      if (![topX, topY, bottomX, bottomY].every(isNumber)) return 'a box needs topX, topY, bottomX, bottomY';
      return {
        kind: 'box',
        label,
        left: topX as number,
        top: topY as number,
        right: bottomX as number,
        bottom: bottomY as number,
        ...tail(score),
      };
    }
    return 'boxes or polygons for a project that takes neither';
  };

  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      result.ignored.push({ where, reason: 'not JSON' });
      return;
    }
    const records = Array.isArray(value) ? value : [value];
    for (const record of records) {
      if (isObject(record)) fromRecord(record, where);
      else result.ignored.push({ where, reason: 'not a JSON object' });
    }
  });
  return result;
}
