// The Azure Pipelines client against the Azure DevOps double: run the pipeline with the model as template
// parameters, follow the run to its result; each failure worded for Azure DevOps; no token in any error.
import assert from 'node:assert/strict';
import { classifyError } from '../../../../src/core/errors/classify';
import { AzureDevOpsOuterLoop, type AzureDevOpsToken } from '../../../../src/core/outerLoop/azureDevOps';
import type { AzureDevOpsCiSettings } from '../../../../src/core/outerLoop/ciSettings';
import { followRun, waitForRun, type CiRun } from '../../../../src/core/outerLoop/ciRun';
import { describeTriggerFailure } from '../../../../src/core/outerLoop/triggerFailure';
import { startAzureDevOpsDouble, type AzureDevOpsDouble } from '../../../doubles/azureDevOps';

const PAT = 'adoSecretPat9876';
const MODEL = { name: 'churn-model', version: '7' };
const noWait = () => Promise.resolve();

describe('core/outerLoop/azureDevOps: Azure Pipelines over REST, against the Azure DevOps double', function () {
  this.timeout(60_000);
  let double: AzureDevOpsDouble;

  before(async () => {
    double = await startAzureDevOpsDouble({
      organization: 'contoso',
      project: 'ML Ops',
      tokens: [PAT, 'entra-access-token'],
      readsBeforeCompletion: 2,
      pipelines: [
        { id: 12, name: 'deploy-model', parameters: ['model_name', 'model_version'], branches: ['main', 'release'] },
        { id: 13, name: 'no-parameters' },
      ],
    });
  });
  after(() => double.stop());
  afterEach(() => {
    assert.deepEqual(double.violations, [], 'every request followed the documented contract');
    double.faults.clear();
  });

  function client(
    overrides: Partial<AzureDevOpsCiSettings> = {},
    token: AzureDevOpsToken = { scheme: 'Basic', token: PAT },
  ) {
    const settings: AzureDevOpsCiSettings = {
      provider: 'azure-devops',
      organizationUrl: double.organizationUrl,
      project: 'ML Ops',
      pipelineId: 12,
      branch: 'refs/heads/main',
      ...overrides,
    };
    return new AzureDevOpsOuterLoop({ settings, token: () => Promise.resolve(token) });
  }

  it('runs the pipeline with model_name and model_version on the branch, and follows the run to success', async () => {
    const loop = client({ branch: 'refs/heads/release' });
    const receipt = await loop.trigger(MODEL);
    assert.ok(receipt.runId, 'Azure DevOps answers with the run');
    assert.equal(receipt.url, `${double.organizationUrl}/ML%20Ops/_build/results?buildId=${receipt.runId}`);
    const started = double.runs().find((run) => String(run.id) === receipt.runId)!;
    assert.deepEqual(started.templateParameters, { model_name: 'churn-model', model_version: '7' });
    assert.equal(started.refName, 'refs/heads/release');
    const found = await waitForRun(loop, receipt, { sleep: noWait });
    const updates: CiRun[] = [];
    const run = await followRun(loop, found.runId, { sleep: noWait, onUpdate: (update) => updates.push(update) });
    assert.deepEqual([found.state, ...updates.map((update) => update.state)], ['running', 'completed']);
    assert.deepEqual([run.result, run.serviceResult, run.url], ['succeeded', 'succeeded', receipt.url]);
  });

  it('a failed run, followed with an Entra ID token sent as Bearer', async () => {
    double.setResult(12, 'failed');
    try {
      const loop = client({}, { scheme: 'Bearer', token: 'entra-access-token' });
      const receipt = await loop.trigger(MODEL);
      const run = await followRun(loop, receipt.runId!, { sleep: noWait });
      assert.deepEqual([run.state, run.result, run.serviceResult], ['completed', 'failed', 'failed']);
    } finally {
      double.setResult(12, 'succeeded');
    }
  });

  it('reading the run is retried after a 500 and a reset; following goes on', async () => {
    const loop = client();
    const receipt = await loop.trigger(MODEL);
    double.faults.add('runs/get', { kind: 'status', status: 500 }, { kind: 'reset' });
    const run = await followRun(loop, receipt.runId!, { sleep: noWait });
    assert.equal(run.result, 'succeeded');
  });

  describe('a failed trigger is worded for Azure DevOps, with its way forward, and names no token', () => {
    const failure = async (loop: AzureDevOpsOuterLoop) => {
      const runsBefore = double.runs().length;
      const postsBefore = double.requests.filter((request) => request.route === 'runs/run').length;
      const error = await loop.trigger(MODEL).then(
        () => assert.fail('the trigger should fail'),
        (caught: unknown) => caught,
      );
      for (const text of [
        String(error),
        JSON.stringify(error),
        (error as Error).message,
        classifyError(error).message,
      ]) {
        assert.ok(!text.includes(PAT), `the token leaked into: ${text}`);
        assert.ok(!text.includes(Buffer.from(`:${PAT}`).toString('base64')), `the credentials leaked into: ${text}`);
      }
      assert.equal(double.runs().length, runsBefore, 'no run was started');
      const posts = double.requests.filter((request) => request.route === 'runs/run').length - postsBefore;
      assert.equal(posts, 1, 'starting a run is never retried');
      return { classified: classifyError(error), described: describeTriggerFailure(error, 'azure-devops', MODEL) };
    };

    it('401: the personal access token was not accepted; Store Token', async () => {
      const { classified, described } = await failure(client({}, { scheme: 'Basic', token: 'revoked-pat' }));
      assert.deepEqual([classified.kind, classified.source], ['unauthorized', 'azureDevOps']);
      assert.match(classified.message, /Azure DevOps did not accept the personal access token/);
      assert.doesNotMatch(classified.message, /Azure(?! DevOps)/);
      assert.deepEqual(described.actions, ['storeToken', 'retryTrigger']);
    });

    it('404: no such pipeline; Configure Outer Loop', async () => {
      double.faults.add('runs/run', { kind: 'status', status: 404, message: 'Pipeline with ID 12 was not found.' });
      const { classified, described } = await failure(client());
      assert.equal(classified.kind, 'notFound');
      assert.match(
        classified.message,
        /no such organization, project or pipeline .*Pipeline with ID 12 was not found\. Check them/,
      );
      assert.deepEqual(described.actions, ['configureOuterLoop', 'retryTrigger']);
    });

    it('400: parameters the pipeline does not declare, a branch it does not have', async () => {
      const undeclared = await failure(client({ pipelineId: 13 }));
      assert.match(undeclared.classified.message, /does not declare the parameters .*model_name and model_version/);
      const branch = await failure(client({ branch: 'refs/heads/gone' }));
      assert.match(branch.classified.message, /branch to run the pipeline on does not exist/);
      assert.deepEqual(branch.described.actions, ['configureOuterLoop', 'retryTrigger']);
    });

    it('422, 500 and a dropped connection: never sent twice; Retry Trigger', async () => {
      double.faults.add(
        'runs/run',
        { kind: 'status', status: 422 },
        { kind: 'status', status: 500 },
        { kind: 'reset' },
      );
      const unprocessable = await failure(client());
      assert.deepEqual(
        [unprocessable.classified.kind, unprocessable.classified.source],
        ['invalidInput', 'azureDevOps'],
      );
      const server = await failure(client());
      assert.deepEqual([server.classified.kind, server.described.actions], ['server', ['retryTrigger']]);
      const reset = await failure(client());
      assert.deepEqual([reset.classified.kind, reset.described.actions], ['network', ['retryTrigger']]);
      assert.match(reset.classified.message, /Could not reach Azure DevOps/);
    });
  });
});
