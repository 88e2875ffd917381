import vscode = require('vscode');
import { CommandId, LABELING_EDITOR_VIEW_TYPE } from '../constants';
import type { Services } from '../services';
import type { LabelingFeature } from './labeling.lazy';

type LabelingModule = typeof import('./labeling.lazy');

/** What integration tests reach of labeling. */
export interface LabelingTestHandle {
  /** The editors and commands, once a project has been opened or a labeling command run. */
  readonly feature: () => LabelingFeature | undefined;
}

/**
 * The labeling editor for `*.labels.json` and its commands. Activation registers the provider and the
 * commands only; the editor, the store and the exporters load when the first project opens.
 */
export function registerLabeling(services: Services): LabelingTestHandle {
  const { commands, track } = services;
  // The provider's change event must exist at registration; the lazily loaded editor fires it.
  const edits = track(new vscode.EventEmitter<vscode.CustomDocumentEditEvent>());
  let feature: LabelingFeature | undefined;
  const load = (): LabelingFeature =>
    (feature ??= (require('./labeling.lazy') as LabelingModule).createLabelingFeature(services, edits));

  const provider: vscode.CustomEditorProvider = {
    onDidChangeCustomDocument: edits.event,
    openCustomDocument: (uri) => load().openDocument(uri),
    resolveCustomEditor: (document, panel) => load().resolveEditor(document, panel),
    // Every edit is written at once; saving writes again only what a failed write left unsaved.
    saveCustomDocument: (document) => load().save(document),
    saveCustomDocumentAs: (document, destination) => load().saveAs(document, destination),
    revertCustomDocument: (document) => load().revert(document),
    backupCustomDocument: (document, context) => load().backup(document, context),
  };
  track(
    vscode.window.registerCustomEditorProvider(LABELING_EDITOR_VIEW_TYPE, provider, {
      supportsMultipleEditorsPerDocument: false,
    }),
  );
  commands.register(CommandId.newLabelingProject, (call) => load().newProject(call));
  commands.register(CommandId.exportLabels, (call, target?: unknown) => load().exportLabels(call, target));
  commands.register(CommandId.importPreLabels, (call, target?: unknown) => load().importPreLabels(call, target));
  commands.register(CommandId.registerLabeledData, (call, target?: unknown) =>
    load().registerLabeledData(call, target),
  );
  return { feature: () => feature };
}
