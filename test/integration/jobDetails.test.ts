import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { JobDetailsView } from '../../src/jobs/details';
import type { SubmittedJob } from '../../src/jobs/jobs.lazy';
import type { JobOverview, MetricSeries } from '../../src/webviews/jobDetails/contract';
import { policyProblems, readServedPage } from '../support/servedPage';
import { emulator } from './emulator';
import { assertPageCarriesItsCode } from './servedBundle';
import { childNamed, eventually } from './tree';

const STEPS = 15;

/**
 * Logs a parameter, then one `loss` point a second through MLflow's REST API with the address, token
 * and run id the service gives a job; standard library only, as a training script without mlflow would.
 */
const LOGGING_SCRIPT = `import json, os, ssl, time, urllib.request

uri = os.environ['MLFLOW_TRACKING_URI']
headers = {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN']}
run_id = os.environ['MLFLOW_RUN_ID']
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE


def send(endpoint, body):
    request = urllib.request.Request(uri + '/api/2.0/mlflow/' + endpoint, data=json.dumps(body).encode(), headers=headers)
    urllib.request.urlopen(request, context=context, timeout=10).read()


send('runs/log-parameter', {'run_id': run_id, 'key': 'learning_rate', 'value': '0.01'})
for step in range(${STEPS}):
    loss = round(1.0 / (1 + step), 4)
    print('step', step, 'loss', loss, flush=True)
    send('runs/log-metric', {'run_id': run_id, 'key': 'loss', 'value': loss, 'step': step, 'timestamp': int(time.time() * 1000)})
    time.sleep(1)
`;

describe('job details: a panel with live metric charts', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let folder: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    folder = mkdtempSync(join(tmpdir(), 'aml-job-details-'));
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'log_metrics.py'), LOGGING_SCRIPT);
    writeFileSync(
      join(folder, 'job.yml'),
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
        'code: ./src',
        'command: python3 -u log_metrics.py',
        'environment: azureml:sklearn-env:1',
        'compute: azureml:cpu-cluster',
        'experiment_name: job-details',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  });

  const overviews = (view: JobDetailsView) =>
    view.posted.filter((message) => message.type === 'overview').map((message) => message.payload as JobOverview);

  /** Every point the page was sent: the whole series of its last `metrics`, then each `metricPoints` after it. */
  function pointsSent(view: JobDetailsView, key: string): Array<{ step: number; value: number; timestamp: number }> {
    const lastWhole = view.posted.map((message) => message.type).lastIndexOf('metrics');
    const points: Array<{ step: number; value: number; timestamp: number }> = [];
    view.posted.slice(Math.max(0, lastWhole)).forEach((message) => {
      if (message.type !== 'metrics' && message.type !== 'metricPoints') return;
      for (const series of (message.payload as { series: MetricSeries[] }).series) {
        if (series.key !== key) continue;
        assert.ok(
          series.values.length === series.steps.length && series.values.length === series.timestamps.length,
          `the columns of ${key} have one entry per point`,
        );
        series.values.forEach((value, index) =>
          points.push({ step: series.steps[index], value, timestamp: series.timestamps[index] }),
        );
      }
    });
    return points;
  }

  it('grows the charts while the job runs, sending only new points, and ends with the final status', async () => {
    const job = await vscode.commands.executeCommand<SubmittedJob | undefined>(
      CommandId.submitJob,
      vscode.Uri.file(join(folder, 'job.yml')),
    );
    assert.ok(job, 'the job was submitted');
    const target = { workspace: job.workspace, jobName: job.jobName };
    const view = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, target);
    assert.ok(view, 'the command returns the panel it opened');

    const page = readServedPage(view.panel.webview.html);
    assert.deepEqual(policyProblems(page, view.panel.webview.cspSource), []);
    // The page fetches nothing: its bundle and stylesheet (uPlot's and its own) are served inside it.
    assertPageCarriesItsCode(view.panel.webview.html, ['jobDetails.js', 'jobDetails.css']);

    // New points arrive in more than one message while the job still runs.
    await eventually(
      () => view.posted.filter((message) => message.type === 'metricPoints').length,
      (count) => count >= 2,
      60_000,
    );
    const duringRun = overviews(view).at(-1);
    assert.ok(duringRun?.active, `the job still runs while points arrive (status ${duringRun?.status})`);
    assert.ok(view.live, 'the panel polls a running job');

    const final = await eventually(
      () => overviews(view).at(-1),
      (overview) => overview?.active === false,
      90_000,
    );
    assert.equal(final?.status, 'Completed');
    assert.ok(final?.endTimeUtc, 'the end time is known');
    assert.equal(final?.compute, 'cpu-cluster');
    assert.deepEqual(final?.params, [{ key: 'learning_rate', value: '0.01' }]);
    assert.equal(view.live, false, 'polling stops when the job ends');

    const loss = pointsSent(view, 'loss');
    assert.deepEqual(
      loss.map((point) => point.step),
      Array.from({ length: STEPS }, (_, step) => step),
      'each point went to the page once, in order',
    );
    assert.equal(loss.at(-1)?.value, Number((1 / STEPS).toFixed(4)));

    // The page drew every point it was sent, with uPlot, under its policy.
    await eventually(
      () => view.received.filter((message) => message.type === 'rendered').at(-1)?.payload,
      (rendered) => JSON.stringify(rendered) === JSON.stringify({ charts: [{ key: 'loss', points: STEPS }] }),
      20_000,
    );

    const again = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, target);
    assert.equal(again, view, 'opening the same job again shows the panel already open');
  });

  // A seeded training run ("iris-training run N"), not the pipeline, which logs no metrics of its own.
  const isCompletedTrainingRun = (node: { getTreeItem(): { label?: unknown; description?: unknown } }) =>
    /^iris-training run \d+$/.test(String(node.getTreeItem().label)) &&
    String(node.getTreeItem().description ?? '').startsWith('Completed');

  it('opens from a completed job row of the Jobs view, with its parameters and every metric, and stays still', async () => {
    const rows = await eventually(
      async () => (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren(),
      (nodes) => nodes.some(isCompletedTrainingRun),
    );
    const row = rows.find(isCompletedTrainingRun)!;
    // The row itself is the argument, as the context menu passes it.
    const view = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, row);
    assert.ok(view);
    const overview = await eventually(
      () => overviews(view).at(-1),
      (value) => value !== undefined,
    );
    assert.equal(overview?.status, 'Completed');
    assert.deepEqual(overview?.params.map((param) => param.key).sort(), ['epochs', 'learning_rate']);
    const rendered = await eventually(
      () => view.received.filter((message) => message.type === 'rendered').at(-1)?.payload,
      (payload) => (payload?.charts.length ?? 0) >= 2,
    );
    assert.deepEqual(rendered?.charts.map((chart) => chart.key).sort(), ['accuracy', 'loss']);
    assert.ok(rendered?.charts.every((chart) => chart.points > 1));
    assert.equal(view.live, false, 'a finished job is read once, not polled');
    view.panel.dispose();
  });

  it('gives a page that gets ready while the histories are read each point once', async () => {
    const rows = await eventually(
      async () => (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren(),
      (nodes) => nodes.some(isCompletedTrainingRun),
    );
    const row = rows.find(isCompletedTrainingRun)!;
    // The first history comes at once and the second late, so the page loads between the two.
    await emulator.addFault({
      pathPattern: '/metrics/get-history$',
      method: 'GET',
      kind: 'latency',
      latencyMs: 1,
      count: 1,
    });
    await emulator.addFault({
      pathPattern: '/metrics/get-history$',
      method: 'GET',
      kind: 'latency',
      latencyMs: 5000,
      count: 1,
    });
    let view: JobDetailsView | undefined;
    try {
      view = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, row);
      assert.ok(view);
      const opened = view;
      await eventually(
        () => opened.received.filter((message) => message.type === 'rendered').at(-1)?.payload,
        (payload) => (payload?.charts.length ?? 0) === 2,
        30_000,
      );
      assert.ok(
        opened.posted.some((message) => message.type === 'metricPoints'),
        'the page was ready before the read ended (else this test proves nothing)',
      );
      const arm = await api.auth.session.getArm();
      const mlflow = arm.mlflow(opened.source.job!.workspace);
      const expected = [];
      for (const key of ['accuracy', 'loss']) {
        expected.push({ key, points: (await mlflow.getMetricHistory(opened.source.job!.jobName, key)).length });
        assert.equal(pointsSent(opened, key).length, expected.at(-1)?.points, `every ${key} point was sent once`);
      }
      // The page settles on what it drew: a late duplicate would show as a later, larger count.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const rendered = opened.received.filter((message) => message.type === 'rendered').at(-1)?.payload;
      assert.deepEqual(
        [...(rendered?.charts ?? [])].sort((a, b) => a.key.localeCompare(b.key)),
        expected,
      );
    } finally {
      await emulator.clearFaults();
      view?.panel.dispose();
    }
  });
});
