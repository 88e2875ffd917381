// One labeling editor: the webview of a project, the item it shows, its filter, and what it said and heard.
import vscode = require('vscode');
import type { LabelItem } from '../core/labeling/items';
import { annotationKindOf, isImageTask, isMultiLabel } from '../core/labeling/model';
import { LabelStoreError, LabelWriteError, type LabelStore, type StoreChange } from '../core/labeling/store';
import { WebviewHost } from '../platform/webview/webviewHost';
import type { Envelope, MessageFault } from '../webviews/messaging';
import {
  labelingMessageNames,
  type ClassifyItems,
  type FromLabeling,
  type GridCell,
  type GridState,
  type ItemFilterState,
  type ItemState,
  type LabelEdit,
  type Navigation,
  type Problem,
  type ProgressState,
  type ProjectState,
  type SaveState,
  type ToLabeling,
} from '../webviews/labeling/contract';
import type { LabelingDocument } from './document';

const BUNDLE = 'labeling';
/** What a test or a bug report may need of the conversation; older messages are let go. */
const KEPT_MESSAGES = 2000;

export interface LabelingEditorOptions {
  extensionUri: vscode.Uri;
  onFault: (fault: MessageFault) => void;
  /** Applies one label action as an undoable edit of the document. */
  applyEdit: (document: LabelingDocument, edit: LabelEdit) => Promise<void>;
  /** Applies a number key to several items as one undoable edit of the document. */
  classifyItems: (document: LabelingDocument, request: ClassifyItems) => Promise<void>;
  exportLabels: (document: LabelingDocument) => void;
  /** Writes what a failed write left unsaved, and tells VS Code the document is saved once it is. */
  save: (document: LabelingDocument) => Promise<void>;
  /** The progress changed or the editor became active or inactive. */
  onStateChange: () => void;
  log: (message: string) => void;
}

export class LabelingEditor implements vscode.Disposable {
  readonly posted: Envelope<ToLabeling>[] = [];
  readonly received: Envelope<FromLabeling>[] = [];
  private readonly host: WebviewHost<ToLabeling, FromLabeling>;
  private readonly disposables: vscode.Disposable[] = [];
  private filter: ItemFilterState = { unlabeled: false };
  /** The item shown; undefined when there is none to show. */
  current: string | undefined;
  private disposed = false;
  /** The progress last counted; undefined until the first picture has been sent. */
  private counted: ProgressState | undefined;
  /** Whether the page shows the thumbnail grid, which then hears of every change to its cells. */
  private gridShown = false;

  constructor(
    readonly document: LabelingDocument,
    readonly panel: vscode.WebviewPanel,
    private readonly options: LabelingEditorOptions,
  ) {
    const imageFolder = document.imageFolder;
    this.host = new WebviewHost<ToLabeling, FromLabeling>(panel.webview, {
      extensionUri: options.extensionUri,
      bundle: BUNDLE,
      stylesheets: [`${BUNDLE}.css`],
      resourceRoots: imageFolder ? [imageFolder] : [],
      // The thumbnail grid fetches pictures to decode them at thumbnail size.
      fetchesResources: imageFolder !== undefined,
      title: document.title,
      accepts: labelingMessageNames.fromWebview,
      onFault: options.onFault,
    });
    this.disposables.push(
      this.host,
      this.host.onReady(() => void this.sendAll()),
      this.host.onMessage((message) => void this.handle(message)),
      document.onDidChange((change) => void this.onStoreChange(change)),
      panel.onDidChangeViewState(() => options.onStateChange()),
    );
    panel.onDidDispose(() => this.dispose());
  }

  get progress(): { labeled: number; total: number } | undefined {
    return this.counted && { labeled: this.counted.labeled, total: this.counted.total };
  }

  /** Handles a message as if the page had sent it; resolves when it is dealt with (tests call this). */
  async handle(message: Envelope<FromLabeling>): Promise<void> {
    this.received.push(message);
    if (this.received.length > KEPT_MESSAGES) this.received.splice(0, this.received.length - KEPT_MESSAGES);
    try {
      switch (message.type) {
        case 'navigate':
          return await this.navigate(message.payload.to);
        case 'filter':
          return await this.setFilter(message.payload);
        case 'edit':
          return await this.edit(message.payload);
        case 'classifyItems':
          return await this.classifyItems(message.payload);
        case 'gridView':
          this.gridShown = message.payload.shown;
          if (this.gridShown) this.sendGrid();
          return;
        case 'open':
          this.gridShown = false;
          if (this.document.item(message.payload.item)) this.current = message.payload.item;
          return await this.sendItem();
        case 'retrySave':
          return await this.retrySave();
        case 'revealAnnotations': {
          const file = this.document.store?.annotationsFilePath;
          if (file) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file));
          return;
        }
        case 'resolveCorrupt':
          return await this.resolveCorrupt(message.payload.choice);
        case 'export':
          return this.options.exportLabels(this.document);
        case 'openAsText':
          await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default');
          return;
        case 'rendered':
        case 'pictureLoads':
          return;
      }
    } catch (error) {
      this.options.log(`Labeling: ${error instanceof Error ? error.message : String(error)}`);
      this.post('notice', { message: error instanceof Error ? error.message : String(error), severity: 'warning' });
    }
  }

  /** Shows an item (after an undo of an edit on another item, say). */
  async reveal(item: string): Promise<void> {
    if (this.current === item || !this.document.item(item)) return;
    this.current = item;
    await this.sendItem();
  }

  private post<K extends keyof ToLabeling & string>(type: K, payload: ToLabeling[K]): void {
    this.posted.push({ type, payload } as Envelope<ToLabeling>);
    if (this.posted.length > KEPT_MESSAGES) this.posted.splice(0, this.posted.length - KEPT_MESSAGES);
    this.host.post(type, payload);
  }

  private shownItems(): readonly LabelItem[] {
    const store = this.document.store;
    if (!store) return [];
    // Without a filter every item shows: no need to look at each record.
    if (!this.filter.unlabeled && this.filter.label === undefined) return this.document.itemList;
    return store.filterItems(this.document.itemList, {
      unlabeled: this.filter.unlabeled,
      ...(this.filter.label === undefined ? {} : { label: this.filter.label }),
    });
  }

  private projectState(store: LabelStore): ProjectState {
    const task = store.task;
    return {
      title: this.document.title,
      task,
      kind: annotationKindOf(task),
      multiLabel: isMultiLabel(task),
      image: isImageTask(task),
      labels: store.labels.map((label) => ({ ...label })),
      filter: this.filter,
      grid: isImageTask(task) && annotationKindOf(task) === 'classes',
    };
  }

  /** Counts the labeled items (a pass over every item) and tells the page and the status bar. */
  private sendProgress(shown = this.shownItems().length): void {
    const store = this.document.store;
    if (!store) return;
    this.counted = { ...store.progress(this.document.itemList), shown };
    this.post('progress', this.counted);
    this.options.onStateChange();
  }

  private sendSaveState(): void {
    const store = this.document.store;
    if (!store) return;
    const failure = store.lastWriteFailure;
    const state: SaveState = { pending: store.unsavedItems };
    if (failure) state.failure = { message: failure.message, file: failure.file };
    this.post('save', state);
  }

  private gridCell(store: LabelStore, id: string): GridCell {
    return { id, classes: store.annotation(id)?.classes ?? [], labeled: store.isLabeled(id) };
  }

  private sendGrid(): void {
    const store = this.document.store;
    const folder = this.document.imageFolder;
    if (!store || !folder) return;
    const state: GridState = {
      cells: this.shownItems().map((item) => this.gridCell(store, item.id)),
      imageBase: this.panel.webview.asWebviewUri(folder).toString(),
    };
    this.post('grid', state);
  }

  private problem(): Problem | null {
    const document = this.document;
    if (document.openProblem)
      return { kind: 'error', message: `This labeling project cannot be opened: ${document.openProblem}` };
    const store = document.store as LabelStore;
    if (store.corruptLines.length > 0)
      return {
        kind: 'corrupt',
        file: store.project.annotationsFile,
        lines: store.corruptLines.map((line) => ({ line: line.line, reason: line.reason })),
      };
    if (store.projectProblem)
      return { kind: 'error', message: `The project file cannot be read: ${store.projectProblem}. Fix it and save.` };
    if (document.itemsProblem)
      return { kind: 'error', message: `The items cannot be listed: ${document.itemsProblem}` };
    return null;
  }

  /**
   * Everything the page shows, the picture first: what only the first draw needs goes before it, the counting
   * over every item after it.
   */
  private async sendAll(): Promise<void> {
    await this.document.listed;
    if (this.disposed) return;
    this.post('problem', this.problem());
    const store = this.document.store;
    if (!store) return;
    this.post('project', this.projectState(store));
    await this.sendItem();
    if (this.disposed) return;
    this.sendProgress();
    this.sendSaveState();
    if (this.gridShown) this.sendGrid();
  }

  private async sendItem(): Promise<void> {
    const store = this.document.store;
    if (!store) return;
    const shown = this.shownItems();
    const item = this.current === undefined ? undefined : this.document.item(this.current);
    if (!item) {
      this.current = shown[0]?.id;
      if (!shown[0]) {
        this.post('item', null);
        this.options.onStateChange();
        return;
      }
      return this.sendItem();
    }
    const state: ItemState = {
      id: item.id,
      index: shown.findIndex((candidate) => candidate.id === item.id),
      count: shown.length,
      annotation: store.annotation(item.id) ?? { item: item.id },
      labeled: store.isLabeled(item.id),
    };
    if (isImageTask(store.task)) {
      if (item.absolutePath) state.imageUri = this.imageUri(item.absolutePath);
      const neighbours = [shown[state.index + 1], shown[state.index + 2], shown[state.index - 1]];
      state.prefetch = neighbours.flatMap((neighbour) =>
        neighbour?.absolutePath ? [this.imageUri(neighbour.absolutePath)] : [],
      );
    } else {
      try {
        state.text = await this.document.text(item);
      } catch (error) {
        this.post('notice', { message: `Cannot read ${item.id}: ${(error as Error).message}`, severity: 'warning' });
      }
    }
    if (this.current !== item.id) return;
    this.post('item', state);
    this.options.onStateChange();
  }

  private imageUri(path: string): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(path)).toString();
  }

  private async onStoreChange(change: StoreChange): Promise<void> {
    const store = this.document.store;
    if (!store || this.disposed) return;
    if (change.kind === 'saved' || change.kind === 'saveFailed') {
      this.sendSaveState();
      return;
    }
    if (change.kind === 'annotations') {
      // The change shows at once, as pending; the save state says when it is on disk.
      this.sendSaveState();
      if (this.current !== undefined && change.items.includes(this.current))
        this.post('annotation', {
          item: this.current,
          annotation: store.annotation(this.current) ?? { item: this.current },
          labeled: store.isLabeled(this.current),
        });
      const shown = this.shownItems();
      this.sendProgress(shown.length);
      if (this.gridShown) {
        // A filter may let items in or out: the whole list then; else only the changed cells.
        const filtered = this.filter.unlabeled || this.filter.label !== undefined;
        if (filtered) this.sendGrid();
        else
          this.post('gridCells', {
            cells: change.items.filter((item) => this.document.item(item)).map((item) => this.gridCell(store, item)),
          });
      }
      return;
    }
    await this.sendAll();
    this.options.onStateChange();
  }

  private async navigate(to: Navigation): Promise<void> {
    const store = this.document.store;
    if (!store) return;
    const shown = this.shownItems();
    if (shown.length === 0) return;
    let target: LabelItem | undefined;
    const all = this.document.itemList;
    // Where the current item is, or would be, among the shown ones (it may have left the filter): shown items
    // keep the list's order, so a binary search over their positions finds it.
    const position = this.current === undefined ? -1 : this.document.positionOf(this.current);
    let shownBefore = 0;
    let after = shown.length;
    while (shownBefore < after) {
      const middle = (shownBefore + after) >> 1;
      if (this.document.positionOf(shown[middle].id) < position) shownBefore = middle + 1;
      else after = middle;
    }
    const isShown = shown[shownBefore]?.id === this.current;
    switch (to) {
      case 'first':
        target = shown[0];
        break;
      case 'next':
        target = shown[Math.min(shown.length - 1, isShown ? shownBefore + 1 : shownBefore)];
        break;
      case 'previous':
        target = shown[Math.max(0, shownBefore - 1)];
        break;
      case 'nextUnlabeled':
        target = store.nextUnlabeled(all, this.current);
        if (!target) {
          this.post('notice', { message: 'Every item is labeled.', severity: 'info' });
          return;
        }
        break;
    }
    if (!target || target.id === this.current) return;
    this.current = target.id;
    await this.sendItem();
  }

  private async setFilter(filter: ItemFilterState): Promise<void> {
    const store = this.document.store;
    if (!store) return;
    if (filter.label !== undefined && !store.labels.some((label) => label.name === filter.label))
      throw new LabelStoreError(`The label set has no "${filter.label}".`);
    this.filter = {
      unlabeled: filter.unlabeled === true,
      ...(filter.label === undefined ? {} : { label: filter.label }),
    };
    const shown = this.shownItems();
    if (!shown.some((item) => item.id === this.current)) this.current = shown[0]?.id;
    this.post('project', this.projectState(store));
    this.sendProgress(shown.length);
    if (this.gridShown) this.sendGrid();
    await this.sendItem();
  }

  private async edit(edit: LabelEdit): Promise<void> {
    await this.refusedOrUnsaved(() => this.options.applyEdit(this.document, edit));
  }

  private async classifyItems(request: ClassifyItems): Promise<void> {
    const unknown = request.items.find((item) => !this.document.item(item));
    if (unknown !== undefined) throw new LabelStoreError(`The project has no item ${unknown}.`);
    await this.refusedOrUnsaved(() => this.options.classifyItems(this.document, request));
  }

  /**
   * Runs a change. A refused one changes nothing: the page says why, with the item as it is. One that could not
   * be written stays in the editor as pending, and the save state says so with its way forward.
   */
  private async refusedOrUnsaved(change: () => Promise<void>): Promise<void> {
    try {
      await change();
    } catch (error) {
      if (error instanceof LabelWriteError) {
        this.options.log(`Labeling: ${error.message}`);
        return;
      }
      if (!(error instanceof LabelStoreError)) throw error;
      this.post('notice', { message: error.message, severity: 'warning' });
    }
  }

  private async retrySave(): Promise<void> {
    try {
      await this.options.save(this.document);
      this.post('notice', { message: 'Saved.', severity: 'info' });
    } catch (error) {
      if (!(error instanceof LabelWriteError)) throw error;
      this.options.log(`Labeling: ${error.message}`);
    }
  }

  private async resolveCorrupt(choice: 'discard' | 'keepAside'): Promise<void> {
    const store = this.document.store;
    if (!store) return;
    if (choice === 'discard') {
      await store.discardCorruptLines();
      this.post('notice', { message: 'The unreadable lines were discarded.', severity: 'info' });
    } else {
      const aside = await store.keepCorruptLinesAside();
      this.post('notice', {
        message: `The unreadable lines are kept in ${aside.split(/[\\/]/).pop()}.`,
        severity: 'info',
      });
    }
    await this.sendAll();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposables.forEach((disposable) => disposable.dispose());
    this.options.onStateChange();
  }
}
