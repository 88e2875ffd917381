// The Azure DevOps double against the documented REST contract: the resource locations and resource areas a
// client finds its way with, api-versions checked against each location, credentials, the RunPipelineParameters
// body, the Run and Pipeline shapes, the run's states, and injected faults.
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

describe('test double: Azure DevOps REST API (locations, resource areas, Pipelines)', function () {
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

  describe('how a client finds its way: resource locations and resource areas', () => {
    const LOCATION_KEYS = [
      'area',
      'id',
      'maxVersion',
      'minVersion',
      'releasedVersion',
      'resourceName',
      'resourceVersion',
      'routeTemplate',
    ];

    it('OPTIONS of an area answers its ApiResourceLocations, whatever the case of the area name', async () => {
      const location = await call(double, 'OPTIONS', '/_apis/Location');
      const pipelines = await call(double, 'OPTIONS', '/_apis/Pipelines');
      assert.deepEqual([location.status, pipelines.status], [200, 200]);
      const [resourceAreas] = location.body?.value as Record<string, unknown>[];
      assert.deepEqual(Object.keys(resourceAreas).sort(), LOCATION_KEYS);
      assert.deepEqual(
        [resourceAreas.id, resourceAreas.resourceName, resourceAreas.routeTemplate, resourceAreas.releasedVersion],
        ['e81700f7-3be2-46de-8624-2eb35882fcaa', 'ResourceAreas', '_apis/{resource}/{areaId}', '0.0'],
      );
      const runs = (pipelines.body?.value as Record<string, unknown>[]).find((entry) => entry.resourceName === 'runs');
      assert.deepEqual(
        [runs?.id, runs?.area, runs?.routeTemplate, runs?.releasedVersion, runs?.maxVersion],
        [
          '7859261e-d2e9-4a68-b820-a5d84cc5bb3d',
          'pipelines',
          '{project}/_apis/pipelines/{pipelineId}/runs/{runId}',
          '7.1',
          '7.2',
        ],
      );
      assert.equal(pipelines.body?.count, (pipelines.body?.value as unknown[]).length);
      assert.deepEqual(double.violations, []);
    });

    it('an area it does not serve, and OPTIONS without credentials, are refused and recorded', async () => {
      const unknown = await call(double, 'OPTIONS', '/_apis/wiki');
      const anonymous = await call(double, 'OPTIONS', '/_apis/pipelines', undefined, {
        'x-tfs-fedauthredirect': 'Suppress',
      });
      assert.deepEqual([unknown.status, anonymous.status], [404, 401]);
      assert.equal(double.violations.length, 2);
    });

    it('Resource Areas - List and Get: the documented ids at the organization URL; a preview api-version only', async () => {
      const listed = await call(double, 'GET', '/_apis/ResourceAreas?api-version=7.2-preview.1');
      assert.equal(listed.status, 200);
      const areas = listed.body?.value as { id: string; name: string; locationUrl: string }[];
      assert.equal(listed.body?.count, areas.length);
      const pipelines = areas.find((area) => area.name === 'pipelines');
      assert.deepEqual(pipelines, {
        id: '2e0bf237-8973-4ec9-a581-9c3d679d1776',
        name: 'pipelines',
        locationUrl: `${double.organizationUrl}/`,
      });
      const one = await call(double, 'GET', '/_apis/resourceAreas/5264459E-E5E0-4BD8-B118-0985E68A4EC5', undefined, {
        ...HEADERS,
        accept: 'application/json;api-version=7.1-preview.1',
      });
      assert.deepEqual(one.body, {
        id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5',
        name: 'wit',
        locationUrl: `${double.organizationUrl}/`,
      });
      assert.deepEqual(double.violations, []);
      const released = await call(double, 'GET', '/_apis/resourceAreas?api-version=7.1');
      const tooOld = await call(double, 'GET', '/_apis/resourceAreas?api-version=3.1-preview.1');
      assert.deepEqual(
        [released.body?.typeKey, tooOld.body?.typeKey],
        ['VssInvalidPreviewVersionException', 'VssVersionOutOfRangeException'],
      );
    });

    it('an Azure DevOps Server collection lists no resource areas, as a null value', async () => {
      const server = await startAzureDevOpsDouble({
        organization: 'tfs/DefaultCollection',
        project: 'ML Ops',
        tokens: [PAT],
        listsResourceAreas: false,
        pipelines: [{ id: 12, name: 'deploy-model' }],
      });
      try {
        const listed = await call(server, 'GET', '/_apis/resourceAreas?api-version=7.2-preview.1');
        assert.deepEqual(listed.body, { count: 0, value: null });
        const pipeline = await call(server, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.1');
        assert.equal(pipeline.status, 200);
        assert.match(server.organizationUrl, /\/tfs\/DefaultCollection$/);
        assert.deepEqual(server.violations, []);
      } finally {
        await server.stop();
      }
    });

    it("records the api-version and the credentials' scheme of each request, never the credentials", async () => {
      const first = double.requests.length;
      await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12', undefined, {
        ...HEADERS,
        accept: 'application/json;api-version=7.2-preview.1',
      });
      await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.1', undefined, {
        authorization: 'Bearer entra-token-1',
      });
      assert.deepEqual(double.requests.slice(first), [
        {
          method: 'GET',
          path: '/contoso/ML%20Ops/_apis/pipelines/12',
          route: 'pipelines/get',
          apiVersion: '7.2-preview.1',
          scheme: 'Basic',
        },
        {
          method: 'GET',
          path: '/contoso/ML%20Ops/_apis/pipelines/12',
          route: 'pipelines/get',
          apiVersion: '7.1',
          scheme: 'Bearer',
        },
      ]);
      assert.ok(!JSON.stringify(double.requests).includes('entra-token-1'));
    });
  });

  describe('refuses what the documented contract does not allow, and records it', () => {
    it('no api-version: 400 VssVersionNotSpecifiedException', async () => {
      const response = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12');
      assert.deepEqual([response.status, response.body?.typeKey], [400, 'VssVersionNotSpecifiedException']);
      assert.equal(double.violations.length, 1);
    });

    it('a version out of range, and a preview version without -preview', async () => {
      const future = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=9.0');
      const older = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12/runs?api-version=5.0-preview.1');
      const preview = await call(double, 'GET', '/ML%20Ops/_apis/pipelines/12?api-version=7.2');
      assert.deepEqual(
        [future.body?.typeKey, older.body?.typeKey, preview.body?.typeKey],
        ['VssVersionOutOfRangeException', 'VssVersionOutOfRangeException', 'VssInvalidPreviewVersionException'],
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

    it('takes the version from the Accept header, preview versions, released ones below the latest, and Bearer tokens', async () => {
      const path = '/ML%20Ops/_apis/pipelines/12';
      const accept = await call(double, 'GET', path, undefined, {
        ...HEADERS,
        accept: 'application/json;api-version=7.1',
      });
      const preview = await call(double, 'GET', `${path}?api-version=7.2-preview.1`);
      const earliest = await call(double, 'GET', `${path}/runs?api-version=5.1-preview.1`);
      const released = await call(double, 'GET', `${path}/runs?api-version=6.0`);
      const bearer = await call(double, 'GET', `${path}?api-version=7.1`, undefined, {
        authorization: 'Bearer entra-token-1',
      });
      assert.deepEqual(
        [accept.status, preview.status, earliest.status, released.status, bearer.status],
        [200, 200, 200, 200, 200],
      );
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
