import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  createMlflowRun,
  finishMlflowRun,
  readMetricHistory,
  readMlflowRun,
} from '../../../../src/core/localRuns/mlflowFileStore';

/** Writes into a run the way MLflow's file store does: metric lines, param and tag files, `/` as subfolders. */
function logLikeMlflow(runDir: string) {
  const write = (folder: string, key: string, text: string, append = false) => {
    const file = join(runDir, folder, ...key.split('/'));
    mkdirSync(join(file, '..'), { recursive: true });
    if (append) appendFileSync(file, text);
    else writeFileSync(file, text);
  };
  write('metrics', 'loss', '1700000000000 0.9 0\n1700000000100 0.5 1\n1700000000200 0.25 2\n', true);
  write('metrics', 'train/accuracy', '1700000000000 0.5 0\n1700000000300 0.75 0\n', true);
  write('metrics', 'odd', '1700000000000 nan 0\n1700000000001 inf 1\n', true);
  write('params', 'learning_rate', '0.1');
  write('params', 'model/depth', '4');
  write('tags', 'mlflow.note.content', 'hello');
}

describe('core/localRuns/mlflowFileStore', () => {
  let root: string;
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'mlflow-store-')), 'mlruns');
  });
  afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it("creates the store, the experiment and a RUNNING run in MLflow's layout", async () => {
    const runId = 'a'.repeat(32);
    const { experimentId } = await createMlflowRun(root, 'demo-training', runId, 'prep', 1700000000000);
    assert.match(experimentId, /^[1-9]\d*$/);
    assert.deepEqual(readdirSync(root).sort(), ['.trash', '0', experimentId].sort());

    const defaultExperiment = parse(readFileSync(join(root, '0', 'meta.yaml'), 'utf8'));
    assert.equal(defaultExperiment.name, 'Default');
    assert.equal(defaultExperiment.experiment_id, '0', 'experiment ids are text, as MLflow writes them');
    const experiment = parse(readFileSync(join(root, experimentId, 'meta.yaml'), 'utf8'));
    assert.equal(experiment.name, 'demo-training');
    assert.equal(experiment.lifecycle_stage, 'active');
    assert.equal(experiment.experiment_id, experimentId);

    const runDir = join(root, experimentId, runId);
    const meta = parse(readFileSync(join(runDir, 'meta.yaml'), 'utf8'));
    assert.equal(meta.run_id, runId);
    assert.equal(meta.run_uuid, runId);
    assert.equal(meta.experiment_id, experimentId);
    assert.equal(meta.status, 1, 'RUNNING');
    assert.equal(meta.start_time, 1700000000000);
    assert.equal(meta.end_time, null);
    assert.equal(meta.lifecycle_stage, 'active');
    assert.match(meta.artifact_uri, /^file:\/\/.*\/artifacts$/);
    for (const folder of ['metrics', 'params', 'tags', 'artifacts']) assert.ok(readdirSync(runDir).includes(folder));
    assert.equal(readFileSync(join(runDir, 'tags', 'mlflow.runName'), 'utf8'), 'prep');
  });

  it('puts runs of the same experiment name in the same experiment', async () => {
    const first = await createMlflowRun(root, 'exp', 'b'.repeat(32), 'one', 1);
    const second = await createMlflowRun(root, 'exp', 'c'.repeat(32), 'two', 2);
    const other = await createMlflowRun(root, 'other', 'd'.repeat(32), 'three', 3);
    assert.equal(second.experimentId, first.experimentId);
    assert.notEqual(other.experimentId, first.experimentId);
  });

  it('round-trips what MLflow writes: params, tags, latest metrics and metric history', async () => {
    const runId = 'e'.repeat(32);
    const { experimentId } = await createMlflowRun(root, 'exp', runId, 'step', 1);
    logLikeMlflow(join(root, experimentId, runId));

    const run = await readMlflowRun(root, runId);
    assert.deepEqual(run.params, { learning_rate: '0.1', 'model/depth': '4' });
    assert.equal(run.tags['mlflow.note.content'], 'hello');
    assert.equal(run.tags['mlflow.runName'], 'step');
    const latest = Object.fromEntries(run.latestMetrics.map((metric) => [metric.key, metric]));
    assert.deepEqual(latest.loss, { key: 'loss', step: 2, value: 0.25, timestamp: 1700000000200 });
    assert.deepEqual(
      latest['train/accuracy'],
      { key: 'train/accuracy', step: 0, value: 0.75, timestamp: 1700000000300 },
      'at the same step, the later timestamp wins',
    );
    assert.equal(latest.odd.value, Infinity);

    assert.deepEqual(await readMetricHistory(root, runId, 'loss'), [
      { step: 0, value: 0.9, timestamp: 1700000000000 },
      { step: 1, value: 0.5, timestamp: 1700000000100 },
      { step: 2, value: 0.25, timestamp: 1700000000200 },
    ]);
    const odd = await readMetricHistory(root, runId, 'odd');
    assert.ok(Number.isNaN(odd[0].value));
    assert.equal((await readMetricHistory(root, runId, 'train/accuracy')).length, 2);
    assert.deepEqual(await readMetricHistory(root, runId, 'never-logged'), []);
  });

  it('reads a store MLflow made, with its own meta.yaml', async () => {
    const runId = '0123456789abcdef0123456789abcdef';
    const runDir = join(root, '123456789', runId);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(
      join(root, '123456789', 'meta.yaml'),
      "artifact_location: file:///x/mlruns/123456789\ncreation_time: 1\nexperiment_id: '123456789'\nlast_update_time: 1\nlifecycle_stage: active\nname: exp\n",
    );
    writeFileSync(
      join(runDir, 'meta.yaml'),
      `artifact_uri: file:///x/mlruns/123456789/${runId}/artifacts\nend_time: null\nentry_point_name: ''\nexperiment_id: '123456789'\nlifecycle_stage: active\nrun_id: ${runId}\nrun_name: bold-fox-1\nrun_uuid: ${runId}\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: 1\nstatus: 1\ntags: []\nuser_id: me\n`,
    );
    logLikeMlflow(runDir);
    assert.equal((await readMetricHistory(root, runId, 'loss')).length, 3);
    assert.equal((await readMlflowRun(root, runId)).params.learning_rate, '0.1');
    // A run made elsewhere lands in the experiment of its name.
    assert.equal((await createMlflowRun(root, 'exp', 'f'.repeat(32), 'next', 2)).experimentId, '123456789');
  });

  it('ignores a torn last line (no newline yet) rather than failing', async () => {
    const runId = '1'.repeat(32);
    const { experimentId } = await createMlflowRun(root, 'exp', runId, 'step', 1);
    writeFileSync(join(root, experimentId, runId, 'metrics', 'loss'), '1700000000000 0.9 0\n1700000000100 0.');
    assert.deepEqual(await readMetricHistory(root, runId, 'loss'), [{ step: 0, value: 0.9, timestamp: 1700000000000 }]);
    const run = await readMlflowRun(root, runId);
    assert.deepEqual(run.latestMetrics, [{ key: 'loss', step: 0, value: 0.9, timestamp: 1700000000000 }]);
  });

  it('reports a malformed complete line', async () => {
    const runId = '2'.repeat(32);
    const { experimentId } = await createMlflowRun(root, 'exp', runId, 'step', 1);
    writeFileSync(join(root, experimentId, runId, 'metrics', 'loss'), 'not a metric line at all\n');
    await assert.rejects(readMetricHistory(root, runId, 'loss'), /Metric `loss` is malformed at line 1/);
  });

  it('finishes a run with MLflow’s status numbers and end time, keeping the rest of its meta.yaml', async () => {
    const cases = [
      ['FINISHED', 3],
      ['FAILED', 4],
      ['KILLED', 5],
    ] as const;
    for (const [index, [status, number]] of cases.entries()) {
      const runId = `${index + 3}`.repeat(32);
      const { experimentId } = await createMlflowRun(root, 'exp', runId, 'step', 10);
      await finishMlflowRun(root, runId, status, 99);
      const meta = parse(readFileSync(join(root, experimentId, runId, 'meta.yaml'), 'utf8'));
      assert.equal(meta.status, number, status);
      assert.equal(meta.end_time, 99);
      assert.equal(meta.start_time, 10);
      assert.equal(meta.run_name, 'step');
    }
  });

  it('reads a run that is not in the store as empty, and refuses names that leave it', async () => {
    assert.deepEqual(await readMlflowRun(root, '9'.repeat(32)), { params: {}, tags: {}, latestMetrics: [] });
    await assert.rejects(finishMlflowRun(root, '9'.repeat(32), 'FINISHED', 1), /has no run/);
    await assert.rejects(readMetricHistory(root, '9'.repeat(32), '../../meta.yaml'), /not a metric name/);
    await assert.rejects(readMlflowRun(root, '../escape'), /not an MLflow run id/);
  });
});
