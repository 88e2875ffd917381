// The browser workbench shows the Machine settings file as its "Remote" tab and lets it override User:
// a setting the demo writes there cannot be changed by a user in the User tab.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EmulatorConnection } from '../../emulator/contracts';

type Host = typeof import('../../../scripts/lib/vscodeHost.mjs', { with: { 'resolution-mode': 'import' } });
type Emulator = typeof import('../../../scripts/lib/emulatorProcess.mjs', { with: { 'resolution-mode': 'import' } });

const connection: EmulatorConnection = {
  armEndpoint: 'https://127.0.0.1:4443',
  authorityHost: 'https://127.0.0.1:4443',
  tenantId: '00000000-0000-4000-8000-000000000001',
  clientId: '00000000-0000-4000-8000-000000000002',
  clientSecret: 'secret',
  subscriptionIds: [],
  caCertPath: 'emulator-ca.pem',
  blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
  restrictedClientId: '00000000-0000-4000-8000-000000000003',
  restrictedClientSecret: 'secret',
};

describe('test host profile: User and Machine settings', () => {
  let dir: string;
  let user: Record<string, unknown>;
  let machine: Record<string, unknown>;
  let settings: Record<string, unknown>;

  before(async () => {
    const host: Host = await import('../../../scripts/lib/vscodeHost.mjs');
    const emulator: Emulator = await import('../../../scripts/lib/emulatorProcess.mjs');
    dir = mkdtempSync(path.join(os.tmpdir(), 'aml-profile-'));
    // As the demo and the e2e tests call it: the emulator's settings plus one of the caller's own.
    settings = { ...emulator.emulatorSettings(connection), 'azureml.tenantId': 'contoso' };
    host.prepareProfile(dir, settings);
    const read = (scope: string) => JSON.parse(readFileSync(path.join(dir, scope, 'settings.json'), 'utf8'));
    user = read('User');
    machine = read('Machine');
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes no azureml.* setting, and nothing else but http.*, to the Machine file', () => {
    assert.deepEqual(
      Object.keys(machine).filter((key) => key.startsWith('azureml.')),
      [],
    );
    assert.deepEqual(
      Object.keys(machine).filter((key) => !key.startsWith('http.')),
      [],
      'the quiet workbench settings stay in User too',
    );
  });

  it("writes the emulator's http.* settings to the Machine file", () => {
    const http = Object.entries(settings).filter(([key]) => key.startsWith('http.'));
    assert.ok(http.length > 0, 'the emulator needs http.* settings to trust its certificate');
    assert.deepEqual(machine, Object.fromEntries(http));
  });

  it('writes every setting, http.* included, to the User file, where the extension host reads them', () => {
    for (const [key, value] of Object.entries(settings)) assert.deepEqual(user[key], value, key);
    assert.equal(user['workbench.startupEditor'], 'none', 'and the quiet workbench settings');
  });
});
