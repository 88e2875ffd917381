// The labeling editor: one project's items, one at a time, with the tools of its task.
// The shapes repeat the labeling model's (src/core/labeling/model.ts) structurally: a contract stands alone.
import type { ContractNames } from '../messaging';

export type TaskType =
  | 'image-classification'
  | 'image-classification-multilabel'
  | 'object-detection'
  | 'instance-segmentation'
  | 'text-classification'
  | 'text-classification-multilabel'
  | 'text-ner';
export type AnnotationKind = 'classes' | 'boxes' | 'polygons' | 'spans';

export interface LabelDefinition {
  name: string;
  color: string;
  hotkey?: string;
}

interface Shape {
  id: string;
  label: string;
}
export type SuggestionState = Shape & {
  kind: 'class' | 'box' | 'polygon' | 'span';
  score?: number;
  left?: number;
  top?: number;
  right?: number;
  bottom?: number;
  segments?: number[][];
  start?: number;
  end?: number;
};

/** An item's record, in normalized coordinates and UTF-16 offsets. */
export interface ItemAnnotation {
  item: string;
  classes?: string[];
  boxes?: (Shape & Rect)[];
  polygons?: (Shape & { segments: number[][] })[];
  spans?: (Shape & { start: number; end: number })[];
  suggestions?: SuggestionState[];
}

export interface ItemFilterState {
  unlabeled: boolean;
  /** Only items using this label. */
  label?: string;
}

/** Everything about the project the page shows around the item; sent whole when any of it changes. */
export interface ProjectState {
  /** The project file's name. */
  title: string;
  task: TaskType;
  kind: AnnotationKind;
  multiLabel: boolean;
  image: boolean;
  labels: LabelDefinition[];
  filter: ItemFilterState;
  /** Whether the thumbnail grid is offered (image classification). */
  grid: boolean;
}

/** Counted after the first picture is drawn, and again after each change. */
export interface ProgressState {
  labeled: number;
  total: number;
  /** How many items the filter lets through. */
  shown: number;
}

/**
 * Where the changes stand on disk. An edit shows at once but as pending until the host says it is durable: only
 * then is it out of `pending`.
 */
export interface SaveState {
  /** Items with a change not on disk yet. */
  pending: string[];
  /** Why the last write failed; the pending changes stay in the editor until a write succeeds. */
  failure?: { message: string; file: string };
}

/** One thumbnail of the grid: the item and its classes. */
export interface GridCell {
  id: string;
  classes: string[];
  labeled: boolean;
}

/** The items the filter shows, in order, for the thumbnail grid; the page draws only the visible ones. */
export interface GridState {
  cells: GridCell[];
  /**
   * The image folder through `webview.asWebviewUri`: a cell's picture is this, `/`, and its id's path segments,
   * each URI-encoded.
   */
  imageBase: string;
}

/** The item in the editor. */
export interface ItemState {
  id: string;
  /** Position among the items the filter shows (0-based), and how many it shows. */
  index: number;
  count: number;
  /** The image, through `webview.asWebviewUri`. */
  imageUri?: string;
  /** The images of the items likely to be shown next (the following ones, then the one before), to decode early. */
  prefetch?: string[];
  text?: string;
  annotation: ItemAnnotation;
  labeled: boolean;
}

/** Something the page shows above the item until it is resolved. */
export type Problem =
  { kind: 'corrupt'; file: string; lines: { line: number; reason: string }[] } | { kind: 'error'; message: string };

export type Rect = { left: number; top: number; right: number; bottom: number };

/** One label action: each is one step of VS Code's undo stack. */
export type LabelEdit =
  | { action: 'toggleClass'; item: string; label: string }
  | { action: 'addBox'; item: string; label: string; rect: Rect }
  | { action: 'updateBox'; item: string; id: string; rect: Rect }
  | { action: 'setBoxLabel'; item: string; id: string; label: string }
  | { action: 'deleteBox'; item: string; id: string }
  /** One outline as `[x1, y1, x2, y2, …]`, normalized. */
  | { action: 'addPolygon'; item: string; label: string; points: number[] }
  /** The outlines after a point or the whole shape was dragged, normalized. */
  | { action: 'updatePolygon'; item: string; id: string; segments: number[][] }
  | { action: 'setPolygonLabel'; item: string; id: string; label: string }
  | { action: 'deletePolygon'; item: string; id: string }
  /** Offsets into the item's text; the store widens them to whole tokens. */
  | { action: 'addSpan'; item: string; label: string; start: number; end: number }
  | { action: 'deleteSpan'; item: string; id: string }
  | { action: 'markEmpty'; item: string }
  | { action: 'clear'; item: string }
  | { action: 'acceptSuggestion'; item: string; id: string }
  | { action: 'rejectSuggestion'; item: string; id: string }
  | { action: 'acceptAllSuggestions'; item: string }
  | { action: 'rejectAllSuggestions'; item: string };

export type Navigation = 'next' | 'previous' | 'nextUnlabeled' | 'first';

/** A number key over the grid's selection: one edit of VS Code's undo stack for every item in it. */
export interface ClassifyItems {
  items: string[];
  label: string;
}

export type ToLabeling = {
  project: ProjectState;
  progress: ProgressState;
  save: SaveState;
  /** The whole grid: when it opens, and when the filter or the items shown change. */
  grid: GridState;
  /** Cells whose classes changed, by id, while the list itself stayed the same. */
  gridCells: { cells: GridCell[] };
  /** The item to show; null when the filter shows none (or the source has none). */
  item: ItemState | null;
  /** The item's annotations changed (an edit, undo, redo, a reload). */
  annotation: { item: string; annotation: ItemAnnotation; labeled: boolean };
  /** null clears the banner. */
  problem: Problem | null;
  /** A passing message: an edit that was refused, an export that finished. */
  notice: { message: string; severity: 'info' | 'warning' };
};

export type FromLabeling = {
  navigate: { to: Navigation };
  filter: ItemFilterState;
  edit: LabelEdit;
  classifyItems: ClassifyItems;
  /** The page shows the grid (true) or one item (false). */
  gridView: { shown: boolean };
  /** Enter on a thumbnail: show this item in the single view. */
  open: { item: string };
  /** Write the pending changes again after a failed write. */
  retrySave: null;
  /** Show the annotations file in the Explorer. */
  revealAnnotations: null;
  resolveCorrupt: { choice: 'discard' | 'keepAside' };
  export: null;
  /** Open the project file as JSON (when it cannot be opened as a project). */
  openAsText: null;
  /** The page drew an item (tests wait for it). */
  rendered: { item: string };
  /** Pictures started or stopped loading: `loading` is 0 once none is in flight (see pictureLoads.ts). */
  pictureLoads: { loading: number };
};

export const labelingMessageNames = {
  toWebview: {
    project: true,
    progress: true,
    save: true,
    grid: true,
    gridCells: true,
    item: true,
    annotation: true,
    problem: true,
    notice: true,
  },
  fromWebview: {
    navigate: true,
    filter: true,
    edit: true,
    classifyItems: true,
    gridView: true,
    open: true,
    retrySave: true,
    revealAnnotations: true,
    resolveCorrupt: true,
    export: true,
    openAsText: true,
    rendered: true,
    pictureLoads: true,
  },
} as const satisfies ContractNames<ToLabeling, FromLabeling>;
