import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/explorer/tree/treeNode';
import type { RunComparisonView } from '../../src/jobs/comparison';
import type { JobDetailsView } from '../../src/jobs/details';
import type { SubmittedJob } from '../../src/jobs/jobs.lazy';
import type { ReportedError } from '../../src/platform/errorReporter';
import type { ComparisonState, FromRunComparison, RunMetricSeries } from '../../src/webviews/runComparison/contract';
import { policyProblems, readServedPage } from '../support/servedPage';
import { scriptedInput } from '../support/scriptedInput';
import { emulator } from './emulator';
import { assertPageCarriesItsCode } from './servedBundle';
import { childNamed, descriptionOf, eventually, labelOf } from './tree';

const LIVE_STEPS = 12;

/** Logs `accuracy` once a second through MLflow's REST API, standard library only. */
const LOGGING_SCRIPT = `import json, os, ssl, time, urllib.request

uri = os.environ['MLFLOW_TRACKING_URI']
headers = {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + os.environ['MLFLOW_TRACKING_TOKEN']}
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
for step in range(${LIVE_STEPS}):
    body = {'run_id': os.environ['MLFLOW_RUN_ID'], 'key': 'accuracy', 'value': step / ${LIVE_STEPS}, 'step': step,
            'timestamp': int(time.time() * 1000)}
    request = urllib.request.Request(uri + '/api/2.0/mlflow/runs/log-metric', data=json.dumps(body).encode(), headers=headers)
    urllib.request.urlopen(request, context=context, timeout=10).read()
    time.sleep(1)
`;

describe('run comparison: several runs overlaid, with a table of what differs', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let folder: string;
  let trainingRows: TreeNode[];
  let view: RunComparisonView;

  // Seeded training runs ("iris-training run N"), newest first: they log loss and accuracy with different learning rates.
  const isCompletedTrainingRun = (node: TreeNode) =>
    /^iris-training run \d+$/.test(labelOf(node)) && descriptionOf(node).startsWith('Completed');
  const jobNameOf = (row: TreeNode) => (row as unknown as { run: { runId: string } }).run.runId;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    const rows = await eventually(
      async () => (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren(),
      (nodes) => nodes.filter(isCompletedTrainingRun).length >= 4,
    );
    trainingRows = rows.filter(isCompletedTrainingRun);
    folder = mkdtempSync(join(tmpdir(), 'aml-run-comparison-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  });

  const lastState = (): ComparisonState | undefined =>
    view.posted.filter((message) => message.type === 'comparison').at(-1)?.payload as ComparisonState | undefined;
  const lastRendered = (): FromRunComparison['rendered'] | undefined =>
    view.received.filter((message) => message.type === 'rendered').at(-1)?.payload as
      FromRunComparison['rendered'] | undefined;
  /** The runs' ids in the table's order, as the host sent them. */
  const rowOrder = () => lastState()?.rows.map((row) => row.runId) ?? [];
  const columnValues = (columnId: string) => {
    const state = lastState()!;
    const index = state.columns.findIndex((column) => column.id === columnId);
    return new Map(state.rows.map((row) => [row.runId, row.cells[index]]));
  };

  /** Every point of `key` the page was sent for each run: its last whole `metrics`, then each `metricPoints`. */
  function pointsSent(key: string): Map<string, RunMetricSeries['points']> {
    const lastWhole = view.posted.map((message) => message.type).lastIndexOf('metrics');
    const sent = new Map<string, RunMetricSeries['points']>();
    for (const message of view.posted.slice(Math.max(0, lastWhole))) {
      if (message.type !== 'metrics' && message.type !== 'metricPoints') continue;
      for (const series of (message.payload as { series: RunMetricSeries[] }).series) {
        if (series.key === key) sent.set(series.runId, [...(sent.get(series.runId) ?? []), ...series.points]);
      }
    }
    return sent;
  }

  it('overlays the metric histories of the selected job rows and marks the params that differ', async () => {
    const [newest, second] = trainingRows;
    // As the Jobs view calls it: the clicked row, then every selected row.
    const opened = await vscode.commands.executeCommand<RunComparisonView | undefined>(CommandId.compareJobs, newest, [
      newest,
      second,
    ]);
    assert.ok(opened, 'the command returns the panel it opened');
    view = opened;
    assert.deepEqual(
      view.jobs.map((job) => job.jobName),
      [jobNameOf(newest), jobNameOf(second)],
    );

    const page = readServedPage(view.panel.webview.html);
    assert.deepEqual(policyProblems(page, view.panel.webview.cspSource), []);
    assertPageCarriesItsCode(view.panel.webview.html, ['runComparison.js', 'runComparison.css']);

    await view.loaded();
    const arm = await api.auth.session.getArm();
    const workspace = view.jobs[0].workspace;
    const mlflowRuns = await Promise.all(view.jobs.map((job) => arm.mlflow(workspace).getRun(job.jobName)));
    const histories = await Promise.all(
      view.jobs.map((job) => arm.mlflow(workspace).getMetricHistory(job.jobName, 'loss')),
    );
    assert.ok(
      histories.every((history) => history.length > 1),
      'the seeded runs have loss histories',
    );

    // Both runs' loss histories reach the page, and it draws one chart with a series for each.
    const rendered = await eventually(
      () => lastRendered(),
      (value) => value?.charts.find((chart) => chart.key === 'loss')?.series.length === 2 && value.rows.length === 2,
    );
    const state = lastState()!;
    const runIds = state.runs.map((run) => run.id);
    const sent = pointsSent('loss');
    assert.deepEqual(
      runIds.map((id) => sent.get(id)?.map((point) => point.value)),
      histories.map((history) => history.map((point) => point.value)),
    );
    assert.deepEqual(
      rendered!.charts.find((chart) => chart.key === 'loss')?.series,
      runIds.map((runId, index) => ({ runId, points: histories[index].length })),
    );
    assert.deepEqual(
      rendered!.charts.map((chart) => chart.key),
      ['accuracy', 'loss'],
    );
    assert.notEqual(state.runs[0].colour, state.runs[1].colour, 'each run has a colour of its own');

    // The learning rates differ, the epochs do not; the page highlights what the host marked.
    assert.notEqual(mlflowRuns[0].params.learning_rate, mlflowRuns[1].params.learning_rate);
    assert.equal(mlflowRuns[0].params.epochs, mlflowRuns[1].params.epochs);
    const differing = state.columns.filter((column) => column.differs).map((column) => column.id);
    assert.ok(differing.includes('params.learning_rate'), `differing: ${differing.join(', ')}`);
    assert.ok(!differing.includes('params.epochs'));
    assert.deepEqual(rendered!.differing, differing);
    assert.deepEqual(
      [...columnValues('metrics.loss').values()],
      mlflowRuns.map((run) => run.latestMetrics.find((metric) => metric.key === 'loss')?.value),
      'the table holds each run’s final loss',
    );
    assert.equal(view.live, false, 'completed runs are read once, not polled');
  });

  it('sorts by a column and says so in the page’s headers', async () => {
    const losses = columnValues('metrics.loss');
    const byLoss = (sign: number) =>
      [...losses].sort(([, a], [, b]) => sign * (Number(a) - Number(b))).map(([runId]) => runId);
    assert.notEqual(byLoss(1)[0], byLoss(-1)[0], 'the two runs end with different losses');

    for (const direction of ['descending', 'ascending'] as const) {
      view.sortBy('metrics.loss', direction);
      const rendered = await eventually(
        () => lastRendered(),
        (value) => value?.sort?.columnId === 'metrics.loss' && value.sort.direction === direction,
      );
      const expected = byLoss(direction === 'ascending' ? 1 : -1);
      assert.deepEqual(rowOrder(), expected);
      assert.deepEqual(rendered?.rows, expected, 'the page shows the rows in the sorted order');
    }
  });

  it('exports the table as CSV where the save dialog says, in the sorted order', async () => {
    const target = join(folder, 'compared.csv');
    const input = scriptedInput([{ save: target }]);
    const restore = api.platform.useUserInput(input);
    let written: string | undefined;
    try {
      written = await view.exportCsv();
    } finally {
      restore();
    }
    assert.equal(written, target);
    assert.equal(input.prompts[0].kind, 'save');
    assert.match(String(input.prompts[0].value), /run-comparison\.csv$/, 'the dialog suggests run-comparison.csv');

    const lines = readFileSync(target, 'utf8').split('\r\n');
    assert.equal(lines.at(-1), '', 'every line ends with CRLF');
    const [header, ...rows] = lines.slice(0, -1).map((line) => line.split(','));
    assert.deepEqual(header.slice(0, 3), ['run', 'display_name', 'status']);
    assert.ok(header.includes('params.learning_rate') && header.includes('metrics.loss'));
    const names = new Map(view.jobs.map((job) => [job.jobName, job]));
    assert.deepEqual(
      rows.map((row) => row[0]),
      rowOrder().map((runId) => [...names.keys()].find((name) => runId.endsWith(`/jobs/${name}`))),
      'one row per run, in the table’s order',
    );
    const arm = await api.auth.session.getArm();
    for (const row of rows) {
      const mlflowRun = await arm.mlflow(view.jobs[0].workspace).getRun(row[0]);
      const loss = mlflowRun.latestMetrics.find((metric) => metric.key === 'loss')!.value;
      assert.equal(Number(row[header.indexOf('metrics.loss')]), loss, 'numbers are written exactly');
      assert.equal(row[header.indexOf('params.learning_rate')], mlflowRun.params.learning_rate);
    }
  });

  it('says clearly when the CSV cannot be written, with another location to choose', async () => {
    const blocker = join(folder, 'not-a-folder');
    writeFileSync(blocker, 'a file where a folder should be');
    const reported: ReportedError[] = [];
    const listening = api.platform.errors.onDidReport((report) => reported.push(report));
    const restore = api.platform.useUserInput(scriptedInput([{ save: join(blocker, 'compared.csv') }]));
    try {
      assert.equal(await view.exportCsv(), undefined);
    } finally {
      restore();
      listening.dispose();
    }
    assert.equal(reported.length, 1);
    assert.match(reported[0].message, /^Could not write .*not-a-folder.*compared\.csv: .+ Choose a folder that exists/);
    assert.deepEqual(reported[0].buttons, ['Choose Another Location']);
  });

  it('adds runs to the open comparison: from the palette’s pick and from a job’s details', async () => {
    // The pick offers the newest jobs of the most recently used experiments, which earlier suites may have
    // made others than iris-training: the test takes the first completed job offered that is not compared yet.
    const compared = new Set(view.jobs.map((job) => job.jobName));
    const fourth = trainingRows[3];
    let picked: string | undefined;
    const input = scriptedInput([
      {
        pickManyOf: (items) => {
          const name = (item: { value: unknown }) => (item.value as { jobName: string }).jobName;
          // Not the job the details page adds next, so each step adds one run.
          // A completed one: a running job would keep the panel polling, which a later test says stops.
          const first = items.find(
            (item) =>
              item.description?.startsWith('Completed') &&
              !compared.has(name(item)) &&
              name(item) !== jobNameOf(fourth),
          );
          picked = first && name(first);
          return first ? [first] : [];
        },
      },
    ]);
    const restore = api.platform.useUserInput(input);
    let again: RunComparisonView | undefined;
    try {
      again = await vscode.commands.executeCommand<RunComparisonView | undefined>(CommandId.compareJobs);
    } finally {
      restore();
    }
    assert.equal(again, view, 'the comparison already open takes the new run');
    assert.equal(input.prompts[0].kind, 'pickMany');
    assert.ok((input.prompts[0].items?.length ?? 0) >= 4, 'the pick offers the workspace’s recent jobs');
    assert.ok(picked);
    assert.deepEqual(
      view.jobs.map((job) => job.jobName),
      [...compared, picked],
    );

    // The details page's Add to Comparison runs the command for the job whose details have the focus.
    const details = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, fourth);
    assert.ok(details);
    await eventually(
      () => details.panel.active,
      (active) => active,
    );
    await vscode.commands.executeCommand(CommandId.addToComparison);
    assert.deepEqual(
      view.jobs.map((job) => job.jobName),
      [...compared, picked, jobNameOf(fourth)],
    );
    await eventually(
      () => lastRendered()?.rows.length,
      (count) => count === 4,
    );
    details.panel.dispose();
  });

  it('follows a running job until it ends, and stops polling when all have ended or the panel closes', async () => {
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'log_accuracy.py'), LOGGING_SCRIPT);
    writeFileSync(
      join(folder, 'job.yml'),
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
        'code: ./src',
        'command: python3 -u log_accuracy.py',
        'environment: azureml:sklearn-env:1',
        'compute: azureml:cpu-cluster',
        'experiment_name: run-comparison',
        '',
      ].join('\n'),
    );
    const job = await vscode.commands.executeCommand<SubmittedJob | undefined>(
      CommandId.submitJob,
      vscode.Uri.file(join(folder, 'job.yml')),
    );
    assert.ok(job);
    await vscode.commands.executeCommand(CommandId.addToComparison, {
      workspace: job.workspace,
      jobName: job.jobName,
    });
    assert.equal(view.jobs.at(-1)?.jobName, job.jobName);
    const runId = lastState()!.runs.at(-1)!.id;
    await eventually(
      () => view.posted.filter((m) => m.type === 'metricPoints' && JSON.stringify(m.payload).includes(runId)).length,
      (count) => count >= 2,
      90_000,
    );
    assert.ok(view.live, 'the panel polls while the job runs');
    await eventually(
      () => lastState()?.runs.find((run) => run.id === runId),
      (run) => run?.active === false,
      90_000,
    );
    assert.equal(lastState()?.runs.find((run) => run.id === runId)?.status, 'Completed');
    assert.equal(view.live, false, 'polling stops once every run has ended');
    assert.deepEqual(
      pointsSent('accuracy')
        .get(runId)
        ?.map((point) => point.step),
      Array.from({ length: LIVE_STEPS }, (_, step) => step),
      'each point went to the page once, in order',
    );
    assert.ok(lastState()?.columns.some((column) => column.id === 'metrics.accuracy'));

    // The seeded hour-long job of the NLP workspace: still running when the panel closes.
    const nlp = { ...job.workspace, name: 'mlw-nlp-dev' };
    const running = (
      await (await api.auth.session.getArm()).runHistory(nlp).listRuns('sentiment-analysis', { text: 'live' })
    ).items[0];
    assert.equal(running?.status, 'Running');
    await vscode.commands.executeCommand(CommandId.addToComparison, { workspace: nlp, jobName: running.runId });
    const hourLongId = lastState()!.runs.at(-1)!.id;
    await eventually(
      () => view.posted.some((m) => m.type === 'metricPoints' && JSON.stringify(m.payload).includes(hourLongId)),
      (seen) => seen,
    );
    assert.ok(view.live);
    view.panel.dispose();
    assert.equal(view.live, false, 'closing the panel stops polling');
    const reopened = await vscode.commands.executeCommand<RunComparisonView | undefined>(
      CommandId.compareJobs,
      trainingRows[0],
      [trainingRows[0]],
    );
    assert.notEqual(reopened, view, 'a closed comparison is gone; the next one starts afresh');
    assert.equal(reopened?.jobs.length, 1);
    reopened?.panel.dispose();
  });

  it('gives a page that gets ready while the histories are read each point once', async () => {
    const row = trainingRows[1];
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
    let opened: RunComparisonView | undefined;
    try {
      opened = await vscode.commands.executeCommand<RunComparisonView | undefined>(CommandId.compareJobs, row, [row]);
      assert.ok(opened);
      view = opened;
      await eventually(
        () => lastRendered()?.charts.length,
        (count) => count === 2,
        30_000,
      );
      assert.ok(
        view.posted.some((message) => message.type === 'metricPoints'),
        'the page was ready before the read ended (else this test proves nothing)',
      );
      const mlflow = (await api.auth.session.getArm()).mlflow(view.jobs[0].workspace);
      const runId = lastState()!.runs[0].id;
      for (const key of ['accuracy', 'loss']) {
        const history = await mlflow.getMetricHistory(view.jobs[0].jobName, key);
        assert.equal(pointsSent(key).get(runId)?.length, history.length, `every ${key} point was sent once`);
      }
    } finally {
      await emulator.clearFaults();
      opened?.panel.dispose();
    }
  });
});
