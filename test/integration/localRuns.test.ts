import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { cpSync, existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID, NodeContext } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import { readMetricHistory } from '../../src/core/localRuns/mlflowFileStore';
import type { RunComparisonView } from '../../src/jobs/comparison';
import type { JobDetailsView } from '../../src/jobs/details';
import type { LocalRunHandle } from '../../src/jobs/localRuns';
import type { LocalRunRecord } from '../../src/core/localRuns/types';
import type { TreeNode } from '../../src/explorer/tree/treeNode';
import type { JobOverview, MetricSeries } from '../../src/webviews/jobDetails/contract';
import type { ComparisonState, RunMetricSeries } from '../../src/webviews/runComparison/contract';
import { childNamed, contextOf, descriptionOf, eventually, labelOf } from './tree';

/** The pids a step wrote, so the test can tell whether its processes are gone. */
const SLEEPER = `import os, sys, time
with open(sys.argv[1], 'w') as pid_file:
    pid_file.write(str(os.getpid()))
print('sleeping', flush=True)
time.sleep(60)
`;

describe('local runs: the same YAML on this machine, in a terminal, listed under Local Runs', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let project: string;
  let runsRoot: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    // Runs are kept beside the open folder's YAML, so the project is a folder inside the one VS Code has open.
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    project = join(folder, `local-runs-test-${process.pid}`);
    runsRoot = join(folder, '.azureml', 'local-runs');
    assert.ok(!existsSync(runsRoot), 'the test folder starts with no local runs');
    cpSync(join(folder, '..', 'demo-project'), project, { recursive: true });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const terminal of vscode.window.terminals) terminal.dispose();
    rmSync(project, { recursive: true, force: true });
    // What the runs made, and the folder itself when nothing else (another suite's settings file) is in it.
    for (const made of [runsRoot, join(runsRoot, '..', 'cache')]) rmSync(made, { recursive: true, force: true });
    try {
      rmdirSync(join(runsRoot, '..'));
    } catch {
      // Not empty: another suite's file is in it, and stays.
    }
  });

  const runLocally = (file: string) =>
    vscode.commands.executeCommand<LocalRunHandle | undefined>(CommandId.runLocally, vscode.Uri.file(file));

  async function localRunRows(): Promise<TreeNode[]> {
    const top = await api.explorer.jobsTree.rootChildren();
    const local = top.find((node) => contextOf(node) === NodeContext.localRuns);
    return local ? await api.explorer.jobsTree.getChildren(local) : [];
  }

  it('offers Run Locally beside Submit on a job file', async () => {
    const uri = vscode.Uri.file(join(project, 'mlops', 'azureml', 'train', 'train.yml'));
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const commands = lenses.map((lens) => lens.command?.command);
    assert.ok(commands.includes(CommandId.submitJob), JSON.stringify(commands));
    assert.ok(commands.includes(CommandId.runLocally), JSON.stringify(commands));
  });

  it('runs the demo pipeline step by step: the data asset is downloaded once, prep feeds train, metrics chart', async () => {
    const pipeline = join(project, 'mlops', 'azureml', 'train', 'pipeline.yml');
    // Fewer epochs than the demo's 20 keep the test short; the YAML is the user's to edit.
    writeFileSync(pipeline, readFileSync(pipeline, 'utf8').replace('epochs: 20', 'epochs: 4'));
    const handle = await runLocally(pipeline);
    assert.ok(handle, 'Run Locally gave no run');
    const record = await handle.done;
    assert.equal(record.status, 'Completed', handle.text());
    assert.deepEqual(
      record.steps.map((step) => [step.name, step.status]),
      [
        ['prep', 'Completed'],
        ['train', 'Completed'],
      ],
    );
    assert.match(handle.text(), /Downloading azureml:iris-csv@latest/);
    assert.equal(handle.runDir, join(runsRoot, record.runName), 'runs are kept in the open folder');
    assert.equal(readFileSync(join(runsRoot, '.gitignore'), 'utf8'), '*\n', 'and out of git');
    assert.ok(existsSync(join(handle.runDir, record.steps[0].outputs.prepared, 'train.csv')), 'prep wrote its output');
    const trainLog = readFileSync(join(handle.runDir, record.steps[1].logPath), 'utf8');
    assert.match(trainLog, /training on \d+ rows of .*prep/);
    assert.match(trainLog, /epoch 3: loss=/);

    const row = await eventually(
      async () => (await localRunRows()).find((node) => labelOf(node) === 'prep-and-train'),
      (node) => node !== undefined && descriptionOf(node).startsWith('Completed'),
    );
    assert.equal(contextOf(row!), NodeContext.localRun);
    const steps = await api.explorer.jobsTree.getChildren(row!);
    assert.deepEqual(steps.map(labelOf), ['prep', 'train']);

    const view = await vscode.commands.executeCommand<JobDetailsView>(CommandId.showJobDetails, row);
    const sent = await eventually(
      () =>
        view.posted
          .filter((message) => message.type === 'metrics' || message.type === 'metricPoints')
          .flatMap((message) => (message.payload as { series: MetricSeries[] }).series)
          .filter((series) => series.key === 'train/loss')
          .flatMap((series) => series.steps),
      (steps) => steps.length === 4,
    );
    assert.deepEqual(sent, [0, 1, 2, 3]);
    const overview = view.posted.filter((message) => message.type === 'overview').at(-1)?.payload as JobOverview;
    assert.equal(overview.status, 'Completed');
    assert.equal(overview.compute, 'local');
    const inputs = Object.fromEntries(overview.inputs.map((input) => [input.name, input.value]));
    assert.equal(inputs['train.epochs'], '4');
    assert.match(inputs['prep.raw'], /[/]\.azureml[/]cache[/]data[/]mlw-vision-dev[/]iris-csv[/]/);
    assert.equal(inputs['train.data'], join(handle.runDir, record.steps[0].outputs.prepared));
    assert.deepEqual(
      overview.params.map((param) => `${param.key}=${param.value}`),
      ['train/epochs=4', 'train/learning_rate=0.1'],
    );
    view.panel.dispose();

    // The second run reads the data asset from the cache.
    const again = await runLocally(pipeline);
    assert.equal((await again!.done).status, 'Completed', again!.text());
    assert.doesNotMatch(again!.text(), /Downloading/);
    assert.match(again!.text(), /iris-csv@latest: version \d+, cached/);
  });

  it('compares a local run beside a job on Azure ML: its params and metrics from the local file store', async () => {
    const localRow = (await localRunRows()).find(
      (node) => labelOf(node) === 'prep-and-train' && descriptionOf(node).startsWith('Completed'),
    );
    assert.ok(localRow, 'the pipeline run above is listed');
    const runDir = (localRow as unknown as { runDir: string }).runDir;
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as LocalRunRecord;
    const remoteRow = (await (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren()).find(
      (node) => /^iris-training run \d+$/.test(labelOf(node)) && descriptionOf(node).startsWith('Completed'),
    );
    assert.ok(remoteRow, 'a completed training job of the demo seed');
    const remoteName = (remoteRow as unknown as { run: { runId: string } }).run.runId;

    // As the Jobs view calls Compare Runs on a selection of both rows.
    const view = await vscode.commands.executeCommand<RunComparisonView | undefined>(CommandId.compareJobs, localRow, [
      localRow,
      remoteRow,
    ]);
    assert.ok(view, 'Compare Runs takes a local run row');
    await view.loaded();
    const state = () =>
      view.posted.filter((message) => message.type === 'comparison').at(-1)?.payload as ComparisonState | undefined;
    const compared = await eventually(
      () => state(),
      (value) => value?.rows.length === 2,
    );
    const localRun = compared!.runs.find((run) => run.name === record.runName);
    assert.ok(localRun, `the local run is compared under its name: ${JSON.stringify(compared!.runs)}`);
    assert.equal(localRun.status, 'Completed');
    assert.deepEqual(
      view.compared.map((run) => run.local),
      [true, false],
    );
    assert.deepEqual(
      view.jobs.map((job) => job.jobName),
      [remoteName],
    );
    const cell = (columnId: string) => {
      const index = compared!.columns.findIndex((column) => column.id === columnId);
      assert.ok(index >= 0, `a ${columnId} column: ${compared!.columns.map((column) => column.id).join(', ')}`);
      return compared!.rows.find((row) => row.runId === localRun.id)?.cells[index];
    };
    assert.equal(cell('params.train/epochs'), '4');
    assert.equal(cell('params.train/learning_rate'), '0.1');

    // Its loss history reaches the page beside the remote run's, every point the file store has.
    const trainStep = record.steps.find((step) => step.name === 'train')!;
    const stored = await readMetricHistory(join(runDir, 'mlruns'), trainStep.mlflowRunId, 'loss');
    assert.equal(stored.length, 4);
    const localLoss = await eventually(
      () =>
        view.posted
          .filter((message) => message.type === 'metrics' || message.type === 'metricPoints')
          .flatMap((message) => (message.payload as { series: RunMetricSeries[] }).series)
          .filter((series) => series.runId === localRun.id && series.key === 'train/loss')
          .flatMap((series) => series.points),
      (points) => points.length === stored.length,
    );
    assert.deepEqual(
      localLoss.map((point) => [point.step, point.value]),
      stored.map((point) => [point.step, point.value]),
    );
    assert.equal(cell('metrics.train/loss'), stored.at(-1)!.value);
    view.panel.dispose();

    // Add to Comparison on a local run's details panel adds that run.
    const details = await vscode.commands.executeCommand<JobDetailsView>(CommandId.showJobDetails, localRow);
    await eventually(
      () => details.panel.active,
      (active) => active,
    );
    const added = await vscode.commands.executeCommand<RunComparisonView | undefined>(CommandId.addToComparison);
    assert.ok(added);
    await added.loaded();
    assert.deepEqual(
      added.compared.map((run) => [run.name, run.local]),
      [[record.runName, true]],
    );
    added.panel.dispose();
    details.panel.dispose();
  });

  it('cancels the whole run on Ctrl+C: the step stops, later steps never start', async () => {
    const folder = join(project, 'cancel');
    mkdirSync(join(folder, 'src'), { recursive: true });
    writeFileSync(join(folder, 'src', 'sleeper.py'), SLEEPER);
    const pidFile = join(folder, 'sleeper.pid');
    writeFileSync(
      join(folder, 'pipeline.yml'),
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
        'type: pipeline',
        'display_name: sleepy',
        'jobs:',
        '  wait:',
        '    type: command',
        '    code: ./src',
        `    command: python sleeper.py ${pidFile} && echo \${{outputs.done}}`,
        '    environment: azureml:sklearn-env:1',
        '    outputs:',
        '      done:',
        '        type: uri_folder',
        '  after:',
        '    type: command',
        '    code: ./src',
        '    command: echo ${{inputs.previous}}',
        '    environment: azureml:sklearn-env:1',
        '    inputs:',
        '      previous: ${{parent.jobs.wait.outputs.done}}',
        '',
      ].join('\n'),
    );
    const handle = await runLocally(join(folder, 'pipeline.yml'));
    assert.ok(handle);
    await eventually(
      () => handle.text(),
      (text) => text.includes('sleeping'),
    );
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const row = await eventually(
      async () => (await localRunRows()).find((node) => labelOf(node) === 'sleepy'),
      (node) => node !== undefined && contextOf(node) === NodeContext.activeLocalRun,
    );
    assert.ok(row);
    // What Ctrl+C sends to a terminal.
    handle.terminal.sendText('\x03', false);
    const record = await handle.done;
    assert.equal(record.status, 'Canceled');
    assert.deepEqual(
      record.steps.map((step) => step.status),
      ['Canceled', 'NotStarted'],
    );
    assert.throws(() => process.kill(pid, 0), 'the step process is gone');
    await eventually(
      async () => (await localRunRows()).find((node) => labelOf(node) === 'sleepy'),
      (node) => node !== undefined && descriptionOf(node).startsWith('Canceled'),
    );
  });

  it('shows a run its VS Code left running as interrupted, and a broken record as a row that says so', async () => {
    const left: LocalRunRecord = {
      version: 1,
      runName: 'local-20260101-000000-dead',
      yamlPath: 'job.yml',
      jobType: 'command',
      displayName: 'left-running',
      experimentName: 'demo',
      status: 'Running',
      createdUtc: '2026-01-01T00:00:00.000Z',
      // No process has this id: the host that ran it is gone.
      hostPid: 2 ** 22 + 1,
      steps: [
        {
          name: 'main',
          status: 'Running',
          mlflowRunId: 'f'.repeat(32),
          outputs: {},
          logPath: 'main/user_logs/std_log.txt',
          startTimeUtc: '2026-01-01T00:00:01.000Z',
        },
      ],
    };
    mkdirSync(join(runsRoot, left.runName), { recursive: true });
    writeFileSync(join(runsRoot, left.runName, 'run.json'), JSON.stringify(left));
    mkdirSync(join(runsRoot, 'local-20260101-000000-bad0'), { recursive: true });
    writeFileSync(join(runsRoot, 'local-20260101-000000-bad0', 'run.json'), '{ "version": 1, "runName": ');
    await vscode.commands.executeCommand(CommandId.refreshLocalRuns);

    const rows = await localRunRows();
    const interrupted = rows.find((node) => labelOf(node) === 'left-running');
    assert.ok(interrupted, rows.map(labelOf).join(', '));
    assert.match(descriptionOf(interrupted), /^Failed/);
    const broken = rows.find((node) => labelOf(node) === 'local-20260101-000000-bad0');
    assert.ok(broken, rows.map(labelOf).join(', '));
    assert.equal(contextOf(broken), NodeContext.brokenLocalRun);
    // Nothing is overwritten: the broken file stays as it was for the user to look at.
    assert.equal(
      readFileSync(join(runsRoot, 'local-20260101-000000-bad0', 'run.json'), 'utf8'),
      '{ "version": 1, "runName": ',
    );
  });
});
