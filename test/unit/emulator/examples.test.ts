/**
 * The published REST examples (2025-09-01) round-trip through the SDK's serializers and the emulator:
 * PUT the example body with the SDK, GET it back, compare the fields the SDK models know.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeVersion, DataVersionBase, JobBase } from '@azure/arm-machinelearning';
import * as SdkMappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers.js';
import { createSerializer, type CompositeMapper, type Mapper } from '@azure/core-client';
import { collect, SDK_API_VERSION, startHarness, type Harness } from './harness';

const serializer = createSerializer(SdkMappers as unknown as Record<string, Mapper>, false);
const jobMapper = (SdkMappers as unknown as Record<string, CompositeMapper>).JobBase;
const EXAMPLES = path.join(__dirname, '..', '..', 'fixtures', 'azure-rest-examples', '2025-09-01');
const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';

interface Example {
  parameters: Record<string, unknown> & { body?: unknown };
  responses: Record<string, { body?: Record<string, unknown>; headers?: Record<string, string> }>;
}

function example(relative: string): Example {
  return JSON.parse(readFileSync(path.join(EXAMPLES, relative), 'utf8')) as Example;
}

describe('emulator: REST examples round-trip', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: 'demo' });
  });
  after(async () => h?.stop());

  it('DataVersionBase/createOrUpdate', async () => {
    const ex = example('Workspace/DataVersionBase/createOrUpdate.json');
    const body = ex.parameters.body as DataVersionBase;
    const client = h.client();
    const put = await client.dataVersions.createOrUpdate(RG, WS, 'example-data', '7', body);
    const got = await client.dataVersions.get(RG, WS, 'example-data', '7');
    for (const resource of [put, got]) {
      assert.equal(resource.properties.dataType, body.properties.dataType);
      assert.equal(resource.properties.dataUri, body.properties.dataUri);
      assert.equal(resource.properties.description, body.properties.description);
      assert.deepEqual(resource.properties.tags, body.properties.tags);
      assert.deepEqual(resource.properties.properties, body.properties.properties);
      assert.equal(resource.properties.isAnonymous, false);
    }
    const expected = ex.responses['200'].body as { properties: Record<string, unknown> };
    assert.deepEqual(
      Object.keys(expected.properties).filter((k) => !(k in got.properties) && k !== 'isArchived'),
      [],
    );
  });

  it('CodeVersion/createOrUpdate', async () => {
    const ex = example('Workspace/CodeVersion/createOrUpdate.json');
    const body = ex.parameters.body as CodeVersion;
    const client = h.client();
    await client.codeVersions.createOrUpdate(RG, WS, 'example-code', '1', body);
    const got = await client.codeVersions.get(RG, WS, 'example-code', '1');
    assert.equal(got.properties.codeUri, body.properties.codeUri);
    assert.equal(got.properties.description, body.properties.description);
    assert.deepEqual(got.properties.tags, body.properties.tags);
    assert.deepEqual(got.properties.properties, body.properties.properties);
    assert.equal(got.type, 'Microsoft.MachineLearningServices/workspaces/codes/versions');
  });

  it('Job/CommandJob/createOrUpdate', async () => {
    const ex = example('Job/CommandJob/createOrUpdate.json');
    const body = ex.parameters.body as JobBase;
    const client = h.client();
    const put = await client.jobs.createOrUpdate(RG, WS, 'example_command_job', body);
    assert.equal(put.properties.status, 'NotStarted', 'status of the example response');
    const got = await client.jobs.get(RG, WS, 'example_command_job');
    const sent = body.properties as unknown as Record<string, unknown>;
    const received = got.properties as unknown as Record<string, unknown>;
    for (const field of [
      'jobType',
      'command',
      'codeId',
      'environmentId',
      'computeId',
      'displayName',
      'experimentName',
      'description',
    ]) {
      assert.deepEqual(received[field], sent[field], field);
    }
    // What the SDK itself can express: the example body through its serializer and back.
    const sdkView = serializer.deserialize(jobMapper, serializer.serialize(jobMapper, body, 'body'), 'body') as JobBase;
    const expected = sdkView.properties as unknown as Record<string, unknown>;
    for (const field of [
      'inputs',
      'outputs',
      'distribution',
      'limits',
      'environmentVariables',
      'identity',
      'tags',
      'properties',
    ]) {
      assert.deepEqual(received[field], expected[field], field);
    }
    // A raw REST client keeps fields the 2.1.1 SDK models lose (uri/mode of uri_file outputs).
    const raw = await fetch(`${h.emulator.origin}${put.id}?api-version=2025-09-01`, {
      headers: { Authorization: `Bearer ${await h.token()}` },
    });
    const rawJob = (await raw.json()) as { properties: { outputs: Record<string, Record<string, unknown>> } };
    assert.equal(rawJob.properties.outputs.string.uri, undefined, 'the SDK did not send uri');
    const rawPut = await fetch(`${h.emulator.origin}${put.id}_raw?api-version=2025-09-01`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(ex.parameters.body),
    });
    assert.equal(rawPut.status, 201);
    const rawCreated = (await rawPut.json()) as {
      properties: Record<string, unknown> & { outputs: Record<string, Record<string, unknown>> };
    };
    assert.deepEqual(
      rawCreated.properties.outputs,
      (ex.parameters.body as { properties: { outputs: unknown } }).properties.outputs,
    );
    assert.equal(rawCreated.properties.status, 'NotStarted');
    // The example's own services survive next to the ones the service adds.
    assert.equal(got.properties.services?.string?.endpoint, 'string');
    assert.ok(got.properties.services?.Studio?.endpoint);
    assert.deepEqual(
      Object.keys(ex.responses['201'].body?.properties as object).filter((k) => !(k in received) && k !== 'parameters'),
      [],
    );
  });

  it('Job/cancel: the response carries a location header', async () => {
    const ex = example('Job/cancel.json');
    assert.ok(ex.responses['202'].headers?.location);
    const res = await fetch(
      `${h.emulator.origin}/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/jobs/example_command_job/cancel?api-version=${String(ex.parameters['api-version'])}`,
      { method: 'POST', headers: { Authorization: `Bearer ${await h.token()}` } },
    );
    assert.equal(res.status, 202);
    assert.ok(res.headers.get('location'));
  });

  it('list examples: response shapes match (workspaces, computes, datastores, model and data versions, pipeline jobs)', async () => {
    const client = h.client();
    const shapes: Array<[string, () => Promise<Array<{ id?: string; name?: string; type?: string }>>]> = [
      ['Workspace/listBySubscription.json', () => collect(client.workspaces.listBySubscription())],
      ['Compute/list.json', () => collect(client.computeOperations.list(RG, WS))],
      ['Datastore/list.json', () => collect(client.datastores.list(RG, WS))],
      ['Workspace/ModelVersion/list.json', () => collect(client.modelVersions.list(RG, WS, 'iris-classifier'))],
      ['Workspace/DataVersionBase/list.json', () => collect(client.dataVersions.list(RG, WS, 'iris-csv'))],
      ['Job/PipelineJob/list.json', () => collect(client.jobs.list(RG, WS, { jobType: 'Pipeline' }))],
    ];
    for (const [file, list] of shapes) {
      const ex = example(file);
      const expected = (ex.responses['200'].body as { value: Array<Record<string, unknown>> }).value[0];
      const items = await list();
      assert.ok(items.length > 0, file);
      for (const key of ['id', 'name', 'type'] as const)
        assert.ok(key in expected && typeof items[0][key] === 'string', `${file}: ${key}`);
      if (typeof expected.type === 'string' && expected.type !== 'string')
        assert.equal(items[0].type, expected.type, file);
    }
  });

  it('Datastore/listSecrets: same shape as the example', async () => {
    const ex = example('Datastore/listSecrets.json');
    const res = await fetch(
      `${h.emulator.origin}/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/datastores/workspaceblobstore/listSecrets?api-version=${SDK_API_VERSION}`,
      { method: 'POST', headers: { Authorization: `Bearer ${await h.token()}` } },
    );
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), Object.keys(ex.responses['200'].body ?? {}).sort());
    assert.equal(body.secretsType, 'AccountKey');
  });
});
