import assert from 'node:assert/strict';
import { AzureMlArm } from '../../../src/core/azure/armClient';
import { CloudSettingsError, resolveCloud } from '../../../src/core/azure/cloud';
import { createIdentityCredential, CredentialSettingsError } from '../../../src/core/azure/credentials';
import { parseWorkspaceId } from '../../../src/core/azure/resourceIds';
import { NotSignedInError } from '../../../src/core/errors/azure';
import { classifyError } from '../../../src/core/errors/classify';
import { ServiceError } from '../../../src/core/errors/kinds';
import { startHarness, type Harness } from '../emulator/harness';
import { armAgainst } from './armAgainstEmulator';

describe('core/azure: cloud settings', () => {
  it('knows the sovereign clouds', () => {
    assert.equal(resolveCloud({}).armEndpoint, 'https://management.azure.com/');
    assert.equal(resolveCloud({ cloud: 'AzureUSGovernment' }).authorityHost, 'https://login.microsoftonline.us/');
    assert.equal(resolveCloud({ cloud: 'AzureChinaCloud' }).armScope, 'https://management.chinacloudapi.cn/.default');
  });

  it('takes custom endpoints, normalised, with a scope for the ARM origin', () => {
    const cloud = resolveCloud({
      cloud: 'Custom',
      customArmEndpoint: 'https://arm.local:8443',
      customAuthorityHost: 'https://login.local',
    });
    assert.equal(cloud.armEndpoint, 'https://arm.local:8443/');
    assert.equal(cloud.armScope, 'https://arm.local:8443/.default');
    assert.equal(cloud.studioUrl, undefined);
  });

  it('names the setting to fix when custom endpoints are missing, malformed or not HTTPS', () => {
    assert.throws(() => resolveCloud({ cloud: 'Custom' }), /azureml\.customCloud\.armEndpoint must be set/);
    assert.throws(
      () => resolveCloud({ cloud: 'Custom', customArmEndpoint: 'http://arm', customAuthorityHost: 'https://l' }),
      /must use https/,
    );
    assert.throws(() => resolveCloud({ cloud: 'Moon' }), CloudSettingsError);
  });
});

describe('core/azure: error classification', () => {
  const restError = (statusCode: number, message: string) => new ServiceError({ source: 'azure', statusCode, message });

  it('offers sign-in for 401 and for a missing session', () => {
    assert.deepEqual(
      [classifyError(restError(401, 'x')).action, classifyError(new NotSignedInError()).kind],
      ['signIn', 'signedOut'],
    );
  });

  it('names the missing permission and scope of a 403', () => {
    const message =
      "The client 'abc' with object id 'abc' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/s1' or the scope is invalid.";
    const classified = classifyError(restError(403, message));
    assert.equal(classified.kind, 'forbidden');
    assert.match(classified.message, /Microsoft\.MachineLearningServices\/workspaces\/read on \/subscriptions\/s1/);
  });

  it('sorts throttling, server and network failures into retryable kinds', () => {
    assert.equal(classifyError(restError(429, 'slow down')).kind, 'throttled');
    assert.equal(classifyError(restError(503, 'busy')).kind, 'server');
    assert.equal(
      classifyError(new ServiceError({ source: 'azure', message: 'socket hang up', code: 'ECONNRESET' })).kind,
      'network',
    );
    assert.equal(classifyError(new CredentialSettingsError('set AZURE_CLIENT_ID')).action, 'openSettings');
  });
});

describe('core/azure: ARM client against the emulator', () => {
  let harness: Harness;
  let arm: AzureMlArm;

  before(async () => {
    harness = await startHarness({ seed: 'demo', pageSize: 1 });
    arm = await armAgainst(harness);
  });

  after(() => harness?.stop());

  it('reads one page at a time and follows the continuation token to the end', async () => {
    const { subscriptionIds } = harness.emulator.connection;
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await arm.listWorkspaces(subscriptionIds[0], token);
      names.push(...page.items.map((w) => w.ref.name));
      token = page.continuationToken;
      pages++;
    } while (token);
    assert.equal(pages, names.length, 'page size 1 gives one workspace per page');
    assert.ok(names.length >= 2);
    const models = await arm.listModels(
      parseWorkspaceId(
        `/subscriptions/${subscriptionIds[0]}/resourceGroups/rg-ml-dev/providers/Microsoft.MachineLearningServices/workspaces/mlw-vision-dev`,
      ),
    );
    assert.equal(models.items.length, 1);
    assert.ok(models.continuationToken, 'a 1-item page of several models carries a continuation token');
  });

  it('lists subscriptions through the same authenticated pipeline, following nextLink', async () => {
    const first = await arm.listSubscriptions();
    assert.equal(first.items.length, 1);
    assert.ok(first.continuationToken?.startsWith(harness.emulator.connection.armEndpoint));
    const second = await arm.listSubscriptions(first.continuationToken);
    assert.equal(second.continuationToken, undefined);
    assert.deepEqual([...first.items, ...second.items].map((s) => s.displayName).sort(), [
      'Contoso ML Dev',
      'Contoso ML Prod',
    ]);
  });

  it('explains which variables are missing for the environment credential', async () => {
    await assert.rejects(
      createIdentityCredential('environment', resolveCloud({}), { AZURE_TENANT_ID: 't' }),
      /AZURE_CLIENT_ID, AZURE_CLIENT_SECRET are not set/,
    );
  });
});
