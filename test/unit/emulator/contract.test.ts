/**
 * The emulator holds PUT bodies to the published REST contract (2025-09-01): the official examples pass,
 * and bodies that break the contract are the service's 400 naming the field, over the emulator's HTTPS.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateArmBody, type BodyKind } from '../../emulator/arm/contract';
import { ArmError } from '../../emulator/http';
import { startHarness, type Harness } from './harness';

const EXAMPLES = path.join(__dirname, '..', '..', 'fixtures', 'azure-rest-examples', '2025-09-01');
const API_VERSION = '2025-09-01';
const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';

interface ExampleWithBody {
  file: string;
  parameters: Record<string, string>;
  body: unknown;
}

/** Where each kind of example request goes, relative to the workspace, from the example's own parameters. */
const EXAMPLE_TARGETS: Array<{ folder: RegExp; kind: BodyKind; path: (p: Record<string, string>) => string }> = [
  { folder: /^Job\//, kind: 'JobBase', path: (p) => `jobs/${p.id}` },
  {
    folder: /^Workspace\/DataVersionBase\//,
    kind: 'DataVersionBase',
    path: (p) => `data/${p.name}/versions/${p.version}`,
  },
  { folder: /^Workspace\/DataContainer\//, kind: 'DataContainer', path: (p) => `data/${p.name}` },
  { folder: /^Workspace\/CodeVersion\//, kind: 'CodeVersion', path: (p) => `codes/${p.name}/versions/${p.version}` },
  { folder: /^Workspace\/CodeContainer\//, kind: 'CodeContainer', path: (p) => `codes/${p.name}` },
  { folder: /^Workspace\/ModelVersion\//, kind: 'ModelVersion', path: (p) => `models/${p.name}/versions/${p.version}` },
  { folder: /^Workspace\/ModelContainer\//, kind: 'ModelContainer', path: (p) => `models/${p.name}` },
  {
    folder: /^Workspace\/EnvironmentVersion\//,
    kind: 'EnvironmentVersion',
    path: (p) => `environments/${p.name}/versions/${p.version}`,
  },
  { folder: /^Workspace\/EnvironmentContainer\//, kind: 'EnvironmentContainer', path: (p) => `environments/${p.name}` },
  {
    folder: /^Workspace\/ComponentVersion\//,
    kind: 'ComponentVersion',
    path: (p) => `components/${p.name}/versions/${p.version}`,
  },
  { folder: /^Workspace\/ComponentContainer\//, kind: 'ComponentContainer', path: (p) => `components/${p.name}` },
  { folder: /^Datastore\//, kind: 'Datastore', path: (p) => `datastores/${p.name}` },
];

function examplesWithBodies(): ExampleWithBody[] {
  const files = readdirSync(EXAMPLES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
  const found: ExampleWithBody[] = [];
  for (const file of files) {
    const example = JSON.parse(readFileSync(path.join(EXAMPLES, file), 'utf8')) as {
      parameters: Record<string, unknown>;
    };
    const { body, ...parameters } = example.parameters;
    if (body !== undefined) found.push({ file, parameters: parameters as Record<string, string>, body });
  }
  return found;
}

interface Reply {
  status: number;
  body: { error?: { code: string; message: string; details?: Array<{ code: string; message: string }> } } & Record<
    string,
    unknown
  >;
}

describe('emulator: request bodies follow the REST contract', function () {
  this.timeout(60_000);
  let h: Harness;
  let wsId: string;
  before(async () => {
    h = await startHarness({ seed: 'demo' });
    wsId = `/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
  });
  after(async () => h?.stop());

  async function call(method: 'PUT' | 'GET', relative: string, body?: unknown): Promise<Reply> {
    const res = await fetch(`${h.emulator.origin}${wsId}/${relative}?api-version=${API_VERSION}`, {
      method,
      headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Reply['body'] };
  }

  const commandJob = (extra: Record<string, unknown> = {}): { properties: Record<string, unknown> } => ({
    properties: {
      jobType: 'Command',
      command: 'python train.py --data ${{inputs.training_data}}',
      environmentId: `${wsId}/environments/sklearn-env/versions/2`,
      computeId: `${wsId}/computes/cpu-cluster`,
      ...extra,
    },
  });

  const sweepJob = (): { properties: Record<string, unknown> } => ({
    properties: {
      jobType: 'Sweep',
      objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
      samplingAlgorithm: { samplingAlgorithmType: 'Random', seed: 7 },
      searchSpace: { learning_rate: ['uniform', [0.01, 0.1]] },
      trial: {
        command: 'python train.py --lr ${{search_space.learning_rate}}',
        environmentId: `${wsId}/environments/sklearn-env/versions/2`,
      },
      limits: { jobLimitsType: 'Sweep', maxTotalTrials: 4 },
      earlyTermination: { policyType: 'Bandit', slackFactor: 0.1 },
    },
  });

  it('accepts the request body of every official example', async () => {
    const examples = examplesWithBodies();
    assert.ok(examples.length > 0, 'the examples folder has request bodies');
    for (const example of examples) {
      const target = EXAMPLE_TARGETS.find((t) => t.folder.test(example.file));
      assert.ok(target, `a route for ${example.file}`);
      assert.doesNotThrow(() => validateArmBody(target.kind, example.body), example.file);
      const reply = await call('PUT', target.path(example.parameters), example.body);
      assert.ok([200, 201].includes(reply.status), `${example.file}: ${reply.status} ${JSON.stringify(reply.body)}`);
    }
  });

  it('accepts sweep and pipeline jobs that follow the contract, and applies the service defaults', async () => {
    const sweep = await call('PUT', `jobs/contract_sweep_${Date.now()}`, sweepJob());
    assert.equal(sweep.status, 201, JSON.stringify(sweep.body));
    const sweepProperties = sweep.body.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(sweepProperties.earlyTermination, {
      policyType: 'Bandit',
      slackFactor: 0.1,
      slackAmount: 0,
      delayEvaluation: 0,
      evaluationInterval: 0,
    });
    assert.equal(sweepProperties.experimentName as unknown, 'Default');

    const pipeline = await call('PUT', `jobs/contract_pipeline_${Date.now()}`, {
      properties: {
        jobType: 'Pipeline',
        inputs: { raw: { jobInputType: 'uri_folder', uri: 'azureml://datastores/workspaceblobstore/paths/raw/' } },
        outputs: { model: { jobOutputType: 'mlflow_model' } },
        jobs: { train: { type: 'command', component: 'azureml:train:1' } },
        settings: { default_compute: `${wsId}/computes/cpu-cluster` },
      },
    });
    assert.equal(pipeline.status, 201, JSON.stringify(pipeline.body));
  });

  it('drops members only the service sets', async () => {
    const reply = await call('PUT', 'codes/contract-code/versions/1', {
      properties: { codeUri: 'https://example.blob.core.windows.net/code/src', provisioningState: 'Failed' },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const got = await call('GET', 'codes/contract-code/versions/1');
    const properties = got.body.properties as Record<string, unknown>;
    assert.equal('provisioningState' in properties, false);
    assert.equal(properties.isAnonymous, false);
  });

  // Bodies are built when the test runs: they name the workspace, known only once the emulator is up.
  const rejected: Array<{ what: string; path: string; body: () => unknown; field: string }> = [
    {
      what: 'a uri_file input without uri',
      path: 'jobs/bad_input_uri',
      body: () => commandJob({ inputs: { training_data: { jobInputType: 'uri_file', mode: 'ReadOnlyMount' } } }),
      field: 'properties.inputs.training_data.uri',
    },
    {
      what: 'an unknown jobInputType',
      path: 'jobs/bad_input_type',
      body: () => commandJob({ inputs: { training_data: { jobInputType: 'csv_file', uri: 'azureml:iris-csv:1' } } }),
      field: 'properties.inputs.training_data.jobInputType',
    },
    {
      what: 'an unknown distributionType',
      path: 'jobs/bad_distribution',
      body: () => commandJob({ distribution: { distributionType: 'Horovod', processCountPerInstance: 2 } }),
      field: 'properties.distribution.distributionType',
    },
    {
      what: 'an input mode the contract does not have',
      path: 'jobs/bad_mode',
      body: () =>
        commandJob({
          inputs: { training_data: { jobInputType: 'uri_folder', uri: 'azureml:iris:1', mode: 'Mount' } },
        }),
      field: 'properties.inputs.training_data.mode',
    },
    {
      what: 'tags as a string',
      path: 'jobs/bad_tags_string',
      body: () => commandJob({ tags: 'baseline' }),
      field: 'properties.tags',
    },
    {
      what: 'tags as an array',
      path: 'jobs/bad_tags_array',
      body: () => commandJob({ tags: ['baseline'] }),
      field: 'properties.tags',
    },
    {
      what: 'properties with a number value',
      path: 'jobs/bad_properties',
      body: () => commandJob({ properties: { epochs: 10 } }),
      field: 'properties.properties.epochs',
    },
    {
      what: 'componentSpec as a string',
      path: 'components/bad-component/versions/1',
      body: () => ({ properties: { componentSpec: 'type: command\ncommand: python train.py' } }),
      field: 'properties.componentSpec',
    },
    {
      what: 'a datastore without credentials',
      path: 'datastores/bad_datastore',
      body: () => ({ properties: { datastoreType: 'AzureBlob', accountName: 'mlstorage', containerName: 'data' } }),
      field: 'properties.credentials',
    },
    {
      what: 'a command job without command',
      path: 'jobs/bad_no_command',
      body: () => ({
        properties: { jobType: 'Command', environmentId: `${wsId}/environments/sklearn-env/versions/2` },
      }),
      field: 'properties.command',
    },
    {
      what: 'a sweep job without objective',
      path: 'jobs/bad_no_objective',
      body: () => {
        const sweep = sweepJob();
        delete sweep.properties.objective;
        return sweep;
      },
      field: 'properties.objective',
    },
  ];

  for (const { what, path: relative, body, field } of rejected) {
    it(`answers 400 naming the field for ${what}`, async () => {
      const reply = await call('PUT', relative, body());
      assert.equal(reply.status, 400, JSON.stringify(reply.body));
      assert.equal(reply.body.error?.code, 'UserError');
      assert.match(reply.body.error?.message ?? '', /^Request is invalid and\/or missing fields\. /);
      assert.ok(reply.body.error?.message.includes(`Field: ${field}.`), reply.body.error?.message);
      assert.equal(reply.body.error?.details?.[0]?.code, 'RequestInvalid');
      assert.ok(reply.body.error?.details?.[0]?.message.includes(field));
      assert.equal((await call('GET', relative)).status, 404, 'nothing was stored');
    });
  }

  it('validateArmBody throws the same 400 and leaves the body as it was', () => {
    const body = commandJob({ tags: 'baseline' });
    const before = structuredClone(body);
    assert.throws(
      () => validateArmBody('JobBase', body),
      (error: unknown) =>
        error instanceof ArmError &&
        error.status === 400 &&
        error.code === 'UserError' &&
        error.message.includes('Field: properties.tags.'),
    );
    const valid = commandJob({ status: 'Completed' });
    validateArmBody('JobBase', valid);
    assert.deepEqual(body, before);
    assert.equal(valid.properties.status, 'Completed', 'the caller keeps what it sent');
    assert.equal('experimentName' in valid.properties, false);
  });
});
