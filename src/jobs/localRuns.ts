// Run Locally: the same job YAML on this machine, in a terminal of its own, kept under .azureml/local-runs.
import vscode = require('vscode');
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CommandId, NodeContext } from '../constants';
import type { AzureMlArm } from '../core/azure/armClient';
import type { LatestMetric, MetricPoint } from '../core/azure/mlflow';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import { CancelledError } from '../core/errors/kinds';
import {
  dataAssetCacheFolder,
  dataCacheRoot,
  downloadIntoCache,
  keepOutOfGit,
  readCachedDownload,
} from '../core/jobs/dataCache';
import { readMetricHistory, readMlflowRun } from '../core/localRuns/mlflowFileStore';
import { dataAssetName, findProjectDataAssets, type ProjectDataAsset } from '../core/localRuns/projectData';
import { LocalRunPlanError, planLocalRun } from '../core/localRuns/plan';
import { startLocalRun } from '../core/localRuns/runner';
import { deleteLocalRun, localRunsRoot, readRunRecord } from '../core/localRuns/runStore';
import type { LocalRunRecord, LocalStepRecord } from '../core/localRuns/types';
import type { AssetReference } from '../core/yaml/references';
import type { CallContext } from '../platform/commands';
import type { JobDetailsSource } from './details';
import type { JobOverview, JobPort } from '../webviews/jobDetails/contract';

/** A local run this window started: its terminal and what the terminal showed (tests read it). */
export interface LocalRunHandle {
  readonly runName: string;
  readonly runDir: string;
  readonly terminal: vscode.Terminal;
  readonly done: Promise<LocalRunRecord>;
  readonly finished: boolean;
  /** Everything written to the terminal so far. */
  text(): string;
  cancel(): void;
}

export interface LocalRunDependencies {
  /** The job file the command is about: its argument, the active editor, or one the user picks. */
  jobFile(target: unknown): Promise<vscode.Uri | undefined>;
  /** The active workspace, asking for one, for `azureml:` inputs. */
  workspace(): Promise<WorkspaceRef | undefined>;
  arm(): Promise<AzureMlArm>;
  /** `azureml:name:version` / `azureml:name@label` taken apart (the YAML engine's parser, which loads lazily). */
  parseDataReference(value: string): AssetReference | undefined;
}

/** A Local Runs row or step row of the Jobs view, or a run folder given by path. */
interface LocalTarget {
  runDir: string;
  stepName?: string;
}

const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

export class LocalRuns implements vscode.Disposable {
  private readonly handles = new Map<string, LocalRunHandle>();

  constructor(private readonly deps: LocalRunDependencies) {}

  /** Runs of this window, by run name. */
  get started(): ReadonlyMap<string, LocalRunHandle> {
    return this.handles;
  }

  async runLocally(_call: CallContext, target?: unknown): Promise<LocalRunHandle | undefined> {
    const uri = await this.deps.jobFile(target);
    if (!uri) return undefined;
    if (uri.scheme !== 'file') {
      void vscode.window.showWarningMessage(
        'Save the job YAML to a file in your folder to run it: its paths resolve from there.',
      );
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.isDirty) await document.save();
    let plan;
    try {
      plan = planLocalRun(document.getText(), uri.fsPath, (file) => requireText(file));
    } catch (error) {
      if (error instanceof LocalRunPlanError) {
        throw Object.assign(new Error(`${path.basename(uri.fsPath)} cannot run locally: ${error.message}`), {
          name: 'LocalRunError',
        });
      }
      throw error;
    }
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
    const ownProject = projectFolderOf(uri.fsPath, workspaceFolder);
    const projectRoot = workspaceFolder ?? ownProject ?? path.dirname(uri.fsPath);
    // The project's own data YAML, read when the first `azureml:` input needs it.
    let projectAssets: Promise<ProjectDataAsset[]> | undefined;
    const resolveAsset = async (reference: string, type: string, signal: AbortSignal) => {
      projectAssets ??= findProjectDataAssets(ownProject ?? projectRoot);
      const name = dataAssetName(reference);
      const asset = name === undefined ? undefined : (await projectAssets).find((found) => found.name === name);
      if (asset) {
        write(
          `${DIM}${reference}: ${path.relative(projectRoot, asset.path)}, as ${path.relative(projectRoot, asset.file)} registers it${RESET}\n`,
        );
        return asset.path;
      }
      return this.resolveAsset(projectRoot, reference, type, signal, write);
    };
    const interpreter = await pythonInterpreter(uri);
    await keepOutOfGit(localRunsRoot(projectRoot));
    const controller = new AbortController();
    const output: string[] = [];
    const writer = new vscode.EventEmitter<string>();
    const closer = new vscode.EventEmitter<void>();
    let finished = false;
    let resolveStarted: (value: { runName: string; runDir: string; done: Promise<LocalRunRecord> }) => void;
    let rejectStarted: (error: unknown) => void;
    const started = new Promise<{ runName: string; runDir: string; done: Promise<LocalRunRecord> }>(
      (resolve, reject) => ([resolveStarted, rejectStarted] = [resolve, reject]),
    );
    const write = (text: string) => {
      output.push(text);
      writer.fire(text.replace(/\r?\n/g, '\r\n'));
    };
    const pty: vscode.Pseudoterminal = {
      onDidWrite: writer.event,
      onDidClose: closer.event,
      // A terminal shows nothing written before it opens, so the run starts when it does.
      open: () => {
        startLocalRun({
          plan,
          projectRoot,
          yamlFile: uri.fsPath,
          interpreter,
          resolveAsset,
          write,
          signal: controller.signal,
          onRecord: () => void vscode.commands.executeCommand(CommandId.refreshLocalRuns),
        }).then(resolveStarted, rejectStarted);
      },
      close: () => controller.abort(),
      handleInput: (data) => {
        if (finished) closer.fire();
        // Ctrl+C stops the whole run, not only the step that is running.
        else if (data === '\x03') controller.abort();
      },
    };
    const terminal = vscode.window.createTerminal({
      name: `Local: ${plan.displayName ?? path.basename(uri.fsPath)}`,
      pty,
      iconPath: new vscode.ThemeIcon('device-desktop'),
    });
    terminal.show(true);
    const { runName, runDir, done } = await started;
    const handle: LocalRunHandle = {
      runName,
      runDir,
      terminal,
      done: done.then((record) => {
        finished = true;
        write(`\nPress any key to close this terminal.\n`);
        void vscode.commands.executeCommand(CommandId.refreshLocalRuns);
        this.announce(record, runDir);
        return record;
      }),
      get finished() {
        return finished;
      },
      text: () => output.join(''),
      cancel: () => controller.abort(),
    };
    this.handles.set(runName, handle);
    void vscode.commands.executeCommand(CommandId.refreshLocalRuns);
    return handle;
  }

  async cancel(_call: CallContext, target?: unknown): Promise<void> {
    const local = localTargetOf(target);
    const handle = local && [...this.handles.values()].find((candidate) => candidate.runDir === local.runDir);
    if (!handle) {
      void vscode.window.showInformationMessage(
        'That run is not going in this window. A run started in another window stops with Ctrl+C in its terminal.',
      );
      return;
    }
    handle.cancel();
    await handle.done;
  }

  async showLog(_call: CallContext, target?: unknown): Promise<void> {
    const local = requireLocalTarget(target);
    const record = await readRunRecord(local.runDir);
    const step = stepOf(record, local.stepName);
    const file = path.join(local.runDir, step.logPath);
    if (!existsSync(file)) {
      void vscode.window.showInformationMessage(`Step ${step.name} has not written a log yet (${step.status}).`);
      return;
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: false });
  }

  async revealOutputs(_call: CallContext, target?: unknown): Promise<void> {
    const local = requireLocalTarget(target);
    const record = await readRunRecord(local.runDir);
    const steps = local.stepName ? [stepOf(record, local.stepName)] : record.steps;
    const firstOutput = steps.flatMap((step) => Object.values(step.outputs))[0];
    const folder = firstOutput ? path.dirname(path.join(local.runDir, firstOutput)) : local.runDir;
    await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(folder));
  }

  async remove(_call: CallContext, target?: unknown): Promise<void> {
    const local = requireLocalTarget(target);
    if ([...this.handles.values()].some((handle) => handle.runDir === local.runDir && !handle.finished)) {
      void vscode.window.showWarningMessage('Cancel the run before deleting it.');
      return;
    }
    const name = path.basename(local.runDir);
    const remove = 'Delete';
    const answer = await vscode.window.showWarningMessage(
      `Delete local run ${name}? Its logs, outputs and metrics are removed from disk.`,
      { modal: true },
      remove,
    );
    if (answer !== remove) return;
    await deleteLocalRun(local.runDir);
    await vscode.commands.executeCommand(CommandId.refreshLocalRuns);
  }

  /** The details page's view of a local run (its steps' metrics together) or of one step. */
  detailsSource(target: unknown): JobDetailsSource | undefined {
    const local = localTargetOf(target);
    return local ? new LocalRunSource(local) : undefined;
  }

  dispose(): void {
    for (const handle of this.handles.values()) handle.cancel();
  }

  private announce(record: LocalRunRecord, runDir: string): void {
    const target: LocalTarget = { runDir };
    const showDetails = 'Show Details';
    const showLog = 'Show Log';
    const name = record.displayName ?? record.runName;
    if (record.status === 'Completed') {
      void vscode.window
        .showInformationMessage(`Local run ${name} completed.`, showDetails)
        .then((choice) => choice && vscode.commands.executeCommand(CommandId.showJobDetails, target));
    } else if (record.status === 'Failed') {
      const failed = record.steps.find((step) => step.status === 'Failed');
      void vscode.window
        .showErrorMessage(
          `Local run ${name} failed: ${record.error ?? failed?.error ?? 'a step failed'}`,
          showLog,
          showDetails,
        )
        .then((choice) => {
          if (choice === showLog)
            void vscode.commands.executeCommand(CommandId.showLocalRunLog, { runDir, stepName: failed?.name });
          if (choice === showDetails) void vscode.commands.executeCommand(CommandId.showJobDetails, target);
        });
    }
  }

  /**
   * The local path of an `azureml:` input: downloaded once into `.azureml/cache/`, then read from there. A
   * version is never changed once registered, so a cached version is never read again; `@latest` asks
   * the workspace which version that is each run.
   */
  private async resolveAsset(
    projectRoot: string,
    reference: string,
    type: string,
    signal: AbortSignal,
    write: (text: string) => void,
  ): Promise<string> {
    const workspace = await this.deps.workspace();
    if (!workspace) throw new CancelledError(`${reference} needs an Azure ML workspace to download from.`);
    const arm = await this.deps.arm();
    let uri: string;
    let cacheFolder: string;
    const cacheRoot = dataCacheRoot(projectRoot);
    await keepOutOfGit(cacheRoot);
    const asset = this.deps.parseDataReference(reference);
    if (asset) {
      const version =
        asset.version ??
        (asset.label === undefined || asset.label === 'latest'
          ? await arm.latestVersion(workspace, 'data', asset.name)
          : undefined);
      if (!version) throw new Error(`${reference}: only the label @latest can be run locally.`);
      cacheFolder = dataAssetCacheFolder(projectRoot, workspace, asset.name, version);
      const cached = await readCachedDownload(cacheFolder);
      if (cached) {
        write(`${DIM}${reference}: version ${version}, cached${RESET}\n`);
        return cached;
      }
      const resource = await arm.getResource(
        `${workspaceId(workspace)}/data/${encodeURIComponent(asset.name)}/versions/${encodeURIComponent(version)}`,
      );
      const dataUri = (resource.properties as { dataUri?: unknown } | undefined)?.dataUri;
      if (typeof dataUri !== 'string') throw new Error(`${reference} (version ${version}) has no data location.`);
      uri = dataUri;
    } else if (/^azureml:\/\//i.test(reference)) {
      uri = reference;
      const key = createHash('sha256')
        .update(`${workspaceId(workspace)}|${reference}`)
        .digest('hex')
        .slice(0, 16);
      cacheFolder = path.join(cacheRoot, 'datastores', key);
      const cached = await readCachedDownload(cacheFolder);
      if (cached) return cached;
    } else {
      throw new Error(
        `${reference} is not a data asset or datastore path that can be downloaded (input type ${type}).`,
      );
    }
    write(`${DIM}Downloading ${reference} (${uri})…${RESET}\n`);
    const result = await downloadIntoCache(arm, workspace, uri, cacheFolder, { abortSignal: signal });
    write(`${DIM}${result.files} ${result.files === 1 ? 'file' : 'files'}, ${result.bytes} bytes${RESET}\n`);
    return result.localPath;
  }
}

/**
 * The folder of the project a job file belongs to: the nearest folder above it with `.azureml/outer-loop.json` (what
 * New MLOps Project writes) or `.git`, not above the VS Code workspace folder; undefined when there is none.
 */
function projectFolderOf(file: string, workspaceFolder: string | undefined): string | undefined {
  let folder = path.dirname(file);
  for (;;) {
    if (existsSync(path.join(folder, '.azureml', 'outer-loop.json')) || existsSync(path.join(folder, '.git')))
      return folder;
    const parent = path.dirname(folder);
    if (parent === folder || (workspaceFolder !== undefined && folder === workspaceFolder)) return undefined;
    folder = parent;
  }
}

function requireText(file: string): string {
  // Component files are small; reading them at planning keeps the planner synchronous.
  return readFileSync(file, 'utf8');
}

/** What the Python extension runs for `resource`, when it is installed; else `python3` from PATH. */
async function pythonInterpreter(resource: vscode.Uri): Promise<string> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!extension) return 'python3';
  try {
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environment = api.environments?.getActiveEnvironmentPath?.(resource);
    if (environment) {
      const resolved = await api.environments?.resolveEnvironment?.(environment);
      const executable = resolved?.executable?.uri?.fsPath ?? environment.path;
      if (executable) return executable;
    }
    const command = api.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
    if (command) return command;
  } catch {
    // An extension that cannot say leaves the default, which the terminal names when it starts.
  }
  return 'python3';
}

/** The parts of the Python extension's API read here (both its newer environments API and the older one). */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment?(environment: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
  settings?: { getExecutionDetails?(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

function localTargetOf(target: unknown): LocalTarget | undefined {
  const candidate = target as { runDir?: unknown; step?: { name?: unknown }; stepName?: unknown } | undefined;
  if (typeof candidate?.runDir !== 'string') return undefined;
  const stepName =
    typeof candidate.stepName === 'string'
      ? candidate.stepName
      : typeof candidate.step?.name === 'string'
        ? candidate.step.name
        : undefined;
  return { runDir: candidate.runDir, stepName };
}

function requireLocalTarget(target: unknown): LocalTarget {
  const local = localTargetOf(target);
  if (!local) throw new Error('Choose a run under Local Runs in the Jobs view.');
  return local;
}

function stepOf(record: LocalRunRecord, name: string | undefined): LocalStepRecord {
  if (name) {
    const step = record.steps.find((candidate) => candidate.name === name);
    if (!step) throw new Error(`Local run ${record.runName} has no step ${name}.`);
    return step;
  }
  // The run's log is that of the step that failed, else the last one that started.
  return (
    record.steps.find((step) => step.status === 'Failed') ??
    [...record.steps].reverse().find((step) => step.status !== 'NotStarted') ??
    record.steps[0]
  );
}

/** Whether `target` is a row of the Local Runs part of the Jobs view (rows compare by context value). */
export function isLocalRunRow(target: unknown): boolean {
  const contextValue = (target as { getTreeItem?: () => { contextValue?: string } })?.getTreeItem?.().contextValue;
  return (
    contextValue === NodeContext.localRun ||
    contextValue === NodeContext.activeLocalRun ||
    contextValue === NodeContext.localRunStep
  );
}

/**
 * A local run as the details page shows a job: the record for status and timing, the MLflow file store for
 * params and metrics. A run of several steps shows every step's metrics, each named `step/metric`.
 */
class LocalRunSource implements JobDetailsSource {
  readonly key: string;
  readonly title: string;
  private readonly storeRoot: string;
  /** Metric key on the page → the step's MLflow run and its own key. */
  private readonly metricOwners = new Map<string, { runId: string; key: string }>();

  constructor(private readonly target: LocalTarget) {
    this.key = `local:${target.runDir}${target.stepName ? `#${target.stepName}` : ''}`;
    this.title = `Local ${path.basename(target.runDir)}${target.stepName ? ` · ${target.stepName}` : ''}`;
    this.storeRoot = path.join(target.runDir, 'mlruns');
  }

  async read(): Promise<{ overview: JobOverview; latestMetrics: LatestMetric[] }> {
    const record = await readRunRecord(this.target.runDir);
    const steps = this.target.stepName ? [stepOf(record, this.target.stepName)] : record.steps;
    const params: Record<string, string> = {};
    const tags: Record<string, string> = {};
    const latestMetrics: LatestMetric[] = [];
    const prefixed = steps.length > 1;
    for (const step of steps) {
      if (step.status === 'NotStarted') continue;
      const run = await readMlflowRun(this.storeRoot, step.mlflowRunId).catch(() => undefined);
      if (!run) continue;
      const name = (key: string) => (prefixed ? `${step.name}/${key}` : key);
      Object.entries(run.params).forEach(([key, value]) => (params[name(key)] = value));
      Object.entries(run.tags)
        .filter(([key]) => !key.startsWith('mlflow.'))
        .forEach(([key, value]) => (tags[name(key)] = value));
      for (const metric of run.latestMetrics) {
        this.metricOwners.set(name(metric.key), { runId: step.mlflowRunId, key: metric.key });
        latestMetrics.push({ ...metric, key: name(metric.key) });
      }
    }
    const failed = steps.find((step) => step.status === 'Failed');
    const error = record.error ?? failed?.error;
    const status = this.target.stepName ? steps[0].status : record.status;
    const overview: JobOverview = {
      jobName: record.runName,
      displayName: this.target.stepName
        ? `${record.displayName ?? record.runName} · ${steps[0].name}`
        : record.displayName,
      experimentName: record.experimentName,
      jobType: this.target.stepName ? 'command' : record.jobType,
      workspaceName: 'this machine',
      status: status === 'NotStarted' ? 'NotStarted' : status,
      active: status === 'Running' || (status === 'NotStarted' && record.status === 'Running'),
      createdUtc: record.createdUtc,
      startTimeUtc: steps[0]?.startTimeUtc ?? record.createdUtc,
      endTimeUtc: this.target.stepName ? steps[0].endTimeUtc : record.endTimeUtc,
      compute: 'local',
      inputs: steps.flatMap((step) =>
        Object.entries(step.inputs ?? {}).map(([name, value]): JobPort => ({
          name: prefixed ? `${step.name}.${name}` : name,
          value,
        })),
      ),
      outputs: steps.flatMap((step) =>
        Object.entries(step.outputs).map(([name, relative]): JobPort => ({
          name: prefixed ? `${step.name}.${name}` : name,
          type: 'local',
          value: path.join(this.target.runDir, relative),
        })),
      ),
      params: Object.entries(params)
        .map(([key, value]) => ({ key, value }))
        .sort((a, b) => a.key.localeCompare(b.key)),
      tags: Object.entries(tags)
        .map(([key, value]) => ({ key, value }))
        .sort((a, b) => a.key.localeCompare(b.key)),
      ...(error && status === 'Failed' ? { error: { message: error } } : {}),
    };
    return { overview, latestMetrics };
  }

  async history(key: string): Promise<MetricPoint[]> {
    const owner = this.metricOwners.get(key);
    return owner ? readMetricHistory(this.storeRoot, owner.runId, owner.key) : [];
  }

  showLogs(): void {
    void vscode.commands.executeCommand(CommandId.showLocalRunLog, this.target);
  }
}
