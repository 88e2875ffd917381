// Loaded when the first labeling project opens or a labeling command runs: the editor, the store, the exporters.
import vscode = require('vscode');
import { copyFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { defaultAnnotationsFile, type LabelStore } from '../core/labeling/store';
import { runUndoableChange, type ItemRecords } from '../core/labeling/undoableChange';
import { formatProjectFile, isImageTask } from '../core/labeling/model';
import { CommandId, LABELING_EDITOR_VIEW_TYPE } from '../constants';
import { CancelledError } from '../core/errors/kinds';
import type { CallContext } from '../platform/commands';
import type { Services } from '../services';
import type { ClassifyItems, LabelEdit } from '../webviews/labeling/contract';
import { LabelingDocument } from './document';
import { LabelingEditor } from './editor';
import { applyLabelEdit, editDescription } from './edits';
import { askExportChoice, exportWithProgress, type ExportOutcome } from './exportLabels';
import { importPreLabels, type PreLabelOutcome } from './importPreLabels';
import { newLabelingProject, type DataAssetChoices } from './newProject';
import { askRegisterChoice, registerWithProgress, type LabeledDataOutcome } from './registerLabeledData';
import { fetchDataAsset } from '../core/labeling/dataAsset';
import type { WorkspaceRef } from '../core/azure/resourceIds';

export interface LabelingFeature {
  openDocument(uri: vscode.Uri): Promise<LabelingDocument>;
  resolveEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void>;
  saveAs(document: vscode.CustomDocument, destination: vscode.Uri): Promise<void>;
  revert(document: vscode.CustomDocument): Promise<void>;
  /** Writes changes a failed write left unsaved; nothing when everything is on disk. */
  save(document: vscode.CustomDocument): Promise<void>;
  backup(
    document: vscode.CustomDocument,
    context: vscode.CustomDocumentBackupContext,
  ): Promise<vscode.CustomDocumentBackup>;
  newProject(call: CallContext): Promise<string | undefined>;
  exportLabels(call: CallContext, target?: unknown): Promise<ExportOutcome | undefined>;
  importPreLabels(call: CallContext, target?: unknown): Promise<PreLabelOutcome | undefined>;
  registerLabeledData(call: CallContext, target?: unknown): Promise<LabeledDataOutcome | undefined>;
  /** The open editor of a project file (tests drive it through its messages). */
  editorFor(uri: vscode.Uri): LabelingEditor | undefined;
  /** The status bar item's text while a labeling editor is active ('' when hidden). */
  statusText(): string;
}

export function createLabelingFeature(
  services: Services,
  edits: vscode.EventEmitter<vscode.CustomDocumentEditEvent>,
): LabelingFeature {
  const { extensionContext, track, log, userInput, session, activeWorkspace } = services;

  /** The active workspace, asking for sign-in and for one as the other Azure ML commands do. */
  const workspaceOrAsk = async (): Promise<WorkspaceRef> => {
    const workspace =
      activeWorkspace.current ??
      (await vscode.commands.executeCommand<WorkspaceRef | undefined>(CommandId.pickActiveWorkspace));
    if (!workspace) throw new CancelledError('No Azure ML workspace was chosen.');
    return workspace;
  };

  const dataAssetChoices = (folder: string): DataAssetChoices => {
    let workspace: WorkspaceRef | undefined;
    const chosenWorkspace = async () => (workspace ??= await workspaceOrAsk());
    return {
      async assets() {
        const ws = await chosenWorkspace();
        const arm = await session.getArm();
        const assets = [];
        let token: string | undefined;
        do {
          const page = await arm.listDataAssets(ws, token);
          assets.push(...page.items);
          token = page.continuationToken;
        } while (token);
        return assets;
      },
      async versions(name) {
        const arm = await session.getArm();
        return (await arm.listDataVersions(await chosenWorkspace(), name)).items;
      },
      async fetch(name, version, imageItems) {
        const ws = await chosenWorkspace();
        const arm = await session.getArm();
        return vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `Downloading ${name}:${version} from ${ws.name}`,
            cancellable: true,
          },
          (progress, cancellation) => {
            const controller = new AbortController();
            cancellation.onCancellationRequested(() => controller.abort());
            return fetchDataAsset(arm, ws, name, version, folder, imageItems, {
              abortSignal: controller.signal,
              onProgress: ({ filesDone, filesTotal }) =>
                progress.report({ message: `${filesDone} of ${filesTotal} files` }),
            });
          },
        );
      },
    };
  };
  const editors = new Map<LabelingDocument, LabelingEditor>();
  const statusBar = track(
    vscode.window.createStatusBarItem('azureml.labeling.progress', vscode.StatusBarAlignment.Left, 50),
  );
  statusBar.name = 'Labeling Progress';
  let statusShown = '';

  const updateStatus = () => {
    const active = [...editors.values()].find((editor) => editor.panel.active);
    const progress = active?.progress;
    if (!active || !progress) {
      statusBar.hide();
      statusShown = '';
      return;
    }
    statusShown = `${progress.labeled} / ${progress.total} labeled`;
    statusBar.text = `$(tag) ${statusShown}`;
    statusBar.tooltip = `${active.document.title}: ${progress.labeled} of ${progress.total} items labeled`;
    statusBar.show();
  };

  /** Tells VS Code the document is saved: its edits are on disk already, so closing it must not ask. */
  const markSaved = (document: LabelingDocument) => {
    setTimeout(() => void vscode.workspace.save(document.uri).then(undefined, () => undefined), 0);
  };

  const restore = async (document: LabelingDocument, records: ItemRecords) => {
    try {
      await (document.store as LabelStore).restoreAnnotations(records);
    } catch (error) {
      // Undo of an edit the files no longer allow (corrupt lines after a pull): say so where the user looks.
      const message = `Undo or redo in ${document.title} failed: ${error instanceof Error ? error.message : String(error)}`;
      log.warn(message);
      void vscode.window.showWarningMessage(message);
      throw error;
    }
    const [first] = records.keys();
    if (records.size === 1 && first !== undefined) await editors.get(document)?.reveal(first);
    markSaved(document);
  };

  /**
   * Runs a change of `items` and puts it on VS Code's undo stack as one step, as soon as the store has made it
   * (runUndoableChange says why). A change whose write failed is still made (it stays pending in the editor), so
   * it is undoable too, and the document stays dirty: Save writes it again.
   */
  const undoable = async (
    document: LabelingDocument,
    items: readonly string[],
    label: string,
    change: (store: LabelStore) => Promise<void>,
  ) => {
    const store = document.store;
    if (!store) return;
    const changed = await runUndoableChange({
      items,
      read: (item) => store.annotation(item),
      change: () => change(store),
      restore: (records) => restore(document, records),
      fire: (step) => edits.fire({ document, label, undo: step.undo, redo: step.redo }),
    });
    if (changed) markSaved(document);
  };

  const applyEdit = async (document: LabelingDocument, edit: LabelEdit) => {
    const item = document.item(edit.item);
    const text = item && document.store && !isImageTask(document.store.task) ? await document.text(item) : undefined;
    await undoable(document, [edit.item], editDescription(edit), (store) => applyLabelEdit(store, edit, text));
  };

  const classifyItems = async (document: LabelingDocument, request: ClassifyItems) => {
    const label = `Label ${request.items.length} item${request.items.length === 1 ? '' : 's'} ${request.label}`;
    await undoable(document, request.items, label, (store) => store.classifyItems(request.items, request.label));
  };

  const asDocument = (document: vscode.CustomDocument) => document as LabelingDocument;

  const projectStore = async (
    target: unknown,
    action = 'Export Labels',
  ): Promise<{ store: LabelStore; release(): void }> => {
    let uri: vscode.Uri | undefined = target instanceof vscode.Uri ? target : undefined;
    if (!uri) uri = [...editors.values()].find((editor) => editor.panel.active)?.document.uri;
    if (!uri) {
      const found = await vscode.workspace.findFiles('**/*.labels.json', '**/node_modules/**', 50);
      if (found.length === 0)
        throw new Error(
          'There is no labeling project (*.labels.json) in the workspace; create one with "New Labeling Project…".',
        );
      const picked = await userInput.pick<vscode.Uri>({
        title: `${action}: project`,
        items: found.map((file) => ({ label: vscode.workspace.asRelativePath(file), value: file })),
      });
      if (!(picked instanceof vscode.Uri)) throw new Error('No project was chosen.');
      uri = picked;
    }
    const open = [...editors.keys()].find((document) => document.uri.fsPath === uri.fsPath);
    if (open?.store) return { store: open.store, release: () => undefined };
    const document = await LabelingDocument.open(uri, () => undefined);
    await document.listed;
    if (!document.store) throw new Error(`${document.title} cannot be opened: ${document.openProblem}`);
    return { store: document.store, release: () => document.dispose() };
  };

  const feature: LabelingFeature = {
    openDocument: (uri) =>
      LabelingDocument.open(uri, (error) => log.warn(`Labeling: reloading ${uri.fsPath} failed: ${String(error)}`)),

    async resolveEditor(document, panel) {
      const labelingDocument = asDocument(document);
      const editor = new LabelingEditor(labelingDocument, panel, {
        extensionUri: extensionContext.extensionUri,
        onFault: (fault) => log.warn(`Labeling editor: ${fault.problem}`),
        applyEdit,
        classifyItems,
        save: async (target) => {
          await target.store?.saveNow();
          markSaved(target);
        },
        exportLabels: (target) => void vscode.commands.executeCommand(CommandId.exportLabels, target.uri),
        onStateChange: updateStatus,
        log: (message) => log.warn(message),
      });
      editors.set(labelingDocument, editor);
      panel.onDidDispose(() => {
        editors.delete(labelingDocument);
        labelingDocument.dispose();
        updateStatus();
      });
      updateStatus();
    },

    async saveAs(document, destination) {
      const store = asDocument(document).store;
      if (!store) throw new Error('The project cannot be read, so it cannot be saved elsewhere.');
      const from = dirname(store.projectFilePath);
      const to = dirname(destination.fsPath);
      const rebase = (path: string) => relative(to, resolve(from, path)).split('\\').join('/') || '.';
      const source = { ...store.project.source };
      if (source.kind === 'dataAsset') source.cacheFolder = rebase(source.cacheFolder);
      else source.path = rebase(source.path);
      const annotationsFile = defaultAnnotationsFile(destination.fsPath);
      await copyFile(store.annotationsFilePath, resolve(to, annotationsFile));
      const text = formatProjectFile({ ...store.project, source, annotationsFile });
      await vscode.workspace.fs.writeFile(destination, Buffer.from(text, 'utf8'));
    },

    async revert(document) {
      await asDocument(document).reload();
    },

    async save(document) {
      await asDocument(document).store?.saveNow();
    },

    async backup(_document, context) {
      // Everything is on disk already: a backup records nothing more.
      return { id: context.destination.toString(), delete: () => undefined };
    },

    async newProject() {
      const folder = vscode.workspace.workspaceFolders?.[0];
      if (!folder) throw new Error('Open a folder first: a labeling project lives in the workspace folder.');
      const projectFile = await newLabelingProject(folder.uri.fsPath, userInput, dataAssetChoices(folder.uri.fsPath));
      await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(projectFile), LABELING_EDITOR_VIEW_TYPE);
      return projectFile;
    },

    async exportLabels(_call, target) {
      const { store, release } = await projectStore(target);
      try {
        const choice = await askExportChoice(store, userInput);
        return await exportWithProgress(store, choice);
      } finally {
        release();
      }
    },

    async importPreLabels(_call, target) {
      const { store, release } = await projectStore(target, 'Import Pre-Labels');
      try {
        const outcome = await importPreLabels(store, userInput);
        const unmatched = outcome.unmatched.length
          ? ` ${outcome.unmatched.length} prediction${outcome.unmatched.length === 1 ? '' : 's'} named no item of the project (first: ${outcome.unmatched[0]}).`
          : '';
        void vscode.window.showInformationMessage(
          `Imported ${outcome.suggestions} suggestion${outcome.suggestions === 1 ? '' : 's'} for ${outcome.items} item${outcome.items === 1 ? '' : 's'}: A accepts, R rejects those of the item shown.${unmatched}`,
        );
        return outcome;
      } finally {
        release();
      }
    },

    async registerLabeledData(_call, target) {
      const { store, release } = await projectStore(target, 'Register Labeled Data');
      try {
        const workspace = await workspaceOrAsk();
        const arm = await session.getArm();
        const choice = await askRegisterChoice(store, userInput);
        return await registerWithProgress(store, choice, workspace, arm);
      } finally {
        release();
      }
    },

    editorFor(uri) {
      return [...editors.values()].find((editor) => editor.document.uri.fsPath === uri.fsPath);
    },

    statusText: () => statusShown,
  };
  track(new vscode.Disposable(() => [...editors.values()].forEach((editor) => editor.dispose())));
  return feature;
}
