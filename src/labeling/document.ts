// A labeling project opened in the editor: the store, the source's items, and watchers for changes made elsewhere.
import vscode = require('vscode');
import { basename, dirname } from 'node:path';
import { readItemText, sourceFolder, type LabelItem } from '../core/labeling/items';
import { LabelStore, type StoreChange } from '../core/labeling/store';

export class LabelingDocument implements vscode.CustomDocument {
  private items: LabelItem[] = [];
  /** Each item's position in `items`, by id: a 10,000-item project is looked up at every step. */
  private positions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<StoreChange>();
  private readonly disposables: vscode.Disposable[] = [this.changes];
  /** Why the source's items cannot be listed (a folder that is gone, a CSV without the column). */
  itemsProblem: string | undefined;
  /**
   * Resolves once the source's items are listed. Listing 10,000 pictures takes a good part of a second, so the
   * editor's page loads meanwhile instead of after it; the editor waits for this before it shows an item.
   */
  listed: Promise<void> = Promise.resolve();

  private constructor(
    readonly uri: vscode.Uri,
    /** Undefined when the project file cannot be read; `openProblem` says why. */
    readonly store: LabelStore | undefined,
    readonly openProblem: string | undefined,
  ) {}

  static async open(uri: vscode.Uri, onReloadFailure: (error: unknown) => void): Promise<LabelingDocument> {
    let store: LabelStore;
    try {
      store = await LabelStore.open(uri.fsPath);
    } catch (error) {
      return new LabelingDocument(uri, undefined, error instanceof Error ? error.message : String(error));
    }
    const document = new LabelingDocument(uri, store, undefined);
    const forwarding = store.onDidChange((change) => {
      if (change.kind !== 'reloaded') document.changes.fire(change);
    });
    document.disposables.push(new vscode.Disposable(() => forwarding.dispose()));
    document.listed = document.listItems(false);
    document.watch(onReloadFailure);
    return document;
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
    if (!this.store) return undefined;
    const folder = sourceFolder(this.store.projectFilePath, this.store.project.source);
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
    this.disposables.forEach((disposable) => disposable.dispose());
    this.disposables.length = 0;
  }
}
