import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  RUN_RECORD,
  deleteLocalRun,
  listLocalRuns,
  localRunsRoot,
  readRunRecord,
  saveRunRecord,
} from '../../../../src/core/localRuns/runStore';
import type { LocalRunRecord } from '../../../../src/core/localRuns/types';

function record(runName: string, createdUtc: string, overrides: Partial<LocalRunRecord> = {}): LocalRunRecord {
  return {
    version: 1,
    runName,
    yamlPath: 'mlops/azureml/train/pipeline.yml',
    jobType: 'pipeline',
    experimentName: 'demo-training',
    status: 'Completed',
    createdUtc,
    steps: [
      {
        name: 'prep',
        status: 'Completed',
        mlflowRunId: 'a'.repeat(32),
        outputs: { prepared: 'prep/outputs/prepared' },
        logPath: 'prep/user_logs/std_log.txt',
      },
      {
        name: 'train',
        status: 'Completed',
        mlflowRunId: 'b'.repeat(32),
        outputs: {},
        logPath: 'train/user_logs/std_log.txt',
      },
    ],
    ...overrides,
  };
}

describe('core/localRuns/runStore', () => {
  let project: string;
  let runsRoot: string;
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'local-runs-'));
    runsRoot = localRunsRoot(project);
  });
  afterEach(() => rmSync(project, { recursive: true, force: true }));

  function runFolder(name: string): string {
    const dir = join(runsRoot, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  it('keeps runs under .azureml/local-runs of the project', () => {
    assert.equal(localRunsRoot('/home/me/project'), join('/home/me/project', '.azureml', 'local-runs'));
  });

  it('saves a record whole and reads it back, leaving no temporary file', async () => {
    const dir = runFolder('local-20250101-120000-abcd');
    const saved = record('local-20250101-120000-abcd', '2025-01-01T12:00:00.000Z');
    await saveRunRecord(dir, saved);
    assert.deepEqual(await readRunRecord(dir), saved);
    assert.deepEqual(readdirSync(dir), [RUN_RECORD]);
  });

  it('never leaves a half-written record, even with saves racing each other', async () => {
    const dir = runFolder('local-20250101-120000-abcd');
    const versions = Array.from({ length: 20 }, (_, index) =>
      record('local-20250101-120000-abcd', '2025-01-01T12:00:00.000Z', { error: 'x'.repeat(index * 5000) }),
    );
    await Promise.all(versions.map((version) => saveRunRecord(dir, version)));
    const final = await readRunRecord(dir);
    assert.ok(versions.some((version) => version.error === final.error));
    assert.deepEqual(readdirSync(dir), [RUN_RECORD]);
  });

  it('says clearly when a run.json is corrupt, foreign or missing', async () => {
    const corrupt = runFolder('corrupt');
    writeFileSync(join(corrupt, RUN_RECORD), '{"version": 1, "runName": ');
    await assert.rejects(readRunRecord(corrupt), /The run\.json of corrupt is corrupt/);
    const foreign = runFolder('foreign');
    writeFileSync(join(foreign, RUN_RECORD), JSON.stringify({ name: 'something else' }));
    await assert.rejects(readRunRecord(foreign), /not a local run record: its version is undefined/);
    const badStep = runFolder('bad-step');
    const withBadStep = record('bad-step', '2025-01-01T00:00:00Z');
    (withBadStep.steps[0] as { status: string }).status = 'Sleeping';
    writeFileSync(join(badStep, RUN_RECORD), JSON.stringify(withBadStep));
    await assert.rejects(readRunRecord(badStep), /step prep has status "Sleeping"/);
    await assert.rejects(readRunRecord(runFolder('empty')), /empty has no run\.json/);
  });

  it('lists runs newest first, with unreadable ones as errors; no folder means no runs', async () => {
    assert.deepEqual(await listLocalRuns(runsRoot), []);
    await saveRunRecord(runFolder('local-a'), record('local-a', '2025-01-01T10:00:00.000Z'));
    await saveRunRecord(runFolder('local-c'), record('local-c', '2025-01-03T10:00:00.000Z'));
    await saveRunRecord(runFolder('local-b'), record('local-b', '2025-01-02T10:00:00.000Z'));
    writeFileSync(join(runFolder('local-broken'), RUN_RECORD), 'nonsense');
    const runs = await listLocalRuns(runsRoot);
    assert.deepEqual(
      runs.map((run) => run.record?.runName ?? `error:${run.error?.slice(0, 20)}`),
      ['local-c', 'local-b', 'local-a', 'error:The run.json of loca'],
    );
    assert.equal(runs[3].runDir, join(runsRoot, 'local-broken'));
  });

  it('marks a run left Running by a host that is gone as Failed, with its running step, and saves it', async () => {
    const dir = runFolder('local-stale');
    const stale = record('local-stale', '2025-01-01T10:00:00.000Z', { status: 'Running', hostPid: 424242 });
    stale.steps[0].status = 'Completed';
    stale.steps[1] = { ...stale.steps[1], status: 'Running', startTimeUtc: '2025-01-01T10:01:00.000Z' };
    await saveRunRecord(dir, stale);
    const asked: number[] = [];
    const [listed] = await listLocalRuns(runsRoot, (pid) => {
      asked.push(pid);
      return false;
    });
    assert.deepEqual(asked, [424242]);
    const interrupted = 'Interrupted: VS Code closed while the run was going';
    assert.equal(listed.record?.status, 'Failed');
    assert.equal(listed.record?.error, interrupted);
    assert.equal(listed.record?.hostPid, undefined);
    assert.ok(listed.record?.endTimeUtc);
    assert.equal(listed.record?.steps[0].status, 'Completed');
    assert.equal(listed.record?.steps[1].status, 'Failed');
    assert.equal(listed.record?.steps[1].error, interrupted);
    assert.deepEqual(await readRunRecord(dir), listed.record, 'the correction is saved');
  });

  it('leaves a run Running while its host is alive', async () => {
    const dir = runFolder('local-live');
    await saveRunRecord(dir, record('local-live', '2025-01-01T10:00:00.000Z', { status: 'Running', hostPid: 77 }));
    const [listed] = await listLocalRuns(runsRoot, (pid) => pid === 77);
    assert.equal(listed.record?.status, 'Running');
    assert.equal(JSON.parse(readFileSync(join(dir, RUN_RECORD), 'utf8')).status, 'Running');
    // The default check knows this process is alive.
    await saveRunRecord(
      dir,
      record('local-live', '2025-01-01T10:00:00.000Z', { status: 'Running', hostPid: process.pid }),
    );
    assert.equal((await listLocalRuns(runsRoot))[0].record?.status, 'Running');
  });

  it('deletes a run folder', async () => {
    const dir = runFolder('local-gone');
    await saveRunRecord(dir, record('local-gone', '2025-01-01T10:00:00.000Z'));
    mkdirSync(join(dir, 'prep', 'outputs', 'prepared'), { recursive: true });
    await deleteLocalRun(dir);
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(runsRoot), true);
  });

  it('refuses to delete anything that is not a run folder under a local-runs folder', async () => {
    const elsewhere = join(project, 'data');
    mkdirSync(elsewhere);
    const lookalike = join(project, 'local-runs', 'run');
    mkdirSync(lookalike, { recursive: true });
    mkdirSync(runsRoot, { recursive: true });
    for (const path of [
      elsewhere,
      project,
      runsRoot,
      join(project, '.azureml'),
      lookalike,
      join(runsRoot, '..', '..'),
    ]) {
      await assert.rejects(deleteLocalRun(path), /is not a local run folder/, path);
      assert.ok(existsSync(path), `${path} must still be there`);
    }
    const file = join(runsRoot, 'not-a-folder');
    writeFileSync(file, 'x');
    await assert.rejects(deleteLocalRun(file), /is not a local run folder/);
    assert.ok(existsSync(file));
  });
});
