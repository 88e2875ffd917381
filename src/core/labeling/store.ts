/**
 * LabelStore: a labeling project in memory, every change durable on disk before its promise resolves.
 *
 * How changes reach the disk: each change rewrites the whole annotations file atomically (temporary file,
 * fsync, rename, fsync of the folder; see atomicFile.ts). Why not an append-only journal: the file people
 * commit must be the complete, sorted JSON Lines at every moment (a journal would leave git a stale file until
 * compaction), and a rewrite is cheap here. Only labeled items have a record, each record's line is cached
 * so a change re-serializes one line, and a 10,000-item project is a few megabytes: written and flushed in a
 * few milliseconds to a few tens on an SSD. Changes that arrive while a write is under way are committed
 * together by the next write (group commit), so a burst of edits costs one more write, not one each.
 *
 * What is never lost or overwritten: an acknowledged change is on disk (the promise resolved after the
 * rename was flushed). A line that does not parse is reported with its line number and kept: while any is
 * unresolved the store refuses to write, until the user chooses discardCorruptLines() or
 * keepCorruptLinesAside(). A project file that stops parsing after an external change (a merge conflict)
 * likewise blocks writing until it parses again. A change whose write fails stays in memory as unsaved
 * (`unsavedItems`, a `saveFailed` change) until a later write succeeds; a reload meanwhile keeps it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { hashContent, removeStaleTemporaries, writeFileAtomic } from './atomicFile';
import type { FileIdentity } from './atomicFile';
import { listSourceItems, projectFolder } from './items';
import type { LabelItem } from './items';
import {
  ANNOTATIONS_FILE_SUFFIX,
  PROJECT_FILE_SUFFIX,
  PROJECT_FILE_VERSION,
  annotationKindOf,
  canonicalRecord,
  compareItemIds,
  sortByItemId,
  defaultLabelColor,
  formatProjectFile,
  formatRecordLine,
  isLabeled,
  isMultiLabel,
  labelSetProblem,
  labelsUsedBy,
  parseProjectFile,
  recordProblem,
  roundCoordinate,
} from './model';
import type {
  AnnotationKind,
  Box,
  ItemAnnotation,
  LabelDefinition,
  LabelProject,
  Polygon,
  ProjectSource,
  Span,
  Suggestion,
  TaskType,
} from './model';
import { snapToTokens } from './text';

export interface CorruptLine {
  /** 1-based line number in the annotations file. */
  line: number;
  text: string;
  reason: string;
}

export class LabelStoreError extends Error {}

/**
 * A change was made but could not be written: it stays in the store, unsaved, and the next write (another
 * change, or saveNow()) carries it to disk.
 */
export class LabelWriteError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`The labels could not be saved to ${basename(file)}: ${reason}`);
  }
}

/** Writing is refused while the annotations file has lines the user has not decided about. */
export class CorruptLinesPendingError extends LabelStoreError {
  constructor(readonly lines: readonly CorruptLine[]) {
    super(
      `The annotations file has ${lines.length} unreadable line${lines.length === 1 ? '' : 's'} ` +
        `(${lines
          .slice(0, 5)
          .map((line) => line.line)
          .join(', ')}${lines.length > 5 ? ', …' : ''}); ` +
        'nothing is written until they are discarded or kept aside.',
    );
  }
}

export class SpanOverlapError extends LabelStoreError {
  constructor(readonly existing: Span) {
    super(`The span overlaps "${existing.label}" at ${existing.start}–${existing.end}.`);
  }
}

export interface NewProject {
  task: TaskType;
  labels: (Omit<LabelDefinition, 'color'> & { color?: string })[];
  source: ProjectSource;
  /** Defaults to `<name>.labels.jsonl` next to the project file. */
  annotationsFile?: string;
}

export interface StoreOptions {
  /** Recorded as `updatedBy`, with `updatedAt`, on every record this store changes; nothing is recorded without it. */
  author?: string;
  now?: () => Date;
  /** Writes the annotations file; writeFileAtomic unless a test holds a write open or makes it fail. */
  writeAnnotations?: (path: string, content: string) => Promise<FileIdentity>;
}

export type StoreChange =
  /** Items changed in memory; they are unsaved until a `saved` change names them. */
  | { kind: 'annotations'; items: string[] }
  /** These items' changes are durable on disk. */
  | { kind: 'saved'; items: string[] }
  /** A write failed: `items` are still unsaved. */
  | { kind: 'saveFailed'; items: string[]; error: LabelWriteError }
  | { kind: 'labels' }
  /** Reloaded after an external change: everything may differ. */
  | { kind: 'reloaded' };

export interface Progress {
  labeled: number;
  total: number;
}

export interface ItemFilter {
  unlabeled?: boolean;
  /** Items whose accepted annotations use this label. */
  label?: string;
  withSuggestions?: boolean;
}

export type Rect = Pick<Box, 'left' | 'top' | 'right' | 'bottom'>;
/** A suggestion before the store gives it an id. */
export type SuggestionInput = Suggestion extends infer S ? (S extends Suggestion ? Omit<S, 'id'> : never) : never;

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

function newId(): string {
  return randomBytes(4).toString('hex');
}

function clamp01(value: number): number {
  return roundCoordinate(Math.min(1, Math.max(0, value)));
}

function normalizeRect(rect: Rect): Rect {
  const values = [rect.left, rect.top, rect.right, rect.bottom];
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value)))
    throw new LabelStoreError('A box needs four numbers.');
  const left = clamp01(Math.min(rect.left, rect.right));
  const right = clamp01(Math.max(rect.left, rect.right));
  const top = clamp01(Math.min(rect.top, rect.bottom));
  const bottom = clamp01(Math.max(rect.top, rect.bottom));
  if (right <= left || bottom <= top)
    throw new LabelStoreError('A box must have a width and a height inside the image.');
  return { left, top, right, bottom };
}

function normalizeSegments(segments: readonly (readonly number[])[]): number[][] {
  if (segments.length === 0) throw new LabelStoreError('A polygon needs at least one outline.');
  return segments.map((segment) => {
    if (segment.length < 6 || segment.length % 2 !== 0 || !segment.every(Number.isFinite))
      throw new LabelStoreError('A polygon outline needs at least three points, as x, y pairs.');
    return segment.map(clamp01);
  });
}

function overlapping(spans: readonly Span[], start: number, end: number, except?: string): Span | undefined {
  return spans.find((span) => span.id !== except && span.start < end && span.end > start);
}

function isEmptyRecord(record: ItemAnnotation): boolean {
  return (
    record.classes === undefined &&
    record.boxes === undefined &&
    record.polygons === undefined &&
    record.spans === undefined &&
    (record.suggestions === undefined || record.suggestions.length === 0)
  );
}

export function defaultAnnotationsFile(projectFilePath: string): string {
  const name = basename(projectFilePath);
  const stem = name.endsWith(PROJECT_FILE_SUFFIX)
    ? name.slice(0, -PROJECT_FILE_SUFFIX.length)
    : name.replace(/\.json$/, '');
  return `${stem}${ANNOTATIONS_FILE_SUFFIX}`;
}

interface ParsedAnnotations {
  records: Map<string, ItemAnnotation>;
  corrupt: CorruptLine[];
}

function parseAnnotations(text: string): ParsedAnnotations {
  const records = new Map<string, ItemAnnotation>();
  const firstLine = new Map<string, number>();
  const corrupt: CorruptLine[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) return;
    const number = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      corrupt.push({ line: number, text: line, reason: `not JSON (${(error as Error).message})` });
      return;
    }
    const problem = recordProblem(value);
    if (problem) {
      corrupt.push({ line: number, text: line, reason: problem });
      return;
    }
    const record = canonicalRecord(value as ItemAnnotation);
    const earlier = firstLine.get(record.item);
    if (earlier !== undefined) {
      corrupt.push({
        line: number,
        text: line,
        reason: `a second record for ${record.item} (the first is line ${earlier})`,
      });
      return;
    }
    firstLine.set(record.item, number);
    records.set(record.item, record);
  });
  return { records, corrupt };
}

async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function identityOf(path: string, content: Buffer | undefined): Promise<FileIdentity | undefined> {
  if (!content) return undefined;
  const info = await stat(path);
  return { hash: hashContent(content), size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
}

export class LabelStore {
  private readonly records: Map<string, ItemAnnotation>;
  private readonly lines = new Map<string, string>();
  private sortedIds: string[];
  private corrupt: CorruptLine[];
  private projectFileProblem: string | undefined;
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private tail: Promise<void> = Promise.resolve();
  private annotationWaiters: Waiter[] = [];
  private annotationWriteQueued = false;
  private itemsCache: LabelItem[] | undefined;
  /** Items changed in memory and not yet on disk, with the change's sequence number. */
  private readonly unsaved = new Map<string, number>();
  private changeSequence = 0;
  private writeFailure: LabelWriteError | undefined;

  private constructor(
    readonly projectFilePath: string,
    private state: LabelProject,
    parsed: ParsedAnnotations,
    private projectIdentity: FileIdentity | undefined,
    private annotationsIdentity: FileIdentity | undefined,
    private readonly options: StoreOptions,
  ) {
    this.records = parsed.records;
    this.corrupt = parsed.corrupt;
    for (const [id, record] of this.records) this.lines.set(id, formatRecordLine(record));
    this.sortedIds = sortByItemId([...this.records.keys()], (id) => id);
  }

  /** Writes a new project file and an empty annotations file, then opens them. */
  static async create(projectFilePath: string, init: NewProject, options: StoreOptions = {}): Promise<LabelStore> {
    const labels = init.labels.map((label, index) => ({ ...label, color: label.color ?? defaultLabelColor(index) }));
    const project: LabelProject = {
      version: PROJECT_FILE_VERSION,
      task: init.task,
      labels,
      source: init.source,
      annotationsFile: init.annotationsFile ?? defaultAnnotationsFile(projectFilePath),
    };
    if (await readIfThere(projectFilePath))
      throw new LabelStoreError(`${basename(projectFilePath)} already exists; open it instead.`);
    // Parsing what would be written checks it the same way open() will.
    parseProjectFile(formatProjectFile(project));
    const annotationsPath = resolve(projectFolder(projectFilePath), project.annotationsFile);
    if (!(await readIfThere(annotationsPath))) await writeFileAtomic(annotationsPath, '');
    await writeFileAtomic(projectFilePath, formatProjectFile(project));
    return LabelStore.open(projectFilePath, options);
  }

  static async open(projectFilePath: string, options: StoreOptions = {}): Promise<LabelStore> {
    const projectPath = resolve(projectFilePath);
    const projectBytes = await readFile(projectPath);
    const project = parseProjectFile(projectBytes.toString('utf8'));
    const annotationsPath = resolve(dirname(projectPath), project.annotationsFile);
    await removeStaleTemporaries(annotationsPath);
    await removeStaleTemporaries(projectPath);
    const annotationBytes = await readIfThere(annotationsPath);
    const parsed = parseAnnotations(annotationBytes?.toString('utf8') ?? '');
    return new LabelStore(
      projectPath,
      project,
      parsed,
      await identityOf(projectPath, projectBytes),
      await identityOf(annotationsPath, annotationBytes),
      options,
    );
  }

  // ---- Reading ------------------------------------------------------------------------------------------------

  /** The project as last read or written. Treat as read-only; change it through the methods below. */
  get project(): LabelProject {
    return this.state;
  }

  get task(): TaskType {
    return this.state.task;
  }

  get labels(): readonly LabelDefinition[] {
    return this.state.labels;
  }

  get annotationsFilePath(): string {
    return resolve(dirname(this.projectFilePath), this.state.annotationsFile);
  }

  /** Lines of the annotations file that could not be read; writing waits until they are dealt with. */
  get corruptLines(): readonly CorruptLine[] {
    return this.corrupt;
  }

  /** Why the project file on disk cannot be read after an external change, if it cannot. */
  get projectProblem(): string | undefined {
    return this.projectFileProblem;
  }

  /** Label names annotations use that the label set lacks (after a merge, or a crash mid-rename). */
  get unknownLabels(): string[] {
    const known = new Set(this.state.labels.map((label) => label.name));
    const unknown = new Set<string>();
    for (const record of this.records.values()) {
      for (const name of labelsUsedBy(record)) if (!known.has(name)) unknown.add(name);
      for (const suggestion of record.suggestions ?? [])
        if (!known.has(suggestion.label)) unknown.add(suggestion.label);
    }
    return [...unknown].sort();
  }

  annotation(item: string): ItemAnnotation | undefined {
    const record = this.records.get(item);
    return record ? structuredClone(record) : undefined;
  }

  /**
   * Every record, sorted by item id: copies, parsed from each record's cached line (its exact JSON), which for
   * 10,000 records costs a third of structuredClone.
   */
  annotations(): ItemAnnotation[] {
    return this.sortedIds.map((id) => JSON.parse(this.lines.get(id) as string) as ItemAnnotation);
  }

  /** Items whose latest change is not on disk yet (being written, or after a failed write). */
  get unsavedItems(): string[] {
    return [...this.unsaved.keys()];
  }

  /** Why the last write failed, while its changes are still unsaved. */
  get lastWriteFailure(): LabelWriteError | undefined {
    return this.writeFailure;
  }

  isLabeled(item: string): boolean {
    return isLabeled(this.records.get(item), this.state.task);
  }

  onDidChange(listener: (change: StoreChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  // ---- Items ----------------------------------------------------------------------------------------------------

  /** The source's items, sorted by id; read once, again after refresh. */
  async listItems(refresh = false): Promise<LabelItem[]> {
    if (!this.itemsCache || refresh) this.itemsCache = await listSourceItems(this.projectFilePath, this.state);
    return this.itemsCache;
  }

  progress(items: readonly LabelItem[]): Progress {
    let labeled = 0;
    for (const item of items) if (this.isLabeled(item.id)) labeled++;
    return { labeled, total: items.length };
  }

  filterItems(items: readonly LabelItem[], filter: ItemFilter): LabelItem[] {
    return items.filter((item) => {
      const record = this.records.get(item.id);
      if (filter.unlabeled && isLabeled(record, this.state.task)) return false;
      if (filter.label !== undefined && !(record && labelsUsedBy(record).includes(filter.label))) return false;
      if (filter.withSuggestions && !(record?.suggestions && record.suggestions.length > 0)) return false;
      return true;
    });
  }

  /** The first unlabeled item after `afterItem` in list order, wrapping around; undefined when all are labeled. */
  nextUnlabeled(items: readonly LabelItem[], afterItem?: string): LabelItem | undefined {
    const start = afterItem === undefined ? -1 : items.findIndex((item) => item.id === afterItem);
    for (let step = 1; step <= items.length; step++) {
      const item = items[(start + step + items.length) % items.length];
      if (item.id !== afterItem && !this.isLabeled(item.id)) return item;
    }
    return undefined;
  }

  // ---- Classification -------------------------------------------------------------------------------------------

  /** Sets an item's classes (one at most for single-class tasks; an empty list clears a single class). */
  async setClasses(item: string, classes: readonly string[]): Promise<void> {
    this.requireKind('classes');
    const unique = this.orderedLabels(classes);
    if (!isMultiLabel(this.state.task) && unique.length > 1)
      throw new LabelStoreError('This project gives each item one class.');
    return this.change(item, (record) => {
      if (unique.length === 0 && !isMultiLabel(this.state.task)) delete record.classes;
      else record.classes = unique;
    });
  }

  /** The hotkey action: single-class sets the class (or clears it when it is the one set); multi-label toggles it. */
  async toggleClass(item: string, label: string): Promise<void> {
    this.requireKind('classes');
    const current = this.records.get(item)?.classes ?? [];
    if (!isMultiLabel(this.state.task)) return this.setClasses(item, current[0] === label ? [] : [label]);
    return this.setClasses(
      item,
      current.includes(label) ? current.filter((name) => name !== label) : [...current, label],
    );
  }

  /** Marks an item labeled with nothing in it: no objects, no entities, none of the labels (multi-label). */
  async markLabeledEmpty(item: string): Promise<void> {
    const kind = annotationKindOf(this.state.task);
    if (kind === 'classes' && !isMultiLabel(this.state.task))
      throw new LabelStoreError('A single-class item cannot be labeled with no class.');
    return this.change(item, (record) => {
      record[kind] = [];
    });
  }

  /** Makes an item unlabeled again (its suggestions stay). */
  async clearItem(item: string): Promise<void> {
    const kind = annotationKindOf(this.state.task);
    return this.change(item, (record) => {
      delete record[kind];
    });
  }

  /**
   * Puts an item's record back as it was (undefined: no record), stamps and suggestions included: what undo
   * and redo of an editor's edit use, so they restore exactly the state they captured.
   */
  async restoreAnnotation(item: string, record: ItemAnnotation | undefined): Promise<void> {
    return this.restoreAnnotations(new Map([[item, record]]));
  }

  /** restoreAnnotation for several items at once: one write, one change. */
  async restoreAnnotations(records: ReadonlyMap<string, ItemAnnotation | undefined>): Promise<void> {
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const [item, record] of records) {
      if (record !== undefined && record.item !== item)
        throw new LabelStoreError(`The record of ${record.item} cannot be restored as ${item}.`);
      if (record !== undefined) {
        const problem = recordProblem(record);
        if (problem) throw new LabelStoreError(`The record of ${item} cannot be restored: ${problem}.`);
      }
      changes.set(item, (draft) => {
        for (const key of Object.keys(draft) as (keyof ItemAnnotation)[]) delete draft[key];
        Object.assign(draft, structuredClone(record ?? { item }));
      });
    }
    return this.changeMany(changes, false);
  }

  /**
   * A number key over several items (the thumbnail grid's selection), as one change: single-class sets the
   * class on each; multi-label adds the label to those lacking it, or, when every one has it, removes it.
   */
  async classifyItems(items: readonly string[], label: string): Promise<void> {
    this.requireKind('classes');
    this.requireLabel(label);
    const multiLabel = isMultiLabel(this.state.task);
    const removing = multiLabel && items.every((item) => this.records.get(item)?.classes?.includes(label));
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const item of items) {
      const current = this.records.get(item)?.classes ?? [];
      let next: string[];
      if (!multiLabel) next = [label];
      else if (removing) next = current.filter((name) => name !== label);
      else next = this.orderedLabels([...current, label]);
      if (next.length === current.length && next.every((name, index) => name === current[index])) continue;
      changes.set(item, (record) => {
        record.classes = next;
      });
    }
    return this.changeMany(changes, true);
  }

  // ---- Boxes ----------------------------------------------------------------------------------------------------

  async addBox(item: string, label: string, rect: Rect): Promise<string> {
    this.requireKind('boxes');
    this.requireLabel(label);
    const box: Box = { id: newId(), label, ...normalizeRect(rect) };
    await this.change(item, (record) => {
      record.boxes = [...(record.boxes ?? []), box];
    });
    return box.id;
  }

  /** Moves or resizes a box to `rect`. */
  async updateBox(item: string, id: string, rect: Rect): Promise<void> {
    this.requireKind('boxes');
    const normalized = normalizeRect(rect);
    return this.change(item, (record) => {
      const box = this.findShape(record.boxes, id, 'box');
      Object.assign(box, normalized);
    });
  }

  /** Moves a box by (dx, dy), kept whole inside the image. */
  async moveBox(item: string, id: string, dx: number, dy: number): Promise<void> {
    this.requireKind('boxes');
    const box = this.findShape(this.records.get(item)?.boxes, id, 'box');
    const width = box.right - box.left;
    const height = box.bottom - box.top;
    const left = Math.min(1 - width, Math.max(0, box.left + dx));
    const top = Math.min(1 - height, Math.max(0, box.top + dy));
    return this.updateBox(item, id, { left, top, right: left + width, bottom: top + height });
  }

  async setBoxLabel(item: string, id: string, label: string): Promise<void> {
    this.requireLabel(label);
    return this.change(item, (record) => {
      this.findShape(record.boxes, id, 'box').label = label;
    });
  }

  async deleteBox(item: string, id: string): Promise<void> {
    return this.change(item, (record) => {
      this.findShape(record.boxes, id, 'box');
      record.boxes = (record.boxes ?? []).filter((box) => box.id !== id);
    });
  }

  // ---- Polygons -------------------------------------------------------------------------------------------------

  async addPolygon(item: string, label: string, segments: readonly (readonly number[])[]): Promise<string> {
    this.requireKind('polygons');
    this.requireLabel(label);
    const polygon: Polygon = { id: newId(), label, segments: normalizeSegments(segments) };
    await this.change(item, (record) => {
      record.polygons = [...(record.polygons ?? []), polygon];
    });
    return polygon.id;
  }

  /** Replaces a polygon's outlines (a drag of the whole shape, a redraw). */
  async updatePolygon(item: string, id: string, segments: readonly (readonly number[])[]): Promise<void> {
    const normalized = normalizeSegments(segments);
    return this.change(item, (record) => {
      this.findShape(record.polygons, id, 'polygon').segments = normalized;
    });
  }

  async moveVertex(item: string, id: string, segment: number, vertex: number, x: number, y: number): Promise<void> {
    return this.editSegment(item, id, segment, (points) => {
      if (vertex < 0 || vertex * 2 >= points.length) throw new LabelStoreError(`The polygon has no point ${vertex}.`);
      points.splice(vertex * 2, 2, x, y);
    });
  }

  /** Inserts a point before `vertex` (vertex = point count appends). */
  async insertVertex(item: string, id: string, segment: number, vertex: number, x: number, y: number): Promise<void> {
    return this.editSegment(item, id, segment, (points) => {
      if (vertex < 0 || vertex * 2 > points.length) throw new LabelStoreError(`The polygon has no point ${vertex}.`);
      points.splice(vertex * 2, 0, x, y);
    });
  }

  async deleteVertex(item: string, id: string, segment: number, vertex: number): Promise<void> {
    return this.editSegment(item, id, segment, (points) => {
      if (vertex < 0 || vertex * 2 >= points.length) throw new LabelStoreError(`The polygon has no point ${vertex}.`);
      if (points.length <= 6)
        throw new LabelStoreError('A polygon keeps at least three points; delete the polygon instead.');
      points.splice(vertex * 2, 2);
    });
  }

  async setPolygonLabel(item: string, id: string, label: string): Promise<void> {
    this.requireLabel(label);
    return this.change(item, (record) => {
      this.findShape(record.polygons, id, 'polygon').label = label;
    });
  }

  async deletePolygon(item: string, id: string): Promise<void> {
    return this.change(item, (record) => {
      this.findShape(record.polygons, id, 'polygon');
      record.polygons = (record.polygons ?? []).filter((polygon) => polygon.id !== id);
    });
  }

  private async editSegment(
    item: string,
    id: string,
    segment: number,
    edit: (points: number[]) => void,
  ): Promise<void> {
    return this.change(item, (record) => {
      const polygon = this.findShape(record.polygons, id, 'polygon');
      const points = polygon.segments[segment];
      if (!points) throw new LabelStoreError(`The polygon has no outline ${segment}.`);
      const edited = [...points];
      edit(edited);
      polygon.segments[segment] = normalizeSegments([edited])[0];
    });
  }

  // ---- Spans ----------------------------------------------------------------------------------------------------

  /**
   * Adds an entity span. With `text`, the span is first widened to whole tokens (see text.ts) and checked to
   * lie inside the text. A span overlapping another is refused with SpanOverlapError.
   */
  async addSpan(item: string, label: string, start: number, end: number, text?: string): Promise<Span> {
    this.requireKind('spans');
    this.requireLabel(label);
    const range = this.spanRange(start, end, text);
    const span: Span = { id: newId(), label, ...range };
    await this.change(item, (record) => {
      const clash = overlapping(record.spans ?? [], span.start, span.end);
      if (clash) throw new SpanOverlapError(clash);
      record.spans = [...(record.spans ?? []), span].sort((a, b) => a.start - b.start);
    });
    return span;
  }

  async updateSpan(item: string, id: string, start: number, end: number, text?: string): Promise<void> {
    const range = this.spanRange(start, end, text);
    return this.change(item, (record) => {
      const span = this.findShape(record.spans, id, 'span');
      const clash = overlapping(record.spans ?? [], range.start, range.end, id);
      if (clash) throw new SpanOverlapError(clash);
      Object.assign(span, range);
      record.spans?.sort((a, b) => a.start - b.start);
    });
  }

  async setSpanLabel(item: string, id: string, label: string): Promise<void> {
    this.requireLabel(label);
    return this.change(item, (record) => {
      this.findShape(record.spans, id, 'span').label = label;
    });
  }

  async deleteSpan(item: string, id: string): Promise<void> {
    return this.change(item, (record) => {
      this.findShape(record.spans, id, 'span');
      record.spans = (record.spans ?? []).filter((span) => span.id !== id);
    });
  }

  private spanRange(start: number, end: number, text: string | undefined): { start: number; end: number } {
    if (!Number.isInteger(start) || !Number.isInteger(end))
      throw new LabelStoreError('Span offsets are whole numbers.');
    if (text === undefined) {
      if (start < 0 || end <= start) throw new LabelStoreError('A span needs 0 ≤ start < end.');
      return { start, end };
    }
    const snapped = snapToTokens(text, start, end);
    if (!snapped) throw new LabelStoreError('The selection holds no word.');
    return snapped;
  }

  // ---- Suggestions (pre-labels) ---------------------------------------------------------------------------------

  /**
   * Stores imported pre-labels, one write for all items. Each item's earlier suggestions are replaced unless
   * `keepExisting`. Labels must be in the label set (add the importer's unknownLabels first).
   */
  async setSuggestions(
    byItem: ReadonlyMap<string, readonly SuggestionInput[]>,
    options: { keepExisting?: boolean } = {},
  ): Promise<void> {
    this.assertWritable();
    const known = new Set(this.state.labels.map((label) => label.name));
    const unknown = new Set<string>();
    for (const suggestions of byItem.values())
      for (const suggestion of suggestions) if (!known.has(suggestion.label)) unknown.add(suggestion.label);
    if (unknown.size > 0)
      throw new LabelStoreError(`The label set has no ${[...unknown].map((name) => `"${name}"`).join(', ')}.`);
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const [item, suggestions] of byItem) {
      changes.set(item, (record) => {
        const fresh = suggestions.map((suggestion) => this.normalizeSuggestion(suggestion));
        record.suggestions = [...(options.keepExisting ? (record.suggestions ?? []) : []), ...fresh];
      });
    }
    return this.changeMany(changes, false);
  }

  async acceptSuggestion(item: string, id: string): Promise<void> {
    return this.change(item, (record) => {
      const suggestion = (record.suggestions ?? []).find((candidate) => candidate.id === id);
      if (!suggestion) throw new LabelStoreError(`The item ${item} has no suggestion ${id}.`);
      this.applySuggestion(record, suggestion);
      record.suggestions = (record.suggestions ?? []).filter((candidate) => candidate.id !== id);
    });
  }

  async rejectSuggestion(item: string, id: string): Promise<void> {
    return this.change(
      item,
      (record) => {
        if (!(record.suggestions ?? []).some((candidate) => candidate.id === id))
          throw new LabelStoreError(`The item ${item} has no suggestion ${id}.`);
        record.suggestions = (record.suggestions ?? []).filter((candidate) => candidate.id !== id);
      },
      false,
    );
  }

  /**
   * Accepts every suggestion of one item, or of all items. A single-class item takes its best-scored class
   * suggestion; a span that would overlap an accepted one stays a suggestion. Says how many were accepted and
   * how many stayed.
   */
  async acceptAllSuggestions(item?: string): Promise<{ accepted: number; kept: number }> {
    let accepted = 0;
    let kept = 0;
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const id of item === undefined ? this.sortedIds : [item]) {
      if (!this.records.get(id)?.suggestions?.length) continue;
      changes.set(id, (record) => {
        const remaining: Suggestion[] = [];
        let suggestions = record.suggestions ?? [];
        if (annotationKindOf(this.state.task) === 'classes' && !isMultiLabel(this.state.task)) {
          const best = [...suggestions]
            .filter((suggestion) => suggestion.kind === 'class')
            .sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
          suggestions = best ? [best] : [];
        }
        for (const suggestion of suggestions) {
          try {
            this.applySuggestion(record, suggestion);
            accepted++;
          } catch (error) {
            if (!(error instanceof LabelStoreError)) throw error;
            remaining.push(suggestion);
            kept++;
          }
        }
        record.suggestions = remaining;
      });
    }
    await this.changeMany(changes, true);
    return { accepted, kept };
  }

  async rejectAllSuggestions(item?: string): Promise<void> {
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const id of item === undefined ? this.sortedIds : [item]) {
      if (!this.records.get(id)?.suggestions?.length) continue;
      changes.set(id, (record) => {
        delete record.suggestions;
      });
    }
    return this.changeMany(changes, false);
  }

  private normalizeSuggestion(input: SuggestionInput): Suggestion {
    const id = newId();
    switch (input.kind) {
      case 'class':
        return { ...input, id };
      case 'box':
        return { ...input, id, ...normalizeRect(input) };
      case 'polygon':
        return { ...input, id, segments: normalizeSegments(input.segments) };
      case 'span':
        if (
          !Number.isInteger(input.start) ||
          !Number.isInteger(input.end) ||
          input.end <= input.start ||
          input.start < 0
        )
          throw new LabelStoreError('A span suggestion needs whole numbers 0 ≤ start < end.');
        return { ...input, id };
    }
  }

  private applySuggestion(record: ItemAnnotation, suggestion: Suggestion): void {
    const kind = annotationKindOf(this.state.task);
    const expected = { classes: 'class', boxes: 'box', polygons: 'polygon', spans: 'span' }[kind];
    if (suggestion.kind !== expected)
      throw new LabelStoreError(`A ${suggestion.kind} suggestion does not fit this task.`);
    this.requireLabel(suggestion.label);
    switch (suggestion.kind) {
      case 'class':
        if (isMultiLabel(this.state.task))
          record.classes = this.orderedLabels([...(record.classes ?? []), suggestion.label]);
        else record.classes = [suggestion.label];
        return;
      case 'box': {
        const { label, left, top, right, bottom } = suggestion;
        record.boxes = [...(record.boxes ?? []), { id: newId(), label, left, top, right, bottom }];
        return;
      }
      case 'polygon':
        record.polygons = [
          ...(record.polygons ?? []),
          { id: newId(), label: suggestion.label, segments: suggestion.segments },
        ];
        return;
      case 'span': {
        const clash = overlapping(record.spans ?? [], suggestion.start, suggestion.end);
        if (clash) throw new SpanOverlapError(clash);
        const span = { id: newId(), label: suggestion.label, start: suggestion.start, end: suggestion.end };
        record.spans = [...(record.spans ?? []), span].sort((a, b) => a.start - b.start);
        return;
      }
    }
  }

  // ---- The label set --------------------------------------------------------------------------------------------

  async addLabel(label: Omit<LabelDefinition, 'color'> & { color?: string }): Promise<void> {
    const definition: LabelDefinition = {
      ...label,
      color: label.color ?? defaultLabelColor(this.state.labels.length),
    };
    return this.changeProject({ ...this.state, labels: [...this.state.labels, definition] });
  }

  /** Changes a label's colour or hotkey (`hotkey: null` removes it). */
  async updateLabel(name: string, change: { color?: string; hotkey?: string | null }): Promise<void> {
    this.requireLabel(name);
    const labels = this.state.labels.map((label) => {
      if (label.name !== name) return label;
      const updated: LabelDefinition = { ...label, ...(change.color === undefined ? {} : { color: change.color }) };
      if (change.hotkey === null) delete updated.hotkey;
      else if (change.hotkey !== undefined) updated.hotkey = change.hotkey;
      return updated;
    });
    return this.changeProject({ ...this.state, labels });
  }

  /** Reorders the label set (the order exports number categories in). */
  async reorderLabels(names: readonly string[]): Promise<void> {
    const current = this.state.labels.map((label) => label.name);
    if (names.length !== current.length || !current.every((name) => names.includes(name)))
      throw new LabelStoreError('Reordering must name every label once.');
    const byName = new Map(this.state.labels.map((label) => [label.name, label]));
    return this.changeProject({ ...this.state, labels: names.map((name) => byName.get(name) as LabelDefinition) });
  }

  /**
   * Renames a label in the label set and in every annotation and suggestion. The project file is written
   * first: a crash between the two writes leaves annotations with the old name, which `unknownLabels` shows
   * and a second rename (or addLabel) repairs.
   */
  async renameLabel(from: string, to: string): Promise<void> {
    this.requireLabel(from);
    if (from === to) return;
    if (this.state.labels.some((label) => label.name === to))
      throw new LabelStoreError(`There is already a label "${to}".`);
    const labels = this.state.labels.map((label) => (label.name === from ? { ...label, name: to } : label));
    await this.changeProject({ ...this.state, labels });
    await this.rewriteLabels((name) => (name === from ? to : name));
  }

  /**
   * Deletes a label and everything labeled with it. An item whose annotations all go becomes unlabeled
   * rather than "labeled with nothing".
   */
  async deleteLabel(name: string): Promise<void> {
    this.requireLabel(name);
    this.assertWritable();
    await this.rewriteLabels((label) => (label === name ? undefined : label));
    await this.changeProject({ ...this.state, labels: this.state.labels.filter((label) => label.name !== name) });
  }

  private async rewriteLabels(map: (name: string) => string | undefined): Promise<void> {
    const changes = new Map<string, (record: ItemAnnotation) => void>();
    for (const [id, record] of this.records) {
      const uses = [...labelsUsedBy(record), ...(record.suggestions ?? []).map((suggestion) => suggestion.label)];
      if (!uses.some((name) => map(name) !== name)) continue;
      changes.set(id, (draft) => {
        if (draft.classes) {
          const classes = draft.classes.map(map).filter((name): name is string => name !== undefined);
          if (classes.length === 0 && draft.classes.length > 0) delete draft.classes;
          else draft.classes = classes;
        }
        for (const kind of ['boxes', 'polygons', 'spans'] as const) {
          const shapes = draft[kind] as (Box | Polygon | Span)[] | undefined;
          if (!shapes) continue;
          const kept = shapes.filter((shape) => map(shape.label) !== undefined);
          kept.forEach((shape) => (shape.label = map(shape.label) as string));
          if (kept.length === 0 && shapes.length > 0) delete draft[kind];
          else Object.assign(draft, { [kind]: kept });
        }
        if (draft.suggestions) {
          draft.suggestions = draft.suggestions.filter((suggestion) => map(suggestion.label) !== undefined);
          draft.suggestions.forEach((suggestion) => (suggestion.label = map(suggestion.label) as string));
        }
      });
    }
    return this.changeMany(changes, true);
  }

  // ---- Corrupt lines and external changes -----------------------------------------------------------------------

  /** Drops the unreadable lines and writes the file without them. */
  async discardCorruptLines(): Promise<void> {
    this.corrupt = [];
    return this.persistAnnotations();
  }

  /**
   * Moves the unreadable lines, as they were, to `<name>.corrupt-<time>.jsonl` next to the annotations file,
   * then writes the annotations without them. Returns the new file's path.
   */
  async keepCorruptLinesAside(): Promise<string> {
    const stamp = (this.options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
    const stem = this.annotationsFilePath.replace(/\.jsonl$/, '');
    const aside = `${stem}.corrupt-${stamp}.jsonl`;
    const lines = this.corrupt;
    if (lines.length === 0) return aside;
    await this.enqueue(async () => {
      await writeFileAtomic(aside, lines.map((line) => `${line.text}\n`).join(''));
    });
    this.corrupt = [];
    await this.persistAnnotations();
    return aside;
  }

  /**
   * Reads both files again if something other than this store changed them (a git pull, another window).
   * The store's own writes are recognized by identity (inode, size, time) and content hash, so they never
   * count as external. Says which file was reloaded.
   */
  async reloadIfChangedOnDisk(): Promise<{ project: boolean; annotations: boolean }> {
    let result = { project: false, annotations: false };
    return this.enqueue(async () => {
      result = await this.reloadNow();
    }).then(() => result);
  }

  private async reloadNow(): Promise<{ project: boolean; annotations: boolean }> {
    const projectChange = await this.readIfChanged(this.projectFilePath, this.projectIdentity);
    let project = false;
    if (projectChange) {
      this.projectIdentity = projectChange.identity;
      try {
        const parsed = parseProjectFile(projectChange.bytes.toString('utf8'));
        this.projectFileProblem = undefined;
        project = true;
        if (parsed.annotationsFile !== this.state.annotationsFile) this.annotationsIdentity = undefined;
        if (JSON.stringify(parsed.source) !== JSON.stringify(this.state.source)) this.itemsCache = undefined;
        this.state = parsed;
      } catch (error) {
        this.projectFileProblem = (error as Error).message;
      }
    }
    const annotationsChange = await this.readIfChanged(this.annotationsFilePath, this.annotationsIdentity);
    let annotations = false;
    if (annotationsChange) {
      this.annotationsIdentity = annotationsChange.identity;
      const parsed = parseAnnotations(annotationsChange.bytes.toString('utf8'));
      // Changes not yet on disk (a write failed) stay as they are: the next write carries them over what was read.
      for (const item of this.unsaved.keys()) {
        const record = this.records.get(item);
        if (record) parsed.records.set(item, record);
        else parsed.records.delete(item);
      }
      this.records.clear();
      this.lines.clear();
      for (const [id, record] of parsed.records) {
        this.records.set(id, record);
        this.lines.set(id, formatRecordLine(record));
      }
      this.sortedIds = sortByItemId([...this.records.keys()], (id) => id);
      this.corrupt = parsed.corrupt;
      annotations = true;
    }
    if (project || annotations) this.emit({ kind: 'reloaded' });
    return { project, annotations };
  }

  /**
   * The file's bytes and identity when they differ from what this store last read or wrote; undefined when
   * they do not. A file that is gone (a checkout of a branch without it) reads as empty, and is not written
   * again before the next change.
   */
  private async readIfChanged(
    path: string,
    known: FileIdentity | undefined,
  ): Promise<{ bytes: Buffer; identity: FileIdentity | undefined } | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return known ? { bytes: Buffer.alloc(0), identity: undefined } : undefined;
    }
    if (known && info.ino === known.ino && info.size === known.size && info.mtimeMs === known.mtimeMs) return undefined;
    const bytes = await readFile(path);
    const identity = { hash: hashContent(bytes), size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    // Touched but the same content (a `touch`, a checkout of the same file): nothing to reload.
    return known && identity.hash === known.hash ? undefined : { bytes, identity };
  }

  // ---- Writing --------------------------------------------------------------------------------------------------

  private assertWritable(): void {
    if (this.corrupt.length > 0) throw new CorruptLinesPendingError(this.corrupt);
    if (this.projectFileProblem)
      throw new LabelStoreError(`The project file cannot be read (${this.projectFileProblem}); fix it first.`);
  }

  private requireKind(kind: AnnotationKind): void {
    if (annotationKindOf(this.state.task) !== kind)
      throw new LabelStoreError(`A ${this.state.task} project has no ${kind}.`);
  }

  private requireLabel(name: string): void {
    if (!this.state.labels.some((label) => label.name === name))
      throw new LabelStoreError(`The label set has no "${name}".`);
  }

  /** Label names checked and in label-set order, each once: the same set is always the same line. */
  private orderedLabels(names: readonly string[]): string[] {
    names.forEach((name) => this.requireLabel(name));
    return this.state.labels.map((label) => label.name).filter((name) => names.includes(name));
  }

  private findShape<T extends { id: string }>(shapes: T[] | undefined, id: string, what: string): T {
    const shape = shapes?.find((candidate) => candidate.id === id);
    if (!shape) throw new LabelStoreError(`There is no ${what} ${id} on this item.`);
    return shape;
  }

  private async change(item: string, edit: (record: ItemAnnotation) => void, stamp = true): Promise<void> {
    return this.changeMany(new Map([[item, edit]]), stamp);
  }

  /**
   * Applies edits to drafts first, so an edit that throws changes nothing; then commits them all in memory
   * and resolves once they are on disk.
   */
  private async changeMany(
    edits: ReadonlyMap<string, (record: ItemAnnotation) => void>,
    stamp: boolean,
  ): Promise<void> {
    this.assertWritable();
    if (!allItemIdsValid(edits.keys())) throw new LabelStoreError('An item id must be non-empty text.');
    const drafts = new Map<string, ItemAnnotation>();
    for (const [item, edit] of edits) {
      const draft = structuredClone(this.records.get(item) ?? { item });
      edit(draft);
      if (stamp && this.options.author !== undefined) {
        draft.updatedBy = this.options.author;
        draft.updatedAt = (this.options.now?.() ?? new Date()).toISOString();
      }
      drafts.set(item, canonicalRecord(draft));
    }
    if (drafts.size === 0) return Promise.resolve();
    for (const [item, draft] of drafts) {
      this.commit(item, draft);
      this.unsaved.set(item, ++this.changeSequence);
    }
    this.emit({ kind: 'annotations', items: [...drafts.keys()] });
    return this.persistAnnotations();
  }

  private commit(item: string, record: ItemAnnotation): void {
    const existed = this.records.has(item);
    if (isEmptyRecord(record)) {
      if (!existed) return;
      this.records.delete(item);
      this.lines.delete(item);
      this.sortedIds.splice(this.indexOf(item), 1);
      return;
    }
    this.records.set(item, record);
    this.lines.set(item, formatRecordLine(record));
    if (!existed) this.sortedIds.splice(this.insertionPoint(item), 0, item);
  }

  private insertionPoint(item: string): number {
    let low = 0;
    let high = this.sortedIds.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareItemIds(this.sortedIds[middle], item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private indexOf(item: string): number {
    const index = this.insertionPoint(item);
    return this.sortedIds[index] === item ? index : this.sortedIds.indexOf(item);
  }

  private serialize(): string {
    if (this.sortedIds.length === 0) return '';
    return this.sortedIds.map((id) => this.lines.get(id)).join('\n') + '\n';
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.tail.then(job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes the unsaved changes again, after a failed write (Retry, or VS Code's Save); resolves at once when
   * everything is on disk.
   */
  async saveNow(): Promise<void> {
    // A write under way with none queued behind it carries every change: wait for it rather than write again.
    if (!this.writeFailure && this.unsaved.size > 0 && !this.annotationWriteQueued) await this.tail;
    if (this.unsaved.size === 0 && !this.writeFailure) return;
    return this.persistAnnotations();
  }

  /**
   * Resolves once the annotations as they are now are on disk; concurrent callers share one write. Listeners
   * hear `saved` (or `saveFailed`) before any caller's promise settles.
   */
  private persistAnnotations(): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.annotationWaiters.push({ resolve, reject }));
    if (!this.annotationWriteQueued) {
      this.annotationWriteQueued = true;
      void this.enqueue(async () => {
        this.annotationWriteQueued = false;
        const waiters = this.annotationWaiters.splice(0);
        // What this write carries: every change made so far; later ones wait for the next write.
        const written = this.changeSequence;
        try {
          // Corrupt lines that appeared meanwhile (a reload) must not be overwritten.
          this.assertWritable();
          const write = this.options.writeAnnotations ?? writeFileAtomic;
          this.annotationsIdentity = await write(this.annotationsFilePath, this.serialize());
        } catch (error) {
          this.writeFailure = new LabelWriteError(
            this.annotationsFilePath,
            error instanceof Error ? error.message : String(error),
          );
          this.emit({ kind: 'saveFailed', items: this.unsavedItems, error: this.writeFailure });
          waiters.forEach((waiter) => waiter.reject(this.writeFailure));
          return;
        }
        this.writeFailure = undefined;
        const saved: string[] = [];
        for (const [item, sequence] of this.unsaved) {
          if (sequence > written) continue;
          this.unsaved.delete(item);
          saved.push(item);
        }
        this.emit({ kind: 'saved', items: saved });
        waiters.forEach((waiter) => waiter.resolve());
      });
    }
    return done;
  }

  private async changeProject(next: LabelProject): Promise<void> {
    this.assertWritable();
    const problem = labelSetProblem(next.labels);
    if (problem) throw new LabelStoreError(`${problem[0].toUpperCase()}${problem.slice(1)}.`);
    this.state = next;
    this.emit({ kind: 'labels' });
    await this.enqueue(async () => {
      this.projectIdentity = await writeFileAtomic(this.projectFilePath, formatProjectFile(this.state));
    });
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the change is made either way.
      }
    }
  }
}

function allItemIdsValid(ids: Iterable<string>): boolean {
  for (const id of ids) if (typeof id !== 'string' || id.length === 0) return false;
  return true;
}

/** The project file of a folder's default project, `<folder name>.labels.json` inside it. */
export function defaultProjectFilePath(folder: string): string {
  return join(folder, `${basename(resolve(folder))}${PROJECT_FILE_SUFFIX}`);
}
