/**
 * The shapes of a labeling project on disk.
 *
 * A project is two files side by side:
 * - `<name>.labels.json`: the project file (task, label set, where the items come from). The double extension
 *   lets an editor be registered for the pattern `*.labels.json` while any JSON tool still reads the file.
 * - `<name>.labels.jsonl`: the annotations, one JSON record per labeled item, sorted by item id, each record's
 *   keys in a fixed order, so a label change is a one-line diff and two people labeling different items merge
 *   without conflict. Items without a record are unlabeled.
 *
 * Coordinates of boxes and polygons are normalized to 0..1 of the image's width and height (x to the right,
 * y down, origin at the top-left corner). Why: a record then needs no knowledge of the image's size, it stays
 * right when the editor shows the image at any zoom, and it is AutoML's own form; COCO export multiplies by
 * the size it reads from the image header. Values are rounded to 6 decimals (a hundredth of a pixel on a
 * 10,000-pixel image) to keep lines short.
 *
 * Text spans are character offsets into the item's text as JavaScript strings index it (UTF-16 code units),
 * `start` inclusive, `end` exclusive: what the editor's text APIs use.
 */

export const PROJECT_FILE_SUFFIX = '.labels.json';
export const ANNOTATIONS_FILE_SUFFIX = '.labels.jsonl';
export const PROJECT_FILE_VERSION = 1;

export type TaskType =
  | 'image-classification'
  | 'image-classification-multilabel'
  | 'object-detection'
  | 'instance-segmentation'
  | 'text-classification'
  | 'text-classification-multilabel'
  | 'text-ner';

export const TASK_TYPES: readonly TaskType[] = [
  'image-classification',
  'image-classification-multilabel',
  'object-detection',
  'instance-segmentation',
  'text-classification',
  'text-classification-multilabel',
  'text-ner',
];

/** Which part of a record holds a task's labels. */
export type AnnotationKind = 'classes' | 'boxes' | 'polygons' | 'spans';

export function annotationKindOf(task: TaskType): AnnotationKind {
  switch (task) {
    case 'image-classification':
    case 'image-classification-multilabel':
    case 'text-classification':
    case 'text-classification-multilabel':
      return 'classes';
    case 'object-detection':
      return 'boxes';
    case 'instance-segmentation':
      return 'polygons';
    case 'text-ner':
      return 'spans';
  }
}

export function isImageTask(task: TaskType): boolean {
  return !task.startsWith('text-');
}

export function isMultiLabel(task: TaskType): boolean {
  return task.endsWith('-multilabel');
}

export interface LabelDefinition {
  name: string;
  /** `#rrggbb`. */
  color: string;
  /** One key the editor binds to this label (`1`, `c`, …); unique within the project. */
  hotkey?: string;
}

/** Where the items come from. Paths are relative to the project file's folder, with `/` separators. */
export type ProjectSource =
  | {
      /** Every image (jpg, jpeg, png, bmp, webp, gif) or, for text tasks, every .txt file below a folder. */
      kind: 'folder';
      path: string;
    }
  | ({
      /** One column of a CSV file (first row is the header) or of a JSON Lines file. */
      kind: 'table';
      path: string;
    } & TableColumns)
  | {
      /** An Azure ML data asset, downloaded into a cache folder whose files are the items. */
      kind: 'dataAsset';
      name: string;
      version: string;
      cacheFolder: string;
      /** Where the asset lives, so exports can write `azureml://datastores/<datastore>/paths/<path>/<item>`. */
      datastore?: string;
      datastorePath?: string;
      /** The version's ARM id: which workspace the datastore paths above belong to. */
      assetId?: string;
      dataType?: 'uri_file' | 'uri_folder' | 'mltable';
      /** For an mltable: its `paths`, relative to the cache folder; only the files they name are items. */
      paths?: MlTablePath[];
      /**
       * For a text task whose items are the rows of one CSV or JSON Lines file of the asset (instead of its .txt
       * files): the file, relative to the cache folder, and its columns as a `table` source names them.
       */
      table?: TableColumns & { path: string };
    };

/** The columns of a CSV or JSON Lines file a text project reads. */
export interface TableColumns {
  /** The column holding each item's text. */
  column: string;
  /** A column whose values name the rows; without it a row is named `row:<n>` (n counts data rows from 1). */
  keyColumn?: string;
}

/** One entry of an MLTable's `paths`, relative to the MLTable's folder (`/` separators, no leading `./`). */
export type MlTablePath = { file: string } | { folder: string } | { pattern: string };

export interface LabelProject {
  version: number;
  task: TaskType;
  labels: LabelDefinition[];
  source: ProjectSource;
  /** The annotations file, relative to the project file's folder. */
  annotationsFile: string;
}

export interface Box {
  id: string;
  label: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Polygon {
  id: string;
  label: string;
  /** One or more outlines of the same instance, each `[x1, y1, x2, y2, …]`, at least three points. */
  segments: number[][];
}

export interface Span {
  id: string;
  label: string;
  start: number;
  end: number;
}

interface SuggestionBase {
  id: string;
  /** The model's confidence, 0..1, when the import had one. */
  score?: number;
  /** What it came from (the imported file's name). */
  source?: string;
}

/** A pre-label: shown apart from accepted labels until accepted or rejected. */
export type Suggestion =
  | (SuggestionBase & { kind: 'class'; label: string })
  | (SuggestionBase & { kind: 'box'; label: string; left: number; top: number; right: number; bottom: number })
  | (SuggestionBase & { kind: 'polygon'; label: string; segments: number[][] })
  | (SuggestionBase & { kind: 'span'; label: string; start: number; end: number });

/**
 * One item's record. The task's own field being present (even empty: "no objects", "none of the labels")
 * marks the item labeled; an item with only suggestions is still unlabeled.
 */
export interface ItemAnnotation {
  /** The item's id: its path below the source folder (`/` separators), or its row key. */
  item: string;
  classes?: string[];
  boxes?: Box[];
  polygons?: Polygon[];
  spans?: Span[];
  suggestions?: Suggestion[];
  updatedBy?: string;
  /** ISO 8601. */
  updatedAt?: string;
}

export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.gif'];
export const TEXT_EXTENSIONS: readonly string[] = ['.txt'];
/** Files whose rows can be a text project's items (one column of them). */
export const TABLE_EXTENSIONS: readonly string[] = ['.csv', '.jsonl'];

/** A colour for the n-th label when none is given: distinct hues that read on light and dark themes. */
export function defaultLabelColor(index: number): string {
  const palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45'];
  const extra = ['#469990', '#9a6324', '#800000', '#808000', '#000075', '#fabed4', '#ffe119', '#a9a9a9'];
  const all = [...palette, ...extra];
  return all[index % all.length];
}

const COORDINATE_DECIMALS = 1e6;

export function roundCoordinate(value: number): number {
  return Math.round(value * COORDINATE_DECIMALS) / COORDINATE_DECIMALS;
}

/** An id cut into digit and non-digit runs, digit runs without their leading zeros: what ids are compared by. */
interface IdKey {
  id: string;
  runs: string[];
  digits: boolean[];
}

function idKey(id: string): IdKey {
  const runs = id.match(/\d+|\D+/g) ?? [];
  const digits = runs.map((run) => run.charCodeAt(0) >= 48 && run.charCodeAt(0) <= 57);
  return { id, runs: runs.map((run, index) => (digits[index] ? run.replace(/^0+(?=\d)/, '') : run)), digits };
}

function compareKeys(a: IdKey, b: IdKey): number {
  const count = Math.min(a.runs.length, b.runs.length);
  for (let index = 0; index < count; index++) {
    const x = a.runs[index];
    const y = b.runs[index];
    if (a.digits[index] && b.digits[index]) {
      if (x.length !== y.length) return x.length - y.length;
      if (x !== y) return x < y ? -1 : 1;
      continue;
    }
    if (x === y) continue;
    // Text runs, or a digit run against a text run: their first code units differ, and decide as in the ids.
    return x < y ? -1 : 1;
  }
  if (a.runs.length !== b.runs.length) return a.runs.length - b.runs.length;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

/** Compares item ids the same way on every machine: digit runs by value ("row:2" before "row:10"), then by code unit. */
export function compareItemIds(a: string, b: string): number {
  return compareKeys(idKey(a), idKey(b));
}

/**
 * Sorts in compareItemIds order, cutting each id into runs once: sorting 10,000 ids compares about 130,000 pairs,
 * and cutting both ids at every comparison made that a large share of opening a big project.
 */
export function sortByItemId<T>(values: readonly T[], idOf: (value: T) => string): T[] {
  return values
    .map((value) => ({ value, key: idKey(idOf(value)) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((entry) => entry.value);
}

// ---- Reading and checking what is on disk -------------------------------------------------------------------

export class ProjectFileError extends Error {}

const COLOR = /^#[0-9a-fA-F]{6}$/;

export function labelProblem(label: LabelDefinition): string | undefined {
  if (typeof label.name !== 'string' || !label.name.trim()) return 'a label needs a name';
  if (label.name !== label.name.trim()) return `the label name "${label.name}" starts or ends with a space`;
  if (typeof label.color !== 'string' || !COLOR.test(label.color))
    return `the colour of "${label.name}" must look like #rrggbb`;
  if (label.hotkey !== undefined && (typeof label.hotkey !== 'string' || [...label.hotkey].length !== 1))
    return `the hotkey of "${label.name}" must be one character`;
  return undefined;
}

export function labelSetProblem(labels: readonly LabelDefinition[]): string | undefined {
  const names = new Set<string>();
  const hotkeys = new Map<string, string>();
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return problem;
    if (names.has(label.name)) return `the label "${label.name}" is there twice`;
    names.add(label.name);
    if (label.hotkey !== undefined) {
      const key = label.hotkey.toLowerCase();
      const other = hotkeys.get(key);
      if (other) return `"${label.name}" and "${other}" have the same hotkey ${label.hotkey}`;
      hotkeys.set(key, label.name);
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tableColumnsProblem(table: Record<string, unknown>, where: string): string | undefined {
  const text = (key: string) => typeof table[key] === 'string' && (table[key] as string).length > 0;
  if (!text('column')) return `\`${where}.column\` must name the text column`;
  if (table.keyColumn !== undefined && !text('keyColumn')) return `\`${where}.keyColumn\` must be a column name`;
  return undefined;
}

function sourceProblem(source: unknown): string | undefined {
  if (!isRecord(source)) return '`source` must be an object';
  const text = (key: string) => typeof source[key] === 'string' && (source[key] as string).length > 0;
  switch (source.kind) {
    case 'folder':
      return text('path') ? undefined : '`source.path` must name a folder';
    case 'table':
      if (!text('path')) return '`source.path` must name a CSV or JSON Lines file';
      return tableColumnsProblem(source, 'source');
    case 'dataAsset':
      if (!text('name') || !text('version')) return '`source` must name the data asset and its version';
      if (!text('cacheFolder')) return '`source.cacheFolder` must name the folder the asset is downloaded to';
      if (
        source.paths !== undefined &&
        (!Array.isArray(source.paths) ||
          !source.paths.every(
            (entry) =>
              isRecord(entry) &&
              Object.keys(entry).length === 1 &&
              ['file', 'folder', 'pattern'].some((key) => typeof entry[key] === 'string'),
          ))
      )
        return '`source.paths` must list MLTable paths ({"file"}, {"folder"} or {"pattern"})';
      if (source.table === undefined) return undefined;
      if (!isRecord(source.table) || typeof source.table.path !== 'string' || !source.table.path)
        return '`source.table.path` must name a CSV or JSON Lines file of the data asset';
      return tableColumnsProblem(source.table, 'source.table');
    default:
      return '`source.kind` must be folder, table or dataAsset';
  }
}

/** Parses a project file's text; throws ProjectFileError saying what is wrong. */
export function parseProjectFile(text: string): LabelProject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProjectFileError(`The project file is not JSON: ${error instanceof Error ? error.message : error}`);
  }
  if (!isRecord(value)) throw new ProjectFileError('The project file must hold a JSON object.');
  if (value.version !== PROJECT_FILE_VERSION)
    throw new ProjectFileError(
      `The project file has version ${JSON.stringify(value.version)}; this extension reads version ${PROJECT_FILE_VERSION}.`,
    );
  if (!TASK_TYPES.includes(value.task as TaskType))
    throw new ProjectFileError(`\`task\` must be one of ${TASK_TYPES.join(', ')}.`);
  if (!Array.isArray(value.labels)) throw new ProjectFileError('`labels` must be a list.');
  const labelsProblem = labelSetProblem(value.labels as LabelDefinition[]);
  if (labelsProblem) throw new ProjectFileError(`In \`labels\`: ${labelsProblem}.`);
  const problem = sourceProblem(value.source);
  if (problem) throw new ProjectFileError(`${problem}.`);
  if (typeof value.annotationsFile !== 'string' || !value.annotationsFile)
    throw new ProjectFileError('`annotationsFile` must name the annotations file.');
  return {
    version: PROJECT_FILE_VERSION,
    task: value.task as TaskType,
    labels: (value.labels as LabelDefinition[]).map(canonicalLabel),
    source: value.source as ProjectSource,
    annotationsFile: value.annotationsFile,
  };
}

function canonicalLabel(label: LabelDefinition): LabelDefinition {
  return label.hotkey === undefined
    ? { name: label.name, color: label.color }
    : { name: label.name, color: label.color, hotkey: label.hotkey };
}

/** The project file's text: two-space JSON, keys in a fixed order, ending with a newline. */
export function formatProjectFile(project: LabelProject): string {
  const ordered: LabelProject = {
    version: project.version,
    task: project.task,
    labels: project.labels.map(canonicalLabel),
    source: project.source,
    annotationsFile: project.annotationsFile,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function segmentsProblem(segments: unknown): string | undefined {
  if (!Array.isArray(segments) || segments.length === 0) return 'a polygon needs `segments`';
  for (const segment of segments) {
    if (!Array.isArray(segment) || segment.length < 6 || segment.length % 2 !== 0 || !segment.every(isNumber))
      return 'each polygon segment must be [x1, y1, x2, y2, …] with at least three points';
  }
  return undefined;
}

function shapeProblem(kind: string, shape: unknown): string | undefined {
  if (!isRecord(shape)) return `each of \`${kind}\` must be an object`;
  if (!isText(shape.id)) return `each of \`${kind}\` needs an \`id\``;
  if (!isText(shape.label)) return `each of \`${kind}\` needs a \`label\``;
  switch (kind) {
    case 'boxes':
    case 'box':
      return ['left', 'top', 'right', 'bottom'].every((key) => isNumber(shape[key]))
        ? undefined
        : 'a box needs numbers `left`, `top`, `right`, `bottom`';
    case 'polygons':
    case 'polygon':
      return segmentsProblem(shape.segments);
    case 'spans':
    case 'span':
      return Number.isInteger(shape.start) &&
        Number.isInteger(shape.end) &&
        (shape.end as number) > (shape.start as number)
        ? undefined
        : 'a span needs whole numbers `start` < `end`';
    default:
      return undefined;
  }
}

/** Why a parsed line is not an annotation record, or undefined when it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (!isText(value.item)) return 'no `item`';
  if (value.classes !== undefined && (!Array.isArray(value.classes) || !value.classes.every(isText)))
    return '`classes` must be a list of label names';
  for (const kind of ['boxes', 'polygons', 'spans']) {
    if (value[kind] === undefined) continue;
    if (!Array.isArray(value[kind])) return `\`${kind}\` must be a list`;
    for (const shape of value[kind] as unknown[]) {
      const problem = shapeProblem(kind, shape);
      if (problem) return problem;
    }
  }
  if (value.suggestions !== undefined) {
    if (!Array.isArray(value.suggestions)) return '`suggestions` must be a list';
    for (const suggestion of value.suggestions as unknown[]) {
      if (!isRecord(suggestion) || !['class', 'box', 'polygon', 'span'].includes(suggestion.kind as string))
        return 'each suggestion needs a `kind`: class, box, polygon or span';
      if (suggestion.kind === 'class') {
        if (!isText(suggestion.id) || !isText(suggestion.label)) return 'a class suggestion needs `id` and `label`';
      } else {
        const problem = shapeProblem(suggestion.kind as string, suggestion);
        if (problem) return problem;
      }
      if (suggestion.score !== undefined && !isNumber(suggestion.score)) return 'a suggestion `score` must be a number';
    }
  }
  if (value.updatedBy !== undefined && typeof value.updatedBy !== 'string') return '`updatedBy` must be text';
  if (value.updatedAt !== undefined && typeof value.updatedAt !== 'string') return '`updatedAt` must be text';
  return undefined;
}

function canonicalSuggestion(suggestion: Suggestion): Suggestion {
  const tail = {
    ...(suggestion.score === undefined ? {} : { score: suggestion.score }),
    ...(suggestion.source === undefined ? {} : { source: suggestion.source }),
  };
  switch (suggestion.kind) {
    case 'class':
      return { kind: 'class', id: suggestion.id, label: suggestion.label, ...tail };
    case 'box': {
      const { id, label, left, top, right, bottom } = suggestion;
      return { kind: 'box', id, label, left, top, right, bottom, ...tail };
    }
    case 'polygon':
      return { kind: 'polygon', id: suggestion.id, label: suggestion.label, segments: suggestion.segments, ...tail };
    case 'span':
      return {
        kind: 'span',
        id: suggestion.id,
        label: suggestion.label,
        start: suggestion.start,
        end: suggestion.end,
        ...tail,
      };
  }
}

/** A record with its keys in the fixed order, empty optional parts dropped: the same content, the same line. */
export function canonicalRecord(record: ItemAnnotation): ItemAnnotation {
  const result: ItemAnnotation = { item: record.item };
  if (record.classes) result.classes = [...record.classes];
  if (record.boxes)
    result.boxes = record.boxes.map(({ id, label, left, top, right, bottom }) => ({
      id,
      label,
      left,
      top,
      right,
      bottom,
    }));
  if (record.polygons) result.polygons = record.polygons.map(({ id, label, segments }) => ({ id, label, segments }));
  if (record.spans) result.spans = record.spans.map(({ id, label, start, end }) => ({ id, label, start, end }));
  if (record.suggestions && record.suggestions.length > 0)
    result.suggestions = record.suggestions.map(canonicalSuggestion);
  if (record.updatedBy !== undefined) result.updatedBy = record.updatedBy;
  if (record.updatedAt !== undefined) result.updatedAt = record.updatedAt;
  return result;
}

export function formatRecordLine(record: ItemAnnotation): string {
  return JSON.stringify(canonicalRecord(record));
}

/** Whether a record counts as labeled for the task (its field is there, even empty). */
export function isLabeled(record: ItemAnnotation | undefined, task: TaskType): boolean {
  if (!record) return false;
  const value = record[annotationKindOf(task)];
  if (!value) return false;
  // A single-class task has no "none of these": an empty list means the class was cleared.
  if (annotationKindOf(task) === 'classes' && !isMultiLabel(task)) return value.length === 1;
  return true;
}

/** The label names a record's accepted annotations use. */
export function labelsUsedBy(record: ItemAnnotation): string[] {
  const names = new Set<string>(record.classes ?? []);
  for (const shape of [...(record.boxes ?? []), ...(record.polygons ?? []), ...(record.spans ?? [])])
    names.add(shape.label);
  return [...names];
}
