/**
 * End to end through the whole emulator with the real Azure SDKs: code upload to Azurite, a
 * command job submitted through ARM, then its log from run history and its metrics from MLflow.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { ClientSecretCredential } from '@azure/identity';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startEmulator } from '../../emulator';
import { blobContainerUrl } from '../../emulator/runtime';
import type { RunningEmulator } from '../../emulator/contracts';

const JOB_SCRIPT = `
const base = process.env.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/';
const headers = { 'Content-Type': 'application/json', Authorization: 'Bearer ' + process.env.MLFLOW_TRACKING_TOKEN };
(async () => {
  for (const [step, acc] of [0.5, 0.7, 0.9].entries()) {
    console.log('epoch ' + step + ' accuracy ' + acc);
    const res = await fetch(base + 'runs/log-metric', {
      method: 'POST',
      headers,
      body: JSON.stringify({ run_id: process.env.MLFLOW_RUN_ID, key: 'accuracy', value: acc, timestamp: Date.now(), step }),
    });
    if (!res.ok) throw new Error('log-metric answered ' + res.status);
  }
  console.log('training done');
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe('emulator runtime end to end (startEmulator + real SDKs)', function () {
  this.timeout(120_000);
  let stateDir: string;
  let emulator: RunningEmulator;
  let agent: https.Agent;
  let credential: ClientSecretCredential;
  let client: AzureMachineLearningWorkspaces;

  before(async () => {
    stateDir = mkdtempSync(path.join(os.tmpdir(), 'aml-e2e-'));
    emulator = await startEmulator({ seed: 'demo', stateDir });
    const { connection } = emulator;
    // Trust the emulator's self-signed certificate per request, so this works without NODE_EXTRA_CA_CERTS.
    agent = new https.Agent({ ca: readFileSync(connection.caCertPath) });
    const trustEmulator: PipelinePolicy = {
      name: 'trustEmulatorCertificate',
      sendRequest: (request, next) => {
        request.agent = agent;
        return next(request);
      },
    };
    const additionalPolicies = [{ policy: trustEmulator, position: 'perCall' as const }];
    credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
      authorityHost: connection.authorityHost,
      disableInstanceDiscovery: true,
      additionalPolicies,
    });
    client = new AzureMachineLearningWorkspaces(credential, connection.subscriptionIds[0], {
      endpoint: connection.armEndpoint,
      additionalPolicies,
    });
  });

  after(async () => {
    agent?.destroy();
    await emulator?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('uploads code, runs a command job through ARM and reads its log and metrics', async () => {
    const workspaces = [];
    for await (const ws of client.workspaces.listBySubscription()) workspaces.push(ws);
    const workspace = workspaces[0];
    assert.ok(workspace?.id && workspace.name, 'the demo seed has a workspace');
    const resourceGroup = workspace.id.split('/')[4];
    const wsName = workspace.name;

    // Upload the code the way azure-ai-ml does: to the default datastore, with the datastore's key.
    const datastore = await client.datastores.get(resourceGroup, wsName, 'workspaceblobstore');
    const blobProps = datastore.properties as {
      accountName: string;
      containerName: string;
      endpoint?: string;
      protocol?: string;
    };
    const secrets = (await client.datastores.listSecrets(resourceGroup, wsName, 'workspaceblobstore')) as {
      key?: string;
    };
    assert.ok(secrets.key, 'listSecrets returns the account key');
    const containerUrl = blobContainerUrl(blobProps);
    const container = new ContainerClient(
      containerUrl,
      new StorageSharedKeyCredential(blobProps.accountName, secrets.key),
    );
    const prefix = `LocalUpload/e2e-${Date.now()}/src`;
    await container.getBlockBlobClient(`${prefix}/main.js`).upload(JOB_SCRIPT, Buffer.byteLength(JOB_SCRIPT));

    const code = await client.codeVersions.createOrUpdate(resourceGroup, wsName, 'e2e-src', '1', {
      properties: { codeUri: `${containerUrl}/${prefix}` },
    });
    const jobName = `e2e_job_${Date.now()}`;
    await client.jobs.createOrUpdate(resourceGroup, wsName, jobName, {
      properties: {
        jobType: 'Command',
        command: 'node main.js',
        codeId: code.id,
        environmentId: `${workspace.id}/environments/sklearn-env/versions/2`,
        computeId: `${workspace.id}/computes/cpu-cluster`,
        experimentName: 'e2e',
        // The job trusts the emulator's certificate like any client on this machine would.
        environmentVariables: { NODE_EXTRA_CA_CERTS: emulator.connection.caCertPath },
      },
    });

    let status: string | undefined;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      status = (await client.jobs.get(resourceGroup, wsName, jobName)).properties.status;
      if (status && ['Completed', 'Failed', 'Canceled'].includes(status)) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    const token = (await credential.getToken('https://management.azure.com/.default')).token;
    const auth = { Authorization: `Bearer ${token}` };
    const discovery = JSON.parse((await get(workspace.discoveryUrl!, agent)).text) as { api: string };
    const details = JSON.parse(
      (await get(`${discovery.api}/history/v1.0${workspace.id}/runs/${jobName}/details`, agent, auth)).text,
    );
    const log = (await get(details.logFiles['user_logs/std_log.txt'], agent)).text;
    assert.equal(status, 'Completed', log);
    assert.equal(details.status, 'Completed');
    assert.match(log, /epoch 2 accuracy 0\.9/);
    assert.match(log, /training done/);

    const tracking = workspace.mlFlowTrackingUri!.replace(/^azureml:\/\//, 'https://');
    const history = await get(
      `${tracking}/api/2.0/mlflow/metrics/get-history?run_id=${jobName}&metric_key=accuracy`,
      agent,
      auth,
    );
    assert.equal(history.status, 200, history.text);
    assert.deepEqual(
      (JSON.parse(history.text).metrics as { value: number }[]).map((m) => m.value),
      [0.5, 0.7, 0.9],
    );
  });
});

function get(
  url: string,
  agent: https.Agent,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}
