import vscode = require('vscode');
import { CommandId, ContextKey } from '../constants';
import type { Services } from '../services';
import type { ScaffoldActions } from './scaffold.lazy';

type ScaffoldModule = typeof import('./scaffold.lazy');

const PIPELINE_TYPE = /^type:\s*['"]?pipeline['"]?\s*(#.*)?$/m;

/** New MLOps Project and Add Pipeline Step: activation registers the commands; the work loads on first use. */
export function registerScaffold(services: Services): void {
  const { commands, track, contextKeys } = services;
  let actions: ScaffoldActions | undefined;
  const load = (): ScaffoldActions =>
    (actions ??= (require('./scaffold.lazy') as ScaffoldModule).createScaffoldActions(services));

  commands.register(CommandId.newMlopsProject, (call) => load().newProject(call));
  commands.register(CommandId.addPipelineStep, (call, target?: vscode.Uri) => load().addPipelineStep(call, target));

  const updatePipelineFileActive = () => {
    const document = vscode.window.activeTextEditor?.document;
    contextKeys.set(
      ContextKey.pipelineFileActive,
      document?.languageId === 'yaml' && PIPELINE_TYPE.test(document.getText()),
    );
  };
  updatePipelineFileActive();
  track(vscode.window.onDidChangeActiveTextEditor(updatePipelineFileActive));
  track(vscode.workspace.onDidSaveTextDocument(updatePipelineFileActive));
}
