// The Azure Pipelines client (azure-devops-node-api) against the Azure DevOps double: find the Pipelines API as
// the service documents it, run the pipeline with the model as template parameters, follow the run to its
// result; each failure worded for Azure DevOps; no token in any error.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyError } from '../../../../src/core/errors/classify';
import {
  AzureDevOpsOuterLoop,
  toAzureDevOpsError,
  type AzureDevOpsToken,
} from '../../../../src/core/outerLoop/azureDevOps';
import type { AzureDevOpsCiSettings } from '../../../../src/core/outerLoop/ciSettings';
import { followRun, waitForRun, type CiRun } from '../../../../src/core/outerLoop/ciRun';
import { describeTriggerFailure } from '../../../../src/core/outerLoop/triggerFailure';
import { startAzureDevOpsDouble, type AzureDevOpsDouble } from '../../../doubles/azureDevOps';

const PAT = 'adoSecretPat9876';
const MODEL = { name: 'churn-model', version: '7' };
const noWait = () => Promise.resolve();

describe('core/outerLoop/azureDevOps: Azure Pipelines through azure-devops-node-api, against the Azure DevOps double', function () {
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
    service: AzureDevOpsDouble = double,
  ) {
    const settings: AzureDevOpsCiSettings = {
      provider: 'azure-devops',
      organizationUrl: service.organizationUrl,
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

  it('finds the Pipelines API as documented, then sends each call with the negotiated api-version and the PAT', async () => {
    const loop = client();
    const first = double.requests.length;
    const receipt = await loop.trigger(MODEL);
    await loop.getRun(receipt.runId!);
    const sent = double.requests.slice(first).map(({ method, route, apiVersion, scheme }) => ({
      method,
      route,
      apiVersion,
      scheme,
    }));
    assert.deepEqual(sent, [
      { method: 'OPTIONS', route: 'locations', apiVersion: undefined, scheme: 'Basic' },
      { method: 'GET', route: 'resourceAreas/list', apiVersion: '7.2-preview.1', scheme: 'Basic' },
      { method: 'OPTIONS', route: 'locations', apiVersion: undefined, scheme: 'Basic' },
      { method: 'POST', route: 'runs/run', apiVersion: '7.2-preview.1', scheme: 'Basic' },
      // The locations found are kept: reading the run is one request.
      { method: 'GET', route: 'runs/get', apiVersion: '7.2-preview.1', scheme: 'Basic' },
    ]);
    assert.deepEqual(
      double.requests
        .slice(first)
        .filter((request) => request.method === 'OPTIONS')
        .map((request) => request.path),
      ['/contoso/_apis/Location', '/contoso/_apis/pipelines'],
    );
  });

  it('on an Azure DevOps Server collection, which lists no resource areas, runs and follows the pipeline at the collection', async () => {
    const server = await startAzureDevOpsDouble({
      organization: 'tfs/DefaultCollection',
      project: 'ML Ops',
      tokens: [PAT],
      listsResourceAreas: false,
      pipelines: [{ id: 12, name: 'deploy-model', parameters: ['model_name', 'model_version'] }],
    });
    try {
      const loop = client({}, { scheme: 'Basic', token: PAT }, server);
      const receipt = await loop.trigger(MODEL);
      const run = await followRun(loop, receipt.runId!, { sleep: noWait });
      assert.deepEqual([run.state, run.result], ['completed', 'succeeded']);
      assert.deepEqual(server.runs()[0].templateParameters, { model_name: 'churn-model', model_version: '7' });
      assert.deepEqual(server.violations, []);
    } finally {
      await server.stop();
    }
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
    /** `runPipelineSent`: whether the failure came from Run Pipeline itself rather than from finding it. */
    const failure = async (loop: AzureDevOpsOuterLoop, runPipelineSent = true) => {
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
      assert.equal(posts, runPipelineSent ? 1 : 0, 'starting a run is never retried');
      return { classified: classifyError(error), described: describeTriggerFailure(error, 'azure-devops', MODEL) };
    };

    it('401: the personal access token was not accepted; Store Token', async () => {
      // The organization refuses the token at the first lookup, before Run Pipeline is sent.
      const { classified, described } = await failure(client({}, { scheme: 'Basic', token: 'revoked-pat' }), false);
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
        /no such organization, project or pipeline \(HTTP 404\): Pipeline 12 of project "ML Ops" was not found\. Check them/,
      );
      assert.deepEqual(described.actions, ['configureOuterLoop', 'retryTrigger']);
    });

    it("403: the service's own reason and the scope the token needs; Configure Outer Loop", async () => {
      double.faults.add('runs/run', { kind: 'status', status: 403 });
      const { classified, described } = await failure(client());
      assert.deepEqual([classified.kind, classified.source], ['forbidden', 'azureDevOps']);
      assert.match(
        classified.message,
        /denied access \(HTTP 403\): Access denied\. .*Build \(read and execute\) scope/,
      );
      assert.deepEqual(described.actions, ['configureOuterLoop', 'retryTrigger']);
    });

    it('an organization URL where no Azure DevOps organization answers: 404 in its words; Configure Outer Loop', async () => {
      const organizationUrl = double.organizationUrl.replace(/contoso$/, 'fabrikam');
      const { classified, described } = await failure(client({ organizationUrl }), false);
      assert.equal(classified.kind, 'notFound');
      assert.match(
        classified.message,
        new RegExp(`\\(HTTP 404\\): ${organizationUrl} does not answer as an Azure DevOps organization`),
      );
      assert.deepEqual(described.actions, ['configureOuterLoop', 'retryTrigger']);
      assert.deepEqual(
        double.violations.map((violation) => violation.problems),
        [['No organization fabrikam.']],
      );
      double.violations.length = 0;
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
  it('refuses a server whose certificate is not trusted (no certificate check is skipped): a network failure', async () => {
    const untrustedDir = mkdtempSync(join(tmpdir(), 'untrusted-ado-'));
    const untrusted = await startAzureDevOpsDouble({
      organization: 'contoso',
      project: 'ML Ops',
      tokens: [PAT],
      certificateDir: untrustedDir,
      pipelines: [{ id: 12, name: 'deploy-model', parameters: ['model_name', 'model_version'] }],
    });
    try {
      const error = await client({}, { scheme: 'Basic', token: PAT }, untrusted)
        .trigger(MODEL)
        .then(
          () => assert.fail('the trigger should fail'),
          (caught: unknown) => caught,
        );
      const classified = classifyError(error);
      assert.deepEqual([classified.kind, classified.source], ['network', 'azureDevOps']);
      assert.match(classified.message, /Could not reach Azure DevOps: .*certificate/i);
      assert.deepEqual(untrusted.requests, [], 'nothing got past the TLS handshake');
    } finally {
      await untrusted.stop();
      rmSync(untrustedDir, { recursive: true, force: true });
    }
  });

  it('a cancelled trigger sends nothing and rejects as cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const first = double.requests.length;
    const error = await client()
      .trigger(MODEL, controller.signal)
      .then(
        () => assert.fail('the trigger should be cancelled'),
        (caught: unknown) => caught,
      );
    assert.equal(classifyError(error).kind, 'cancelled');
    assert.equal(double.requests.length, first);
  });

  it('a request the library timed out is a network failure; of an error status only the status, type and message stay', () => {
    const timedOut = classifyError(toAzureDevOpsError(new Error('Request timeout: /contoso/_apis/Location'), 'x'));
    assert.deepEqual([timedOut.kind, timedOut.action], ['network', 'retry']);
    const rejected = Object.assign(new Error('TF400813: not authorized.'), {
      statusCode: 401,
      result: { message: 'TF400813: not authorized.', typeKey: 'UnauthorizedRequestException' },
      responseHeaders: { 'x-vss-e2eid': 'e2e-id', 'set-cookie': 'session=secret' },
    });
    const mapped = toAzureDevOpsError(rejected, 'x') as Record<string, unknown>;
    assert.deepEqual(
      [mapped.statusCode, mapped.code, mapped.message],
      [401, 'UnauthorizedRequestException', 'TF400813: not authorized.'],
    );
    assert.ok(
      !JSON.stringify(mapped).includes('secret') && mapped.cause === undefined,
      'nothing of the response is kept',
    );
  });
});
