import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';

type Host = typeof import('../../scripts/lib/vscodeHost.mjs', { with: { 'resolution-mode': 'import' } });

/** A real VS Code workbench in headless Chromium with the packaged VSIX installed. */
export interface Workbench {
  page: Page;
  /** The opened folder. */
  folder: string;
  /** Saves test-results/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Signed in to the emulator that `npm run test:e2e` started; otherwise signed out. */
  emulator?: boolean;
  /** Files to add to the opened folder: path (with `/`) to content. */
  files?: Record<string, string>;
  /** Folders or files to copy into the opened folder: path there (with `/`) to the source's path. */
  copies?: Record<string, string>;
}

const resultsDir = join(process.cwd(), 'test-results');

/** What scripts/run-e2e.mjs passes for the emulator: the server's environment and the profile's settings. */
function emulatorConnection(): { env: Record<string, string>; settings: Record<string, unknown> } {
  const value = process.env.AZUREML_E2E_EMULATOR;
  if (!value) throw new Error('AZUREML_E2E_EMULATOR is not set: run the e2e tests with `npm run test:e2e`');
  return JSON.parse(value);
}

export async function openWorkbench(
  settings: Record<string, unknown> = {},
  options: WorkbenchOptions = {},
): Promise<Workbench> {
  const host: Host = await import('../../scripts/lib/vscodeHost.mjs');
  const vsix = process.env.AZUREML_VSIX;
  if (!vsix) throw new Error('AZUREML_VSIX is not set: run the e2e tests with `npm run test:e2e`');
  const emulator = options.emulator ? emulatorConnection() : { env: {}, settings: {} };
  const scratch = mkdtempSync(join(tmpdir(), 'azureml-e2e-'));
  const folder = join(scratch, 'project');
  cpSync(join(host.repoRoot, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  for (const [path, source] of Object.entries(options.copies ?? {}))
    cpSync(source, join(folder, path), { recursive: true });
  for (const [path, content] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
  host.prepareProfile(join(scratch, 'user-data'), { ...emulator.settings, ...settings });
  host.installVsix(vsix, join(scratch, 'extensions'));
  const server = await host.startServer({
    userDataDir: join(scratch, 'user-data'),
    extensionsDir: join(scratch, 'extensions'),
    env: emulator.env,
  });
  let browser: Browser | undefined;
  try {
    browser = await host.launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(host.workbenchUrl(server.url, { folder }));
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
    const openedBrowser = browser;
    return {
      page,
      folder,
      async screenshot(name) {
        mkdirSync(resultsDir, { recursive: true });
        const path = join(resultsDir, `${name}.png`);
        await page.screenshot({ path });
        return path;
      },
      async close() {
        await openedBrowser.close();
        await server.stop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await server.stop();
    throw error;
  }
}

/** Opens a file of the folder by name with Quick Open (Ctrl+P), as a user would. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

/**
 * Opens a tree row's context menu and runs `command` from it. The item is chosen with the keyboard: a click that
 * lands while the menu is still being laid out can be dropped, leaving the menu open.
 */
export async function fromContextMenu(page: Page, row: Locator, command: string): Promise<void> {
  await row.locator('.label-name').click({ button: 'right' });
  const item = page.locator('.context-view .monaco-menu').getByRole('menuitem', { name: command, exact: true });
  await item.waitFor();
  await item.hover();
  await page.keyboard.press('Enter');
  await item.waitFor({ state: 'detached' });
}

/** Runs a command by its palette title, as a user would with F1. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  // Keys pressed while a webview has the focus go to its page, not to the workbench's F1.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const first = page.locator('.quick-input-list .monaco-list-row').first();
  await first.waitFor();
  const label = await first.getAttribute('aria-label');
  if (!label?.startsWith(title)) {
    throw new Error(`The palette's first match for "${title}" is "${label}"`);
  }
  await page.keyboard.press('Enter');
}

/**
 * What the workbench shows that a failed wait may hinge on: the tabs, the notifications, an open quick input
 * or context menu. Failures carry it, since a CI log is all that is left of a run.
 */
export async function describeScreen(page: Page): Promise<string> {
  const texts = async (selector: string) =>
    (await page.locator(selector).allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim()).filter(Boolean);
  const quickInput = page.locator('.quick-input-widget');
  const parts = [
    `tabs: ${(await texts('.tabs-container .tab .label-name')).join(' | ') || 'none'}`,
    `active tabs: ${(await texts('.tab.active .label-name')).join(' | ') || 'none'}`,
    `notifications: ${(await texts('.notifications-toasts .notification-list-item-message')).join(' | ') || 'none'}`,
    `quick input: ${(await quickInput.isVisible()) ? (await texts('.quick-input-widget .quick-input-title, .quick-input-widget .quick-input-message')).join(' | ') || 'open' : 'closed'}`,
    `context menu: ${(await texts('.context-view .action-label')).join(' | ') || 'closed'}`,
  ];
  return parts.join('; ');
}

/** An HTTPS call to the emulator, trusting its certificate as the workbench does; resolves with the body. */
function emulatorRequest(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  const { env } = emulatorConnection();
  return new Promise((resolve, reject) => {
    const call = request(url, { method, ca: readFileSync(env.NODE_EXTRA_CA_CERTS), headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 500, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    call.on('error', reject);
    call.end(body);
  });
}

/** Calls the emulator's admin routes (faults, page size). */
export async function emulatorAdmin(method: string, path: string, body?: unknown): Promise<void> {
  const { settings } = emulatorConnection();
  const url = new URL(path, String(settings['azureml.customCloud.armEndpoint']));
  const answer = await emulatorRequest(
    method,
    url,
    { 'content-type': 'application/json' },
    body === undefined ? undefined : JSON.stringify(body),
  );
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}`);
}

/**
 * Reads an ARM resource (`/subscriptions/…`) from the emulator as the workbench's service principal does, with a
 * token of its own: what the service holds, whatever the workbench shows.
 */
export async function emulatorArmGet(resourcePath: string): Promise<Record<string, unknown>> {
  const { env, settings } = emulatorConnection();
  const tokenUrl = new URL(
    `${env.AZURE_TENANT_ID}/oauth2/v2.0/token`,
    `${env.AZURE_AUTHORITY_HOST.replace(/\/?$/, '/')}`,
  );
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.AZURE_CLIENT_ID,
    client_secret: env.AZURE_CLIENT_SECRET,
    scope: 'https://management.core.windows.net//.default',
  }).toString();
  const token = await emulatorRequest('POST', tokenUrl, { 'content-type': 'application/x-www-form-urlencoded' }, form);
  if (token.status !== 200) throw new Error(`The emulator's token endpoint answered ${token.status}: ${token.body}`);
  const { access_token: accessToken } = JSON.parse(token.body) as { access_token: string };
  const url = new URL(resourcePath, String(settings['azureml.customCloud.armEndpoint']));
  url.searchParams.set('api-version', ARM_API_VERSION);
  const answer = await emulatorRequest('GET', url, { authorization: `Bearer ${accessToken}` });
  if (answer.status !== 200) throw new Error(`GET ${resourcePath} answered ${answer.status}: ${answer.body}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}

/** The api-version the emulator's REST contract follows. */
const ARM_API_VERSION = '2025-09-01';

/** The page of the labeling editor (or any custom editor's webview) that is in front. */
export function editorFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}
