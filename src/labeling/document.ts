// A labeling project opened in the editor: the store, the source's items, and watchers for changes made elsewhere.
import vscode = require('vscode');
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { readItemText, sourceFolder, type LabelItem } from '../core/labeling/items';
import { parseProjectFile } from '../core/labeling/model';
import { LabelStore, type StoreChange } from '../core/labeling/store';

export class LabelingDocument implements vscode.CustomDocument {
  private items: LabelItem[] = [];
  /** Each item's position in `items`, by id: a 10,000-item project is looked up at every step. */
  private positions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<StoreChange>();
  private readonly disposables: vscode.Disposable[] = [this.changes];
  private opened: LabelStore | undefined;
  private disposed = false;
  /** Why the source's items cannot be listed (a folder that is gone, a CSV without the column). */
  itemsProblem: string | undefined;
  /** Why the project cannot be opened; until `listed` resolves, undefined says nothing yet. */
  openProblem: string | undefined;
  /**
   * Resolves once the store is open and the source's items are listed. Reading 10,000 records and listing
   * 10,000 pictures take a good part of a second, so the editor's page loads meanwhile instead of after them; the
   * editor waits for this before it shows an item.
   */
  listed: Promise<void> = Promise.resolve();

  private constructor(
    readonly uri: vscode.Uri,
    /** The folder of the source's files, read from the project file before anything else. */
    private readonly initialImageFolder: string | undefined,
  ) {}

  /**
   * Reads only the project file, which says the folder the editor's page may load pictures from; the
   * annotations and the items are read in the background (see `listed`).
   */
  static async open(uri: vscode.Uri, onReloadFailure: (error: unknown) => void): Promise<LabelingDocument> {
    let folder: string | undefined;
    try {
      folder = sourceFolder(uri.fsPath, parseProjectFile(await readFile(uri.fsPath, 'utf8')).source);
    } catch (error) {
      const document = new LabelingDocument(uri, undefined);
      document.openProblem = error instanceof Error ? error.message : String(error);
      return document;
    }
    const document = new LabelingDocument(uri, folder);
    document.listed = document.load(onReloadFailure);
    return document;
  }

  private async load(onReloadFailure: (error: unknown) => void): Promise<void> {
    let store: LabelStore;
    try {
      store = await LabelStore.open(this.uri.fsPath);
    } catch (error) {
      this.openProblem = error instanceof Error ? error.message : String(error);
      return;
    }
    if (this.disposed) return;
    this.opened = store;
    const forwarding = store.onDidChange((change) => {
      if (change.kind !== 'reloaded') this.changes.fire(change);
    });
    this.disposables.push(new vscode.Disposable(() => forwarding.dispose()));
    await this.listItems(false);
    if (!this.disposed) this.watch(onReloadFailure);
  }

  /** The project; undefined until `listed` resolves, and after it when the project cannot be opened. */
  get store(): LabelStore | undefined {
    return this.opened;
  }

  get title(): string {
    return basename(this.uri.fsPath);
  }

  /** The source's items, sorted by id. */
  get itemList(): readonly LabelItem[] {
    return this.items;
  }

  /** The folder images are read from, which the page may load from. */
  get imageFolder(): vscode.Uri | undefined {
    const folder = this.store
      ? sourceFolder(this.store.projectFilePath, this.store.project.source)
      : this.initialImageFolder;
    return folder ? vscode.Uri.file(folder) : undefined;
  }

  item(id: string): LabelItem | undefined {
    const position = this.positions.get(id);
    return position === undefined ? undefined : this.items[position];
  }

  /** The item's position in itemList; -1 when there is no such item. */
  positionOf(id: string): number {
    return this.positions.get(id) ?? -1;
  }

  async text(item: LabelItem): Promise<string> {
    const known = this.texts.get(item.id);
    if (known !== undefined) return known;
    const text = await readItemText(item);
    this.texts.set(item.id, text);
    return text;
  }

  async listItems(refresh: boolean): Promise<void> {
    if (!this.store) return;
    this.texts.clear();
    try {
      this.items = await this.store.listItems(refresh);
      this.itemsProblem = undefined;
    } catch (error) {
      this.items = [];
      this.itemsProblem = error instanceof Error ? error.message : String(error);
    }
    this.positions = new Map(this.items.map((item, position) => [item.id, position]));
  }

  /** The store's changes; a reload comes once the items are listed again. */
  readonly onDidChange = this.changes.event;

  /** Reads the files again if something else changed them; says whether anything was reloaded. */
  async reload(): Promise<boolean> {
    if (!this.store) return false;
    const reloaded = await this.store.reloadIfChangedOnDisk();
    if (reloaded.project) await this.listItems(true);
    if (reloaded.project || reloaded.annotations) this.changes.fire({ kind: 'reloaded' });
    return reloaded.project || reloaded.annotations;
  }

  /**
   * Reloads when the project or annotations file changes on disk (a git pull, another window). The store's
   * own writes are recognized and read nothing.
   */
  private watch(onReloadFailure: (error: unknown) => void): void {
    const store = this.store as LabelStore;
    const files = [store.projectFilePath, store.annotationsFilePath];
    for (const file of files) {
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(vscode.Uri.file(dirname(file)), basename(file)),
      );
      const reload = () => void this.reload().catch(onReloadFailure);
      this.disposables.push(
        watcher,
        watcher.onDidChange(reload),
        watcher.onDidCreate(reload),
        watcher.onDidDelete(reload),
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    this.disposables.forEach((disposable) => disposable.dispose());
    this.disposables.length = 0;
  }
}
