// Submits a job straight through ARM (as `az ml job create` would), for tests that watch a job run.
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { resolveCloud } from '../../src/core/azure/cloud';
import { createIdentityCredential } from '../../src/core/azure/credentials';
import type { WorkspaceRef } from '../../src/core/azure/resourceIds';

export async function submitCommandJob(
  ws: WorkspaceRef,
  job: { name: string; experimentName: string; displayName: string; command: string },
): Promise<void> {
  const armEndpoint = process.env.AZUREML_EMULATOR_ORIGIN ?? '';
  const cloud = resolveCloud({ cloud: 'Custom', customArmEndpoint: armEndpoint, customAuthorityHost: armEndpoint });
  const credential = await createIdentityCredential('environment', cloud, process.env);
  const client = new AzureMachineLearningWorkspaces(credential, ws.subscriptionId, {
    endpoint: armEndpoint.replace(/\/$/, ''),
    credentialScopes: [cloud.armScope],
  });
  const wsId = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
  await client.jobs.createOrUpdate(ws.resourceGroup, ws.name, job.name, {
    properties: {
      jobType: 'Command',
      command: job.command,
      experimentName: job.experimentName,
      displayName: job.displayName,
      environmentId: `${wsId}/environments/sklearn-env/versions/2`,
      computeId: `${wsId}/computes/cpu-cluster`,
    },
  });
}
