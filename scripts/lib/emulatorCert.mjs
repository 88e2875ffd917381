// The emulator serves HTTPS with a generated certificate. Node reads NODE_EXTRA_CA_CERTS only at
// startup, so every process that talks to the emulator is started with it pointing at this file.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './vscodeHost.mjs';

export const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

/** Generates the certificate on first use and returns its path. */
export function ensureEmulatorCertificate() {
  return execFileSync(process.execPath, [tsxCli, join(repoRoot, 'test', 'emulator', 'certificate.ts')], {
    encoding: 'utf8',
  }).trim();
}
