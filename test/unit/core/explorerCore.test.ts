import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { AzureMlArm } from '../../../src/core/azure/armClient';
import { toAzMlYaml } from '../../../src/core/azure/azMlShape';
import { formatDuration } from '../../../src/core/azure/jobStatus';
import { CloudSettingsError, resolveCloud } from '../../../src/core/azure/cloud';
import {
  assetReference,
  describeResourceId,
  parseWorkspaceId,
  type WorkspaceRef,
} from '../../../src/core/azure/resourceIds';
import { runQueryFilter, type RunHistory } from '../../../src/core/azure/runHistory';
import { studioUrl } from '../../../src/core/azure/studio';
import { startHarness, type Harness } from '../emulator/harness';
import { armAgainst } from './armAgainstEmulator';

const WS = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

describe('core/azure: run-history queries', () => {
  it('asks for top-level jobs only, then adds the status groups and the text as OData', () => {
    assert.equal(runQueryFilter({}), 'ParentRunId eq null');
    assert.equal(
      runQueryFilter({ statuses: ['Failed', 'Canceled'] }),
      "ParentRunId eq null and (Status eq 'Failed' or Status eq 'NotResponding' or Status eq 'Canceled')",
    );
    assert.equal(
      runQueryFilter({ text: " it's " }),
      "ParentRunId eq null and (contains(DisplayName,'it''s') or contains(RunId,'it''s'))",
    );
  });

  it('formats durations, counting a live job up to now', () => {
    const start = '2024-01-01T00:00:00Z';
    assert.equal(formatDuration({ startTimeUtc: start, endTimeUtc: '2024-01-01T00:00:42Z' }), '42s');
    assert.equal(formatDuration({ startTimeUtc: start, endTimeUtc: '2024-01-01T00:03:05Z' }), '3m 05s');
    assert.equal(formatDuration({ startTimeUtc: start }, Date.parse('2024-01-01T02:07:00Z')), '2h 07m');
    assert.equal(formatDuration({}), undefined);
  });
});

describe('core/azure: resource ids, references and studio pages', () => {
  it('tells resource kinds apart and builds azureml: references for versioned assets', () => {
    assert.deepEqual(describeResourceId(`${WS}/data/iris/versions/3`), { kind: 'data', name: 'iris', version: '3' });
    assert.deepEqual(describeResourceId(`${WS}/jobs/job_1`), { kind: 'job', name: 'job_1', version: undefined });
    assert.equal(describeResourceId(WS)?.kind, 'workspace');
    assert.equal(assetReference(`${WS}/models/clf/versions/2`), 'azureml:clf:2');
    assert.equal(assetReference(`${WS}/environments/sklearn-env`), 'azureml:sklearn-env@latest');
    assert.equal(assetReference(`${WS}/jobs/job_1`), undefined);
  });

  it('links each item to its studio page in the right cloud, with the workspace id', () => {
    const ws: WorkspaceRef = parseWorkspaceId(WS);
    const gov = resolveCloud({ cloud: 'AzureUSGovernment' });
    assert.equal(
      studioUrl(gov, { kind: 'run', workspace: ws, runId: 'job_1' }),
      `https://ml.azure.us/runs/job_1?wsid=${encodeURIComponent(WS)}`,
    );
    const url = new URL(
      studioUrl(resolveCloud({}), { kind: 'resource', id: `${WS}/models/clf/versions/2` }, 'tenant-1'),
    );
    assert.equal(url.pathname, '/model/clf:2/details');
    assert.equal(url.searchParams.get('tid'), 'tenant-1');
    const custom = resolveCloud({
      cloud: 'Custom',
      customArmEndpoint: 'https://arm.test',
      customAuthorityHost: 'https://login.test',
    });
    assert.throws(() => studioUrl(custom, { kind: 'resource', id: WS }), CloudSettingsError);
    assert.throws(
      () => studioUrl(resolveCloud({}), { kind: 'resource', id: `${WS}/datastores/blob` }),
      /no page for datastore/,
    );
  });
});

describe('core/azure: az ml show documents', () => {
  it('shows a job in the CLI shape: snake_case keys, short references, empty values left out', async () => {
    const document = await toAzMlYaml({
      id: `${WS}/jobs/job_1`,
      name: 'job_1',
      properties: {
        jobType: 'Command',
        displayName: 'train',
        status: 'Completed',
        experimentName: 'iris',
        computeId: `${WS}/computes/cpu-cluster`,
        environmentId: `${WS}/environments/sklearn-env/versions/2`,
        command: 'python train.py',
        inputs: { data: { jobInputType: 'uri_file', uri: 'azureml://datastores/x/paths/a.csv' } },
        tags: {},
        description: null,
      },
      systemData: { createdAt: '2024-01-01T00:00:00Z', createdBy: 'alice' },
    });
    assert.match(document, /^# job \(read-only/);
    const shown = parse(document) as Record<string, unknown>;
    assert.equal(shown.type, 'command');
    assert.equal(shown.compute, 'azureml:cpu-cluster');
    assert.equal(shown.environment, 'azureml:sklearn-env:2');
    assert.equal(shown.resource_group, 'rg');
    assert.deepEqual(shown.inputs, { data: { job_input_type: 'uri_file', uri: 'azureml://datastores/x/paths/a.csv' } });
    assert.deepEqual(shown.creation_context, { created_at: '2024-01-01T00:00:00Z', created_by: 'alice' });
    assert.ok(!('tags' in shown) && !('description' in shown), 'empty fields are left out');
  });

  it('shows a data version with its asset name, version, type and path', async () => {
    const shown = parse(
      await toAzMlYaml({
        id: `${WS}/data/iris/versions/3`,
        name: '3',
        properties: { dataType: 'uri_file', dataUri: 'https://x/a.csv' },
      }),
    ) as Record<string, unknown>;
    assert.deepEqual(
      { name: shown.name, version: shown.version, type: shown.type, path: shown.path },
      { name: 'iris', version: '3', type: 'uri_file', path: 'https://x/a.csv' },
    );
  });
});

describe('core/azure: run history against the emulator', () => {
  let harness: Harness;
  let history: RunHistory;
  let arm: AzureMlArm;

  before(async () => {
    harness = await startHarness({ seed: 'demo', pageSize: 4 });
    arm = await armAgainst(harness);
    const c = harness.emulator.connection;
    const [workspace] = (await arm.listWorkspaces(c.subscriptionIds[0])).items.filter(
      (w) => w.ref.name === 'mlw-vision-dev',
    );
    history = arm.runHistory(workspace.ref);
  });

  after(() => harness?.stop());

  it('finds run history through the discovery document and lists experiments, most recently used first', async () => {
    const { items } = await history.listExperiments();
    const names = items.map((e) => e.name);
    assert.ok(names.includes('iris-training') && names.includes('image-classification'), names.join());
    const times = items.map((e) => e.latestCreatedRunCreatedUtc ?? '');
    assert.deepEqual(times, [...times].sort().reverse());
  });

  it('pages top-level jobs newest first, with compute, and lists pipeline steps', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await history.listRuns('iris-training', {}, token);
      assert.ok(page.items.length <= 4);
      seen.push(...page.items.map((run) => run.createdUtc ?? ''));
      assert.ok(page.items.every((run) => !run.parentRunId && run.target));
      token = page.continuationToken;
      pages++;
    } while (token);
    assert.ok(pages > 1, 'the demo experiment spans several pages of 4');
    assert.deepEqual(seen, [...seen].sort().reverse());
    const pipeline = (await history.listRuns('iris-training', { text: 'pipeline' })).items[0];
    assert.equal(pipeline.runType, 'azureml.PipelineRun');
    const steps = await history.listChildRuns(pipeline.runId);
    assert.equal(steps.items.length, 3);
    assert.ok(steps.items.every((step) => step.parentRunId === pipeline.runId));
    assert.equal((await history.getRun(pipeline.runId)).status, 'Completed');
  });

  it("reads a resource whole for the details document, and fails with ARM's status for a missing one", async () => {
    const ws = history.workspace;
    const id = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
    assert.equal((await arm.getResource(id)).name, ws.name);
    await assert.rejects(
      arm.getResource(`${id}/jobs/no_such_job`),
      (error: { statusCode?: number }) => error.statusCode === 404,
    );
  });
});
