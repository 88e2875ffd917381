// The GitHub Actions client against the GitHub double (checked against GitHub's published description):
// trigger, find the run, follow it to the end; each failure worded for GitHub; no token in any error.
import assert from 'node:assert/strict';
import { classifyError } from '../../../../src/core/errors/classify';
import type { GitHubCiSettings } from '../../../../src/core/outerLoop/ciSettings';
import { followRun, waitForRun, type CiRun } from '../../../../src/core/outerLoop/ciRun';
import { GitHubOuterLoop } from '../../../../src/core/outerLoop/github';
import { describeTriggerFailure } from '../../../../src/core/outerLoop/triggerFailure';
import { startGitHubDouble, type GitHubDouble, type GitHubDoubleOptions } from '../../../doubles/github';

const TOKEN = 'ghp_secretValue4242';
const MODEL = { name: 'churn-model', version: '7' };
const noWait = () => Promise.resolve();

const DOUBLE: Omit<GitHubDoubleOptions, 'description'> = {
  tokens: [TOKEN],
  readsPerState: 1,
  listsBeforeRunAppears: 2,
  repos: [
    {
      owner: 'contoso',
      repo: 'mlops',
      workflows: [
        {
          file: 'deploy-model.yml',
          name: 'Deploy model',
          dispatchInputs: { model_name: { required: true }, model_version: { required: true } },
          repositoryDispatchTypes: ['model-registered'],
          runName: 'Outer loop ${{ inputs.model_name }}:${{ inputs.model_version }}',
        },
        {
          file: 'on-payload.yml',
          repositoryDispatchTypes: ['model-registered'],
          runName:
            'Outer loop ${{ github.event.client_payload.model_name }}:${{ github.event.client_payload.model_version }}',
        },
        { file: 'lint.yml', name: 'Lint' },
      ],
    },
  ],
};

function settings(double: GitHubDouble, overrides: Partial<GitHubCiSettings> = {}): GitHubCiSettings {
  return {
    provider: 'github',
    owner: 'contoso',
    repo: 'mlops',
    workflow: 'deploy-model.yml',
    trigger: 'workflow_dispatch',
    ref: 'main',
    eventType: 'model-registered',
    baseUrl: double.apiUrl,
    ...overrides,
  };
}

function client(double: GitHubDouble, overrides: Partial<GitHubCiSettings> = {}, token = TOKEN): GitHubOuterLoop {
  return new GitHubOuterLoop({ settings: settings(double, overrides), token: () => Promise.resolve(token) });
}

async function triggerAndFollow(loop: GitHubOuterLoop): Promise<{ run: CiRun; updates: CiRun[] }> {
  const receipt = await loop.trigger(MODEL);
  const found = await waitForRun(loop, receipt, { sleep: noWait, timeoutMs: 5_000, intervalMs: 1 });
  const updates: CiRun[] = [];
  const run = await followRun(loop, found.runId, { sleep: noWait, onUpdate: (update) => updates.push(update) });
  return { run, updates };
}

function assertNoToken(error: unknown): void {
  for (const text of [String(error), JSON.stringify(error), (error as Error).message, classifyError(error).message]) {
    assert.ok(!text.includes(TOKEN), `the token leaked into: ${text}`);
  }
}

describe('core/outerLoop/github: GitHub Actions through Octokit, against the GitHub double', function () {
  this.timeout(60_000);

  describe('github.com', () => {
    let double: GitHubDouble;
    before(async () => {
      double = await startGitHubDouble({ ...DOUBLE, description: 'api.github.com' });
    });
    after(() => double.stop());
    afterEach(() => {
      assert.deepEqual(double.violations, [], 'every request followed the description');
      assert.deepEqual(double.responseProblems, []);
      double.faults.clear();
    });

    // The double serves the cloud's description at its root, as api.github.com does: the client asks for run details.
    const dotCom = (overrides: Partial<GitHubCiSettings> = {}, token = TOKEN) => client(double, overrides, token);

    it('workflow_dispatch: the run is known from the answer, followed to success with its jobs', async () => {
      const loop = dotCom();
      const receipt = await loop.trigger(MODEL);
      assert.ok(receipt.runId, 'return_run_details gave the run id');
      const dispatched = double.runs().find((run) => String(run.id) === receipt.runId)!;
      assert.deepEqual(dispatched.inputs, { model_name: 'churn-model', model_version: '7' });
      assert.equal(receipt.url, `${double.webUrl}/contoso/mlops/actions/runs/${receipt.runId}`);
      const found = await waitForRun(loop, receipt, { sleep: noWait });
      const updates: CiRun[] = [];
      const run = await followRun(loop, found.runId, { sleep: noWait, onUpdate: (update) => updates.push(update) });
      assert.deepEqual([run.state, run.result, run.serviceResult], ['completed', 'succeeded', 'success']);
      assert.deepEqual(
        run.jobs.map((job) => [job.name, job.result]),
        [
          ['test', 'succeeded'],
          ['deploy', 'succeeded'],
        ],
      );
      assert.deepEqual(
        [found, ...updates].map((update) => update.state),
        ['running', 'completed'],
      );
    });

    it('a failed run: result failed, the failing job named', async () => {
      double.setConclusion('deploy-model.yml', 'failure');
      try {
        const { run } = await triggerAndFollow(dotCom());
        assert.deepEqual([run.result, run.serviceResult], ['failed', 'failure']);
        assert.deepEqual(run.jobs.find((job) => job.result === 'failed')?.name, 'deploy');
      } finally {
        double.setConclusion('deploy-model.yml', 'success');
      }
    });

    it('repository_dispatch: finds the run among new ones by the model its title names, never an older run', async () => {
      const loop = dotCom({ trigger: 'repository_dispatch', workflow: 'on-payload.yml' });
      double.seedRun({
        repo: 'contoso/mlops',
        workflow: 'on-payload.yml',
        event: 'repository_dispatch',
        createdAt: new Date(),
      });
      const receipt = await loop.trigger(MODEL);
      assert.equal(receipt.runId, undefined, 'a repository dispatch names no run');
      assert.ok(receipt.runsBefore!.length >= 1, 'the runs that existed before are remembered');
      // Someone else's dispatch a moment later, for another model.
      double.seedRun({
        repo: 'contoso/mlops',
        workflow: 'on-payload.yml',
        event: 'repository_dispatch',
        displayTitle: 'Outer loop other-model:1',
      });
      const lists = () =>
        double.requests.filter((request) => request.operation === 'actions/list-workflow-runs').length;
      const listsBefore = lists();
      const found = await waitForRun(loop, receipt, { sleep: noWait, timeoutMs: 5_000 });
      const mine = double
        .runs()
        .find((run) => run.workflow === 'on-payload.yml' && run.inputs.model_name === 'churn-model')!;
      assert.equal(found.runId, String(mine.id));
      assert.ok(lists() - listsBefore > 1, 'the run appeared only after GitHub had listed runs without it');
    });

    it('says where to look when no run appears in time', async () => {
      const loop = dotCom({ trigger: 'repository_dispatch', workflow: 'lint.yml' });
      const receipt = await loop.trigger(MODEL);
      await assert.rejects(
        waitForRun(loop, receipt, { sleep: noWait, timeoutMs: 1, intervalMs: 1 }),
        (error: Error) => {
          assert.equal(classifyError(error).source, 'github');
          assert.match(error.message, /no run it started appeared/);
          assert.ok(error.message.includes(`/contoso/mlops/actions/workflows/lint.yml`));
          return true;
        },
      );
    });

    it('following rides out a dropped connection and a 500 while reading the run', async () => {
      const loop = dotCom();
      const receipt = await loop.trigger(MODEL);
      double.faults.add('actions/get-workflow-run', { kind: 'reset' }, { kind: 'status', status: 500 });
      const run = await followRun(loop, receipt.runId!, { sleep: noWait });
      assert.equal(run.result, 'succeeded');
    });

    describe('a failed trigger is worded for GitHub, with its way forward, and names no token', () => {
      const failure = async (loop: GitHubOuterLoop) => {
        const before = double.runs().length;
        const error = await loop.trigger(MODEL).then(
          () => assert.fail('the trigger should fail'),
          (caught: unknown) => caught,
        );
        assertNoToken(error);
        assert.equal(double.runs().length, before, 'no run was started');
        return { classified: classifyError(error), described: describeTriggerFailure(error, 'github', MODEL) };
      };

      it('401: the token was rejected; Sign in to GitHub', async () => {
        const { classified, described } = await failure(dotCom({}, 'ghp_revoked'));
        assert.deepEqual([classified.kind, classified.source, classified.action], ['unauthorized', 'github', 'signIn']);
        assert.match(classified.message, /GitHub rejected the token/);
        assert.doesNotMatch(classified.message, /Azure/);
        assert.deepEqual(described.actions, ['signInToGitHub', 'storeToken', 'retryTrigger']);
        assert.match(described.message, /churn-model:7, which stays registered/);
      });

      it('403: a rate limit is throttling, a missing permission is not', async () => {
        double.faults.add('actions/create-workflow-dispatch', {
          kind: 'status',
          status: 403,
          message: 'API rate limit exceeded for user ID 1.',
          headers: { 'x-ratelimit-remaining': '0' },
        });
        const limited = await failure(dotCom());
        assert.deepEqual([limited.classified.kind, limited.described.actions], ['throttled', ['retryTrigger']]);
        double.faults.add('actions/create-workflow-dispatch', { kind: 'status', status: 403 });
        const denied = await failure(dotCom());
        assert.equal(denied.classified.kind, 'forbidden');
        assert.match(denied.classified.message, /workflow scopes/);
        assert.deepEqual(denied.described.actions, ['configureOuterLoop', 'retryTrigger']);
      });

      it('404: the workflow is not there or the token cannot see the repository; Configure Outer Loop', async () => {
        const { classified, described } = await failure(dotCom({ workflow: 'missing.yml' }));
        assert.equal(classified.kind, 'notFound');
        assert.match(classified.message, /no such workflow, or the token cannot see the repository/);
        assert.deepEqual(described.actions, ['configureOuterLoop', 'retryTrigger']);
      });

      it('422: from the message, a workflow without workflow_dispatch, or a branch that does not exist', async () => {
        const noTrigger = await failure(dotCom({ workflow: 'lint.yml' }));
        assert.match(noTrigger.classified.message, /no workflow_dispatch trigger/);
        const noRef = await failure(dotCom({ ref: 'gone' }));
        assert.match(noRef.classified.message, /branch or tag .* does not exist/);
        assert.deepEqual(noRef.described.actions, ['configureOuterLoop', 'retryTrigger']);
      });

      it('500 and a dropped connection: Retry Trigger, and the dispatch was sent once', async () => {
        double.faults.add('actions/create-workflow-dispatch', { kind: 'status', status: 500 }, { kind: 'reset' });
        const sent = () =>
          double.requests.filter((request) => request.operation === 'actions/create-workflow-dispatch').length;
        const before = sent();
        const server = await failure(dotCom());
        assert.deepEqual([server.classified.kind, server.described.actions], ['server', ['retryTrigger']]);
        const reset = await failure(dotCom());
        assert.deepEqual([reset.classified.kind, reset.described.actions], ['network', ['retryTrigger']]);
        assert.match(reset.classified.message, /Could not reach GitHub/);
        assert.equal(sent() - before, 2, 'no dispatch was retried behind the user’s back');
      });
    });
  });

  describe('GitHub Enterprise Server', () => {
    let double: GitHubDouble;
    before(async () => {
      double = await startGitHubDouble({ ...DOUBLE, description: 'ghes-3.19' });
    });
    after(() => double.stop());
    afterEach(() => {
      assert.deepEqual(double.violations, []);
      assert.deepEqual(double.responseProblems, []);
    });

    it('dispatches without return_run_details (204), then finds the new run on the branch, not the one before it', async () => {
      const loop = client(double);
      const earlier = double.seedRun({
        repo: 'contoso/mlops',
        workflow: 'deploy-model.yml',
        event: 'workflow_dispatch',
        createdAt: new Date(),
      });
      const receipt = await loop.trigger(MODEL);
      assert.equal(receipt.runId, undefined);
      assert.ok(receipt.runsBefore?.includes(String(earlier.id)));
      const { run } = await followFrom(loop, receipt);
      const mine = double.runs().find((candidate) => candidate.inputs.model_version === '7')!;
      assert.equal(run.runId, String(mine.id));
      assert.equal(run.url, `${double.webUrl}/contoso/mlops/actions/runs/${mine.id}`);
      assert.equal(run.result, 'succeeded');
      assert.equal(loop.runsPageUrl, `${double.webUrl}/contoso/mlops/actions/workflows/deploy-model.yml`);
    });
  });
});

async function followFrom(loop: GitHubOuterLoop, receipt: Awaited<ReturnType<GitHubOuterLoop['trigger']>>) {
  const found = await waitForRun(loop, receipt, { sleep: noWait, timeoutMs: 5_000, intervalMs: 1 });
  return { run: await followRun(loop, found.runId, { sleep: noWait }) };
}
