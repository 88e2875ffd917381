import assert from 'node:assert/strict';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readMetricHistory, readMlflowRun } from '../../../../src/core/localRuns/mlflowFileStore';
import { planLocalRun } from '../../../../src/core/localRuns/plan';
import { startLocalRun, type LocalRunOptions } from '../../../../src/core/localRuns/runner';
import { readRunRecord } from '../../../../src/core/localRuns/runStore';
import type { LocalRunRecord } from '../../../../src/core/localRuns/types';

const twoStepFixture = join(__dirname, '../../../fixtures/local-runs/two-step');

/** Whether a process still runs: a zombie (dead, waiting to be reaped) does not. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** The MLflow status number a step's run ended with, from its meta.yaml. */
function mlflowStatus(runDir: string, runId: string): number {
  const store = join(runDir, 'mlruns');
  for (const experiment of readdirSync(store)) {
    const meta = join(store, experiment, runId, 'meta.yaml');
    if (existsSync(meta)) return parse(readFileSync(meta, 'utf8')).status;
  }
  return assert.fail(`no MLflow run ${runId}`);
}

describe('core/localRuns/runner', function () {
  this.timeout(30000);
  let project: string;
  beforeEach(() => {
    // A space in the path: every path the runner hands a command must survive the shell.
    project = join(mkdtempSync(join(tmpdir(), 'runner-')), 'my project');
  });
  afterEach(() => rmSync(join(project, '..'), { recursive: true, force: true }));

  /** Writes a job YAML into the project, plans it and starts it, collecting what it writes and saves. */
  async function run(yaml: string, options: Partial<LocalRunOptions> = {}, file = 'jobs/job.yml') {
    const yamlFile = join(project, file);
    if (yaml) {
      cpSync(twoStepFixture, join(project, 'jobs'), { recursive: true });
      writeFileSync(yamlFile, yaml);
    }
    const plan = planLocalRun(readFileSync(yamlFile, 'utf8'), yamlFile, (path) => readFileSync(path, 'utf8'));
    let terminal = '';
    const records: LocalRunRecord[] = [];
    const controller = new AbortController();
    const started = await startLocalRun({
      plan,
      projectRoot: project,
      yamlFile,
      interpreter: 'python3',
      resolveAsset: () => Promise.reject(new Error('no assets in this test')),
      write: (text) => (terminal += text),
      signal: controller.signal,
      onRecord: (record) => records.push(record),
      ...options,
    });
    return { started, records, controller, terminal: () => terminal };
  }

  it('runs a two-step pipeline: the second step reads the first one’s output and logs metrics', async () => {
    cpSync(twoStepFixture, join(project, 'jobs'), { recursive: true });
    const { started, records, terminal } = await run(
      '',
      { now: () => new Date('2025-03-04T05:06:07Z') },
      'jobs/pipeline.yml',
    );
    assert.match(started.runName, /^local-20250304-050607-[0-9a-f]{4}$/);
    assert.equal(started.runDir, join(project, '.azureml', 'local-runs', started.runName));
    const record = await started.done;

    assert.equal(record.status, 'Completed', record.error);
    assert.equal(record.yamlPath, 'jobs/pipeline.yml');
    assert.equal(record.experimentName, 'local-two-step');
    assert.equal(record.hostPid, undefined, 'a finished run belongs to no host');
    assert.deepEqual(
      record.steps.map((step) => [step.name, step.status, step.exitCode]),
      [
        ['make', 'Completed', 0],
        ['use', 'Completed', 0],
      ],
    );
    assert.deepEqual(await readRunRecord(started.runDir), record);

    // The first save has every step NotStarted; each step start and end is saved after it.
    assert.equal(records[0].status, 'Running');
    assert.equal(records[0].hostPid, process.pid);
    assert.deepEqual(
      records[0].steps.map((step) => step.status),
      ['NotStarted', 'NotStarted'],
    );
    const makeStatuses = records.map((saved) => saved.steps[0].status);
    assert.ok(makeStatuses.indexOf('Running') < makeStatuses.indexOf('Completed'));
    assert.equal(records.at(-1)?.status, 'Completed');

    const [make, use] = record.steps;
    const table = join(started.runDir, make.outputs.table, 'table.csv');
    assert.equal(readFileSync(table, 'utf8'), 'x,y\n0,0\n1,1\n2,4\n');
    assert.ok(use.command?.includes(`'${join(started.runDir, 'make/outputs/table')}'`), use.command);
    assert.ok(!use.command?.includes('--limit'), 'the optional block without a value is dropped');
    assert.match(readFileSync(join(started.runDir, make.logPath), 'utf8'), /hello local run\nwrote 3 rows\n/);
    assert.match(readFileSync(join(started.runDir, use.logPath), 'utf8'), /read 3 rows/);

    const store = join(started.runDir, 'mlruns');
    assert.deepEqual(
      (await readMetricHistory(store, use.mlflowRunId, 'table/y')).map((point) => [point.step, point.value]),
      [
        [0, 0],
        [1, 1],
        [2, 4],
      ],
    );
    const metrics = await readMlflowRun(store, use.mlflowRunId);
    assert.equal(metrics.params.rows, '3');
    assert.deepEqual(
      metrics.latestMetrics.map((metric) => [metric.key, metric.value]),
      [['table/y', 4]],
    );
    assert.equal(mlflowStatus(started.runDir, make.mlflowRunId), 3, 'FINISHED');

    const text = terminal();
    assert.ok(text.includes('\x1b[1;36m▶ Step make\x1b[0m'), 'step headers are bold cyan');
    assert.ok(text.includes('hello local run\n'), "the step's own output is passed through");
    assert.ok(text.endsWith(`\x1b[32m✓ Run ${started.runName} completed\x1b[0m\n`), 'success is green');
    assert.ok(!text.includes('\r'), 'line ends are the adapter’s to convert');
  });

  it('gives each step its environment: MLflow variables, the YAML’s own, unbuffered Python, the shims first on PATH', async () => {
    const { started } = await run(`type: command
display_name: show env
command: env > \${{outputs.env}}/env.txt && echo done > \${{outputs.summary}}
environment_variables:
  GREETING: from the yaml
outputs:
  env:
    type: uri_folder
  summary:
    type: uri_file
`);
    const record = await started.done;
    assert.equal(record.status, 'Completed', record.error);
    const [step] = record.steps;
    assert.equal(step.name, 'show env');
    const lines = readFileSync(join(started.runDir, step.outputs.env, 'env.txt'), 'utf8').split('\n');
    const env = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(env.GREETING, 'from the yaml');
    assert.equal(env.MLFLOW_RUN_ID, step.mlflowRunId);
    assert.equal(env.AZUREML_RUN_ID, step.mlflowRunId);
    assert.equal(env.MLFLOW_EXPERIMENT_NAME, 'jobs');
    assert.equal(env.PYTHONUNBUFFERED, '1');
    assert.ok(env.MLFLOW_TRACKING_URI.startsWith('file://'));
    assert.ok(decodeURIComponent(env.MLFLOW_TRACKING_URI).endsWith(`${started.runName}/mlruns`));
    assert.ok(existsSync(join(started.runDir, 'mlruns', env.MLFLOW_EXPERIMENT_ID, step.mlflowRunId, 'meta.yaml')));
    assert.ok(env.PATH.startsWith(join(started.runDir, '.bin')));
    assert.equal(step.outputs.summary, 'show_env/outputs/summary/summary', 'a uri_file output is a file in its folder');
    assert.equal(readFileSync(join(started.runDir, step.outputs.summary), 'utf8'), 'done\n');
  });

  it('stops at the first failing step: the run fails, later steps stay NotStarted', async () => {
    const { started, terminal } = await run(`type: pipeline
jobs:
  first:
    command: echo first
  second:
    command: echo broken >&2; exit 3
  third:
    command: echo third
`);
    const record = await started.done;
    assert.equal(record.status, 'Failed');
    assert.match(record.error ?? '', /Step second failed: Exited with code 3/);
    assert.deepEqual(
      record.steps.map((step) => step.status),
      ['Completed', 'Failed', 'NotStarted'],
    );
    assert.equal(record.steps[1].exitCode, 3);
    assert.equal(readFileSync(join(started.runDir, record.steps[1].logPath), 'utf8'), 'broken\n');
    assert.equal(mlflowStatus(started.runDir, record.steps[1].mlflowRunId), 4, 'FAILED');
    assert.deepEqual((await readMlflowRun(join(started.runDir, 'mlruns'), record.steps[2].mlflowRunId)).tags, {});
    assert.ok(terminal().includes('\x1b[31m✗ Step second failed'), 'the failure is red');
    assert.ok(!terminal().includes('third\n'));
  });

  it('cancels the whole run: the step and run end Canceled within seconds and no process is left', async () => {
    const { started, controller, terminal } = await run(`type: pipeline
jobs:
  slow:
    command: >-
      sleep 60 & echo $! > \${{outputs.pids}}/background;
      echo $$ > \${{outputs.pids}}/shell;
      python3 -c 'import os, sys, time; open(os.path.join(sys.argv[1], "python"), "w").write(str(os.getpid())); time.sleep(60)' \${{outputs.pids}}
    outputs:
      pids:
  after:
    command: echo after
`);
    const pids = join(started.runDir, 'slow/outputs/pids');
    const names = ['background', 'shell', 'python'];
    await waitFor(
      () => names.every((name) => existsSync(join(pids, name)) && readFileSync(join(pids, name), 'utf8').trim() !== ''),
      10000,
      'the step to start',
    );
    const processIds = names.map((name) => Number(readFileSync(join(pids, name), 'utf8')));
    assert.ok(processIds.every(isRunning));

    const canceledAt = Date.now();
    controller.abort();
    const record = await started.done;
    const seconds = (Date.now() - canceledAt) / 1000;
    assert.ok(seconds < 8, `took ${seconds}s`);
    assert.equal(record.status, 'Canceled');
    assert.deepEqual(
      record.steps.map((step) => step.status),
      ['Canceled', 'NotStarted'],
    );
    assert.equal(mlflowStatus(started.runDir, record.steps[0].mlflowRunId), 5, 'KILLED');
    assert.deepEqual(processIds.filter(isRunning), [], 'the background sleep ignores SIGINT, and SIGTERM ends it');
    assert.ok(terminal().includes('canceled'));
  });

  it('runs `python` and `python3` in commands with the chosen interpreter', async () => {
    mkdirSync(project, { recursive: true });
    const fake = join(project, 'fake python');
    writeFileSync(fake, '#!/bin/sh\necho "fake interpreter: $*"\n');
    chmodSync(fake, 0o755);
    const { started } = await run('command: python --version && python3 -c pass\n', { interpreter: fake });
    const record = await started.done;
    assert.equal(record.status, 'Completed', record.error);
    assert.equal(
      readFileSync(join(started.runDir, record.steps[0].logPath), 'utf8'),
      'fake interpreter: --version\nfake interpreter: -c pass\n',
    );
  });

  it('fails the step with a clear message when the interpreter does not exist', async () => {
    const { started } = await run('command: python train.py\n', { interpreter: '/nowhere/bin/python3.99' });
    const record = await started.done;
    assert.equal(record.status, 'Failed');
    assert.match(record.steps[0].error ?? '', /Python interpreter \/nowhere\/bin\/python3\.99 was not found/);
  });

  it('hands azureml: inputs to the resolver and the command the local path it returns', async () => {
    const data = join(project, 'downloaded iris.csv');
    const asked: string[] = [];
    const { started } = await run(
      `command: cat \${{inputs.data}}
inputs:
  data:
    type: uri_file
    path: azureml:iris-csv@latest
`,
      {
        resolveAsset: async (reference, type) => {
          asked.push(`${reference} ${type}`);
          writeFileSync(data, 'sepal,petal\n');
          return data;
        },
      },
    );
    const record = await started.done;
    assert.equal(record.status, 'Completed', record.error);
    assert.deepEqual(asked, ['azureml:iris-csv@latest uri_file']);
    assert.equal(readFileSync(join(started.runDir, record.steps[0].logPath), 'utf8'), 'sepal,petal\n');
  });

  it('fails the step, not the promise, when an asset cannot be resolved', async () => {
    const { started } = await run(`command: cat \${{inputs.data}}
inputs:
  data: { type: uri_file, path: azureml:missing:1 }
`);
    const record = await started.done;
    assert.equal(record.status, 'Failed');
    assert.equal(record.steps[0].error, 'no assets in this test');
    assert.match(record.error ?? '', /no assets in this test/);
  });
});
