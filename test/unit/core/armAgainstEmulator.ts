// The core ARM client as the extension builds it (Custom cloud, environment credential), pointed at a harness.
import { AzureMlArm } from '../../../src/core/azure/armClient';
import { resolveCloud } from '../../../src/core/azure/cloud';
import { createIdentityCredential } from '../../../src/core/azure/credentials';
import type { Harness } from '../emulator/harness';

/** `armEndpoint` sends ARM calls elsewhere (a capturing server) while tokens still come from the harness. */
export async function armAgainst(harness: Harness, armEndpoint?: string): Promise<AzureMlArm> {
  const c = harness.emulator.connection;
  const cloud = resolveCloud({
    cloud: 'Custom',
    customArmEndpoint: c.armEndpoint,
    customAuthorityHost: c.authorityHost,
  });
  const credential = await createIdentityCredential('environment', cloud, {
    AZURE_TENANT_ID: c.tenantId,
    AZURE_CLIENT_ID: c.clientId,
    AZURE_CLIENT_SECRET: c.clientSecret,
  });
  return new AzureMlArm(credential, armEndpoint ? { ...cloud, armEndpoint } : cloud);
}
