import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUTH, request, RuntimeHarness, WS_ID } from './runtimeHarness';

const TRAIN_PY = `
import json, os, sys, time, urllib.request

base = os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/"
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]}
run_id = os.environ["MLFLOW_RUN_ID"]

def post(endpoint, body):
    req = urllib.request.Request(base + endpoint, data=json.dumps(body).encode(), headers=headers, method="POST")
    urllib.request.urlopen(req).read()

data_file, epochs, out_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print("data says: " + open(data_file).read().strip())
print("run id " + os.environ["AZUREML_RUN_ID"] + " custom " + os.environ.get("CUSTOM_SETTING", "?"))
for step, loss in enumerate([0.9, 0.5, 0.25][:epochs]):
    print("epoch %d loss %s" % (step, loss))
    post("runs/log-metric", {"run_id": run_id, "key": "loss", "value": loss, "timestamp": int(time.time() * 1000), "step": step})
post("runs/log-batch", {"run_id": run_id, "metrics": [{"key": "accuracy", "value": 0.75, "timestamp": int(time.time() * 1000), "step": 0}], "params": [{"key": "epochs", "value": str(epochs)}]})
open(os.path.join(out_dir, "model.txt"), "w").write("trained for %d epochs" % epochs)
print("stderr line", file=sys.stderr)
`;

describe('emulator runtime (real Azurite, real processes, real HTTP)', function () {
  this.timeout(60_000);
  const harness = new RuntimeHarness();

  before(async () => {
    await harness.start();
  });

  after(async () => {
    await harness.stop();
  });

  it('runs a command job from code in Azurite to Completed, with logs, metrics, inputs and outputs', async () => {
    const codeId = await harness.createCode('train-src', { 'train.py': TRAIN_PY });
    await harness.uploadBlob('datasets/iris/header.txt', 'sepal,petal');
    const jobId = harness.submit('job-train', {
      command: 'python3 train.py ${{inputs.data}} ${{inputs.epochs}} ${{outputs.model}}',
      codeId,
      environmentId: 'azureml:python:1',
      environmentVariables: { CUSTOM_SETTING: 'on' },
      inputs: {
        data: {
          jobInputType: 'uri_file',
          uri: 'azureml://datastores/workspaceblobstore/paths/datasets/iris/header.txt',
        },
        epochs: { jobInputType: 'literal', value: '3' },
      },
      outputs: { model: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    });

    assert.equal(
      await harness.waitForStatus(jobId, ['Completed', 'Failed', 'Canceled']),
      'Completed',
      await harness.logText('job-train'),
    );
    const statuses = harness.store.statusesOf(jobId);
    assert.deepEqual(
      statuses.filter((s) => ['NotStarted', 'Queued', 'Running', 'Completed'].includes(s)),
      ['NotStarted', 'Queued', 'Running', 'Completed'],
    );

    const details = await harness.runDetails('job-train');
    assert.equal(details.status, 'Completed');
    assert.ok(Date.parse(details.startTimeUtc) <= Date.parse(details.endTimeUtc));
    assert.equal(details.error, null);
    const log = await harness.logText('job-train');
    assert.match(log, /data says: sepal,petal/);
    assert.match(log, /run id job-train custom on/);
    assert.match(log, /epoch 2 loss 0.25/);
    assert.match(log, /stderr line/);

    const history = await request(`${harness.mlflowUrl('metrics/get-history')}?run_id=job-train&metric_key=loss`, {
      headers: AUTH,
    });
    assert.equal(history.status, 200);
    assert.deepEqual(
      history.json().metrics.map((m: { step: number; value: number }) => [m.step, m.value]),
      [
        [0, 0.9],
        [1, 0.5],
        [2, 0.25],
      ],
    );
    const run = (await request(`${harness.mlflowUrl('runs/get')}?run_id=job-train`, { headers: AUTH })).json().run;
    assert.equal(run.info.run_id, 'job-train');
    assert.equal(run.info.status, 'FINISHED');
    const latest = Object.fromEntries(run.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]));
    assert.deepEqual(latest, { loss: 0.25, accuracy: 0.75 });
    assert.deepEqual(run.data.params, [{ key: 'epochs', value: '3' }]);

    assert.equal(await harness.readBlob('azureml/job-train/model/model.txt'), 'trained for 3 epochs');
    const outputs = harness.store.get(jobId)!.properties.outputs as Record<string, { uri: string }>;
    assert.equal(outputs.model.uri, 'azureml://datastores/workspaceblobstore/paths/azureml/job-train/model/');
  });

  it('marks a job whose process exits non-zero as Failed with an error on the run', async () => {
    const codeId = await harness.createCode('fail-src', { 'fail.sh': 'echo about to fail\nexit 3\n' });
    const jobId = harness.submit('job-fail', { command: 'bash fail.sh', codeId });
    assert.equal(await harness.waitForStatus(jobId, ['Completed', 'Failed', 'Canceled']), 'Failed');
    const details = await harness.runDetails('job-fail');
    assert.match(details.error.error.message, /exited with status code 3/);
    assert.match(await harness.logText('job-fail'), /about to fail/);
    const run = (await request(`${harness.mlflowUrl('runs/get')}?run_id=job-fail`, { headers: AUTH })).json().run;
    assert.equal(run.info.status, 'FAILED');
  });

  it('fails a job whose code version does not exist, explaining why in the log', async () => {
    const jobId = harness.submit('job-nocode', { command: 'echo hi', codeId: `${WS_ID}/codes/missing/versions/1` });
    assert.equal(await harness.waitForStatus(jobId, ['Completed', 'Failed', 'Canceled']), 'Failed');
    assert.match(await harness.logText('job-nocode'), /Code version .* was not found/);
  });

  it('cancel kills the whole process tree of a long job and yields Canceled', async () => {
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'aml-pid-'));
    try {
      const codeId = await harness.createCode('long-src', {
        'long.sh': 'sleep 60 &\necho $! > "$PID_DIR/child"\necho started\nwait\n',
      });
      const jobId = harness.submit('job-long', {
        command: 'bash long.sh',
        codeId,
        environmentVariables: { PID_DIR: pidDir },
      });
      await harness.waitForStatus(jobId, ['Running']);
      await harness.waitFor(() => existsSync(path.join(pidDir, 'child')), 'the job to record its child pid');
      const grandchildPid = Number(readFileSync(path.join(pidDir, 'child'), 'utf8'));
      assert.ok(isAlive(grandchildPid));

      await harness.runtime.cancel(jobId);
      assert.equal(harness.status(jobId), 'Canceled');
      assert.ok(harness.store.statusesOf(jobId).includes('CancelRequested'));
      await harness.waitFor(() => !isAlive(grandchildPid), 'the background sleep to die', 5000);
      assert.ok((await harness.runDetails('job-long')).endTimeUtc);
    } finally {
      rmSync(pidDir, { recursive: true, force: true });
    }
  });

  it('serves log ranges so a client reads only new bytes (206, then 416 at the end)', async () => {
    const flagDir = mkdtempSync(path.join(os.tmpdir(), 'aml-flag-'));
    try {
      const codeId = await harness.createCode('tail-src', {
        'tail.sh': 'echo first\nwhile [ ! -f "$FLAG_DIR/go" ]; do sleep 0.05; done\necho second\n',
      });
      const jobId = harness.submit('job-tail', {
        command: 'bash tail.sh',
        codeId,
        environmentVariables: { FLAG_DIR: flagDir },
      });
      await harness.waitForStatus(jobId, ['Running']);
      const logUrl = (await harness.runDetails('job-tail')).logFiles['user_logs/std_log.txt'] as string;
      await harness.waitFor(async () => (await request(logUrl)).text === 'first\n', 'the first line');

      const firstRange = await request(logUrl, { headers: { Range: 'bytes=0-' } });
      assert.equal(firstRange.status, 206);
      assert.equal(firstRange.headers['content-range'], 'bytes 0-5/6');
      assert.equal(firstRange.text, 'first\n');
      const pastEnd = await request(logUrl, { headers: { Range: 'bytes=6-' } });
      assert.equal(pastEnd.status, 416);
      assert.equal(pastEnd.headers['content-range'], 'bytes */6');

      writeFileSync(path.join(flagDir, 'go'), '');
      await harness.waitForStatus(jobId, ['Completed']);
      const newBytes = await request(logUrl, { headers: { Range: 'bytes=6-' } });
      assert.equal(newBytes.status, 206);
      assert.equal(newBytes.text, 'second\n');
      assert.equal(newBytes.headers['content-range'], 'bytes 6-12/13');

      const tampered = logUrl.replace(/sig=[^&]+/, 'sig=forged');
      assert.equal((await request(tampered)).status, 403);
    } finally {
      rmSync(flagDir, { recursive: true, force: true });
    }
  });

  it('runs a pipeline as child jobs in dependency order, wiring outputs to inputs', async () => {
    const codeId = await harness.createCode('pipe-src', {
      'prep.sh': 'echo "prepared $1" > "$2/data.txt"\necho prep done\n',
      'train.sh': 'echo "train read: $(cat "$1/data.txt")"\n',
    });
    const pipelineId = harness.submit('job-pipeline', {
      jobType: 'Pipeline',
      inputs: { greeting: { jobInputType: 'literal', value: 'hello' } },
      // Declared consumer-first: the runtime must order by bindings, not by declaration.
      jobs: {
        train: {
          type: 'command',
          command: 'bash train.sh ${{inputs.training_data}}',
          codeId,
          inputs: { training_data: { job_input_type: 'uri_folder', uri: '${{parent.jobs.prep.outputs.prepared}}' } },
        },
        prep: {
          type: 'command',
          command: 'bash prep.sh ${{inputs.word}} ${{outputs.prepared}}',
          codeId,
          inputs: { word: { job_input_type: 'literal', value: '${{parent.inputs.greeting}}' } },
          outputs: { prepared: { job_output_type: 'uri_folder' } },
        },
      },
    });
    const pipelineStatus = await harness.waitForStatus(pipelineId, ['Completed', 'Failed', 'Canceled']);
    assert.equal(pipelineStatus, 'Completed', JSON.stringify((await harness.runDetails('job-pipeline')).error));
    assert.deepEqual(
      harness.store.statusesOf(pipelineId).filter((s) => s !== 'NotStarted'),
      ['Queued', 'Running', 'Completed'],
    );

    const children = await request(harness.historyUrl('job-pipeline', '/children'), { headers: AUTH });
    assert.equal(children.status, 200);
    const runs = children.json().value as {
      runId: string;
      displayName: string;
      parentRunId: string;
      status: string;
      startTimeUtc: string;
      endTimeUtc: string;
    }[];
    assert.deepEqual(
      runs.map((r) => r.displayName),
      ['prep', 'train'],
    );
    assert.ok(runs.every((r) => r.parentRunId === 'job-pipeline' && r.status === 'Completed'));
    assert.ok(Date.parse(runs[0].endTimeUtc) <= Date.parse(runs[1].startTimeUtc));
    assert.match(await harness.logText(runs[1].runId), /train read: prepared hello/);

    const childResource = harness.store.get(harness.jobId(runs[1].runId))!;
    assert.equal(childResource.properties.jobType, 'Command');
    assert.equal(
      (childResource.properties.properties as Record<string, string>)['azureml.pipelinerunid'],
      'job-pipeline',
    );
    const pipelineRun = (await request(harness.historyUrl('job-pipeline'), { headers: AUTH })).json();
    assert.equal(pipelineRun.status, 'Completed');
  });

  it('cancels a running pipeline: the running step is killed and no later step starts', async () => {
    const codeId = await harness.createCode('pipe-cancel-src', {
      'slow.sh': 'echo slow started\nsleep 60\n',
      'never.sh': 'echo should not run\n',
    });
    const pipelineId = harness.submit('job-pipeline-cancel', {
      jobType: 'Pipeline',
      jobs: {
        slow: { type: 'command', command: 'bash slow.sh ${{outputs.out}}', codeId, outputs: { out: {} } },
        after: {
          type: 'command',
          command: 'bash never.sh ${{inputs.x}}',
          codeId,
          inputs: { x: { job_input_type: 'literal', value: '${{parent.jobs.slow.outputs.out}}' } },
        },
      },
    });
    await harness.waitFor(async () => {
      const children = (await request(harness.historyUrl('job-pipeline-cancel', '/children'), { headers: AUTH })).json()
        .value;
      return children.length === 1 && children[0].status === 'Running';
    }, 'the first step to run');
    await harness.runtime.cancel(pipelineId);
    assert.equal(harness.status(pipelineId), 'Canceled');
    const children = (await request(harness.historyUrl('job-pipeline-cancel', '/children'), { headers: AUTH })).json()
      .value;
    assert.deepEqual(
      children.map((c: { displayName: string; status: string }) => [c.displayName, c.status]),
      [['slow', 'Canceled']],
    );
  });

  it('records metrics posted through MLflow and reports MLflow errors in MLflow shape', async () => {
    harness.submit('job-metrics', { command: 'true' });
    await harness.waitForStatus(harness.jobId('job-metrics'), ['Completed']);
    for (const [step, value] of [
      [0, 1.5],
      [1, 1.25],
    ]) {
      const logged = await request(harness.mlflowUrl('runs/log-metric'), {
        method: 'POST',
        headers: AUTH,
        body: { run_id: 'job-metrics', key: 'rmse', value, timestamp: 1000 + step, step },
      });
      assert.equal(logged.status, 200);
      assert.deepEqual(logged.json(), {});
    }
    const history = await request(`${harness.mlflowUrl('metrics/get-history')}?run_id=job-metrics&metric_key=rmse`, {
      headers: AUTH,
    });
    assert.deepEqual(history.json(), {
      metrics: [
        { key: 'rmse', value: 1.5, timestamp: 1000, step: 0 },
        { key: 'rmse', value: 1.25, timestamp: 1001, step: 1 },
      ],
    });

    const missing = await request(`${harness.mlflowUrl('runs/get')}?run_id=no-such-run`, { headers: AUTH });
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error_code, 'RESOURCE_DOES_NOT_EXIST');
    const bad = await request(harness.mlflowUrl('runs/log-metric'), {
      method: 'POST',
      headers: AUTH,
      body: { run_id: 'job-metrics', key: 'x', value: 'abc' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error_code, 'INVALID_PARAMETER_VALUE');
    const unauthenticated = await request(`${harness.mlflowUrl('runs/get')}?run_id=job-metrics`);
    assert.equal(unauthenticated.status, 401);
  });

  it('requires a bearer token on run history and serves discovery pointing at the origin', async () => {
    harness.submit('job-auth', { command: 'true' });
    assert.equal((await request(harness.historyUrl('job-auth', '/details'))).status, 401);
    assert.equal((await request(harness.historyUrl('job-auth', '/details'), { headers: AUTH })).status, 200);
    assert.equal((await request(harness.historyUrl('nope', '/details'), { headers: AUTH })).status, 404);
    const discovery = (await request(`${harness.origin}/discovery`)).json();
    assert.equal(discovery.api, harness.origin);
    assert.equal(discovery.history, harness.origin);
  });

  it('gives seeded terminal jobs logs and metric histories without executing them', async () => {
    const id = harness.jobId('seeded-done');
    harness.store.put({
      id,
      name: 'seeded-done',
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: { jobType: 'Command', status: 'Failed', command: 'exit 99', experimentName: 'demo' },
    });
    harness.runtime.seedRunHistory(id, {
      log: 'epoch 0\nepoch 1\nTraceback: boom\n',
      metrics: { loss: [0.8, 0.6] },
      error: 'boom',
    });
    harness.runtime.start(id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(harness.store.statusesOf(id), ['Failed']);

    const details = await harness.runDetails('seeded-done');
    assert.equal(details.status, 'Failed');
    assert.equal(details.error.error.message, 'boom');
    assert.equal(await harness.logText('seeded-done'), 'epoch 0\nepoch 1\nTraceback: boom\n');
    const history = await request(`${harness.mlflowUrl('metrics/get-history')}?run_id=seeded-done&metric_key=loss`, {
      headers: AUTH,
    });
    assert.deepEqual(
      history.json().metrics.map((m: { value: number }) => m.value),
      [0.8, 0.6],
    );
  });

  it('lists seeded pipeline steps as children, whether seeded with parentJobName or only tagged', async () => {
    const jobResource = (name: string, properties: Record<string, unknown>, createdAt: string) => ({
      id: harness.jobId(name),
      name,
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: { status: 'Completed', experimentName: 'demo', ...properties },
      systemData: { createdAt },
    });
    harness.store.put(jobResource('seeded-pipe', { jobType: 'Pipeline' }, '2024-01-01T00:00:00Z'));
    harness.store.put(
      jobResource(
        'seeded-step-b',
        { jobType: 'Command', displayName: 'b', properties: { 'azureml.pipelinerunid': 'seeded-pipe' } },
        '2024-01-01T00:02:00Z',
      ),
    );
    harness.store.put(
      jobResource(
        'seeded-step-a',
        { jobType: 'Command', displayName: 'a', properties: { 'azureml.pipelinerunid': 'seeded-pipe' } },
        '2024-01-01T00:01:00Z',
      ),
    );
    harness.runtime.seedRunHistory(harness.jobId('seeded-step-a'), {
      stdLog: 'step a log\n',
      metrics: {},
      params: {},
      parentJobName: 'seeded-pipe',
    });

    const children = (await request(harness.historyUrl('seeded-pipe', '/children'), { headers: AUTH })).json().value;
    assert.deepEqual(
      children.map((c: { displayName: string; parentRunId: string }) => [c.displayName, c.parentRunId]),
      [
        ['a', 'seeded-pipe'],
        ['b', 'seeded-pipe'],
      ],
    );
    assert.equal(await harness.logText('seeded-step-a'), 'step a log\n');
  });

  it('accepts sweep jobs but leaves them NotStarted with a warning on the run', async () => {
    const id = harness.submit('job-sweep', { jobType: 'Sweep', trial: { command: 'echo x' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(harness.status(id), 'NotStarted');
    const details = await harness.runDetails('job-sweep');
    assert.match(details.warnings[0].message, /does not execute Sweep jobs/);
    await harness.runtime.cancel(id);
    assert.equal(harness.status(id), 'Canceled');
  });
});

describe('emulator runtime process cleanup', function () {
  this.timeout(60_000);

  it('kills Azurite and running jobs when the emulator process exits without stop()', async () => {
    const pidDir = mkdtempSync(path.join(os.tmpdir(), 'aml-exit-'));
    let workDir = '';
    try {
      const child = spawnSync(
        process.execPath,
        ['--require', 'tsx/cjs', path.join(__dirname, 'runtimeExitChild.ts'), path.join(pidDir, 'sleep.pid')],
        { encoding: 'utf8', timeout: 45_000 },
      );
      assert.equal(child.status, 0, child.stderr);
      const report = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
        sleepPid: number;
        blobEndpoint: string;
        workDir: string;
      };
      workDir = report.workDir;
      const deadline = Date.now() + 5000;
      while (isAlive(report.sleepPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(!isAlive(report.sleepPid), 'the job process outlived the emulator');
      await assert.rejects(fetch(`${report.blobEndpoint}?comp=list`), 'Azurite outlived the emulator');
    } finally {
      rmSync(pidDir, { recursive: true, force: true });
      if (workDir) rmSync(workDir, { recursive: true, force: true });
    }
  });
});

/** True while `pid` runs; a zombie (killed, not yet reaped by init) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
