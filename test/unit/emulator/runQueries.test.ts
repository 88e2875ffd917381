import assert from 'node:assert/strict';
import { DEFAULT_PAGE_SIZE } from '../../emulator/arm/paging';
import { startHarness, waitFor, type Harness } from './harness';
import type { LooseJson } from './runtimeHarness';

const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';
/** Created by the tests: a name that needs URL encoding, an archived run and two runs that never end. */
const QUOTED = 'quoted runs';

interface Reply {
  status: number;
  body: LooseJson;
  headers: Headers;
}

describe('emulator: run history experiments:query and runs:query', function () {
  this.timeout(60_000);
  let h: Harness;
  let token: string;
  let base: string;
  before(async () => {
    h = await startHarness({ seed: 'demo' });
    token = await h.token();
    const wsId = `/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
    base = `${h.emulator.origin}/history/v1.0${wsId}`;
    const client = h.client();
    const submit = (name: string, displayName: string, command: string, isArchived: boolean) =>
      client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command,
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
          computeId: `${wsId}/computes/cpu-cluster`,
          experimentName: QUOTED,
          displayName,
          isArchived,
        },
      });
    await submit('quoted_done', "Bob's run", 'echo done', true);
    await submit('quoted_running', 'still running', 'sleep 300', false);
    await submit('quoted_also_running', 'still running', 'sleep 300', false);
    await waitFor(
      async () => ['Completed', 'Failed'].includes((await client.jobs.get(RG, WS, 'quoted_done')).properties.status!),
      30_000,
      'quoted_done to finish',
    );
  });
  after(async () => h?.stop());

  async function call(method: string, path: string, body?: unknown, auth = true): Promise<Reply> {
    const res = await fetch(`${base}/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as LooseJson, headers: res.headers };
  }

  async function queryRuns(experiment: string, params: unknown = {}): Promise<Reply> {
    return call('POST', `experiments/${encodeURIComponent(experiment)}/runs:query`, params);
  }

  /** Every run of the experiment matching `params`, following continuation tokens. */
  async function allRuns(experiment: string, params: Record<string, unknown> = {}): Promise<LooseJson[]> {
    const runs: LooseJson[] = [];
    let continuationToken: string | null = null;
    do {
      const reply = await queryRuns(experiment, { ...params, ...(continuationToken ? { continuationToken } : {}) });
      assert.equal(reply.status, 200, reply.body.error?.message);
      runs.push(...reply.body.value);
      continuationToken = reply.body.continuationToken;
    } while (continuationToken);
    return runs;
  }

  async function setPageSize(pageSize: number): Promise<void> {
    const res = await fetch(`${h.emulator.origin}/_emulator/page-size`, {
      method: 'PUT',
      body: JSON.stringify({ pageSize }),
    });
    assert.equal(res.status, 200);
  }

  const ids = (runs: LooseJson[]): string[] => runs.map((r) => r.runId as string);
  const sorted = (values: string[]): string[] => [...values].sort();

  describe('experiments:query', () => {
    it('lists the experiments of the workspace, latest run first, with the ids runs and MLflow report', async () => {
      const reply = await call('POST', 'experiments:query', {});
      assert.equal(reply.status, 200);
      const experiments = reply.body.value as LooseJson[];
      assert.deepEqual(sorted(experiments.map((e) => e.name)), ['image-classification', 'iris-training', QUOTED]);
      assert.equal(experiments[0].name, QUOTED, 'its runs were created last');
      assert.equal(reply.body.continuationToken, null);
      assert.equal(reply.body.nextLink, null);
      const latest = experiments.map((e) => Date.parse(e.latestCreatedRunCreatedUtc));
      assert.deepEqual(
        latest,
        [...latest].sort((a, b) => b - a),
      );
      for (const experiment of experiments) {
        assert.ok(Date.parse(experiment.createdUtc) <= Date.parse(experiment.latestCreatedRunCreatedUtc));
        assert.equal(experiment.archivedTime, null);
        assert.deepEqual(experiment.tags, {});
        const runs = await allRuns(experiment.name, { viewType: 'All' });
        const created = runs.map((r) => Date.parse(r.createdUtc));
        assert.equal(Date.parse(experiment.createdUtc), Math.min(...created));
        assert.equal(Date.parse(experiment.latestCreatedRunCreatedUtc), Math.max(...created));
        assert.equal(runs[0].runId, experiment.latestCreatedRunId);
        for (const run of runs) assert.equal(run.experimentId, experiment.experimentId);
        const mlflow = await fetch(
          `${h.emulator.origin}/mlflow/v1.0${base.slice(base.indexOf('/subscriptions/'))}/api/2.0/mlflow/runs/get?run_id=${experiment.latestCreatedRunId}`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        assert.equal(((await mlflow.json()) as LooseJson).run.info.experiment_id, experiment.experimentId);
      }
    });

    it('orders by name or creation time and filters with contains(Name, ...) ignoring case', async () => {
      const byName = await call('POST', 'experiments:query', { orderBy: 'Name desc' });
      assert.deepEqual(
        byName.body.value.map((e: LooseJson) => e.name),
        [QUOTED, 'iris-training', 'image-classification'],
      );
      const byCreated = await call('POST', 'experiments:query', { orderBy: 'createdutc asc' });
      const created = byCreated.body.value.map((e: LooseJson) => Date.parse(e.createdUtc));
      assert.deepEqual(
        created,
        [...created].sort((a, b) => a - b),
      );
      const iris = await call('POST', 'experiments:query', { filter: "contains(Name,'IRIS')" });
      assert.deepEqual(
        iris.body.value.map((e: LooseJson) => e.name),
        ['iris-training'],
      );
      const bad = await call('POST', 'experiments:query', { filter: "Status eq 'Completed'" });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, /unknown property 'Status' at position 0/);
    });

    it('pages experiments at the emulator page size', async () => {
      await setPageSize(1);
      try {
        const first = await call('POST', 'experiments:query', {});
        assert.equal(first.body.value.length, 1);
        assert.ok(first.body.continuationToken);
        const second = await call('POST', 'experiments:query', { continuationToken: first.body.continuationToken });
        assert.equal(second.body.value.length, 1);
        const third = await call('POST', 'experiments:query', { continuationToken: second.body.continuationToken });
        assert.equal(third.body.value.length, 1);
        assert.equal(third.body.continuationToken, null);
        const names = [first, second, third].map((reply) => reply.body.value[0].name as string);
        assert.deepEqual(sorted(names), ['image-classification', 'iris-training', QUOTED]);
      } finally {
        await setPageSize(DEFAULT_PAGE_SIZE);
      }
    });
  });

  describe('runs:query', () => {
    it("returns an experiment's runs newest first, pipeline steps included, exactly as runs/{id} shows them", async () => {
      const reply = await queryRuns('iris-training');
      assert.equal(reply.status, 200);
      const runs = reply.body.value as LooseJson[];
      assert.ok(runs.length > 4, `expected the seeded iris runs, got ${runs.length}`);
      assert.equal(reply.body.continuationToken, null);
      assert.equal(reply.body.nextLink, null);
      const created = runs.map((r) => Date.parse(r.createdUtc));
      assert.deepEqual(
        created,
        [...created].sort((a, b) => b - a),
      );
      assert.ok(runs.some((r) => r.parentRunId !== null && r.runType === 'azureml.scriptrun'));
      assert.ok(runs.some((r) => r.runType === 'azureml.PipelineRun'));
      for (const run of runs.slice(0, 5)) {
        const single = await fetch(`${base}/runs/${run.runId}`, { headers: { Authorization: `Bearer ${token}` } });
        assert.deepEqual(run, await single.json());
      }
    });

    it('ParentRunId eq null leaves the pipeline steps out; ne null keeps only them', async () => {
      const all = await allRuns('iris-training');
      const topLevel = await allRuns('iris-training', { filter: 'ParentRunId eq null' });
      const steps = await allRuns('iris-training', { filter: 'parentrunid ne null' });
      assert.deepEqual(ids(topLevel), ids(all.filter((r) => r.parentRunId === null)));
      assert.deepEqual(ids(steps), ids(all.filter((r) => r.parentRunId !== null)));
      assert.equal(steps.length, 3);
      const pipeline = all.find((r) => r.runType === 'azureml.PipelineRun')!;
      for (const step of steps) {
        assert.equal(step.parentRunId, pipeline.runId);
        assert.equal(step.rootRunId, pipeline.runId);
      }
      assert.ok(!ids(topLevel).some((id) => ids(steps).includes(id)));
    });

    it('filters on Status ignoring case, and not() gives the complement', async () => {
      const all = await allRuns('image-classification');
      const failedIds = ids(all.filter((r) => r.status === 'Failed'));
      assert.ok(failedIds.length > 0 && failedIds.length < all.length, 'the seed has some failed runs');
      assert.deepEqual(ids(await allRuns('image-classification', { filter: "Status eq 'failed'" })), failedIds);
      assert.deepEqual(
        ids(await allRuns('image-classification', { filter: "not (STATUS eq 'FAILED')" })),
        ids(all.filter((r) => r.status !== 'Failed')),
      );
      assert.deepEqual(
        ids(await allRuns('image-classification', { filter: "Status ne 'Failed'" })),
        ids(all.filter((r) => r.status !== 'Failed')),
      );
    });

    it('contains(DisplayName, ...) ignores case; tags and properties are addressable', async () => {
      const all = await allRuns('iris-training');
      const matching = await allRuns('iris-training', { filter: "contains(DisplayName,'RUN 1')" });
      const expected = all.filter((r) => (r.displayName as string).toLowerCase().includes('run 1'));
      assert.ok(expected.length > 0 && expected.length < all.length);
      assert.deepEqual(ids(matching), ids(expected));

      const alice = await allRuns('iris-training', { filter: "Tags/owner eq 'alice'" });
      assert.deepEqual(ids(alice), ids(all.filter((r) => r.tags.owner === 'alice')));
      assert.ok(alice.length > 0 && alice.length < all.length);
      const prep = await allRuns('iris-training', { filter: "Properties/azureml.nodeid eq 'prep_data'" });
      assert.equal(prep.length, 1);
      assert.equal(prep[0].properties['azureml.nodeid'], 'prep_data');
    });

    it('combines clauses with and/or, and parentheses change the grouping', async () => {
      const all = await allRuns('iris-training');
      const pipeline = all.find((r) => r.runType === 'azureml.PipelineRun')!;
      const text = (r: LooseJson): boolean => (r.displayName as string).toLowerCase().includes('run 2');
      const isPipeline = (r: LooseJson): boolean => r.runId === pipeline.runId;
      const isStep = (r: LooseJson): boolean => r.parentRunId !== null;

      const grouped = await allRuns('iris-training', {
        filter: `ParentRunId ne null and (contains(DisplayName,'run 2') or RunId eq '${pipeline.runId}')`,
      });
      assert.deepEqual(ids(grouped), ids(all.filter((r) => isStep(r) && (text(r) || isPipeline(r)))));
      assert.equal(grouped.length, 0, 'no step is named "run 2" and the pipeline is not a step');

      const ungrouped = await allRuns('iris-training', {
        filter: `RunId eq '${pipeline.runId}' or ParentRunId ne null and contains(DisplayName,'run 2')`,
      });
      assert.deepEqual(ids(ungrouped), ids(all.filter((r) => (isStep(r) && text(r)) || isPipeline(r))));
      assert.deepEqual(ids(ungrouped), [pipeline.runId], 'and binds tighter than or');

      const either = await allRuns('iris-training', {
        filter: `(contains(DisplayName,'run 2') or RunId eq '${pipeline.runId}') and ParentRunId eq null`,
      });
      assert.deepEqual(ids(either), ids(all.filter((r) => !isStep(r) && (text(r) || isPipeline(r)))));
      assert.ok(either.length > 1);
    });

    it("reads OData string literals with '' as an escaped quote", async () => {
      const escaped = await allRuns(QUOTED, { filter: "DisplayName eq 'Bob''s run'", viewType: 'All' });
      assert.deepEqual(ids(escaped), ['quoted_done']);
      const broken = await queryRuns(QUOTED, { filter: "DisplayName eq 'Bob's run'" });
      assert.equal(broken.status, 400);
      assert.match(broken.body.error.message, /found 's' at position 20/);
    });

    it('orders by other fields with nulls last and RunId breaking ties', async () => {
      const byName = await allRuns('iris-training', { orderBy: 'DisplayName asc' });
      const names = byName.map((r) => (r.displayName as string).toLowerCase());
      assert.deepEqual(names, [...names].sort());
      const byEnd = await allRuns('iris-training', { orderBy: 'EndTimeUtc desc, RunId asc' });
      const ends = byEnd.map((r) => Date.parse(r.endTimeUtc));
      assert.deepEqual(
        ends,
        [...ends].sort((a, b) => b - a),
      );
      const byId = await allRuns('iris-training', { orderBy: 'RunId desc' });
      assert.deepEqual(ids(byId), sorted(ids(byId)).reverse());
      for (const direction of ['asc', 'desc']) {
        const withRunning = await allRuns(QUOTED, { orderBy: `EndTimeUtc ${direction}`, viewType: 'All' });
        assert.deepEqual(
          ids(withRunning),
          ['quoted_done', 'quoted_also_running', 'quoted_running'],
          `nulls last, then RunId, ${direction}`,
        );
      }
      const tiedNames = await allRuns(QUOTED, { orderBy: 'DisplayName desc', viewType: 'All' });
      assert.deepEqual(ids(tiedNames), ['quoted_also_running', 'quoted_running', 'quoted_done']);
    });

    it('pages with continuation tokens at the emulator page size, visiting every run exactly once', async () => {
      const everything = ids(await allRuns('iris-training'));
      await setPageSize(3);
      try {
        const seen: string[] = [];
        let continuationToken: string | null = null;
        let pages = 0;
        do {
          const reply = await queryRuns('iris-training', {
            top: 50,
            ...(continuationToken ? { continuationToken } : {}),
          });
          assert.equal(reply.status, 200);
          pages++;
          const page = ids(reply.body.value);
          continuationToken = reply.body.continuationToken;
          if (continuationToken) assert.equal(page.length, 3, 'top is capped at the page size');
          else assert.ok(page.length >= 1 && page.length <= 3);
          seen.push(...page);
        } while (continuationToken);
        assert.deepEqual(seen, everything);
        assert.equal(pages, Math.ceil(everything.length / 3));

        const first = await queryRuns('iris-training', { top: 2 });
        assert.deepEqual(ids(first.body.value), everything.slice(0, 2));
        const second = await queryRuns('iris-training', { top: 2, continuationToken: first.body.continuationToken });
        assert.deepEqual(ids(second.body.value), everything.slice(2, 4));
      } finally {
        await setPageSize(DEFAULT_PAGE_SIZE);
      }
    });

    it('answers 400 with the position for filters it cannot parse', async () => {
      const cases: Array<[string, RegExp]> = [
        ["Status eq 'Completed' and Foo eq 'x'", /unknown property 'Foo' at position 26/],
        ["Status gt 'x'", /unknown operator 'gt'.* at position 7/],
        ["(Status eq 'x'", /expected '\)' but found the end of the filter at position 14/],
        ["Status eq 'x", /unterminated string literal at position 10/],
        ["startswith(DisplayName,'a')", /unknown function 'startswith'.* at position 0/],
        ["Status eq 'x' Status", /expected 'and', 'or' or the end of the filter but found 'Status' at position 14/],
        ['Status eq 5', /expected a string literal or null but found '5' at position 10/],
        ["Tags eq 'x'", /property 'Tags' needs a key.* at position 0/],
        ["Status eq 'x' & RunId eq 'y'", /unexpected character '&' at position 14/],
      ];
      for (const [filter, message] of cases) {
        const reply = await queryRuns('iris-training', { filter });
        assert.equal(reply.status, 400, filter);
        assert.equal(reply.body.error.code, 'UserError', filter);
        assert.match(reply.body.error.message, message, filter);
      }
    });

    it('answers 400 for a bad continuation token, top, orderBy, viewType or body', async () => {
      const token = await queryRuns('iris-training', { continuationToken: 'not-a-token' });
      assert.equal(token.status, 400);
      assert.equal(token.body.error.code, 'UserError');
      assert.match(token.body.error.message, /continuation token 'not-a-token' is not valid/);
      for (const top of [0, -1, 1.5, '5']) {
        const reply = await queryRuns('iris-training', { top });
        assert.equal(reply.status, 400, `top ${JSON.stringify(top)}`);
        assert.match(reply.body.error.message, /top must be a positive integer/);
      }
      const order = await queryRuns('iris-training', { orderBy: 'Status desc' });
      assert.equal(order.status, 400);
      assert.match(order.body.error.message, /Invalid orderBy/);
      const view = await queryRuns('iris-training', { viewType: 'Everything' });
      assert.equal(view.status, 400);
      const notObject = await queryRuns('iris-training', [1, 2]);
      assert.equal(notObject.status, 400);
    });

    it('decodes the experiment name and honours viewType: archived runs only show up when asked for', async () => {
      const active = await allRuns(QUOTED);
      assert.deepEqual(sorted(ids(active)), ['quoted_also_running', 'quoted_running'], 'ActiveOnly by default');
      assert.deepEqual(ids(await allRuns(QUOTED, { viewType: 'ArchivedOnly' })), ['quoted_done']);
      assert.deepEqual(sorted(ids(await allRuns(QUOTED, { viewType: 'All' }))), [
        'quoted_also_running',
        'quoted_done',
        'quoted_running',
      ]);
    });

    it('answers 404 for an experiment without runs', async () => {
      const reply = await queryRuns('no-such-experiment');
      assert.equal(reply.status, 404);
      assert.equal(reply.body.error.code, 'UserError');
      assert.equal(reply.body.error.innerError.code, 'NotFound');
      assert.match(reply.body.error.message, /no-such-experiment/);
    });
  });

  it('answers 401 without a bearer token and 405 to other methods on both routes', async () => {
    for (const path of ['experiments:query', 'experiments/iris-training/runs:query']) {
      const anonymous = await call('POST', path, {}, false);
      assert.equal(anonymous.status, 401, path);
      assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
      assert.equal(anonymous.body.error.code, 'Unauthorized');
      const get = await call('GET', path);
      assert.equal(get.status, 405, path);
    }
  });
});
