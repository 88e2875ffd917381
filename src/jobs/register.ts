import vscode = require('vscode');
import { CommandId, ContextKey } from '../constants';
import type { Services } from '../services';
import { looksLikeJobFile } from './jobFiles';
import type { JobActions } from './jobs.lazy';

type JobsModule = typeof import('./jobs.lazy');

/** What integration tests reach of job submission. */
export interface JobsTestHandle {
  /** Submission and log following, once the first job command has loaded them. */
  readonly actions: () => JobActions | undefined;
}

/** Submit, follow, cancel and re-run jobs: activation registers commands; the CodeLens comes with the first job file, the work on first use. */
export function registerJobs(services: Services): JobsTestHandle {
  const { commands, track, contextKeys } = services;
  let actions: JobActions | undefined;
  const load = (): JobActions => (actions ??= (require('./jobs.lazy') as JobsModule).createJobActions(services));

  commands.register(CommandId.submitJob, (call, target?: vscode.Uri) => load().submit(call, target));
  commands.register(CommandId.rerunJob, (call, target?: unknown) => load().rerun(call, target));
  commands.register(CommandId.streamJobLogs, (call, target?: unknown) => load().streamLogs(call, target));
  commands.register(CommandId.cancelJob, (call, target?: unknown) => load().cancel(call, target));
  commands.register(CommandId.showJobLog, (call, target?: unknown) => load().showLog(call, target));
  commands.register(CommandId.downloadJobOutputs, (call, target?: unknown) => load().download(call, target, 'outputs'));
  commands.register(CommandId.downloadJobLogs, (call, target?: unknown) => load().download(call, target, 'logs'));
  commands.register(CommandId.registerModelFromJob, (call, target?: unknown) => load().registerModel(call, target));
  commands.register(CommandId.showJobDetails, (call, target?: unknown) => load().showDetails(call, target));
  commands.register(CommandId.showPipelineGraph, (call, target?: unknown) => load().showPipelineGraph(call, target));
  commands.register(CommandId.runLocally, (call, target?: unknown) => load().local.runLocally(call, target));
  commands.register(CommandId.cancelLocalRun, (call, target?: unknown) => load().local.cancel(call, target));
  commands.register(CommandId.showLocalRunLog, (call, target?: unknown) => load().local.showLog(call, target));
  commands.register(CommandId.revealLocalRunOutputs, (call, target?: unknown) =>
    load().local.revealOutputs(call, target),
  );
  commands.register(CommandId.deleteLocalRun, (call, target?: unknown) => load().local.remove(call, target));
  // From the Jobs view VS Code passes the clicked row and every selected row.
  commands.register(CommandId.compareJobs, (call, clicked?: unknown, selected?: unknown) =>
    load().compare(call, clicked, selected),
  );
  commands.register(CommandId.addToComparison, (call, target?: unknown) => load().addToComparison(call, target));

  // The CodeLens provider is registered with the first job file seen, so activation does not pay for it.
  let codeLensRegistered = false;
  const offerCodeLens = (document: vscode.TextDocument | undefined) => {
    if (codeLensRegistered || document?.languageId !== 'yaml' || !looksLikeJobFile(document.getText())) return;
    codeLensRegistered = true;
    track(vscode.languages.registerCodeLensProvider({ language: 'yaml' }, { provideCodeLenses: jobCodeLenses }));
  };
  const updateJobFileActive = () => {
    const document = vscode.window.activeTextEditor?.document;
    const isJobFile = document?.languageId === 'yaml' && looksLikeJobFile(document.getText());
    contextKeys.set(ContextKey.jobFileActive, isJobFile);
    if (isJobFile) offerCodeLens(document);
  };
  updateJobFileActive();
  vscode.window.visibleTextEditors.forEach((editor) => offerCodeLens(editor.document));
  track(vscode.window.onDidChangeActiveTextEditor(updateJobFileActive));
  track(vscode.workspace.onDidSaveTextDocument(updateJobFileActive));
  track(vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => offerCodeLens(e.document))));
  track(vscode.workspace.onDidChangeTextDocument((change) => offerCodeLens(change.document)));
  return { actions: () => actions };
}

function jobCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
  if (!looksLikeJobFile(document.getText())) return [];
  const top = new vscode.Range(0, 0, 0, 0);
  return [
    new vscode.CodeLens(top, {
      title: '$(play) Submit to Azure ML',
      tooltip: 'Validate this job, upload what it needs and run it in the active workspace',
      command: CommandId.submitJob,
      arguments: [document.uri],
    }),
    new vscode.CodeLens(top, {
      title: '$(device-desktop) Run Locally',
      tooltip: 'Run this job on this machine, step by step, in a terminal; no Azure compute needed',
      command: CommandId.runLocally,
      arguments: [document.uri],
    }),
  ];
}
