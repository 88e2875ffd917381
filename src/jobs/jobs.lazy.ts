// Bundle entry of dist/jobs.js: submitting and following jobs, loaded by the first job command.
import vscode = require('vscode');
import * as path from 'node:path';
import { CommandId, ViewId } from '../constants';
import type { AzureMlArm } from '../core/azure/armClient';
import { followJobLogs, type FollowResult, type LogSource } from '../core/azure/jobLogs';
import { isActiveStatus } from '../core/azure/jobStatus';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import { CancelledError, isCancellation } from '../core/errors/kinds';
import { JobConversionError, missingForSubmit, toRestJob, type RestJob } from '../core/jobs/restJob';
import {
  formatOverrides,
  jobNameFor,
  parseOverrides,
  serviceErrorPath,
  yamlPathForRestField,
} from '../core/jobs/submission';
import { analyzeYaml } from '../core/yaml/engine';
import { nodeAt } from '../core/yaml/parse';
import type { CallContext } from '../platform/commands';
import type { Services } from '../services';
import { looksLikeJobFile } from './jobFiles';
import { createJobResolvers, type TransferProgress } from './resolvers';

const SUBMITTABLE_KINDS = new Set(['commandJob', 'pipelineJob', 'sweepJob']);
const SUBMISSIONS_KEY = 'azureml.jobs.submissions';

/** A job this VS Code workspace submitted: enough to submit it again. */
interface Submission {
  file: string;
  workspace: WorkspaceRef;
  overrides: Record<string, unknown>;
  experimentName: string;
}

/** Where a job command was aimed: a Jobs view row, or a job of the active workspace by name. */
interface JobTarget {
  workspace: WorkspaceRef;
  jobName: string;
}

export interface SubmittedJob extends JobTarget {
  experimentName: string;
  /** Bytes uploaded for this submission: zero when the workspace already had the code and data. */
  uploadedBytes: number;
}

export interface JobActions {
  submit(
    call: CallContext,
    target?: vscode.Uri,
    overrides?: Record<string, unknown>,
  ): Promise<SubmittedJob | undefined>;
  rerun(call: CallContext, target?: unknown): Promise<SubmittedJob | undefined>;
  streamLogs(call: CallContext, target?: unknown): Promise<FollowResult | undefined>;
  cancel(call: CallContext, target?: unknown): Promise<void>;
  /** The output channel a job's log streams to (tests read it). */
  channelText(jobName: string): string | undefined;
}

export function createJobActions(services: Services): JobActions {
  const { session, activeWorkspace, track, userInput, extensionContext } = services;
  const submitDiagnostics = track(vscode.languages.createDiagnosticCollection('Azure ML submit'));
  track(vscode.workspace.onDidChangeTextDocument((event) => submitDiagnostics.delete(event.document.uri)));
  const streams = new Map<string, JobStream>();

  const submissions = (): Record<string, Submission> =>
    extensionContext.workspaceState.get<Record<string, Submission>>(SUBMISSIONS_KEY) ?? {};

  async function workspaceOrAsk(): Promise<WorkspaceRef | undefined> {
    if (activeWorkspace.current) return activeWorkspace.current;
    return (await vscode.commands.executeCommand<WorkspaceRef | undefined>(CommandId.pickActiveWorkspace)) ?? undefined;
  }

  async function submit(
    call: CallContext,
    target?: vscode.Uri,
    overrides: Record<string, unknown> = {},
  ): Promise<SubmittedJob | undefined> {
    const uri = target ?? activeJobFile() ?? (await pickJobFile());
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(
        'Save the job YAML to a file in your folder to submit it: its paths resolve from there.',
      );
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    const fileName = path.basename(uri.fsPath);
    submitDiagnostics.delete(uri);

    const analysis = analyzeYaml(document.getText());
    const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      await vscode.window.showTextDocument(document, { preview: false });
      call.errorHandling.buttons = [
        { title: 'Show Problems', run: () => vscode.commands.executeCommand('workbench.actions.view.problems') },
      ];
      throw new JobFileError(
        `${fileName} has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`} to fix before it can run: ${errors[0].message}`,
      );
    }
    const kind = analysis.schema.by === 'url' || analysis.schema.by === 'shape' ? analysis.schema.kind.kind : undefined;
    if (!kind || !SUBMITTABLE_KINDS.has(kind)) {
      throw new JobFileError(
        `${fileName} is not a command, pipeline or sweep job${kind ? ` (it is a ${analysis.schema.by === 'none' ? 'file' : kind})` : ''}, so it cannot be submitted.`,
      );
    }

    const workspace = await workspaceOrAsk();
    if (!workspace) return undefined;
    const arm = await session.getArm();
    const jobDocument = analysis.parsed.value;
    const chosen: { compute?: string } = {};
    if (missingForSubmit(jobDocument).includes('compute') && overrides.compute === undefined) {
      chosen.compute = await askCompute(arm, workspace);
    }

    const fileDir = path.dirname(uri.fsPath);
    const jobName = jobNameFor(jobDocument, fileName);
    let restJob: RestJob;
    let uploadedBytes = 0;
    try {
      restJob = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Submitting ${fileName}`, cancellable: true },
        async (progress, cancellation) => {
          const controller = new AbortController();
          cancellation.onCancellationRequested(() => controller.abort());
          const report = reporterFor(progress);
          const resolvers = createJobResolvers({ arm, workspace, abortSignal: controller.signal, progress: report });
          const converted = await toRestJob(jobDocument, {
            fileDir,
            workspace,
            resolvers,
            overrides: { compute: chosen.compute, set: overrides },
          });
          uploadedBytes = report.uploadedBytes();
          if (controller.signal.aborted) throw new CancelledError();
          progress.report({ message: `creating job ${jobName}…` });
          // The name was chosen before this PUT, so the retries inside it can never create a second job.
          await arm.putJob(workspace, converted.name ?? jobName, converted.body);
          return converted;
        },
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      showAsDiagnostic(error, document, analysis);
      throw error;
    }

    const name = restJob.name ?? jobName;
    const experimentName = String(restJob.body.properties.experimentName ?? 'Default');
    await extensionContext.workspaceState.update(SUBMISSIONS_KEY, {
      ...submissions(),
      [name]: { file: uri.fsPath, workspace, overrides, experimentName } satisfies Submission,
    });
    void vscode.commands.executeCommand(CommandId.revealJob, { workspace, experimentName, jobName: name });
    const submitted: SubmittedJob = { workspace, jobName: name, experimentName, uploadedBytes };
    void followInChannel(submitted);
    return submitted;
  }

  function showAsDiagnostic(error: unknown, document: vscode.TextDocument, analysis: ReturnType<typeof analyzeYaml>) {
    const yamlPath =
      error instanceof JobConversionError || (error as { name?: string }).name === 'JobConversionError'
        ? (error as JobConversionError).path
        : yamlPathForRestField(serviceErrorPath(error));
    if (!yamlPath) return;
    const pointer =
      yamlPath.length === 0
        ? ''
        : `/${yamlPath.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
    const found = nodeAt(analysis.parsed.document, pointer);
    const range = found.node?.range ?? (found.pair?.key as { range?: [number, number] } | undefined)?.range;
    if (!range) return;
    const diagnostic = new vscode.Diagnostic(
      new vscode.Range(document.positionAt(range[0]), document.positionAt(range[1])),
      (error as Error).message,
      vscode.DiagnosticSeverity.Error,
    );
    diagnostic.source = 'Azure ML';
    submitDiagnostics.set(document.uri, [diagnostic]);
  }

  function activeJobFile(): vscode.Uri | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document?.languageId === 'yaml' ? document.uri : undefined;
  }

  /** Job files of the open folders, for Submit run from the Jobs view or the palette with no YAML open. */
  async function pickJobFile(): Promise<vscode.Uri | undefined> {
    const candidates = await vscode.workspace.findFiles('**/*.{yml,yaml}', '**/{node_modules,.git}/**', 2000);
    const jobFiles: vscode.Uri[] = [];
    for (const candidate of candidates) {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(candidate));
      if (looksLikeJobFile(text)) jobFiles.push(candidate);
    }
    if (jobFiles.length === 0) {
      void vscode.window.showInformationMessage(
        'No job YAML (command, pipeline or sweep) was found in the open folders. Open or create one, then Submit.',
      );
      return undefined;
    }
    const answer = await userInput.pick({
      title: 'Submit which job?',
      placeholder: 'Job YAML files in the open folders',
      items: jobFiles
        .map((file) => ({
          label: path.basename(file.fsPath),
          description: vscode.workspace.asRelativePath(file),
          value: file,
        }))
        .sort((a, b) => a.description.localeCompare(b.description)),
      matchOnDescription: true,
    });
    if (!(answer instanceof vscode.Uri)) throw new CancelledError();
    return answer;
  }

  async function askCompute(arm: AzureMlArm, workspace: WorkspaceRef): Promise<string> {
    const answer = await userInput.pick({
      title: 'Run this job on which compute?',
      placeholder: 'The job names no compute; pick one of the workspace',
      items: arm.listComputes(workspace).then((page) =>
        page.items.map((compute) => ({
          label: compute.name,
          description: [compute.computeType, compute.provisioningState].filter(Boolean).join(' · '),
          value: compute.name,
        })),
      ),
    });
    if (typeof answer !== 'string') throw new CancelledError();
    return answer;
  }

  function targetOf(target: unknown): JobTarget | undefined {
    const candidate = target as { workspace?: WorkspaceRef; run?: { runId?: string }; jobName?: string } | undefined;
    if (candidate?.workspace && candidate.run?.runId)
      return { workspace: candidate.workspace, jobName: candidate.run.runId };
    if (candidate?.workspace && candidate.jobName)
      return { workspace: candidate.workspace, jobName: candidate.jobName };
    if (typeof target === 'string' && activeWorkspace.current)
      return { workspace: activeWorkspace.current, jobName: target };
    return undefined;
  }

  async function pickJobTarget(title: string): Promise<JobTarget | undefined> {
    const known = Object.entries(submissions());
    const workspace = activeWorkspace.current;
    if (!workspace) return undefined;
    const answer = await userInput.pick({
      title,
      placeholder: known.length > 0 ? 'Jobs submitted from this VS Code workspace' : 'Type a job name',
      items: known.reverse().map(([name, submission]) => ({
        label: name,
        description: `${submission.experimentName} · ${path.basename(submission.file)}`,
        value: { workspace: submission.workspace, jobName: name },
      })),
    });
    if (typeof answer !== 'object' || !('jobName' in answer)) throw new CancelledError();
    return answer;
  }

  function followInChannel(job: JobTarget): Promise<FollowResult | undefined> {
    const existing = streams.get(job.jobName);
    if (existing && !existing.finished) {
      existing.channel.show(true);
      return existing.result;
    }
    existing?.channel.dispose();
    const stream = new JobStream(job, session.getArm(), (result) => announce(job, result));
    streams.set(job.jobName, track(stream));
    return stream.result;
  }

  function announce(job: JobTarget, result: FollowResult | undefined): void {
    if (!result) return;
    const showLogs = 'Show Logs';
    const register = 'Register Model';
    if (result.status === 'Completed') {
      void vscode.window.showInformationMessage(`Job ${job.jobName} completed.`, showLogs, register).then((choice) => {
        if (choice === showLogs) streams.get(job.jobName)?.channel.show();
        if (choice === register) void vscode.commands.executeCommand('azureml.registerModel', job);
      });
    } else if (result.status === 'Failed') {
      const reason = result.error?.message ?? 'It failed without an error message.';
      void vscode.window.showErrorMessage(`Job ${job.jobName} failed: ${reason}`, showLogs).then((choice) => {
        if (choice === showLogs) streams.get(job.jobName)?.channel.show();
      });
    } else {
      void vscode.window.showInformationMessage(`Job ${job.jobName} ended: ${result.status}.`);
    }
  }

  return {
    submit,
    async rerun(call, target) {
      const job = targetOf(target) ?? (await pickJobTarget('Re-run which job?'));
      if (!job) return undefined;
      const submission = submissions()[job.jobName];
      if (!submission) {
        void vscode.window.showWarningMessage(
          `Job ${job.jobName} was not submitted from this VS Code workspace, so its YAML is not known here. Open its YAML file and use Submit.`,
        );
        return undefined;
      }
      const text = await userInput.input({
        title: `Re-run ${path.basename(submission.file)}`,
        prompt:
          'Overrides as key=value, separated by spaces (for example inputs.learning_rate=0.05 compute=gpu-cluster); empty for none',
        value: formatOverrides(submission.overrides),
        validate: (value) => parseOverrides(value).error,
      });
      if (typeof text !== 'string') throw new CancelledError();
      const parsed = parseOverrides(text);
      return submit(call, vscode.Uri.file(submission.file), parsed.overrides);
    },
    async streamLogs(_call, target) {
      const job = targetOf(target) ?? (await pickJobTarget('Stream the log of which job?'));
      if (!job) return undefined;
      return followInChannel(job);
    },
    async cancel(_call, target) {
      const job = targetOf(target) ?? (await pickJobTarget('Cancel which job?'));
      if (!job) return;
      const arm = await session.getArm();
      await vscode.window.withProgress({ location: { viewId: ViewId.jobs }, title: `Cancelling ${job.jobName}` }, () =>
        arm.cancelJob(job.workspace, job.jobName),
      );
      void vscode.window.setStatusBarMessage(`Azure ML: cancel requested for ${job.jobName}`, 5000);
    },
    channelText: (jobName) => streams.get(jobName)?.text,
  };
}

/** The notification's progress: bytes while uploading, with how much there is. */
function reporterFor(progress: vscode.Progress<{ message?: string; increment?: number }>): TransferProgress & {
  uploadedBytes(): number;
} {
  let uploaded = 0;
  return {
    checking: (what) => progress.report({ message: `checking ${what}…` }),
    transferred: (what, done, total) => {
      uploaded = Math.max(uploaded, done);
      progress.report({ message: `uploading ${what}: ${formatBytes(done)} of ${formatBytes(total)}` });
    },
    uploadedBytes: () => uploaded,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** A job file that cannot be submitted as it is; the message says what to change. */
class JobFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFileError';
  }
}

const KEPT_TEXT_CHARS = 1_000_000;

/** One job's log in an output channel of its own, followed until the job ends or the channel closes. */
class JobStream implements vscode.Disposable {
  readonly channel: vscode.OutputChannel;
  readonly result: Promise<FollowResult | undefined>;
  text = '';
  finished = false;
  private readonly controller = new AbortController();
  private lastStep: string | undefined;

  constructor(job: JobTarget, arm: Promise<AzureMlArm>, onEnd: (result: FollowResult | undefined) => void) {
    this.channel = vscode.window.createOutputChannel(`Azure ML Job: ${job.jobName}`);
    this.channel.show(true);
    this.write(`Following ${job.jobName} in ${job.workspace.name} (${workspaceId(job.workspace)}).\n`);
    this.result = arm
      .then((client) =>
        followJobLogs({
          history: client.runHistory(job.workspace),
          readRange: client.readLogRange,
          runId: job.jobName,
          abortSignal: this.controller.signal,
          onStatus: (status) => this.write(`[status] ${status}\n`),
          onText: (source, text) => this.writeLog(source, text),
        }),
      )
      .then(
        (result) => {
          this.write(`\n[${result.status}] ${job.jobName}${result.error ? `: ${result.error.message}` : ''}\n`);
          if (result.status === 'Failed' && result.tail.length > 0) {
            this.write(`Last lines of the log:\n${result.tail.map((line) => `  ${line}`).join('\n')}\n`);
          }
          return result;
        },
        (error: unknown) => {
          if (isCancellation(error)) {
            this.write('\nStopped following.\n');
            return undefined;
          }
          this.write(`\nCould not follow the log: ${(error as Error).message}\nRun "Stream Logs" again to resume.\n`);
          return undefined;
        },
      )
      .then((result) => {
        this.finished = true;
        if (result && !isActiveStatus(result.status)) onEnd(result);
        return result;
      });
  }

  private writeLog(source: LogSource, text: string): void {
    if (!source.step) return this.write(text);
    if (source.step !== this.lastStep) this.write(`\n── step ${source.step} ──\n`);
    this.lastStep = source.step;
    this.write(text);
  }

  private write(text: string): void {
    // The channel keeps the whole log; this copy, for tests and the failure summary, keeps its end.
    this.text = (this.text + text).slice(-KEPT_TEXT_CHARS);
    this.channel.append(text);
  }

  dispose(): void {
    this.controller.abort();
    this.channel.dispose();
  }
}
