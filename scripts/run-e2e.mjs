// Packages the VSIX, then runs test/e2e with Playwright against a real workbench in headless Chromium.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { ensureHost, repoRoot } from './lib/vscodeHost.mjs';
import { packageExtension } from './package.mjs';

ensureHost();
const { path: vsix } = await packageExtension();
const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const result = spawnSync(process.execPath, [mocha, '--config', 'test/e2e/.mocharc.json', ...process.argv.slice(2)], {
  cwd: repoRoot,
  stdio: 'inherit',
  env: { ...process.env, AZUREML_VSIX: vsix, AZUREML_TEST_LAYER: 'e2e' },
});
process.exit(result.status ?? 1);
