// Starts the Azure ML emulator as a child process and waits for its connection file.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tsxCli } from './emulatorCert.mjs';
import { repoRoot } from './vscodeHost.mjs';

/** @returns {Promise<{connection: any, stop(): Promise<void>}>} */
export async function startEmulatorProcess({ seed, stateDir = join(repoRoot, '.emulator'), port, extraArgs = [] }) {
  const connectionFile = join(stateDir, 'connection.json');
  rmSync(connectionFile, { force: true });
  const args = [tsxCli, join(repoRoot, 'test', 'emulator', 'main.ts'), '--seed', seed, '--state-dir', stateDir];
  if (port) args.push('--port', String(port));
  const child = spawn(process.execPath, [...args, ...extraArgs], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  const deadline = Date.now() + 120_000;
  while (!existsSync(connectionFile)) {
    if (child.exitCode !== null) throw new Error(`The emulator exited with code ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`The emulator did not write ${connectionFile} within 120 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const connection = JSON.parse(readFileSync(connectionFile, 'utf8'));
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
  return { connection, stop };
}

/** Starts the emulator, runs `use` with its connection, and stops it afterwards, also when `use` throws. */
export async function withEmulatorProcess(options, use) {
  const emulator = await startEmulatorProcess(options);
  try {
    return await use(emulator.connection);
  } finally {
    await emulator.stop();
  }
}

/**
 * Environment for a process whose extension host should reach the emulator: the service-principal
 * variables @azure/identity's EnvironmentCredential reads, and trust in the emulator's certificate.
 */
export function emulatorEnvironment(connection) {
  return {
    AZURE_TENANT_ID: connection.tenantId,
    AZURE_CLIENT_ID: connection.clientId,
    AZURE_CLIENT_SECRET: connection.clientSecret,
    AZURE_AUTHORITY_HOST: connection.authorityHost,
    NODE_EXTRA_CA_CERTS: connection.caCertPath,
  };
}

/** Extension settings that point it at the emulator with the service principal above. */
export function emulatorSettings(connection) {
  return {
    'azureml.cloud': 'Custom',
    'azureml.customCloud.armEndpoint': connection.armEndpoint,
    'azureml.customCloud.authorityHost': connection.authorityHost,
    'azureml.authentication': 'environment',
    // VS Code's network patching gives Node's https and fetch the system's CA list, which drops
    // NODE_EXTRA_CA_CERTS and so the emulator's certificate; real Azure certificates need none of this.
    'http.proxySupport': 'off',
    'http.systemCertificates': false,
    'http.fetchAdditionalSupport': false,
  };
}
