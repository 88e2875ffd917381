import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AzureMlArm } from '../../../src/core/azure/armClient';
import { mlflowBaseUrl, MlflowClient } from '../../../src/core/azure/mlflow';
import { workspaceId, type WorkspaceRef } from '../../../src/core/azure/resourceIds';
import { HttpClient } from '../../../src/core/http/httpClient';
import { startHarness, type Harness } from '../emulator/harness';
import { armAgainst } from './armAgainstEmulator';

describe('core/azure: mlflowBaseUrl', () => {
  it('reads the azureml scheme Azure ML reports as https', () => {
    assert.equal(
      mlflowBaseUrl('azureml://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/r/workspaces/w'),
      'https://eastus.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/r/workspaces/w',
    );
  });

  it('keeps an https address as it is, without a trailing slash', () => {
    assert.equal(mlflowBaseUrl('https://localhost:8443/mlflow/v1.0/x/'), 'https://localhost:8443/mlflow/v1.0/x');
  });

  it('refuses what is no web address', () => {
    assert.throws(() => mlflowBaseUrl('file:///tmp/mlruns'), /not a web address/);
  });
});

describe('core/azure: MLflow metric history over pages', () => {
  let server: Server;
  let base: string;
  const requests: URLSearchParams[] = [];

  before(async () => {
    // Three pages of two points each, joined by next_page_token, the way MLflow pages get-history.
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://localhost');
      requests.push(url.searchParams);
      const page = Number(url.searchParams.get('page_token') ?? '0');
      const metrics = [0, 1].map((offset) => {
        const step = page * 2 + offset;
        // int64 fields arrive as strings from some MLflow versions.
        return { key: 'loss', value: 1 / (step + 1), step: String(step), timestamp: String(1000 + step) };
      });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ metrics, ...(page < 2 ? { next_page_token: String(page + 1) } : {}) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mlflow/v1.0/ws`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows next_page_token until the last page and keeps the points in order', async () => {
    const http = new HttpClient({ source: 'azure', serviceName: 'test MLflow', allowInsecureConnection: true });
    const client = new MlflowClient(http, async () => base);
    const points = await client.getMetricHistory('run-1', 'loss');
    assert.deepEqual(
      points.map((point) => point.step),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(points[5].timestamp, 1005);
    assert.deepEqual(
      requests.map((query) => query.get('page_token')),
      [null, '1', '2'],
    );
    assert.ok(requests.every((query) => query.get('run_id') === 'run-1' && query.get('metric_key') === 'loss'));
  });
});

describe('core/azure: MLflow client against the emulator', function () {
  this.timeout(120_000);
  let h: Harness;
  let arm: AzureMlArm;
  let ws: WorkspaceRef;

  before(async () => {
    h = await startHarness({ seed: 'demo' });
    arm = await armAgainst(h);
    ws = {
      subscriptionId: h.emulator.connection.subscriptionIds[0],
      resourceGroup: 'rg-ml-dev',
      name: 'mlw-vision-dev',
    };
  });
  after(async () => h?.stop());

  /** A completed seeded training job of the workspace, found the way the Jobs view finds jobs. */
  async function completedTrainingJob(): Promise<string> {
    const history = arm.runHistory(ws);
    for (const experiment of (await history.listExperiments()).items) {
      const runs = await history.listRuns(experiment.name, { statuses: ['Completed'] });
      for (const run of runs.items) {
        if (run.runType !== 'azureml.PipelineRun' && !/pipeline/i.test(run.runId)) {
          const latest = (await arm.mlflow(ws).getRun(run.runId)).latestMetrics;
          if (latest.some((metric) => metric.key === 'accuracy')) return run.runId;
        }
      }
    }
    throw new Error('the demo seed has no completed job with an accuracy metric in this workspace');
  }

  it("reads a completed job's params, tags and latest metrics", async () => {
    const runId = await completedTrainingJob();
    const run = await arm.mlflow(ws).getRun(runId);
    assert.equal(run.runId, runId);
    assert.equal(run.status, 'FINISHED');
    assert.ok(run.startTime && run.endTime && run.endTime > run.startTime, 'start and end times are known');
    assert.match(run.params.learning_rate, /\d/);
    assert.match(run.params.epochs, /^\d+$/);
    assert.ok(run.tags['mlflow.runName'], 'the run name tag is there');
    const keys = run.latestMetrics.map((metric) => metric.key).sort();
    assert.ok(keys.includes('accuracy') && keys.includes('loss'), `metrics: ${keys.join(', ')}`);
  });

  it("reads a metric's whole history, whose last point is the latest value", async () => {
    const runId = await completedTrainingJob();
    const client = arm.mlflow(ws);
    const run = await client.getRun(runId);
    const accuracy = await client.getMetricHistory(runId, 'accuracy');
    assert.ok(accuracy.length > 1, `accuracy has ${accuracy.length} point(s)`);
    const latest = run.latestMetrics.find((metric) => metric.key === 'accuracy')!;
    assert.equal(accuracy.at(-1)!.value, latest.value);
    assert.ok(accuracy.every((point) => Number.isFinite(point.value) && Number.isFinite(point.step)));
  });

  it('reads back the points a job logs through MLflow, in step order', async () => {
    const wsId = workspaceId(ws);
    const script = [
      'import json, os, ssl, time, urllib.request',
      "uri, token, run = os.environ['MLFLOW_TRACKING_URI'], os.environ['MLFLOW_TRACKING_TOKEN'], os.environ['MLFLOW_RUN_ID']",
      'for step in range(3):',
      "    body = json.dumps({'run_id': run, 'key': 'score', 'value': step * 10, 'step': step, 'timestamp': int(time.time() * 1000)}).encode()",
      "    request = urllib.request.Request(uri + '/api/2.0/mlflow/runs/log-metric', data=body, headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token})",
      '    urllib.request.urlopen(request, context=ssl._create_unverified_context()).read()',
    ].join('\n');
    await arm.putJob(ws, 'mlflow-client-logs', {
      properties: {
        jobType: 'Command',
        // The script quotes with single quotes only, so the shell's double quotes carry it whole.
        command: `python3 -c "${script}"`,
        experimentName: 'mlflow-client',
        environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        computeId: `${wsId}/computes/cpu-cluster`,
      },
    });
    const client = arm.mlflow(ws);
    const deadline = Date.now() + 60_000;
    let points = await client.getMetricHistory('mlflow-client-logs', 'score');
    while (points.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      points = await client.getMetricHistory('mlflow-client-logs', 'score');
    }
    assert.deepEqual(
      points.map((point) => [point.step, point.value]),
      [
        [0, 0],
        [1, 10],
        [2, 20],
      ],
    );
  });

  it('reports an unknown run as the service words it', async () => {
    await assert.rejects(arm.mlflow(ws).getRun('no-such-run'), (error: Error & { statusCode?: number }) => {
      assert.equal(error.statusCode, 404);
      assert.match(error.message, /no-such-run/);
      return true;
    });
  });
});
