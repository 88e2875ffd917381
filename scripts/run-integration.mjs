// Runs test/integration inside the extension host of a real VS Code, driven by headless Chromium.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAll } from './build.mjs';
import { ensureHost, launchBrowser, prepareProfile, repoRoot, startServer, workbenchUrl } from './lib/vscodeHost.mjs';

const TIMEOUT_MS = 15 * 60_000;

async function main() {
  ensureHost();
  await buildAll();
  const scratch = mkdtempSync(join(tmpdir(), 'azureml-it-'));
  const outputFile = join(scratch, 'mocha.log');
  writeFileSync(outputFile, '');
  const userDataDir = join(scratch, 'user-data');
  prepareProfile(userDataDir);
  const server = await startServer({
    userDataDir,
    extensionsDir: join(scratch, 'extensions'),
    logFile: join(scratch, 'server.log'),
    env: {
      AZUREML_TEST_OUTPUT: outputFile,
      AZUREML_TEST_LAYER: 'integration',
      AZUREML_TEST_COLOR: process.stdout.isTTY ? '1' : '0',
      AZUREML_TEST_RESULTS: join(repoRoot, 'test-results'),
      ...(process.env.GREP ? { AZUREML_TEST_GREP: process.env.GREP } : {}),
    },
  });
  const browser = await launchBrowser();
  let printed = 0;
  const printNewOutput = () => {
    const text = readFileSync(outputFile, 'utf8');
    process.stdout.write(text.slice(printed));
    printed = text.length;
  };
  const ticker = setInterval(printNewOutput, 250);
  try {
    const page = await browser.newPage();
    const exitCode = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    const timeout = new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`Integration tests did not finish within ${TIMEOUT_MS / 60_000} min`)), TIMEOUT_MS).unref(),
    );
    await page.goto(
      workbenchUrl(server.url, {
        folder: join(repoRoot, 'test', 'fixtures', 'workspace'),
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: join(repoRoot, 'out', 'test', 'integration', 'index.js'),
      }),
    );
    const code = await Promise.race([exitCode, timeout]);
    printNewOutput();
    if (code !== 0 && readFileSync(outputFile, 'utf8').trim() === '') {
      console.error(`The extension host reported exit code ${code} before any test ran (KEEP_TEST_FILES=1 keeps the server log).`);
    }
    return code;
  } finally {
    clearInterval(ticker);
    await browser.close();
    await server.stop();
    if (!process.env.KEEP_TEST_FILES && existsSync(scratch)) rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
