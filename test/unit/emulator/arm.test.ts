import assert from 'node:assert/strict';
import type { RestError } from '@azure/core-rest-pipeline';
import type { AzureMachineLearningWorkspaces, CommandJob } from '@azure/arm-machinelearning';
import { ContainerClient } from '@azure/storage-blob';
import { AZURITE_ACCOUNT_KEY } from '../../emulator/runtime';
import { collect, SDK_API_VERSION, startHarness, waitFor, type Harness } from './harness';

const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';
const PAGE_SIZE = 4;

describe('emulator: ARM resources through the real SDK', function () {
  this.timeout(60_000);
  let h: Harness;
  let client: AzureMachineLearningWorkspaces;
  let wsId: string;
  before(async () => {
    h = await startHarness({ seed: 'demo', pageSize: PAGE_SIZE });
    client = h.client();
    wsId = `/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
  });
  after(async () => h?.stop());

  describe('workspaces', () => {
    it('lists by subscription and resource group, and gets one with discovery and MLflow URIs', async () => {
      const bySub = await collect(client.workspaces.listBySubscription());
      assert.deepEqual(bySub.map((w) => w.name).sort(), ['mlw-nlp-dev', 'mlw-vision-dev']);
      const byRg = await collect(client.workspaces.listByResourceGroup(RG));
      assert.equal(byRg.length, 2);
      const ws = await client.workspaces.get(RG, WS);
      assert.equal(ws.id, wsId);
      assert.equal(ws.type, 'Microsoft.MachineLearningServices/workspaces');
      assert.equal(ws.discoveryUrl, `${h.emulator.origin}/discovery`);
      const port = new URL(h.emulator.origin).port;
      assert.equal(ws.mlFlowTrackingUri, `azureml://127.0.0.1:${port}/mlflow/v1.0${wsId}`);
      assert.match(ws.storageAccount ?? '', /\/providers\/Microsoft\.Storage\/storageAccounts\//);
      assert.equal(ws.friendlyName, 'Vision (dev)');
      assert.match(ws.workspaceId ?? '', /^[0-9a-f-]{36}$/);
      assert.ok(ws.systemData?.createdAt instanceof Date);
    });

    it('answers 404 ResourceNotFound for a missing workspace', async () => {
      const error = (await client.workspaces.get(RG, 'nope').catch((e: unknown) => e)) as RestError & { code?: string };
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'ResourceNotFound');
    });
  });

  describe('paging', () => {
    it('pages jobs with absolute nextLinks carrying api-version and $skip, newest first', async () => {
      const pages = [];
      for await (const page of client.jobs.list(RG, WS).byPage()) pages.push(page);
      assert.ok(pages.length >= 4, `expected several pages, got ${pages.length}`);
      for (const page of pages.slice(0, -1)) assert.equal(page.length, PAGE_SIZE);
      const all = pages.flat();
      assert.equal(new Set(all.map((j) => j.name)).size, all.length, 'no job repeated across pages');
      const times = all.map((j) => j.systemData?.createdAt?.getTime() ?? 0);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
      );

      const res = await fetch(`${h.emulator.origin}${wsId}/jobs?api-version=${SDK_API_VERSION}`, {
        headers: { Authorization: `Bearer ${await h.token()}` },
      });
      const first = (await res.json()) as { value: unknown[]; nextLink: string };
      const next = new URL(first.nextLink);
      assert.equal(next.origin, h.emulator.origin);
      assert.equal(next.searchParams.get('api-version'), SDK_API_VERSION);
      assert.ok(next.searchParams.get('$skip'));
    });

    it('rejects a garbage $skip token', async () => {
      const res = await fetch(`${h.emulator.origin}${wsId}/jobs?api-version=${SDK_API_VERSION}&$skip=garbage`, {
        headers: { Authorization: `Bearer ${await h.token()}` },
      });
      assert.equal(res.status, 400);
    });
  });

  describe('jobs', () => {
    it('filters by jobType, tag and listViewType and hides pipeline steps', async () => {
      const pipelines = await collect(client.jobs.list(RG, WS, { jobType: 'Pipeline' }));
      assert.equal(pipelines.length, 1);
      assert.equal(pipelines[0].properties.jobType, 'Pipeline');
      const tagged = await collect(client.jobs.list(RG, WS, { tag: 'baseline' }));
      assert.ok(tagged.length > 0);
      assert.ok(tagged.every((j) => j.properties.tags?.baseline === 'true'));
      const archived = await collect(client.jobs.list(RG, WS, { listViewType: 'ArchivedOnly' }));
      assert.equal(archived.length, 0);
      const all = await collect(client.jobs.list(RG, WS));
      assert.ok(all.every((j) => !(j.properties.properties ?? {})['azureml.pipelinerunid']));
      const step = await client.jobs.get(RG, WS, `${pipelines[0].name}_train_model`);
      assert.equal(step.properties.properties?.['azureml.pipelinerunid'], pipelines[0].name);
      const statuses = new Set(all.map((j) => j.properties.status));
      for (const status of ['Completed', 'Failed', 'Running'])
        assert.ok(statuses.has(status as never), `has ${status}`);
    });

    it('creates a command job as NotStarted with a Studio endpoint and hands it to the runtime', async () => {
      const name = `test_job_${Date.now()}`;
      const body: { properties: CommandJob } = {
        properties: {
          jobType: 'Command',
          command: 'echo hello from the emulator',
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
          computeId: `${wsId}/computes/cpu-cluster`,
          experimentName: 'contract-tests',
          displayName: 'contract job',
          tags: { suite: 'contract' },
        },
      };
      const created = await client.jobs.createOrUpdate(RG, WS, name, body);
      assert.equal(created.id, `${wsId}/jobs/${name}`);
      assert.equal(created.type, 'Microsoft.MachineLearningServices/workspaces/jobs');
      assert.equal(created.properties.status, 'NotStarted');
      assert.match(created.properties.services?.Studio?.endpoint ?? '', /^https:\/\/ml\.azure\.com\/runs\//);
      assert.equal(created.systemData?.createdBy, h.emulator.connection.clientId);
      await waitFor(
        async () => (await client.jobs.get(RG, WS, name)).properties.status === 'Completed',
        30_000,
        'the runtime to complete the job',
      );
      const listed = await collect(client.jobs.list(RG, WS, { tag: 'suite' }));
      assert.equal(listed[0].name, name);
    });

    it('rejects an invalid body with 400 from the SDK mappers', async () => {
      const res = await fetch(`${h.emulator.origin}${wsId}/jobs/bad_job?api-version=${SDK_API_VERSION}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ properties: { jobType: 'Command', command: 42, environmentId: 'x' } }),
      });
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'UserError');
      assert.match(body.error.message, /command/);
      const missing = await fetch(`${h.emulator.origin}${wsId}/jobs/bad_job?api-version=${SDK_API_VERSION}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ properties: { jobType: 'Command', command: 'echo' } }),
      });
      assert.equal(missing.status, 400);
      assert.match(((await missing.json()) as { error: { message: string } }).error.message, /environmentId/);
    });

    it('cancels a running job through beginCancelAndWait (202 + Location polling)', async () => {
      const running = (await collect(client.jobs.list(RG, WS))).find(
        (j) =>
          j.properties.status === 'Running' || j.properties.status === 'NotStarted' || j.properties.status === 'Queued',
      );
      assert.ok(running, 'a running seeded job');
      const raw = await fetch(`${h.emulator.origin}${wsId}/jobs/does-not-exist/cancel?api-version=${SDK_API_VERSION}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await h.token()}` },
      });
      assert.equal(raw.status, 404);
      await client.jobs.beginCancelAndWait(RG, WS, running.name!, { updateIntervalInMs: 100 });
      const after = await client.jobs.get(RG, WS, running.name!);
      assert.equal(after.properties.status, 'Canceled');
    });

    it('returns 202 with Location and Retry-After from the cancel POST', async () => {
      const name = `cancel_raw_${Date.now()}`;
      await client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command: 'sleep 30',
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        } as CommandJob,
      });
      const token = await h.token();
      const res = await fetch(`${h.emulator.origin}${wsId}/jobs/${name}/cancel?api-version=${SDK_API_VERSION}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 202);
      assert.ok(res.headers.get('retry-after'));
      const location = res.headers.get('location') ?? '';
      assert.match(
        location,
        /\/providers\/Microsoft\.MachineLearningServices\/locations\/[^/]+\/mfeOperationResults\/[^?]+\?api-version=/,
      );
      await waitFor(
        async () => (await fetch(location, { headers: { Authorization: `Bearer ${token}` } })).status === 200,
        20_000,
        'cancel to finish',
      );
      assert.equal((await client.jobs.get(RG, WS, name)).properties.status, 'Canceled');
    });
  });

  describe('data assets', () => {
    it('lists containers and versions of every data type and gets them', async () => {
      const containers = await collect(client.dataContainers.list(RG, WS));
      const types = new Set(containers.map((c) => c.properties.dataType));
      assert.deepEqual([...types].sort(), ['mltable', 'uri_file', 'uri_folder']);
      const iris = await client.dataContainers.get(RG, WS, 'iris-csv');
      assert.equal(iris.type, 'Microsoft.MachineLearningServices/workspaces/data');
      assert.equal(iris.properties.latestVersion, '3');
      assert.equal(iris.properties.nextVersion, '4');
      const versions = await collect(client.dataVersions.list(RG, WS, 'iris-csv'));
      assert.deepEqual(
        versions.map((v) => v.name),
        ['3', '2', '1'],
      );
      const v2 = await client.dataVersions.get(RG, WS, 'iris-csv', '2');
      assert.equal(v2.id, `${wsId}/data/iris-csv/versions/2`);
      assert.equal(v2.type, 'Microsoft.MachineLearningServices/workspaces/data/versions');
      assert.equal(v2.properties.dataType, 'uri_file');
    });

    it('creates versions and maintains latestVersion/nextVersion, creating the container', async () => {
      const created = await client.dataVersions.createOrUpdate(RG, WS, 'new-data', '1', {
        properties: {
          dataType: 'uri_folder',
          dataUri: 'azureml://datastores/workspaceblobstore/paths/new/',
          description: 'first',
        },
      });
      assert.equal(created.properties.dataType, 'uri_folder');
      await client.dataVersions.createOrUpdate(RG, WS, 'new-data', '2', {
        properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/new2/' },
      });
      const container = await client.dataContainers.get(RG, WS, 'new-data');
      assert.equal(container.properties.latestVersion, '2');
      assert.equal(container.properties.nextVersion, '3');
      const updated = await client.dataContainers.createOrUpdate(RG, WS, 'new-data', {
        properties: { dataType: 'uri_folder', description: 'described' },
      });
      assert.equal(updated.properties.description, 'described');
      assert.equal(updated.properties.latestVersion, '2');
    });

    it('rejects a data version without dataUri', async () => {
      const error = (await client.dataVersions
        .createOrUpdate(RG, WS, 'bad-data', '1', { properties: { dataType: 'uri_file' } } as never)
        .catch((e: unknown) => e)) as RestError;
      // The SDK validates first; check the service too with a raw request.
      assert.ok(error instanceof Error);
      const res = await fetch(`${h.emulator.origin}${wsId}/data/bad-data/versions/1?api-version=${SDK_API_VERSION}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ properties: { dataType: 'uri_file' } }),
      });
      assert.equal(res.status, 400);
      const bogus = await fetch(`${h.emulator.origin}${wsId}/data/bad-data/versions/1?api-version=${SDK_API_VERSION}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await h.token()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ properties: { dataType: 'csv', dataUri: 'x' } }),
      });
      assert.equal(bogus.status, 400);
    });
  });

  describe('models', () => {
    it('lists models and versions with tags, filters by tag, creates a version', async () => {
      const models = await collect(client.modelContainers.list(RG, WS));
      assert.ok(models.some((m) => m.name === 'iris-classifier'));
      const versions = await collect(client.modelVersions.list(RG, WS, 'iris-classifier'));
      assert.equal(versions.length, 5);
      const candidates = await collect(
        client.modelVersions.list(RG, WS, 'iris-classifier', { tags: 'stage=candidate' }),
      );
      assert.deepEqual(candidates.map((v) => v.name).sort(), ['2', '4']);
      const created = await client.modelVersions.createOrUpdate(RG, WS, 'iris-classifier', '6', {
        properties: {
          modelUri: 'azureml://datastores/workspaceblobstore/paths/models/iris/6/',
          modelType: 'custom_model',
          tags: { stage: 'candidate' },
        },
      });
      assert.equal(created.type, 'Microsoft.MachineLearningServices/workspaces/models/versions');
      const container = await client.modelContainers.get(RG, WS, 'iris-classifier');
      assert.equal(container.properties.latestVersion, '6');
      const got = await client.modelVersions.get(RG, WS, 'iris-classifier', '6');
      assert.equal(got.properties.tags?.stage, 'candidate');
    });
  });

  describe('computes, environments, components', () => {
    it('lists and gets computes', async () => {
      const computes = await collect(client.computeOperations.list(RG, WS));
      assert.deepEqual(
        computes.map((c) => c.name),
        ['cpu-cluster', 'dev-instance', 'gpu-cluster'],
      );
      const cpu = await client.computeOperations.get(RG, WS, 'cpu-cluster');
      assert.equal(cpu.type, 'Microsoft.MachineLearningServices/workspaces/computes');
      assert.equal(cpu.properties?.computeType, 'AmlCompute');
      const missing = (await client.computeOperations.get(RG, WS, 'nope').catch((e: unknown) => e)) as RestError;
      assert.equal(missing.statusCode, 404);
    });

    it('lists, gets and creates environments', async () => {
      const envs = await collect(client.environmentContainers.list(RG, WS));
      assert.ok(envs.some((e) => e.name === 'sklearn-env'));
      assert.equal((await collect(client.environmentVersions.list(RG, WS, 'sklearn-env'))).length, 2);
      const created = await client.environmentVersions.createOrUpdate(RG, WS, 'custom-env', '1', {
        properties: { image: 'python:3.11-slim' },
      });
      assert.equal(created.properties.image, 'python:3.11-slim');
      assert.equal((await client.environmentContainers.get(RG, WS, 'custom-env')).properties.latestVersion, '1');
      assert.equal(
        (await client.environmentVersions.get(RG, WS, 'custom-env', '1')).id,
        `${wsId}/environments/custom-env/versions/1`,
      );
    });

    it('lists, gets and creates components', async () => {
      const components = await collect(client.componentContainers.list(RG, WS));
      assert.deepEqual(components.map((c) => c.name).sort(), ['prep_data', 'train_model']);
      const v2 = await client.componentVersions.get(RG, WS, 'train_model', '2');
      assert.equal((v2.properties.componentSpec as Record<string, unknown>).type, 'command');
      const created = await client.componentVersions.createOrUpdate(RG, WS, 'score', '1', {
        properties: {
          componentSpec: { name: 'score', type: 'command', command: 'python score.py' },
          description: 'scores',
        },
      });
      assert.equal(created.properties.description, 'scores');
      assert.equal((await client.componentContainers.get(RG, WS, 'score')).properties.latestVersion, '1');
    });
  });

  describe('datastores and code', () => {
    it('lists datastores, gets the default one and lists its secrets', async () => {
      const datastores = await collect(client.datastores.list(RG, WS));
      assert.ok(datastores.some((d) => d.name === 'workspaceblobstore' && d.properties.isDefault));
      const blobstore = await client.datastores.get(RG, WS, 'workspaceblobstore');
      assert.equal(blobstore.properties.datastoreType, 'AzureBlob');
      const secrets = await client.datastores.listSecrets(RG, WS, 'workspaceblobstore');
      assert.equal(secrets.secretsType, 'AccountKey');
      assert.equal((secrets as { key?: string }).key, AZURITE_ACCOUNT_KEY);
      assert.equal((await fetchAccountKey()).key, AZURITE_ACCOUNT_KEY);
    });

    it('starts a pending code upload with a working SAS, then registers the code version', async () => {
      const token = await h.token();
      const res = await fetch(
        `${h.emulator.origin}${wsId}/codes/contract-src/versions/1/startPendingUpload?api-version=2024-10-01`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ pendingUploadType: 'TemporaryBlobReference' }),
        },
      );
      assert.equal(res.status, 200);
      const body = (await res.json()) as {
        pendingUploadType: string;
        pendingUploadId: string;
        blobReferenceForConsumption: { blobUri: string; credential: { credentialType: string; sasUri: string } };
      };
      assert.equal(body.pendingUploadType, 'TemporaryBlobReference');
      assert.equal(body.blobReferenceForConsumption.credential.credentialType, 'SAS');
      const blobUri = body.blobReferenceForConsumption.blobUri;
      assert.ok(blobUri.startsWith(h.emulator.connection.blobEndpoint));
      const sas = new URL(body.blobReferenceForConsumption.credential.sasUri);
      const containerUrl = `${blobUri.split('/LocalUpload/')[0]}${sas.search}`;
      const blobName = `LocalUpload/${body.pendingUploadId}/train.py`;
      await new ContainerClient(containerUrl).getBlockBlobClient(blobName).upload('print(1)', 8);

      const code = await client.codeVersions.createOrUpdate(RG, WS, 'contract-src', '1', {
        properties: { codeUri: blobUri },
      });
      assert.equal(code.properties.codeUri, blobUri);
      assert.equal(code.type, 'Microsoft.MachineLearningServices/workspaces/codes/versions');
      assert.equal((await client.codeContainers.get(RG, WS, 'contract-src')).properties.latestVersion, '1');
      assert.equal((await client.codeVersions.get(RG, WS, 'contract-src', '1')).properties.codeUri, blobUri);
    });
  });

  async function fetchAccountKey(): Promise<{ key: string }> {
    const res = await fetch(
      `${h.emulator.origin}${wsId}/datastores/workspaceblobstore/listSecrets?api-version=${SDK_API_VERSION}`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${await h.token()}` },
      },
    );
    assert.equal(res.status, 200);
    return (await res.json()) as { key: string };
  }
});
