// The GitHub double against GitHub's published description: it refuses what the description does not
// allow, accepts what it documents (its own examples included), and answers in the documented shapes.
import assert from 'node:assert/strict';
import { loadDescription } from '../../doubles/github/description';
import { startGitHubDouble, type GitHubDouble } from '../../doubles/github';

const TOKEN = 'ghp_doubleToken0001';
const JSON_HEADERS = {
  authorization: `Bearer ${TOKEN}`,
  'content-type': 'application/json',
  accept: 'application/vnd.github+json',
};
const DISPATCHES = '/repos/contoso/mlops/actions/workflows/deploy-model.yml/dispatches';

async function call(
  double: GitHubDouble,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = JSON_HEADERS,
) {
  const response = await fetch(`${double.apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

function seed(description?: 'api.github.com' | 'ghes-3.19') {
  return startGitHubDouble({
    description,
    tokens: [TOKEN],
    readsPerState: 1,
    listsBeforeRunAppears: 0,
    repos: [
      {
        owner: 'contoso',
        repo: 'mlops',
        branches: ['release'],
        workflows: [
          {
            file: 'deploy-model.yml',
            name: 'Deploy model',
            dispatchInputs: { model_name: { required: true }, model_version: { required: true } },
            repositoryDispatchTypes: ['model-registered'],
            runName: 'Outer loop ${{ inputs.model_name }}:${{ inputs.model_version }}',
          },
          { file: 'lint.yml', name: 'Lint' },
        ],
      },
    ],
  });
}

describe('test double: GitHub REST API, checked against the published OpenAPI description', function () {
  this.timeout(60_000);
  let double: GitHubDouble;

  before(async () => {
    double = await seed();
  });
  after(() => double.stop());
  afterEach(() => {
    double.violations.length = 0;
    double.faults.clear();
  });

  describe('refuses what the description does not allow, and records it', () => {
    it('a request without Authorization: 401 "Requires authentication", recorded', async () => {
      const response = await call(double, 'GET', '/repos/contoso/mlops/actions/runs/1', undefined, {
        accept: 'application/json',
      });
      assert.equal(response.status, 401);
      assert.equal(response.body?.message, 'Requires authentication');
      assert.match(double.violations[0].problems.join(' '), /Authorization header is missing/);
    });

    it('a dispatch without its required ref: 400 naming the missing property', async () => {
      const response = await call(double, 'POST', DISPATCHES, { inputs: { model_name: 'm', model_version: '1' } });
      assert.equal(response.status, 400);
      assert.match(String(response.body?.message), /lacks the required property ref/);
      assert.equal(double.violations[0].operation, 'actions/create-workflow-dispatch');
    });

    it('a body of the wrong type, an event_type too long, a body that is not JSON', async () => {
      assert.equal((await call(double, 'POST', DISPATCHES, { ref: 7 })).status, 400);
      assert.equal(
        (await call(double, 'POST', '/repos/contoso/mlops/dispatches', { event_type: 'x'.repeat(101) })).status,
        400,
      );
      assert.equal((await call(double, 'POST', DISPATCHES, '{"ref": "main"')).status, 400);
      assert.deepEqual(
        double.violations.map((violation) => violation.problems[0]),
        [
          'body: /ref must be string',
          'body: /event_type must NOT have more than 100 characters',
          'The body is not JSON.',
        ],
      );
    });

    it('an unknown path, a method the path does not have, an undocumented query parameter, a malformed path parameter', async () => {
      assert.equal((await call(double, 'GET', '/repos/contoso/mlops/actions/workflow-runs')).status, 400);
      assert.equal((await call(double, 'DELETE', '/repos/contoso/mlops/dispatches')).status, 400);
      assert.equal(
        (await call(double, 'GET', '/repos/contoso/mlops/actions/runs/12?created_after=2025-01-01')).status,
        400,
      );
      assert.equal((await call(double, 'GET', '/repos/contoso/mlops/actions/runs/latest')).status, 400);
      assert.deepEqual(
        double.violations.map((violation) => violation.problems[0]),
        [
          'No operation of the api.github.com description has the path /repos/contoso/mlops/actions/workflow-runs.',
          '/repos/contoso/mlops/dispatches has no DELETE operation (it has POST).',
          'The query parameter "created_after" is not documented for actions/get-workflow-run.',
          'The path parameter "run_id" ("latest") must be integer',
        ],
      );
    });

    it('an API version GitHub does not have, a non-JSON Accept, a created filter outside the search syntax', async () => {
      const headers = { ...JSON_HEADERS, 'x-github-api-version': '2023-01-01' };
      assert.equal((await call(double, 'GET', '/repos/contoso/mlops/actions/runs/1', undefined, headers)).status, 400);
      const html = { ...JSON_HEADERS, accept: 'text/html' };
      assert.equal((await call(double, 'GET', '/repos/contoso/mlops/actions/runs/1', undefined, html)).status, 400);
      const runs = '/repos/contoso/mlops/actions/workflows/deploy-model.yml/runs?created=yesterday';
      assert.equal((await call(double, 'GET', runs)).status, 400);
      assert.equal(double.violations.length, 3);
    });
  });

  describe('accepts what the description documents and answers in its shapes', () => {
    it("the description's own request examples pass the request check", () => {
      const description = loadDescription();
      for (const operationId of ['actions/create-workflow-dispatch', 'repos/create-dispatch-event']) {
        const operation = description.operation(operationId)!;
        const examples = operation.requestBody!.content['application/json'].examples!;
        assert.ok(Object.keys(examples).length > 0, `${operationId} has examples`);
        for (const { value } of Object.values(examples)) {
          const path = operation.pathTemplate
            .replace('{owner}', 'contoso')
            .replace('{repo}', 'mlops')
            .replace('{workflow_id}', 'deploy-model.yml');
          const checked = description.checkRequest({
            method: 'POST',
            url: new URL(path, 'https://x'),
            headers: JSON_HEADERS,
            body: Buffer.from(JSON.stringify(value)),
          });
          assert.deepEqual(checked.problems, [], `${operationId}: ${JSON.stringify(value)}`);
        }
      }
    });

    it("the description's response examples match its schemas, but for the job example's known gap", () => {
      const description = loadDescription();
      const check = (operationId: string, example: string) =>
        description.checkResponse(description.operation(operationId)!, 200, description.example(example));
      assert.deepEqual(check('actions/get-workflow-run', 'workflow-run'), []);
      assert.deepEqual(check('actions/list-workflow-runs', 'workflow-run-paginated'), []);
      assert.deepEqual(check('actions/get-workflow', 'workflow'), []);
      assert.deepEqual(check('actions/create-workflow-dispatch', 'workflow-dispatch-response'), []);
      // GitHub's job example lacks created_at, which its schema requires; the double's jobs carry it.
      assert.deepEqual(check('actions/list-jobs-for-workflow-run', 'job-paginated'), [
        'response 200: /jobs/0 lacks the required property created_at',
      ]);
    });

    it('workflow_dispatch with return_run_details: 200 with the run, which goes queued → in_progress → completed', async () => {
      double.setConclusion('deploy-model.yml', 'failure');
      const dispatched = await call(double, 'POST', DISPATCHES, {
        ref: 'release',
        inputs: { model_name: 'churn', model_version: '4' },
        return_run_details: true,
      });
      double.setConclusion('deploy-model.yml', 'success');
      assert.equal(dispatched.status, 200);
      const runId = dispatched.body?.workflow_run_id as number;
      assert.equal(dispatched.body?.html_url, `${double.webUrl}/contoso/mlops/actions/runs/${runId}`);
      const seen = [];
      for (let read = 0; read < 3; read++) {
        const run = await call(double, 'GET', `/repos/contoso/mlops/actions/runs/${runId}`);
        seen.push([run.body?.status, run.body?.conclusion]);
        assert.equal(run.body?.event, 'workflow_dispatch');
        assert.equal(run.body?.head_branch, 'release');
        assert.equal(run.body?.display_title, 'Outer loop churn:4');
      }
      assert.deepEqual(seen, [
        ['in_progress', null],
        ['completed', 'failure'],
        ['completed', 'failure'],
      ]);
      const jobs = await call(
        double,
        'GET',
        `/repos/contoso/mlops/actions/runs/${runId}/jobs?filter=latest&per_page=100`,
      );
      assert.deepEqual(
        (jobs.body?.jobs as { name: string; conclusion: string }[]).map((job) => [job.name, job.conclusion]),
        [
          ['test', 'success'],
          ['deploy', 'failure'],
        ],
      );
      assert.deepEqual(double.violations, []);
      assert.deepEqual(double.responseProblems, []);
    });

    it('workflow_dispatch without return_run_details: 204 and no body, as documented', async () => {
      const response = await call(double, 'POST', DISPATCHES, {
        ref: 'main',
        inputs: { model_name: 'churn', model_version: '5' },
      });
      assert.equal(response.status, 204);
      assert.equal(response.body, undefined);
      const listed = await call(
        double,
        'GET',
        '/repos/contoso/mlops/actions/workflows/deploy-model.yml/runs?event=workflow_dispatch&branch=main',
      );
      assert.equal((listed.body?.workflow_runs as { display_title: string }[])[0].display_title, 'Outer loop churn:5');
      assert.deepEqual(double.responseProblems, []);
    });

    it('repository_dispatch: 204, and a run of each workflow listening for the type, on the default branch', async () => {
      const before = double.runs().length;
      const response = await call(double, 'POST', '/repos/contoso/mlops/dispatches', {
        event_type: 'model-registered',
        client_payload: { model_name: 'churn', model_version: '6' },
      });
      assert.equal(response.status, 204);
      const created = double.runs().slice(before);
      assert.deepEqual(
        created.map((run) => [run.workflow, run.event, run.headBranch]),
        [['deploy-model.yml', 'repository_dispatch', 'main']],
      );
    });

    it('lists runs filtered by event, branch and a created range of the search syntax, newest first', async () => {
      const old = double.seedRun({
        repo: 'contoso/mlops',
        workflow: 'deploy-model.yml',
        event: 'workflow_dispatch',
        createdAt: new Date('2020-05-01T10:00:00Z'),
      });
      const path =
        '/repos/contoso/mlops/actions/workflows/deploy-model.yml/runs?event=workflow_dispatch&created=2020-05-01..2020-05-02&per_page=5';
      const listed = await call(double, 'GET', path);
      assert.deepEqual(
        (listed.body?.workflow_runs as { id: number }[]).map((run) => run.id),
        [old.id],
      );
      const after = await call(
        double,
        'GET',
        '/repos/contoso/mlops/actions/workflows/deploy-model.yml/runs?created=%3E2020-05-01T10:00:00Z',
      );
      assert.ok(!(after.body?.workflow_runs as { id: number }[]).some((run) => run.id === old.id));
      assert.deepEqual(double.violations, []);
      assert.deepEqual(double.responseProblems, []);
    });

    it("answers GitHub's 404 and 422 for a missing workflow, a missing trigger, inputs it does not take, an unknown ref", async () => {
      const missing = await call(double, 'POST', '/repos/contoso/mlops/actions/workflows/nope.yml/dispatches', {
        ref: 'main',
      });
      const noTrigger = await call(double, 'POST', '/repos/contoso/mlops/actions/workflows/lint.yml/dispatches', {
        ref: 'main',
      });
      const inputs = await call(double, 'POST', DISPATCHES, {
        ref: 'main',
        inputs: { model_name: 'a', model_version: '1', stage: 'x' },
      });
      const ref = await call(double, 'POST', DISPATCHES, {
        ref: 'nope',
        inputs: { model_name: 'a', model_version: '1' },
      });
      const required = await call(double, 'POST', DISPATCHES, { ref: 'main', inputs: { model_name: 'a' } });
      assert.deepEqual(
        [missing, noTrigger, inputs, ref, required].map((response) => [response.status, response.body?.message]),
        [
          [404, 'Not Found'],
          [422, "Workflow does not have 'workflow_dispatch' trigger"],
          [422, 'Unexpected inputs provided: ["stage"]'],
          [422, 'No ref found for: nope'],
          [422, "Required input 'model_version' not provided"],
        ],
      );
      assert.deepEqual(double.violations, []);
    });

    it('a token it does not know is "Bad credentials" (401), not a contract violation', async () => {
      const response = await call(double, 'GET', '/repos/contoso/mlops/actions/runs/1', undefined, {
        ...JSON_HEADERS,
        authorization: 'token ghp_revoked',
      });
      assert.deepEqual([response.status, response.body?.message], [401, 'Bad credentials']);
      assert.deepEqual(double.violations, []);
    });
  });

  describe('injects faults per operation, in order', () => {
    it('401, 404, 422, 500 with GitHub-shaped bodies, then a reset, then normal service', async () => {
      const route = 'repos/create-dispatch-event';
      double.faults.add(route, { kind: 'status', status: 500 });
      const path = '/repos/contoso/mlops/actions/workflows/deploy-model.yml';
      double.faults.add(
        'actions/get-workflow',
        { kind: 'status', status: 401 },
        { kind: 'status', status: 404 },
        { kind: 'status', status: 422, message: 'Validation Failed' },
        { kind: 'status', status: 500 },
        { kind: 'reset' },
      );
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt++) statuses.push((await call(double, 'GET', path)).status);
      await assert.rejects(call(double, 'GET', path), /fetch failed/);
      const healthy = await call(double, 'GET', path);
      assert.deepEqual([...statuses, healthy.status], [401, 404, 422, 500, 200]);
      assert.equal(healthy.body?.path, '.github/workflows/deploy-model.yml');
      assert.deepEqual(Object.keys(double.faults.pending()), [route], 'faults of other operations stay queued');
    });

    it('takes faults through its admin API too', async () => {
      const added = await fetch(`${double.apiUrl}/_double/faults`, {
        method: 'POST',
        body: JSON.stringify({
          route: 'actions/get-workflow-run',
          fault: {
            kind: 'status',
            status: 403,
            message: 'API rate limit exceeded for user ID 1.',
            headers: { 'x-ratelimit-remaining': '0' },
          },
        }),
      });
      assert.equal(added.status, 201);
      const limited = await call(double, 'GET', '/repos/contoso/mlops/actions/runs/1');
      assert.deepEqual([limited.status, limited.headers.get('x-ratelimit-remaining')], [403, '0']);
      const refused = await fetch(`${double.apiUrl}/_double/faults`, {
        method: 'POST',
        body: JSON.stringify({ route: 'x', fault: { kind: 'status', status: 200 } }),
      });
      assert.equal(refused.status, 400);
    });
  });

  describe('as GitHub Enterprise Server', () => {
    let enterprise: GitHubDouble;
    before(async () => {
      enterprise = await seed('ghes-3.19');
    });
    after(() => enterprise.stop());

    it('serves under /api/v3 and answers a dispatch 204, the only answer its description documents', async () => {
      assert.match(enterprise.apiUrl, /\/api\/v3$/);
      const asked = { ref: 'main', inputs: { model_name: 'churn', model_version: '7' }, return_run_details: true };
      const plain = await call(enterprise, 'POST', DISPATCHES, asked);
      assert.deepEqual([plain.status, plain.body], [204, undefined]);
      assert.deepEqual(
        Object.keys(loadDescription('ghes-3.19').operation('actions/create-workflow-dispatch')!.responses),
        ['204'],
      );
      const response = await fetch(`${enterprise.webUrl}${DISPATCHES}`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: '{"ref":"main"}',
      });
      assert.equal(response.status, 404, 'the API is not served at the root');
      assert.match(enterprise.violations[0].problems[0], /under \/api\/v3/);
    });
  });
});
