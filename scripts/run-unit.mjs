// Plain mocha for everything that does not need VS Code (core modules, the emulator's contract tests).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureEmulatorCertificate } from './lib/emulatorCert.mjs';
import { ensureSystemPackages, pythonClientPackages, repoRoot } from './lib/vscodeHost.mjs';

// Uploads reach the emulator's storage at *.localhost, and one test runs Microsoft's Python client.
ensureSystemPackages(pythonClientPackages, 'The unit tests');

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const result = spawnSync(process.execPath, [mocha, ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: ensureEmulatorCertificate(), AZUREML_TEST_LAYER: 'unit' },
});
process.exit(result.status ?? 1);
