// The Azure DevOps double against the documented Pipelines REST contract: api-version, credentials,
// the RunPipelineParameters body, the Run and Pipeline shapes, the run's states, and injected faults.
import assert from 'node:assert/strict';
import { startAzureDevOpsDouble, type AzureDevOpsDouble } from '../../doubles/azureDevOps';

const PAT = 'ado-pat-0001';
const basic = (pat: string) => `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
const HEADERS = { authorization: basic(PAT), 'content-type': 'application/json', 'x-tfs-fedauthredirect': 'Suppress' };
const RUN_BODY = {
  resources: { repositories: { self: { refName: 'refs/heads/main' } } },
  templateParameters: { model_name: 'churn', model_version: '3' },
};

async function call(
  double: AzureDevOpsDouble,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = HEADERS,
) {
  const response = await fetch(`${double.organizationUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json =
    /json/.test(response.headers.get('content-type') ?? '') && text
      ? (JSON.parse(text) as Record<string, unknown>)
      : undefined;
  return { status: response.status, body: json, text };
}

describe('test double: Azure DevOps Pipelines REST API', function () {
  this.timeout(30_000);
  let double: AzureDevOpsDouble;

  before(async () => {
    double = await startAzureDevOpsDouble({
      organization: 'contoso',
      project: 'ML Ops',
      tokens: [PAT, 'entra-token-1'],
      readsBeforeCompletion: 2,
      pipelines: [
        { id: 12, name: 'deploy-model', parameters: ['model_name', 'model_version'], branches: ['main', 'release'] },
        { id: 13, name: 'no-parameters' },
      ],
    });
  });
  after(() => double.stop());
  afterEach(() => {
    double.violations.length = 0;
    double.faults.clear();
  });

  describe('refuses what the documented contract does not allow, and records it', () => {
    it('no api-version: 400 VssVersionNotSpecifiedException', async () => {
      const response = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12');
      assert.deepEqual([response.status, response.body?.typeKey], [400, 'VssVersionNotSpecifiedException']);
      assert.equal(double.violations.length, 1);
    });

    it('a version out of range, and a preview version without -preview', async () => {
      const future = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=9.0');
      const preview = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.2');
      assert.deepEqual(
        [future.body?.typeKey, preview.body?.typeKey],
        ['VssVersionOutOfRangeException', 'VssInvalidPreviewVersionException'],
      );
    });

    it('no credentials: 401 with X-TFS-FedAuthRedirect: Suppress, else a 203 sign-in page', async () => {
      const suppressed = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.1', undefined, {
        'x-tfs-fedauthredirect': 'Suppress',
      });
      const page = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.1', undefined, {});
      assert.deepEqual([suppressed.status, suppressed.body?.typeKey], [401, 'UnauthorizedRequestException']);
      assert.equal(page.status, 203);
      assert.match(page.text, /Sign In/);
      assert.equal(double.violations.length, 2);
    });

    it('a body with members RunPipelineParameters does not have, parameters that are not strings, a short ref', async () => {
      const path = '/ML%20Ops/_apis/pipelines/12/runs?api-version=7.1';
      const response = await call(double, 'POST', path, {
        parameters: { model_name: 'churn' },
        templateParameters: { model_version: 3 },
        resources: { repositories: { self: { refName: 'main' } } },
      });
      assert.equal(response.status, 400);
      assert.deepEqual(double.violations[0].problems, [
        'RunPipelineParameters has no member "parameters".',
        'templateParameters.model_version must be a string.',
        'resources.repositories.self.refName must be a full ref (refs/heads/…).',
      ]);
    });

    it('an unknown route, project or organization', async () => {
      assert.equal((await call(double, 'GET', '/ML%20Ops/_apis/build/builds?api-version=7.1')).status, 400);
      assert.equal((await call(double, 'GET', '/Other/_apis/pipelines/12?api-version=7.1')).status, 404);
      const organization = await fetch(
        `${double.organizationUrl.replace(/contoso$/, 'fabrikam')}/ML%20Ops/_apis/pipelines/12?api-version=7.1`,
        { headers: HEADERS },
      );
      assert.equal(organization.status, 404);
      assert.equal(double.violations.length, 3);
    });
  });

  describe('accepts the documented requests and answers in the documented shapes', () => {
    it('Runs - Run Pipeline: a Run in progress with its links, parameters and ref; Runs - Get until completed', async () => {
      double.setResult(12, 'failed');
      const started = await call(double, 'POST', '/ML%20Ops/_apis/pipelines/12/runs?api-version=7.1', RUN_BODY);
      assert.equal(started.status, 200);
      const run = started.body!;
      assert.equal(run.state, 'inProgress');
      assert.deepEqual(run.templateParameters, RUN_BODY.templateParameters);
      assert.equal(
        (run.resources as { repositories: { self: { refName: string } } }).repositories.self.refName,
        'refs/heads/main',
      );
      assert.equal(
        (run._links as { web: { href: string } }).web.href,
        `${double.organizationUrl}/ML%20Ops/_build/results?buildId=${run.id}`,
      );
      assert.deepEqual(Object.keys(run.pipeline as object), ['url', 'id', 'revision', 'name', 'folder']);
      const states = [];
      for (let read = 0; read < 3; read++) {
        const again = await call(double, 'GET', `/ML%20Ops/_apis/pipelines/12/runs/${run.id}?api-version=7.1`);
        states.push([again.body?.state, again.body?.result]);
      }
      assert.deepEqual(states, [
        ['inProgress', undefined],
        ['completed', 'failed'],
        ['completed', 'failed'],
      ]);
      const listed = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12/runs?api-version=7.1');
      assert.equal((listed.body?.value as { id: number }[])[0].id, run.id);
      assert.equal(listed.body?.count, (listed.body?.value as unknown[]).length);
      assert.deepEqual(double.violations, []);
      double.setResult(12, 'succeeded');
    });

    it('takes the version from the Accept header, preview versions, and Bearer tokens', async () => {
      const path = '/ML%20Ops/_apis/pipelines/12';
      const accept = await call(double, 'GET', path, undefined, {
        ...HEADERS,
        accept: 'application/json;api-version=7.1',
      });
      const preview = await call(double, 'GET', `${path}?api-version=7.2-preview.1`);
      const bearer = await call(double, 'GET', `${path}?api-version=7.1`, undefined, {
        authorization: 'Bearer entra-token-1',
      });
      assert.deepEqual([accept.status, preview.status, bearer.status], [200, 200, 200]);
      assert.deepEqual(Object.keys(accept.body!).sort(), [
        '_links',
        'configuration',
        'folder',
        'id',
        'name',
        'revision',
        'url',
      ]);
      assert.deepEqual(double.violations, []);
    });

    it("answers the service's 400 for parameters the YAML does not declare and a branch it does not have, 404 for a pipeline", async () => {
      const undeclared = await call(double, 'POST', '/ML%20Ops/_apis/pipelines/13/runs?api-version=7.1', RUN_BODY);
      const branch = await call(double, 'POST', '/ML%20Ops/_apis/pipelines/12/runs?api-version=7.1', {
        ...RUN_BODY,
        resources: { repositories: { self: { refName: 'refs/heads/gone' } } },
      });
      const missing = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/99?api-version=7.1');
      assert.deepEqual(
        [undeclared, branch, missing].map((response) => [response.status, response.body?.typeKey]),
        [
          [400, 'PipelineValidationException'],
          [400, 'PipelineValidationException'],
          [404, 'PipelineNotFoundException'],
        ],
      );
      assert.equal(undeclared.body?.message, "Unexpected parameter 'model_name'");
      assert.deepEqual(double.violations, []);
    });

    it('a PAT it does not know: 401, not a contract violation', async () => {
      const response = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.1', undefined, {
        ...HEADERS,
        authorization: basic('revoked'),
      });
      assert.equal(response.status, 401);
      assert.deepEqual(double.violations, []);
    });
  });

  it('injects 401, 404, 422, 500 and a reset per route, in order, also through its admin API', async () => {
    const path = '/ML%20Ops/_apis/pipelines/12?api-version=7.1';
    double.faults.add(
      'pipelines/get',
      { kind: 'status', status: 401 },
      { kind: 'status', status: 404 },
      { kind: 'status', status: 422 },
    );
    const added = await fetch(`${double.organizationUrl.replace(/\/contoso$/, '')}/_double/faults`, {
      method: 'POST',
      body: JSON.stringify({ route: 'pipelines/get', fault: { kind: 'status', status: 500 } }),
    });
    assert.equal(added.status, 201);
    double.faults.add('pipelines/get', { kind: 'reset' });
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await call(double, 'GET', path)).status);
    await assert.rejects(call(double, 'GET', path), /fetch failed/);
    statuses.push((await call(double, 'GET', path)).status);
    assert.deepEqual(statuses, [401, 404, 422, 500, 200]);
  });
});
