// The job details panel measured inside the extension host against the emulator's demo seed, for
// `npm run bench -- runs.` (scripts/bench.mjs turns these numbers into rows):
// - detailsOpen: a completed job whose script logged 10 metrics of 10,000 points each (through MLflow's
//   log-batch, 1,000 metrics a request) is opened with azureml.showJobDetails, and timed until the page
//   reports every chart drawn with every point; the panel is closed between samples. Beside each sample,
//   the same reads through MLflow's REST API alone (runs/get, then each metric's history).
// - liveUpdate: while a job runs, the bench logs a point through MLflow's log-metric at irregular times
//   and times each until the page reports a chart holding it. Beside them, one raw poll round (runs/get
//   and the metric's history).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID } from '../../../src/constants';
import type { AzureMlArm } from '../../../src/core/azure/armClient';
import { isActiveStatus } from '../../../src/core/azure/jobStatus';
import { mlflowBaseUrl } from '../../../src/core/azure/mlflow';
import type { WorkspaceRef } from '../../../src/core/azure/resourceIds';
import type { ExtensionApi } from '../../../src/extension';
import type { JobDetailsView } from '../../../src/jobs/details';
import type { SubmittedJob } from '../../../src/jobs/jobs.lazy';
import type { FromJobDetails } from '../../../src/webviews/jobDetails/contract';
import { childNamed } from '../../integration/tree';
import { MlflowRest } from './mlflowRest';

const SUBSCRIPTION = 'Contoso ML Dev';
const WORKSPACE = 'mlw-vision-dev';
const METRICS = [
  'train_loss',
  'val_loss',
  'train_accuracy',
  'val_accuracy',
  'learning_rate',
  'grad_norm',
  'throughput',
  'gpu_memory',
  'epoch_time',
  'f1',
];
const POINTS_PER_METRIC = 10_000;
/** The real service refuses a log-batch with more metrics than this. */
const BATCH_METRICS = 1000;
const OPEN_SAMPLES = 7;
const LIVE_POINTS = 15;
const LIVE_METRIC = 'live_loss';
/** Pauses between live points, drawn from this range so they fall anywhere in the panel's poll cycle. */
const LIVE_GAP_MS = { min: 1000, max: 5000 };
const RENDER_TIMEOUT_MS = 60_000;

/**
 * Logs the history with the standard library only, as a training script without mlflow would: the
 * address, token and run id are the ones the service gives a job.
 */
const HISTORY_SCRIPT = `import json, os, ssl, time, urllib.request

uri = os.environ['MLFLOW_TRACKING_URI'].replace('azureml://', 'https://')
headers = {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN']}
run_id = os.environ['MLFLOW_RUN_ID']
context = ssl.create_default_context(cafile=os.environ.get('MLFLOW_TRACKING_SERVER_CERT_PATH'))
metrics = json.loads(os.environ['BENCH_METRICS'])
points = int(os.environ['BENCH_POINTS'])
batch = int(os.environ['BENCH_BATCH'])


def send(entries):
    body = json.dumps({'run_id': run_id, 'metrics': entries}).encode()
    request = urllib.request.Request(uri + '/api/2.0/mlflow/runs/log-batch', data=body, headers=headers)
    urllib.request.urlopen(request, context=context, timeout=60).read()


pending = []
start = int(time.time() * 1000)
for step in range(points):
    for index, key in enumerate(metrics):
        value = (index + 1) / (1 + step) + 0.01 * ((step * 7919 + index * 104729) % 100)
        pending.append({'key': key, 'value': round(value, 6), 'step': step, 'timestamp': start + step})
        if len(pending) == batch:
            send(pending)
            pending = []
if pending:
    send(pending)
print('logged', points, 'points of', len(metrics), 'metrics', flush=True)
`;

export interface RunsBenchResults {
  detailsOpen: {
    metrics: number;
    pointsPerMetric: number;
    /** Command to the page's `rendered` with every chart and point, per sample. */
    samplesMs: number[];
    /** The same data read through MLflow's REST API alone, per sample. */
    rawReadMs: number[];
    /** A panel whose page only says it has loaded, from creation to that message, per sample. */
    bareWebviewMs: number[];
    /** How long the job took to log its history, from submit to Completed. */
    seedMs: number;
  };
  liveUpdate: {
    /** From the log-metric call to the page's `rendered` that counts the point, per point. */
    samplesMs: number[];
    /** The pause before each point. */
    gapsMs: number[];
    /** How long each log-metric call took. */
    logCallMs: number[];
    /** One raw poll round per point: runs/get and the metric's history. */
    rawRoundMs: number[];
  };
}

type Rendered = FromJobDetails['rendered'];

export async function measureRuns(log: (text: string) => void): Promise<RunsBenchResults> {
  const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  const dev = await childNamed(api.explorer.workspacesTree, SUBSCRIPTION);
  await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, WORKSPACE));
  const workspace = api.auth.activeWorkspace.current!;
  const arm = await api.auth.session.getArm();
  const mlflow = new MlflowRest(mlflowBaseUrl(await arm.mlflowTrackingUri(workspace)), () => arm.accessToken());

  const folder = mkdtempSync(join(tmpdir(), 'azureml-bench-runs-'));
  try {
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'log_history.py'), HISTORY_SCRIPT);
    writeFileSync(join(folder, 'history.yml'), jobYaml('python3 -u log_history.py', 'bench-history'));
    // Long enough for every live point; cancelled once they are measured.
    writeFileSync(join(folder, 'live.yml'), jobYaml('sleep 900', 'bench-live'));

    const detailsOpen = await measureDetailsOpen(folder, workspace, arm, mlflow, log);
    const liveUpdate = await measureLiveUpdate(folder, workspace, arm, mlflow, log);
    return { detailsOpen, liveUpdate };
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  }
}

function jobYaml(command: string, experiment: string): string {
  return [
    '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
    'code: ./src',
    `command: ${command}`,
    'environment: azureml:sklearn-env:1',
    'compute: azureml:cpu-cluster',
    `experiment_name: ${experiment}`,
    'environment_variables:',
    `  BENCH_METRICS: '${JSON.stringify(METRICS)}'`,
    `  BENCH_POINTS: '${POINTS_PER_METRIC}'`,
    `  BENCH_BATCH: '${BATCH_METRICS}'`,
    '',
  ].join('\n');
}

async function submit(file: string): Promise<SubmittedJob> {
  const job = await vscode.commands.executeCommand<SubmittedJob | undefined>(
    CommandId.submitJob,
    vscode.Uri.file(file),
  );
  if (!job) throw new Error(`Submitting ${file} returned no job`);
  return job;
}

async function waitForStatus(
  arm: AzureMlArm,
  workspace: WorkspaceRef,
  jobName: string,
  done: (status: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await arm.getJob(workspace, jobName);
    const status = String((job.properties as Record<string, unknown> | undefined)?.status ?? '');
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`Job ${jobName} is still ${status} after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

async function measureDetailsOpen(
  folder: string,
  workspace: WorkspaceRef,
  arm: AzureMlArm,
  mlflow: MlflowRest,
  log: (text: string) => void,
): Promise<RunsBenchResults['detailsOpen']> {
  const seedStart = performance.now();
  const job = await submit(join(folder, 'history.yml'));
  const status = await waitForStatus(arm, workspace, job.jobName, (value) => !isActiveStatus(value), 10 * 60_000);
  const seedMs = performance.now() - seedStart;
  if (status !== 'Completed') throw new Error(`The history job ended ${status}, not Completed`);
  log(`runs: ${job.jobName} logged ${METRICS.length} x ${POINTS_PER_METRIC} points in ${(seedMs / 1000).toFixed(1)} s`);

  const target = { workspace, jobName: job.jobName };
  const everyPoint = (rendered: Rendered) =>
    rendered.charts.length === METRICS.length &&
    rendered.charts.every((chart) => METRICS.includes(chart.key) && chart.points === POINTS_PER_METRIC);
  const samplesMs: number[] = [];
  const rawReadMs: number[] = [];
  const bareWebviewMs: number[] = [];
  for (let sample = 0; sample < OPEN_SAMPLES; sample++) {
    const start = performance.now();
    const view = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, target);
    if (!view) throw new Error('azureml.showJobDetails returned no panel');
    await renderedWhere(view, everyPoint, `${METRICS.length} charts of ${POINTS_PER_METRIC} points`);
    samplesMs.push(performance.now() - start);
    view.panel.dispose();

    rawReadMs.push(await timeRawReads(mlflow, job.jobName));
    bareWebviewMs.push(await timeBareWebview());
    // The closed panel's page goes away in the renderer; the next sample starts without it.
    await sleep(500);
  }
  return { metrics: METRICS.length, pointsPerMetric: POINTS_PER_METRIC, samplesMs, rawReadMs, bareWebviewMs, seedMs };
}

/** What the panel reads of MLflow for a job, through the REST API alone: runs/get, then each history. */
/**
 * What any webview panel costs here: from creating a panel with a page that only says it has loaded, to that
 * message. The details page cannot draw before its own page has loaded, so this is the floor under detailsOpen.
 */
async function timeBareWebview(): Promise<number> {
  const start = performance.now();
  const panel = vscode.window.createWebviewPanel('azureml.benchBareWebview', 'Bare webview', vscode.ViewColumn.Active, {
    enableScripts: true,
  });
  const loaded = new Promise<void>((resolve) => panel.webview.onDidReceiveMessage(() => resolve()));
  panel.webview.html =
    '<!DOCTYPE html><html><head><meta charset="UTF-8"></head><body><script>acquireVsCodeApi().postMessage("loaded")</script></body></html>';
  await loaded;
  const ms = performance.now() - start;
  panel.dispose();
  await sleep(500);
  return ms;
}

async function timeRawReads(mlflow: MlflowRest, runId: string): Promise<number> {
  const start = performance.now();
  const run = await mlflow.getRun(runId);
  let points = 0;
  for (const metric of run.run.data.metrics ?? []) points += (await mlflow.getHistory(runId, metric.key)).length;
  const ms = performance.now() - start;
  if (points !== METRICS.length * POINTS_PER_METRIC) throw new Error(`The raw reads found ${points} points`);
  return ms;
}

async function measureLiveUpdate(
  folder: string,
  workspace: WorkspaceRef,
  arm: AzureMlArm,
  mlflow: MlflowRest,
  log: (text: string) => void,
): Promise<RunsBenchResults['liveUpdate']> {
  const job = await submit(join(folder, 'live.yml'));
  await waitForStatus(arm, workspace, job.jobName, (status) => status === 'Running', 120_000);
  const view = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, {
    workspace,
    jobName: job.jobName,
  });
  if (!view) throw new Error('azureml.showJobDetails returned no panel');
  const random = seededRandom(20_250_901);
  const samplesMs: number[] = [];
  const gapsMs: number[] = [];
  const logCallMs: number[] = [];
  const rawRoundMs: number[] = [];
  try {
    await renderedWhere(view, () => true, 'the first drawing');
    // The panel starts polling once its first read is in.
    const pollDeadline = Date.now() + 30_000;
    while (!view.live) {
      if (Date.now() > pollDeadline) throw new Error('The panel does not poll the running job');
      await sleep(50);
    }
    for (let index = 0; index < LIVE_POINTS; index++) {
      const gap = Math.round(LIVE_GAP_MS.min + random() * (LIVE_GAP_MS.max - LIVE_GAP_MS.min));
      gapsMs.push(gap);
      await sleep(gap);
      const drawn = renderedWhere(
        view,
        (rendered) => rendered.charts.find((chart) => chart.key === LIVE_METRIC)?.points === index + 1,
        `point ${index + 1} of ${LIVE_METRIC}`,
      );
      const start = performance.now();
      await mlflow.logMetric(job.jobName, {
        key: LIVE_METRIC,
        value: 1 / (index + 1),
        step: index,
        timestamp: Date.now(),
      });
      logCallMs.push(performance.now() - start);
      await drawn;
      samplesMs.push(performance.now() - start);

      const roundStart = performance.now();
      await mlflow.getRun(job.jobName);
      await mlflow.getHistory(job.jobName, LIVE_METRIC);
      rawRoundMs.push(performance.now() - roundStart);
      log(`runs: live point ${index + 1} after a ${gap} ms pause drawn in ${samplesMs[index].toFixed(0)} ms`);
    }
  } finally {
    view.panel.dispose();
    await arm.cancelJob(workspace, job.jobName);
  }
  return { samplesMs, gapsMs, logCallMs, rawRoundMs };
}

/**
 * Resolves when the page reports a drawing that passes `accept`; listens beside the panel's own
 * listener, so the time is when the message reached the extension host.
 */
function renderedWhere(view: JobDetailsView, accept: (rendered: Rendered) => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let last: Rendered | undefined;
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(
        new Error(`The page did not report ${what} within ${RENDER_TIMEOUT_MS / 1000} s; last: ${describe(last)}`),
      );
    }, RENDER_TIMEOUT_MS);
    const subscription = view.panel.webview.onDidReceiveMessage((message: { type?: string; payload?: Rendered }) => {
      if (message?.type !== 'rendered' || !message.payload) return;
      last = message.payload;
      if (!accept(message.payload)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

function describe(rendered: Rendered | undefined): string {
  return rendered ? rendered.charts.map((chart) => `${chart.key} ${chart.points}`).join(', ') || 'no charts' : 'none';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The same pauses on every run (mulberry32), so runs differ by the machine, not by the schedule. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
