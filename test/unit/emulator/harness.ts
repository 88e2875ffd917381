/** Starts an emulator for one test file and builds real SDK clients against it. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClientSecretCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { startEmulator } from '../../emulator';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/contracts';

export const SDK_API_VERSION = '2022-10-01';

export interface Harness {
  emulator: RunningEmulator;
  credential: ClientSecretCredential;
  restrictedCredential: ClientSecretCredential;
  client(subscriptionId?: string, options?: { maxRetries?: number }): AzureMachineLearningWorkspaces;
  /** A bearer token of the main principal, for raw HTTP calls. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

export async function startHarness(options: Omit<EmulatorOptions, 'stateDir'>): Promise<Harness> {
  if (!process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Set NODE_EXTRA_CA_CERTS to the emulator certificate (run `tsx test/emulator/certificate.ts`).');
  }
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'aml-emulator-test-'));
  const emulator = await startEmulator({ ...options, port: 0, stateDir });
  const c = emulator.connection;
  const credentialOptions = { authorityHost: c.authorityHost, disableInstanceDiscovery: true };
  const credential = new ClientSecretCredential(c.tenantId, c.clientId, c.clientSecret, credentialOptions);
  const restrictedCredential = new ClientSecretCredential(
    c.tenantId,
    c.restrictedClientId,
    c.restrictedClientSecret,
    credentialOptions,
  );
  return {
    emulator,
    credential,
    restrictedCredential,
    client: (subscriptionId = c.subscriptionIds[0], opts = {}) =>
      new AzureMachineLearningWorkspaces(credential, subscriptionId, {
        endpoint: c.armEndpoint,
        ...(opts.maxRetries !== undefined ? { retryOptions: { maxRetries: opts.maxRetries } } : {}),
      }),
    token: async () => (await credential.getToken('https://management.azure.com/.default')).token,
    stop: async () => {
      await emulator.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
