// Runs test/integration inside the extension host of a real VS Code, driven by headless Chromium,
// against the Azure ML emulator (demo seed), beside a double of Red Hat's YAML extension. GREP=<pattern> runs only
// the matching tests.
import { join } from 'node:path';
import { buildAll, packageRedHatYamlDouble } from './build.mjs';
import { emulatorEnvironment, emulatorSettings, withEmulatorProcess } from './lib/emulatorProcess.mjs';
import { runInHost } from './lib/inHost.mjs';
import { ensureHost, repoRoot } from './lib/vscodeHost.mjs';

try {
  ensureHost();
  await buildAll();
  const redHatYamlDouble = packageRedHatYamlDouble();
  const stateDir = join(repoRoot, '.emulator', 'integration');
  const code = await withEmulatorProcess({ seed: 'demo', stateDir }, (connection) =>
    runInHost({
      testsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      // With the double's validation off, every other suite sees this extension report as it does without Red Hat's.
      settings: { ...emulatorSettings(connection), 'yaml.validate': false },
      // Red Hat's YAML extension is on no registry CI can install from; its double answers for its API.
      vsixes: [redHatYamlDouble],
      env: {
        ...emulatorEnvironment(connection),
        AZUREML_EMULATOR_ORIGIN: connection.armEndpoint,
        AZUREML_TEST_LAYER: 'integration',
        AZUREML_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
        AZUREML_TEST_RESULTS: join(repoRoot, 'test-results'),
        ...(process.env.GREP ? { AZUREML_TEST_GREP: process.env.GREP } : {}),
      },
      onOutput: (text) => process.stdout.write(text),
    }),
  );
  process.exit(code);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
