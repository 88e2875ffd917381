// Runs a module inside the extension host of a real VS Code (its exported run()), opened in headless
// Chromium, and resolves with the exit code the workbench reports through window.codeAutomationExit.
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installVsix, launchBrowser, prepareProfile, repoRoot, startServer, workbenchUrl } from './vscodeHost.mjs';

/**
 * @param {{ testsPath: string, env?: Record<string,string>, settings?: Record<string, unknown>,
 *           folder?: string, vsixes?: string[], timeoutMs?: number, onOutput?: (text: string) => void,
 *           onBrowser?: (browser: import('playwright-core').Browser, page: import('playwright-core').Page) => void }} options
 * `onOutput` receives what the module writes to the file named by AZUREML_TEST_OUTPUT, as it grows; `onBrowser`
 * the browser and the workbench's page, before the workbench loads (benchmarks read the renderer's memory).
 * `vsixes` are further extensions (test doubles) installed into the host's profile beside the one under test.
 */
export async function runInHost({
  testsPath,
  env = {},
  settings = {},
  folder,
  vsixes = [],
  timeoutMs = 15 * 60_000,
  onOutput,
  onBrowser,
}) {
  const scratch = mkdtempSync(join(tmpdir(), 'azureml-host-'));
  const outputFile = join(scratch, 'output.log');
  writeFileSync(outputFile, '');
  prepareProfile(join(scratch, 'user-data'), settings);
  // The browser workbench takes one extension under development, so others are installed as a user would.
  for (const vsix of vsixes) installVsix(vsix, join(scratch, 'extensions'));
  const server = await startServer({
    userDataDir: join(scratch, 'user-data'),
    extensionsDir: join(scratch, 'extensions'),
    logFile: join(scratch, 'server.log'),
    env: { ...env, AZUREML_TEST_OUTPUT: outputFile },
  });
  let browser;
  let printed = 0;
  const flush = () => {
    const text = readFileSync(outputFile, 'utf8');
    if (text.length > printed) onOutput?.(text.slice(printed));
    printed = text.length;
  };
  const ticker = setInterval(flush, 250);
  try {
    browser = await launchBrowser();
    const page = await browser.newPage();
    onBrowser?.(browser, page);
    const exitCode = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (code) => resolve(code)));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${testsPath} did not finish within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    await page.goto(
      workbenchUrl(server.url, {
        folder: folder ?? join(repoRoot, 'test', 'fixtures', 'workspace'),
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: testsPath,
      }),
    );
    const code = await Promise.race([exitCode, timeout]).finally(() => clearTimeout(timer));
    flush();
    if (code !== 0 && printed === 0) {
      const log = readFileSync(join(scratch, 'server.log'), 'utf8').split('\n').slice(-30).join('\n');
      console.error(
        `The extension host exited with code ${code} before the module wrote anything. Server log:\n${log}`,
      );
    }
    return code;
  } finally {
    clearInterval(ticker);
    await browser?.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
