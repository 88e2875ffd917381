// Packages the VSIX, starts the Azure ML emulator (demo seed), then runs test/e2e with Playwright against
// a real workbench in headless Chromium. Workbenches opened with `{ emulator: true }` reach the emulator.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { emulatorEnvironment, emulatorSettings, withEmulatorProcess } from './lib/emulatorProcess.mjs';
import { ensureHost, repoRoot } from './lib/vscodeHost.mjs';
import { packageExtension } from './package.mjs';

/** Runs mocha and resolves with its exit code; async, so this process keeps serving the emulator's pipes. */
function runMocha(env) {
  const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
  const child = spawn(process.execPath, [mocha, '--config', 'test/e2e/.mocharc.json', ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

try {
  ensureHost();
  const { path: vsix } = await packageExtension();
  const stateDir = join(repoRoot, '.emulator', 'e2e');
  const code = await withEmulatorProcess({ seed: 'demo', stateDir }, (connection) =>
    runMocha({
      AZUREML_VSIX: vsix,
      AZUREML_TEST_LAYER: 'e2e',
      // test/e2e/workbench.ts gives the VS Code server this environment and the profile these settings.
      AZUREML_E2E_EMULATOR: JSON.stringify({
        env: emulatorEnvironment(connection),
        settings: emulatorSettings(connection),
      }),
    }),
  );
  process.exit(code);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
