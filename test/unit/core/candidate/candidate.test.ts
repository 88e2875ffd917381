// Candidate registration's core: the refusals, the tags, the same-content check, tag updates that keep
// the version, the git state, and the hand-off to the outer loop against the GitHub double.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelVersionInfo } from '../../../../src/core/azure/resources';
import {
  CandidateRefusal,
  candidateTags,
  modelUriOf,
  modelVersionId,
  putCandidate,
  refuseUnlessCompleted,
  setModelVersionTags,
  versionWithSameContent,
  type CandidateArm,
} from '../../../../src/core/candidate/candidate';
import { readGitState } from '../../../../src/core/candidate/git';
import { followRecorded, handOff } from '../../../../src/core/candidate/handOff';
import type { OuterLoopRecord } from '../../../../src/core/outerLoop/candidateTags';
import { GitHubOuterLoop } from '../../../../src/core/outerLoop/github';
import { startGitHubDouble, type GitHubDouble } from '../../../doubles/github';

const WS = { subscriptionId: 'sub', resourceGroup: 'rg', name: 'ws' };
const TOKEN = 'ghp_candidateCoreToken77';

function version(partial: Partial<ModelVersionInfo> & { version: string }): ModelVersionInfo {
  return { id: `/x/models/m/versions/${partial.version}`, modelName: 'm', tags: {}, ...partial };
}

/** An ARM that keeps model versions in memory, as PUT and GET treat them. */
function memoryArm(): CandidateArm & { versions: Map<string, Record<string, unknown>>; puts: number } {
  const versions = new Map<string, Record<string, unknown>>();
  const arm = {
    versions,
    puts: 0,
    async putAssetVersion(ws: typeof WS, _kind: string, name: string, versionName: string, properties: object) {
      arm.puts += 1;
      const id = modelVersionId(ws, { name, version: versionName });
      versions.set(id, { ...properties, provisioningState: 'Succeeded' });
      return id;
    },
    async getResource(id: string) {
      const properties = versions.get(id);
      if (!properties) throw Object.assign(new Error('Not found'), { statusCode: 404 });
      return { id, properties };
    },
  };
  return arm as unknown as CandidateArm & { versions: Map<string, Record<string, unknown>>; puts: number };
}

describe('core/candidate: registering a candidate model version', () => {
  it('refuses failed, cancelled and running jobs with the reason, and takes completed ones', () => {
    assert.doesNotThrow(() => refuseUnlessCompleted('j1', 'Completed'));
    assert.throws(
      () => refuseUnlessCompleted('j2', 'Failed', 'OOM in step train'),
      (error: Error) =>
        error instanceof CandidateRefusal && /j2 ended in failure: OOM in step train/.test(error.message),
    );
    assert.throws(() => refuseUnlessCompleted('j3', 'Canceled'), /j3 ended as Canceled/);
    assert.throws(() => refuseUnlessCompleted('j4', 'Running'), /j4 is Running; its outputs are not final/);
  });

  it('tags the candidate with its job, commit, branch, uncommitted changes, content and final metrics', () => {
    const tags = candidateTags({
      sourceJob: 'iris_123',
      git: { commit: 'abc123', branch: 'feature/x', uncommittedChanges: true },
      metrics: [
        { key: 'accuracy', value: 0.95 },
        { key: 'loss', value: Number.NaN },
      ],
      contentHash: 'f00d',
    });
    assert.deepEqual(tags, {
      stage: 'candidate',
      'source.job': 'iris_123',
      'git.commit': 'abc123',
      'git.branch': 'feature/x',
      'git.uncommitted': 'true',
      'content.sha256': 'f00d',
      'metric.accuracy': '0.95',
    });
    assert.deepEqual(candidateTags({ git: { commit: 'c', uncommittedChanges: false } }), {
      stage: 'candidate',
      'git.commit': 'c',
    });
  });

  it('finds a version holding the same job output or the same uploaded content', () => {
    const versions = [
      version({ version: '1', path: 'azureml://jobs/a/outputs/artifacts/paths/outputs/' }),
      version({ version: '2', path: 'azureml://datastores/d/paths/LocalUpload/x/m', tags: { 'content.sha256': 'h1' } }),
    ];
    const jobUri = modelUriOf({ kind: 'jobOutput', jobName: 'a', output: 'artifacts', path: 'outputs/' });
    assert.equal(versionWithSameContent(versions, jobUri)?.version, '1');
    assert.equal(versionWithSameContent(versions, 'azureml://datastores/d/paths/LocalUpload/y/m', 'h1')?.version, '2');
    assert.equal(versionWithSameContent(versions, 'azureml://jobs/b/outputs/model/paths/'), undefined);
  });

  it('registers once under the version fixed beforehand, and sets tags keeping the rest of the version', async () => {
    const arm = memoryArm();
    const registration = {
      name: 'm',
      version: '4',
      modelType: 'custom_model' as const,
      modelUri: 'azureml://jobs/a/outputs/model/paths/',
      jobName: 'a',
      tags: { stage: 'candidate' },
    };
    await putCandidate(arm, WS, registration);
    await putCandidate(arm, WS, registration);
    assert.equal(arm.versions.size, 1, 'a repeated PUT addresses the same version');
    const tags = await setModelVersionTags(
      arm,
      WS,
      { name: 'm', version: '4' },
      {
        'outerloop.status': 'running',
        stage: '',
      },
    );
    assert.deepEqual(tags, { 'outerloop.status': 'running' });
    const stored = arm.versions.get(modelVersionId(WS, { name: 'm', version: '4' }))!;
    assert.equal(stored.modelUri, registration.modelUri);
    assert.equal(stored.jobName, 'a');
  });
});

describe('core/candidate/git: the commit, branch and uncommitted changes of a folder', function () {
  this.timeout(30_000);
  let repo: string;
  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'candidate-git-'));
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('reads nothing outside a repository, then the commit and branch, then notices changes', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo })
        .toString()
        .trim();
    const outside = mkdtempSync(join(tmpdir(), 'candidate-nogit-'));
    try {
      assert.equal(await readGitState(outside), undefined);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
    git('init', '-q', '-b', 'train');
    assert.equal(await readGitState(repo), undefined, 'no commit yet');
    writeFileSync(join(repo, 'train.py'), 'print(1)\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const head = git('rev-parse', 'HEAD');
    assert.deepEqual(await readGitState(repo), { commit: head, branch: 'train', uncommittedChanges: false });
    writeFileSync(join(repo, 'new.py'), 'print(2)\n');
    assert.equal((await readGitState(repo))?.uncommittedChanges, true);
    git('checkout', '-q', '--detach');
    assert.equal((await readGitState(repo))?.branch, undefined);
  });
});

describe('core/candidate/handOff: trigger, follow and record, against the GitHub double', function () {
  this.timeout(60_000);
  let double: GitHubDouble;
  const model = { name: 'iris', version: '3' };
  const noWait = () => Promise.resolve();

  before(async () => {
    double = await startGitHubDouble({
      tokens: [TOKEN],
      repos: [
        {
          owner: 'contoso',
          repo: 'mlops',
          workflows: [
            {
              file: 'deploy.yml',
              dispatchInputs: { model_name: { required: true }, model_version: { required: true } },
            },
          ],
        },
      ],
    });
  });
  after(() => double.stop());
  afterEach(() => {
    double.faults.clear();
    assert.deepEqual(double.violations, []);
  });

  const client = (token = TOKEN) =>
    new GitHubOuterLoop({
      settings: {
        provider: 'github',
        owner: 'contoso',
        repo: 'mlops',
        workflow: 'deploy.yml',
        trigger: 'workflow_dispatch',
        ref: 'main',
        eventType: 'model-registered',
        baseUrl: double.apiUrl,
      },
      token: async () => token,
    });

  it('records triggered, each new status and the result, in that order', async () => {
    const records: OuterLoopRecord[] = [];
    const outcome = await handOff(client(), model, {
      sleep: noWait,
      record: async (record) => {
        records.push(record);
      },
    });
    assert.equal(outcome.record.status, 'succeeded');
    assert.equal(records[0].status, 'triggered');
    assert.equal(records.at(-1)?.status, 'succeeded');
    assert.ok(records.some((record) => record.status === 'running'));
    assert.equal(records.at(-1)?.runId, outcome.run.runId);
    assert.deepEqual(double.runs().at(-1)?.inputs, { model_name: 'iris', model_version: '3' });
  });

  it('records a failed trigger, throws its error, and a second hand-off succeeds', async () => {
    const records: OuterLoopRecord[] = [];
    const record = async (next: OuterLoopRecord) => {
      records.push(next);
    };
    const before = double.runs().length;
    await assert.rejects(handOff(client('ghp_revoked'), model, { sleep: noWait, record }), /Bad credentials/);
    assert.deepEqual(
      records.map((next) => next.status),
      ['triggerFailed'],
    );
    assert.doesNotMatch(JSON.stringify(records), /ghp_/);
    assert.equal(double.runs().length, before);
    const outcome = await handOff(client(), model, { sleep: noWait, record });
    assert.equal(outcome.record.status, 'succeeded');
    assert.equal(double.runs().length, before + 1);
  });

  it('keeps following when a status cannot be written', async () => {
    const failures: unknown[] = [];
    const outcome = await handOff(client(), model, {
      sleep: noWait,
      record: async () => {
        throw new Error('ARM is down');
      },
      onRecordFailed: (error) => failures.push(error),
    });
    assert.equal(outcome.record.status, 'succeeded');
    assert.ok(failures.length >= 2);
  });

  it('follows a recorded run by its id, and finds the run of a trigger recorded before its run was known', async () => {
    const records: OuterLoopRecord[] = [];
    const record = async (next: OuterLoopRecord) => {
      records.push(next);
    };
    const seeded = double.seedRun({ repo: 'contoso/mlops', workflow: 'deploy.yml', event: 'workflow_dispatch' });
    const runsBefore = double.runs().length;
    const byId = await followRecorded(client(), model, { runId: String(seeded.id) }, { sleep: noWait, record });
    assert.equal(byId.run.runId, String(seeded.id));
    assert.equal(byId.record.status, 'succeeded');

    // A run created after the trigger's time, with this model in its title, is the one it started.
    const triggeredAt = new Date(Date.now() - 1000).toISOString();
    const started = double.seedRun({
      repo: 'contoso/mlops',
      workflow: 'deploy.yml',
      event: 'workflow_dispatch',
      displayTitle: `Deploy ${model.name}:${model.version}`,
    });
    const found = await followRecorded(client(), model, { triggeredAt }, { sleep: noWait, record });
    assert.equal(found.run.runId, String(started.id));
    assert.equal(found.record.triggeredAt, triggeredAt);
    assert.equal(double.runs().length, runsBefore + 1, 'nothing was triggered');
    await assert.rejects(
      followRecorded(client(), model, {}, { sleep: noWait, record }),
      /iris:3 has no outer loop run recorded to follow/,
    );
  });
});
