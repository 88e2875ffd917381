/**
 * The emulator behaves like Azure ML where job submission depends on it: DELETE, the seeded code asset's
 * files, pending uploads of models and data, run-history errors, datastore secrets, model version defaults
 * and api-versions. Everything over real HTTPS, through the SDK where it has the operation.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RestError } from '@azure/core-rest-pipeline';
import type { AzureMachineLearningWorkspaces, CommandJob } from '@azure/arm-machinelearning';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { AZURITE_ACCOUNT_KEY } from '../../emulator/runtime';
import { TRAINING_SCRIPTS } from '../../emulator/seeds/trainingFiles';
import { SDK_API_VERSION, startHarness, waitFor, type Harness } from './harness';

const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: () => Record<string, unknown>;
}

describe('emulator: behaves like the service where job submission depends on it', function () {
  this.timeout(90_000);
  let h: Harness;
  let client: AzureMachineLearningWorkspaces;
  let wsId: string;
  let scratch: string;

  before(async () => {
    h = await startHarness({ seed: 'demo' });
    client = h.client();
    wsId = `/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
    scratch = mkdtempSync(path.join(os.tmpdir(), 'aml-service-test-'));
  });
  after(async () => {
    await h?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** A raw HTTPS call with the main principal's token; `pathAndQuery` starts with "/". */
  async function call(method: string, pathAndQuery: string, body?: unknown): Promise<RawResponse> {
    const res = await fetch(`${h.emulator.origin}${pathAndQuery}`, {
      method,
      headers: {
        Authorization: `Bearer ${await h.token()}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }

  const inWorkspace = (relative: string, apiVersion = SDK_API_VERSION): string =>
    `${wsId}/${relative}?api-version=${apiVersion}`;

  async function waitForStatus(name: string, status: string): Promise<void> {
    await waitFor(
      async () => (await client.jobs.get(RG, WS, name)).properties.status === status,
      45_000,
      `job ${name} to be ${status}`,
    );
  }

  describe('DELETE', () => {
    it('deletes a running job: cancels it, answers 202 with a Location to poll, then GET is 404', async () => {
      const name = `delete_running_${Date.now()}`;
      const marker = path.join(scratch, `${name}.done`);
      await client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command: `sleep 4 && touch '${marker}'`,
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        } as CommandJob,
      });
      await waitForStatus(name, 'Running');

      const deleted = await call('DELETE', inWorkspace(`jobs/${name}`));
      assert.equal(deleted.status, 202);
      assert.ok(deleted.headers.get('retry-after'));
      const location = deleted.headers.get('location') ?? '';
      assert.match(location, /\/mfeOperationResults\/[^?]+\?api-version=/);
      await waitFor(
        async () => (await call('GET', new URL(location).pathname + new URL(location).search)).status === 200,
        20_000,
        'the delete operation to finish',
      );

      const missing = (await client.jobs.get(RG, WS, name).catch((e: unknown) => e)) as RestError;
      assert.equal(missing.statusCode, 404);
      const history = await call('GET', `/history/v1.0${wsId}/runs/${name}/details`);
      assert.equal(history.status, 404);
      // The job was canceled, not left to run: its process never reaches the end of its command.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      assert.equal(existsSync(marker), false, 'the deleted job kept running');
    });

    it('deletes a finished job through the SDK long-running operation, and a missing job is 204', async () => {
      const name = `delete_done_${Date.now()}`;
      await client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command: 'echo done',
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        } as CommandJob,
      });
      await waitForStatus(name, 'Completed');
      await client.jobs.beginDeleteAndWait(RG, WS, name, { updateIntervalInMs: 100 });
      const missing = (await client.jobs.get(RG, WS, name).catch((e: unknown) => e)) as RestError;
      assert.equal(missing.statusCode, 404);
      assert.equal((await call('DELETE', inWorkspace(`jobs/${name}`))).status, 204);
    });

    it('deletes an asset version (200, then GET 404, latestVersion moves back) and a missing one is 204', async () => {
      for (const version of ['1', '2']) {
        await client.modelVersions.createOrUpdate(RG, WS, 'delete-me', version, {
          properties: { modelUri: `azureml://datastores/workspaceblobstore/paths/models/delete-me/${version}/` },
        });
      }
      assert.equal((await client.modelContainers.get(RG, WS, 'delete-me')).properties.latestVersion, '2');

      const deleted = await call('DELETE', inWorkspace('models/delete-me/versions/2'));
      assert.equal(deleted.status, 200);
      assert.equal((await call('GET', inWorkspace('models/delete-me/versions/2'))).status, 404);
      assert.equal((await client.modelContainers.get(RG, WS, 'delete-me')).properties.latestVersion, '1');
      assert.equal((await call('DELETE', inWorkspace('models/delete-me/versions/2'))).status, 204);

      await client.modelVersions.delete(RG, WS, 'delete-me', '1');
      const gone = (await client.modelVersions.get(RG, WS, 'delete-me', '1').catch((e: unknown) => e)) as RestError;
      assert.equal(gone.statusCode, 404);
    });

    it('deletes an asset container with its versions', async () => {
      await client.dataVersions.createOrUpdate(RG, WS, 'delete-data', '1', {
        properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/tmp/' },
      });
      assert.equal((await call('DELETE', inWorkspace('data/delete-data'))).status, 200);
      assert.equal((await call('GET', inWorkspace('data/delete-data'))).status, 404);
      assert.equal((await call('GET', inWorkspace('data/delete-data/versions/1'))).status, 404);
      assert.equal((await call('DELETE', inWorkspace('data/delete-data'))).status, 204);
    });
  });

  describe('seeded code asset', () => {
    it('holds the training scripts at its codeUri', async () => {
      const code = await client.codeVersions.get(RG, WS, 'train-src', '1');
      const codeUri = code.properties.codeUri ?? '';
      const [containerUrl, prefix] = splitBlobFolderUrl(codeUri);
      const datastore = await client.datastores.get(RG, WS, 'workspaceblobstore');
      const accountName = (datastore.properties as { accountName: string }).accountName;
      const secrets = (await client.datastores.listSecrets(RG, WS, 'workspaceblobstore')) as { key?: string };
      const container = new ContainerClient(
        containerUrl,
        new StorageSharedKeyCredential(accountName, secrets.key ?? ''),
      );
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix: `${prefix}/` })) names.push(blob.name);
      assert.deepEqual(
        names.sort(),
        Object.keys(TRAINING_SCRIPTS)
          .map((file) => `${prefix}/${file}`)
          .sort(),
      );
      const trainPy = await container.getBlobClient(`${prefix}/train.py`).downloadToBuffer();
      assert.equal(trainPy.toString('utf8'), TRAINING_SCRIPTS['train.py']);
    });

    it('lets a seeded job run again: its code, data and command complete', async () => {
      const seeded = (await collectJobs()).find(
        (j) =>
          j.properties.jobType === 'Command' &&
          j.properties.status === 'Completed' &&
          j.properties.experimentName === 'iris-training',
      );
      assert.ok(seeded, 'a completed seeded iris job');
      // Raw REST, as a client of the current api-version sees the job (the 2.1.1 SDK models drop input uris).
      const original = (await call('GET', inWorkspace(`jobs/${seeded.name}`, '2025-09-01'))).json()
        .properties as Record<string, unknown>;
      assert.match(String(original.codeId), /\/codes\/train-src\/versions\/1$/);
      const name = `rerun_${Date.now()}`;
      const fields = [
        'jobType',
        'command',
        'codeId',
        'environmentId',
        'computeId',
        'inputs',
        'outputs',
        'experimentName',
      ];
      const submitted = await call('PUT', inWorkspace(`jobs/${name}`, '2025-09-01'), {
        properties: Object.fromEntries(fields.map((field) => [field, original[field]])),
      });
      assert.equal(submitted.status, 201, submitted.text);
      await waitFor(
        async () => ['Completed', 'Failed'].includes(String((await client.jobs.get(RG, WS, name)).properties.status)),
        45_000,
        'the re-run to finish',
      );
      const details = (await call('GET', `/history/v1.0${wsId}/runs/${name}/details`)).json();
      assert.equal((await client.jobs.get(RG, WS, name)).properties.status, 'Completed', JSON.stringify(details.error));
      const logUrl = (details.logFiles as Record<string, string>)['user_logs/std_log.txt'];
      const log = await (await fetch(logUrl)).text();
      assert.match(log, /Read 150 rows of 3 species/);
      assert.match(log, /epoch 10\/10 loss=/);
      assert.doesNotMatch(log, /could not log to MLflow/);
      const history = await call(
        'GET',
        `/mlflow/v1.0${wsId}/api/2.0/mlflow/metrics/get-history?run_id=${name}&metric_key=accuracy`,
      );
      assert.equal((history.json().metrics as unknown[]).length, 10, history.text);
    });
  });

  describe('startPendingUpload', () => {
    for (const kind of ['models', 'data'] as const) {
      it(`gives a SAS for a new ${kind} version that accepts a blob upload`, async () => {
        const res = await call(
          'POST',
          inWorkspace(`${kind}/pending-${kind}/versions/1/startPendingUpload`, '2024-10-01'),
          {
            pendingUploadType: 'TemporaryBlobReference',
          },
        );
        assert.equal(res.status, 200, res.text);
        const body = res.json() as {
          pendingUploadId: string;
          pendingUploadType: string;
          blobReferenceForConsumption: {
            blobUri: string;
            storageAccountArmId: string;
            credential: { credentialType: string; sasUri: string };
          };
        };
        assert.equal(body.pendingUploadType, 'TemporaryBlobReference');
        assert.ok(body.pendingUploadId);
        const reference = body.blobReferenceForConsumption;
        assert.equal(reference.credential.credentialType, 'SAS');
        assert.match(reference.storageAccountArmId, /\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+$/);
        const sasUri = new URL(reference.credential.sasUri);
        assert.equal(`${sasUri.origin}${sasUri.pathname}`, reference.blobUri);

        const [containerUrl, prefix] = splitBlobFolderUrl(reference.blobUri);
        const container = new ContainerClient(`${containerUrl}${sasUri.search}`);
        const content = `uploaded ${kind}`;
        await container.getBlockBlobClient(`${prefix}/payload.txt`).upload(content, Buffer.byteLength(content));
        const back = await container.getBlobClient(`${prefix}/payload.txt`).downloadToBuffer();
        assert.equal(back.toString('utf8'), content);
      });
    }

    it('refuses a pending upload for a version that exists', async () => {
      const res = await call(
        'POST',
        inWorkspace('models/iris-classifier/versions/1/startPendingUpload', '2024-10-01'),
        {},
      );
      assert.equal(res.status, 409);
    });
  });

  describe('run history of a failed job', () => {
    it('carries the error with the exit code and the end of the log, in details and in the run', async () => {
      const name = `failing_${Date.now()}`;
      await client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command: 'echo "loading data"; echo "ValueError: Input contains NaN" >&2; exit 3',
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        } as CommandJob,
      });
      await waitForStatus(name, 'Failed');
      for (const suffix of ['/details', '']) {
        const res = await call('GET', `/history/v1.0${wsId}/runs/${name}${suffix}`);
        assert.equal(res.status, 200);
        const error = res.json().error as {
          error: { code: string; message: string; details: unknown[] };
          time: string;
          componentName: string;
        };
        assert.equal(error.error.code, 'UserError');
        assert.match(error.error.message, /^Execution failed\. User process '[^']+' exited with status code 3\./);
        assert.match(error.error.message, /Error: loading data\nValueError: Input contains NaN$/);
        assert.deepEqual(error.error.details, []);
        assert.equal(error.componentName, 'CommonRuntime');
        assert.ok(Number.isFinite(Date.parse(error.time)), `time ${error.time}`);
      }
    });

    it('names the program of a simple command, as Azure names the user process', async () => {
      const name = `failing_python_${Date.now()}`;
      await client.jobs.createOrUpdate(RG, WS, name, {
        properties: {
          jobType: 'Command',
          command: 'python3 -c "raise SystemExit(2)"',
          environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        } as CommandJob,
      });
      await waitForStatus(name, 'Failed');
      const details = (await call('GET', `/history/v1.0${wsId}/runs/${name}/details`)).json();
      const message = (details.error as { error: { message: string } }).error.message;
      assert.match(message, /User process 'python3' exited with status code 2/);
    });
  });

  describe('datastore secrets', () => {
    const key = Buffer.from(`key-${Date.now()}`).toString('base64');
    const sasToken = `sv=2021-08-06&ss=b&sig=${Date.now()}`;

    it('never shows a stored key or SAS in PUT, GET or list, and listSecrets returns what was PUT', async () => {
      const cases = [
        { name: 'keyed', secrets: { secretsType: 'AccountKey', key }, credentialsType: 'AccountKey' },
        { name: 'signed', secrets: { secretsType: 'Sas', sasToken }, credentialsType: 'Sas' },
      ];
      for (const c of cases) {
        const put = await call('PUT', inWorkspace(`datastores/${c.name}`), {
          properties: {
            datastoreType: 'AzureBlob',
            accountName: 'contosodata',
            containerName: 'raw',
            endpoint: 'core.windows.net',
            protocol: 'https',
            credentials: { credentialsType: c.credentialsType, secrets: c.secrets },
          },
        });
        assert.equal(put.status, 201, put.text);
        const got = await call('GET', inWorkspace(`datastores/${c.name}`));
        const listed = await call('GET', inWorkspace('datastores'));
        for (const response of [put, got, listed]) {
          assert.equal(response.text.includes(key), false, `key leaked: ${response.text}`);
          assert.equal(response.text.includes(sasToken), false, `SAS leaked: ${response.text}`);
        }
        const credentials = (got.json().properties as { credentials: Record<string, unknown> }).credentials;
        assert.deepEqual(credentials, {
          credentialsType: c.credentialsType,
          secrets: { secretsType: c.secrets.secretsType },
        });

        const secrets = await call('POST', inWorkspace(`datastores/${c.name}/listSecrets`));
        assert.equal(secrets.status, 200);
        assert.deepEqual(secrets.json(), c.secrets);
      }
    });

    it('keeps the stored key when a datastore read back is PUT again', async () => {
      const read = (await call('GET', inWorkspace('datastores/keyed'))).json() as {
        properties: Record<string, unknown>;
      };
      const put = await call('PUT', inWorkspace('datastores/keyed'), {
        properties: { ...read.properties, description: 'described' },
      });
      assert.equal(put.status, 200, put.text);
      assert.deepEqual((await call('POST', inWorkspace('datastores/keyed/listSecrets'))).json(), {
        secretsType: 'AccountKey',
        key,
      });
    });

    it('hides the seeded default datastore key too, and lists it as the Azurite account key', async () => {
      const listed = await call('GET', inWorkspace('datastores'));
      assert.equal(listed.text.includes(AZURITE_ACCOUNT_KEY), false);
      const secrets = await client.datastores.listSecrets(RG, WS, 'workspaceblobstore');
      assert.deepEqual(secrets, { secretsType: 'AccountKey', key: AZURITE_ACCOUNT_KEY });
    });
  });

  describe('model versions', () => {
    it('read back with flavors {} and the read-only defaults when created without them', async () => {
      const put = await call('PUT', inWorkspace('models/no-flavors/versions/1', '2025-09-01'), {
        properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/models/no-flavors/1/' },
      });
      assert.equal(put.status, 201, put.text);
      const got = await call('GET', inWorkspace('models/no-flavors/versions/1', '2025-09-01'));
      const listed = await call('GET', inWorkspace('models/no-flavors/versions', '2025-09-01'));
      const fromList = (listed.json().value as Array<{ properties: Record<string, unknown> }>)[0];
      for (const properties of [put.json().properties, got.json().properties, fromList.properties]) {
        const p = properties as Record<string, unknown>;
        assert.deepEqual(p.flavors, {});
        assert.equal(p.isAnonymous, false);
        assert.equal(p.isArchived, false);
        assert.deepEqual(p.tags, {});
        assert.deepEqual(p.properties, {});
        assert.equal(p.provisioningState, 'Succeeded');
      }
    });

    it('keeps flavors that were sent, and the seeded versions have flavors too', async () => {
      const flavors = { python_function: { data: { loader_module: 'mlflow.sklearn' } } };
      await client.modelVersions.createOrUpdate(RG, WS, 'with-flavors', '1', {
        properties: {
          modelUri: 'azureml://datastores/workspaceblobstore/paths/m/',
          modelType: 'mlflow_model',
          flavors,
        },
      });
      assert.deepEqual((await client.modelVersions.get(RG, WS, 'with-flavors', '1')).properties.flavors, flavors);
      const seeded = await call('GET', inWorkspace('models/iris-classifier/versions', '2025-09-01'));
      for (const version of seeded.json().value as Array<{ properties: Record<string, unknown> }>) {
        assert.equal(typeof version.properties.flavors, 'object');
        assert.equal(version.properties.provisioningState, 'Succeeded');
      }
    });
  });

  describe('api-versions', () => {
    it('accepts old stable versions and the versions azure-ai-ml sends, and refuses made-up ones', async () => {
      for (const version of ['2022-05-01', '2021-10-01', '2023-04-01-preview', '2026-07-01']) {
        const res = await call('GET', inWorkspace('models', version));
        assert.equal(res.status, 200, `${version}: ${res.text}`);
      }
      for (const version of ['2022-05-02', '2023-04-01-beta']) {
        const res = await call('GET', inWorkspace('models', version));
        assert.equal(res.status, 400, version);
        assert.equal((res.json().error as { code: string }).code, 'NoRegisteredProviderFound');
      }
    });
  });

  async function collectJobs(): Promise<Awaited<ReturnType<typeof client.jobs.get>>[]> {
    const jobs = [];
    for await (const job of client.jobs.list(RG, WS)) jobs.push(job);
    return jobs;
  }
});

/** Splits `{container URL}/{folder}` of either blob URL style into the container URL and the folder path. */
function splitBlobFolderUrl(url: string): [string, string] {
  const parsed = new URL(url);
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  // Path-style URLs (an IP address or localhost) name the account first; host-style ones do not.
  const pathStyle = /^(\d+\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(parsed.hostname);
  const containerSegments = pathStyle ? 2 : 1;
  return [
    `${parsed.origin}/${segments.slice(0, containerSegments).join('/')}`,
    segments.slice(containerSegments).map(decodeURIComponent).join('/'),
  ];
}
