// Bundle entry of dist/jobs.js: submitting and following jobs, loaded by the first job command.
import vscode = require('vscode');
import * as path from 'node:path';
import { CommandId, ViewId } from '../constants';
import type { AzureMlArm } from '../core/azure/armClient';
import { MAIN_LOG, type FollowResult } from '../core/azure/jobLogs';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import { CancelledError, isCancellation } from '../core/errors/kinds';
import {
  defaultExperimentName,
  JobConversionError,
  missingForSubmit,
  toRestJob,
  type RestJob,
} from '../core/jobs/restJob';
import {
  formatOverrides,
  jobNameFor,
  parseOverrides,
  serviceErrorPath,
  yamlPathForRestField,
} from '../core/jobs/submission';
import { downloadJobLogs, downloadJobOutputs } from '../core/jobs/download';
import type { TransferProgress as TransferCounts } from '../core/jobs/blobTransfer';
import { analyzeYaml } from '../core/yaml/engine';
import { nodeAt } from '../core/yaml/parse';
import { parseAssetReference } from '../core/yaml/references';
import type { CallContext } from '../platform/commands';
import { isBack } from '../platform/userInput';
import type { ErrorButton } from '../platform/errorReporter';
import type { Services } from '../services';
import { looksLikeJobFile } from './jobFiles';
import { RunComparisonPanels, type ComparedRunTarget, type RunComparisonView } from './comparison';
import { JobDetailsPanels, type JobDetailsView } from './details';
import { JobStream, type JobTarget } from './logChannel';
import { PipelineGraphPanels, type PipelineGraphView } from './pipelineGraph';
import { LocalRuns } from './localRuns';
import { createJobResolvers, type TransferProgress } from './resolvers';

const SUBMITTABLE_KINDS = new Set(['commandJob', 'pipelineJob', 'sweepJob']);
const SUBMISSIONS_KEY = 'azureml.jobs.submissions';
const QUOTA_DOCS = 'https://learn.microsoft.com/azure/machine-learning/how-to-manage-quotas';
/** Compare Runs from the palette offers the latest jobs of this many experiments, this many in all. */
const RECENT_EXPERIMENTS = 5;
const RECENT_JOBS_OFFERED = 50;
/** Re-run remembers this many of the latest submissions per VS Code workspace. */
const MAX_SUBMISSIONS_KEPT = 200;

/** A job this VS Code workspace submitted: enough to submit it again. */
interface Submission {
  file: string;
  workspace: WorkspaceRef;
  overrides: Record<string, unknown>;
  experimentName: string;
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
  showLog(call: CallContext, target?: unknown, logName?: string): Promise<FollowResult | undefined>;
  registerModel(call: CallContext, target?: unknown): Promise<string | undefined>;
  /** Downloads a job's outputs or logs into a folder; resolves with that folder. */
  download(call: CallContext, target: unknown, what: 'outputs' | 'logs'): Promise<string | undefined>;
  /** Opens the job's details panel (or shows the one already open); tests read what it posts. */
  showDetails(call: CallContext, target?: unknown): Promise<JobDetailsView | undefined>;
  /** Opens the graph of a pipeline YAML file (a Uri) or of a submitted pipeline job; tests read what it posts. */
  showPipelineGraph(call: CallContext, target?: unknown): Promise<PipelineGraphView | undefined>;
  /**
   * Opens the run comparison, or adds to the one open: the selected job rows (`selected`, else `clicked`),
   * or jobs picked from the active workspace's recent ones; tests read what it posts.
   */
  compare(call: CallContext, clicked?: unknown, selected?: unknown): Promise<RunComparisonView | undefined>;
  /** Adds one job to the comparison: the given one, else the one whose details have the focus. */
  addToComparison(call: CallContext, target?: unknown): Promise<RunComparisonView | undefined>;
  /** What the output channel of a job's log shows (tests read it). */
  channelText(jobName: string, logName?: string): string | undefined;
  /** The last notification about the end of the job, as it was shown (tests choose its buttons). */
  endNotice(jobName: string): JobEndNotice | undefined;
  /** Run Locally and the commands of the Local Runs rows. */
  readonly local: LocalRuns;
}

/** A notification that a job ended: what it said, its buttons, and what choosing one of them does. */
export interface JobEndNotice {
  message: string;
  buttons: string[];
  /** Does what clicking the button does, and resolves with the result of the command it runs. */
  choose(button: string): Promise<unknown>;
}

export function createJobActions(services: Services): JobActions {
  const { session, activeWorkspace, track, userInput, extensionContext } = services;
  const submitDiagnostics = track(vscode.languages.createDiagnosticCollection('Azure ML submit'));
  track(vscode.workspace.onDidChangeTextDocument((event) => submitDiagnostics.delete(event.document.uri)));
  const streams = new Map<string, JobStream>();
  const comparison = track(
    new RunComparisonPanels({
      extensionUri: extensionContext.extensionUri,
      arm: () => session.getArm(),
      userInput,
      reportError: (error, where, handling) => services.errors.report(error, where, handling),
      onFault: (fault) => services.log.warn(`Run comparison page: ${fault.problem}`),
    }),
  );
  const detailsPanels = track(
    new JobDetailsPanels({
      extensionUri: extensionContext.extensionUri,
      arm: () => session.getArm(),
      showLogs: (job) => void followInChannel(job),
      addToComparison: (run) => void comparison.show([run]),
      onFault: (fault) => services.log.warn(`Job details page: ${fault.problem}`),
    }),
  );
  const graphPanels = track(
    new PipelineGraphPanels({
      extensionUri: extensionContext.extensionUri,
      arm: () => session.getArm(),
      openStepDetails: (step) => void detailsPanels.show(step),
      onFault: (fault) => services.log.warn(`Pipeline graph page: ${fault.problem}`),
    }),
  );

  const local = track(
    new LocalRuns({
      jobFile: async (target) => (target instanceof vscode.Uri ? target : (activeJobFile() ?? (await pickJobFile()))),
      workspace: workspaceOrAsk,
      arm: () => session.getArm(),
      parseDataReference: (value) => parseAssetReference('data', value),
    }),
  );

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
      const what = kind ? `a ${kind} file` : 'not Azure ML job YAML';
      throw new JobFileError(`${fileName} is ${what}; only command, pipeline and sweep jobs can be submitted.`);
    }

    const workspace = await workspaceOrAsk();
    if (!workspace) return undefined;
    const arm = await session.getArm();
    const jobDocument = analysis.parsed.value;
    const { compute: computeOverride, ...yamlOverrides } = overrides;
    // What the user answers here is kept with the submission, so a re-run does not ask again.
    const answered: Record<string, unknown> = {};
    let compute = typeof computeOverride === 'string' ? computeOverride : undefined;
    if (!compute && missingForSubmit(jobDocument).includes('compute')) {
      compute = answered.compute = await askCompute(arm, workspace);
    }
    const fileDir = path.dirname(uri.fsPath);
    if (
      (jobDocument as { experiment_name?: unknown }).experiment_name === undefined &&
      !yamlOverrides.experiment_name
    ) {
      yamlOverrides.experiment_name = answered.experiment_name = await askExperiment(
        arm,
        workspace,
        defaultExperimentName(fileDir),
      );
    }

    const jobName = jobNameFor(jobDocument, fileName);
    if (typeof (jobDocument as { name?: unknown }).name === 'string') {
      // A job name is used once; checked before anything is uploaded.
      if (await arm.exists(`${workspaceId(workspace)}/jobs/${encodeURIComponent(jobName)}`)) {
        throw new JobFileError(
          `A job named ${jobName} already exists in ${workspace.name}. Remove \`name:\` from ${fileName} to get a new name at each submit, or change it.`,
        );
      }
    }
    const pickAnotherCompute: ErrorButton = {
      title: 'Pick Another Compute',
      run: async () => {
        const picked = await askCompute(arm, workspace);
        return vscode.commands.executeCommand(CommandId.submitJob, uri, { ...overrides, compute: picked });
      },
    };
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
            overrides: { compute, set: yamlOverrides },
          });
          uploadedBytes = report.uploadedBytes();
          if (controller.signal.aborted) throw new CancelledError();
          const missing = await missingComputes(arm, converted.body.properties);
          if (missing.length > 0) {
            call.errorHandling.buttons = [pickAnotherCompute];
            throw new JobFileError(
              `Compute ${missing.map((name) => `'${name}'`).join(', ')} does not exist in workspace ${workspace.name}. Pick one of its computes, or create it in Azure ML studio.`,
            );
          }
          progress.report({ message: `creating job ${jobName}…` });
          // The name was chosen before this PUT, so the retries inside it can never create a second job.
          await arm.putJob(workspace, jobName, converted.body);
          return converted;
        },
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      showAsDiagnostic(error, document, analysis);
      if (isQuotaError(error)) {
        call.errorHandling.message =
          `${workspace.name} has no quota left for this job: ${(error as Error).message} ` +
          'Pick a compute with a smaller VM size or fewer nodes, or ask for more quota.';
        call.errorHandling.buttons = [
          pickAnotherCompute,
          { title: 'How to Raise Quota', run: () => vscode.env.openExternal(vscode.Uri.parse(QUOTA_DOCS)) },
        ];
      }
      throw error;
    }

    const experimentName = String(restJob.body.properties.experimentName ?? 'Default');
    const kept = Object.entries(submissions()).slice(-(MAX_SUBMISSIONS_KEPT - 1));
    await extensionContext.workspaceState.update(SUBMISSIONS_KEY, {
      ...Object.fromEntries(kept),
      [jobName]: {
        file: uri.fsPath,
        workspace,
        overrides: { ...overrides, ...answered },
        experimentName,
      } satisfies Submission,
    });
    void vscode.commands.executeCommand(CommandId.revealJob, { workspace, experimentName, jobName });
    const submitted: SubmittedJob = { workspace, jobName, experimentName, uploadedBytes };
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

  /** The folder a download goes to: under the first open folder by default, or one the user chooses. */
  async function askDownloadFolder(job: JobTarget, what: 'outputs' | 'logs'): Promise<string> {
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const suggested = root ? path.join(root, '.azureml', 'jobs', job.jobName, what) : undefined;
    const choose = 'choose';
    const answer = await userInput.pick<string>({
      title: `Download the ${what} of ${job.jobName}`,
      placeholder: 'Where to?',
      items: [
        ...(suggested
          ? [{ label: vscode.workspace.asRelativePath(suggested), description: 'in this folder', value: suggested }]
          : []),
        { label: 'Choose a folder…', value: choose },
      ],
    });
    if (typeof answer !== 'string') throw new CancelledError();
    if (answer !== choose) return answer;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      openLabel: `Download ${what} here`,
    });
    if (!picked?.[0]) throw new CancelledError();
    return picked[0].fsPath;
  }

  /** The experiment for a job that names none: the folder's name (as az ml picks it) first, then the workspace's. */
  async function askExperiment(arm: AzureMlArm, workspace: WorkspaceRef, fallback: string): Promise<string> {
    const answer = await userInput.pick({
      title: 'Which experiment does this job belong to?',
      placeholder: 'The job names no experiment_name; Enter takes the first',
      items: arm
        .runHistory(workspace)
        .listExperiments()
        .then((page) => [
          { label: fallback, description: 'named after the folder, as az ml does', value: fallback },
          ...page.items
            .filter((experiment) => experiment.name !== fallback)
            .map((experiment) => ({ label: experiment.name, description: 'existing', value: experiment.name })),
        ]),
    });
    if (typeof answer !== 'string') throw new CancelledError();
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
    if (known.length === 0) {
      void vscode.window.showInformationMessage(
        'No job was submitted from this VS Code workspace yet. Right-click a job in the Azure ML Jobs view instead.',
      );
      return undefined;
    }
    const answer = await userInput.pick({
      title,
      placeholder: 'Jobs submitted from this VS Code workspace, newest first; others are in the Jobs view',
      items: known.reverse().map(([name, submission]) => ({
        label: name,
        description: `${submission.experimentName} · ${path.basename(submission.file)}`,
        value: { workspace: submission.workspace, jobName: name },
      })),
    });
    if (typeof answer !== 'object' || !('jobName' in answer)) throw new CancelledError();
    return answer;
  }

  /** Up to this many of the active workspace's latest jobs, from its most recently used experiments. */
  async function recentJobs(limit: number): Promise<Array<{ label: string; description?: string; value: JobTarget }>> {
    const workspace = await workspaceOrAsk();
    if (!workspace) throw new CancelledError();
    const history = (await session.getArm()).runHistory(workspace);
    const experiments = (await history.listExperiments()).items.slice(0, RECENT_EXPERIMENTS);
    const pages = await Promise.all(experiments.map((experiment) => history.listRuns(experiment.name, {})));
    return pages
      .flatMap((page, index) => page.items.map((run) => ({ run, experiment: experiments[index].name })))
      .sort((a, b) => (b.run.createdUtc ?? '').localeCompare(a.run.createdUtc ?? ''))
      .slice(0, limit)
      .map(({ run, experiment }) => ({
        label: run.displayName ?? run.runId,
        description: `${run.status} · ${experiment}`,
        detail: run.displayName && run.displayName !== run.runId ? run.runId : undefined,
        value: { workspace, jobName: run.runId },
      }));
  }

  function followInChannel(job: JobTarget, logName = MAIN_LOG): Promise<FollowResult | undefined> {
    const key = logName === MAIN_LOG ? job.jobName : `${job.jobName} ${logName}`;
    const existing = streams.get(key);
    if (existing && !existing.finished) {
      existing.channel.show(true);
      return existing.result;
    }
    existing?.dispose();
    const onEnd = logName === MAIN_LOG ? (result: FollowResult | undefined) => announce(job, result) : () => undefined;
    const stream = new JobStream(job, logName, session.getArm(), onEnd);
    streams.set(key, track(stream));
    return stream.result;
  }

  /** The log files of a job and of its steps, for a pick. */
  async function logFilesOf(job: JobTarget): Promise<Array<{ label: string; description?: string; value: string }>> {
    const history = (await session.getArm()).runHistory(job.workspace);
    const names = new Map<string, string | undefined>();
    for (const name of Object.keys((await history.getRunDetails(job.jobName)).logFiles)) names.set(name, undefined);
    for (const step of (await history.listChildRuns(job.jobName)).items) {
      const details = await history.getRunDetails(step.runId);
      for (const name of Object.keys(details.logFiles)) if (!names.has(name)) names.set(name, step.displayName);
    }
    return [...names].map(([name, step]) => ({ label: name, description: step && `step ${step}`, value: name }));
  }

  async function registerModel(job: JobTarget): Promise<string | undefined> {
    const arm = await session.getArm();
    const resource = await arm.getJob(job.workspace, job.jobName);
    const properties = (resource.properties ?? {}) as Record<string, unknown>;
    const outputs = Object.entries((properties.outputs ?? {}) as Record<string, { jobOutputType?: string }>);
    const modelTypes = new Set(['mlflow_model', 'custom_model', 'triton_model']);
    const items = [
      ...outputs
        .sort(
          ([, a], [, b]) =>
            Number(modelTypes.has(b.jobOutputType ?? '')) - Number(modelTypes.has(a.jobOutputType ?? '')),
        )
        .map(([name, output]) => ({
          label: name,
          description: output.jobOutputType,
          value: { output: name, type: output.jobOutputType === 'mlflow_model' ? 'mlflow_model' : 'custom_model' },
        })),
      {
        label: 'outputs/',
        description: 'the files the job wrote to ./outputs',
        value: { output: 'artifacts', path: 'outputs/', type: 'custom_model' },
      },
    ];
    const source = await userInput.pick({
      title: `Register a model from ${job.jobName}`,
      placeholder: 'Which output of the job holds the model?',
      items,
    });
    if (isBack(source)) throw new CancelledError();
    const suggested = String(properties.displayName ?? job.jobName).replace(/[^A-Za-z0-9_.-]+/g, '-');
    const name = await userInput.input({
      title: `Register a model from ${job.jobName}`,
      prompt: 'Model name (a new version is added if the model exists)',
      value: suggested,
      validate: (value) =>
        /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(value)
          ? undefined
          : 'Letters, digits, "-", "_" and ".", starting with a letter or digit.',
    });
    if (typeof name !== 'string') throw new CancelledError();
    const version = await arm.nextVersion(job.workspace, 'models', name);
    const modelUri = `azureml://jobs/${job.jobName}/outputs/${source.output}/paths/${'path' in source ? source.path : ''}`;
    await arm.putAssetVersion(job.workspace, 'models', name, version, {
      modelType: source.type,
      modelUri,
      jobName: job.jobName,
      description: `Registered from job ${job.jobName}.`,
    });
    void vscode.commands.executeCommand(CommandId.refreshView);
    void vscode.window.showInformationMessage(`Registered model ${name}:${version} from job ${job.jobName}.`);
    return `${name}:${version}`;
  }

  const endNotices = new Map<string, JobEndNotice>();

  function announce(job: JobTarget, result: FollowResult | undefined): void {
    if (!result) return;
    // The Jobs view polls running jobs; a job that ended here shows its final status at once.
    const submission = submissions()[job.jobName];
    if (submission) {
      void vscode.commands.executeCommand(CommandId.revealJob, {
        workspace: job.workspace,
        experimentName: submission.experimentName,
        jobName: job.jobName,
      });
    }
    const showLogs = 'Show Logs';
    const showDetails = 'Show Details';
    const register = 'Register Model';
    const choose = async (choice: string | undefined): Promise<unknown> => {
      if (choice === showDetails) return vscode.commands.executeCommand(CommandId.showJobDetails, job);
      if (choice === showLogs) return streams.get(job.jobName)?.channel.show();
      // A completed job's model goes to the outer loop: one pick registers it as the candidate.
      if (choice === register) return vscode.commands.executeCommand(CommandId.registerCandidateModel, job);
      return undefined;
    };
    let message: string;
    let buttons: string[] = [];
    let show = vscode.window.showInformationMessage;
    if (result.status === 'Completed') {
      message = `Job ${job.jobName} completed.`;
      buttons = [showDetails, showLogs, register];
    } else if (result.status === 'Failed') {
      // The service's message can carry the whole log tail; the notification keeps its first sentence.
      const reason = firstSentence(result.error?.message ?? 'It failed without an error message.');
      message = `Job ${job.jobName} failed: ${reason}`;
      buttons = [showDetails, showLogs];
      show = vscode.window.showErrorMessage;
    } else {
      message = `Job ${job.jobName} ended: ${result.status}.`;
    }
    endNotices.set(job.jobName, { message, buttons, choose });
    void show(message, ...buttons).then((choice) => void choose(choice));
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
    async showLog(_call, target, logName) {
      const job = targetOf(target) ?? (await pickJobTarget('Show a log file of which job?'));
      if (!job) return undefined;
      if (!logName) {
        const picked = await userInput.pick({
          title: `Log files of ${job.jobName}`,
          placeholder: 'The log to follow in its own output channel',
          items: logFilesOf(job),
        });
        if (typeof picked !== 'string') throw new CancelledError();
        logName = picked;
      }
      return followInChannel(job, logName);
    },
    async registerModel(_call, target) {
      const job = targetOf(target) ?? (await pickJobTarget('Register a model from which job?'));
      return job ? registerModel(job) : undefined;
    },
    async download(_call, target, what) {
      const job = targetOf(target) ?? (await pickJobTarget(`Download the ${what} of which job?`));
      if (!job) return undefined;
      const folder = await askDownloadFolder(job, what);
      const arm = await session.getArm();
      const summary = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Downloading the ${what} of ${job.jobName}`,
          cancellable: true,
        },
        async (progress, cancellation) => {
          const controller = new AbortController();
          cancellation.onCancellationRequested(() => controller.abort());
          const options = {
            abortSignal: controller.signal,
            onProgress: ({ bytesDone, bytesTotal, filesDone, filesTotal }: TransferCounts) =>
              progress.report({
                message: `${filesDone} of ${filesTotal} files, ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`,
              }),
          };
          if (what === 'logs') {
            const result = await downloadJobLogs(arm, job.workspace, job.jobName, folder, options);
            return { files: result.logs.length, bytes: result.bytes, skipped: [] as string[] };
          }
          const result = await downloadJobOutputs(arm, job.workspace, job.jobName, folder, options);
          return {
            files: result.files,
            bytes: result.bytes,
            skipped: result.skipped.map((s) => `${s.name} (${s.reason})`),
          };
        },
      );
      const skipped = summary.skipped.length > 0 ? ` Not downloaded: ${summary.skipped.join('; ')}.` : '';
      const reveal = 'Reveal in Explorer';
      void vscode.window
        .showInformationMessage(
          `Downloaded ${summary.files} ${summary.files === 1 ? 'file' : 'files'} (${formatBytes(summary.bytes)}) of ${job.jobName} to ${vscode.workspace.asRelativePath(folder)}.${skipped}`,
          reveal,
        )
        .then((choice) => {
          if (choice === reveal) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(folder));
        });
      return folder;
    },
    async showDetails(_call, target) {
      const localSource = local.detailsSource(target);
      if (localSource) return detailsPanels.showSource(localSource);
      const job = targetOf(target) ?? (await pickJobTarget('Show the details of which job?'));
      return job ? detailsPanels.show(job) : undefined;
    },
    async showPipelineGraph(_call, target) {
      const editor = vscode.window.activeTextEditor;
      const file =
        target instanceof vscode.Uri
          ? target
          : target === undefined && editor?.document.languageId === 'yaml'
            ? editor.document.uri
            : undefined;
      if (file) return graphPanels.showFile(await vscode.workspace.openTextDocument(file));
      const job = targetOf(target) ?? (await pickJobTarget('Show the graph of which pipeline job?'));
      return job ? graphPanels.showJob(job) : undefined;
    },
    local,
    async compare(_call, clicked, selected) {
      const rows = Array.isArray(selected) && selected.length > 0 ? selected : clicked === undefined ? [] : [clicked];
      // Local runs are read from their own file store, beside the jobs on Azure ML.
      let jobs: ComparedRunTarget[] = rows
        .map((row) => local.detailsSource(row) ?? targetOf(row))
        .filter((run): run is ComparedRunTarget => run !== undefined);
      if (rows.length > 0 && jobs.length === 0) {
        void vscode.window.showInformationMessage(
          'Select job rows or local runs in the Azure ML Jobs view to compare them.',
        );
        return undefined;
      }
      if (jobs.length === 0) {
        const picked = await userInput.pickMany({
          title: 'Compare which runs?',
          placeholder: 'Recent jobs of the active workspace, newest first; select two or more',
          items: recentJobs(RECENT_JOBS_OFFERED),
          matchOnDescription: true,
          matchOnDetail: true,
        });
        if (isBack(picked) || picked.length === 0) throw new CancelledError();
        jobs = picked;
      }
      return comparison.show(jobs);
    },
    async addToComparison(_call, target) {
      const run =
        local.detailsSource(target) ??
        targetOf(target) ??
        detailsPanels.activeRun() ??
        (await pickJobTarget('Add which job to the comparison?'));
      return run ? comparison.show([run]) : undefined;
    },
    endNotice: (jobName) => endNotices.get(jobName),
    channelText: (jobName, logName = MAIN_LOG) =>
      streams.get(logName === MAIN_LOG ? jobName : `${jobName} ${logName}`)?.text,
  };
}

function firstSentence(text: string): string {
  const line = text.split('\n')[0].trim();
  const sentence = /^.{20,}?[.!?](?=\s|$)/.exec(line)?.[0] ?? line;
  return sentence.length > 200 ? `${sentence.slice(0, 199)}…` : sentence;
}

/** A service error about quota (OutOfQuota, JobNodeCountExceedsCoreQuota, "…vCPU quota of 4…"). */
function isQuotaError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return /quota/i.test(String(code ?? '')) || /\bquota\b/i.test(String(message ?? ''));
}

/** Computes the job names (for the job, the pipeline's default and its steps) that the workspace does not have. */
async function missingComputes(arm: AzureMlArm, properties: Record<string, unknown>): Promise<string[]> {
  const ids = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.includes('/computes/')) ids.add(value.replace(/^azureml:/, ''));
  };
  add(properties.computeId);
  add((properties.settings as Record<string, unknown> | undefined)?.default_compute);
  for (const step of Object.values((properties.jobs as Record<string, Record<string, unknown>> | undefined) ?? {})) {
    add(step.computeId);
  }
  const missing: string[] = [];
  for (const id of ids) if (!(await arm.exists(id))) missing.push(id.slice(id.lastIndexOf('/') + 1));
  return missing;
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
