import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeScreen, fromContextMenu, openFile, openWorkbench, type Workbench } from './workbench';

const TRAIN_SCRIPT = readFileSync(
  join(process.cwd(), 'test', 'fixtures', 'demo-project', 'data-science', 'src', 'train.py'),
  'utf8',
);

const JOB = [
  '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
  'type: command',
  'display_name: train-on-my-machine',
  'code: ./src',
  'command: python train.py --epochs ${{inputs.epochs}}',
  'inputs:',
  '  epochs: 6',
  'environment: azureml:sklearn-env:1',
  'compute: azureml:cpu-cluster',
  '',
].join('\n');

describe('Run Locally in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench(
      // The DOM renderer puts the terminal's text in the page, where the test can read it.
      { 'terminal.integrated.gpuAcceleration': 'off' },
      { files: { 'local/train.yml': JOB, 'local/src/train.py': TRAIN_SCRIPT } },
    );
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('runs the job in a terminal from the CodeLens, lists it under Local Runs and charts its loss', async () => {
    await openFile(page, 'train.yml');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Run Locally' });
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();

    const terminal = page.locator('.part.panel .xterm-rows');
    await terminal.filter({ hasText: /epoch 0: loss=/ }).waitFor({ timeout: 60_000 });
    await terminal.filter({ hasText: /training finished/ }).waitFor({ timeout: 60_000 });
    await terminal.filter({ hasText: /Press any key to close/ }).waitFor({ timeout: 30_000 });

    // No sign-in is needed: Local Runs heads the Jobs view on its own.
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    const jobsHeader = page.locator('.sidebar').getByRole('button', { name: 'Jobs Section', exact: true });
    await jobsHeader.waitFor();
    if ((await jobsHeader.getAttribute('aria-expanded')) !== 'true') await jobsHeader.click();
    const tree = page.locator('.sidebar').getByRole('tree', { name: 'Jobs', exact: true });
    const row = (label: RegExp) =>
      tree.getByRole('treeitem').filter({ has: page.locator('.label-name', { hasText: label }) });
    const localRuns = row(/^Local Runs$/);
    await localRuns.waitFor({ timeout: 30_000 });
    if ((await localRuns.getAttribute('aria-expanded')) !== 'true') await localRuns.locator('.label-name').click();
    const run = row(/^train-on-my-machine$/);
    await run.waitFor({ timeout: 30_000 });
    await run.locator('.label-description', { hasText: /^Completed/ }).waitFor({ timeout: 30_000 });
    await workbench.screenshot('local-run-terminal');

    // The view redraws Local Runs as the run's record settles, which can close a context menu opened at that
    // moment; a user would open it again, and so does the test.
    const detailsTab = page.locator('.tab.active', { hasText: /train-on-my-machine|Local/ });
    for (let attempt = 1; ; attempt++) {
      try {
        await fromContextMenu(page, run, 'Show Job Details');
        await detailsTab.waitFor({ timeout: 30_000 });
        break;
      } catch (error) {
        if (attempt === 3) {
          await workbench.screenshot('local-run-details-missing');
          throw new Error(`No details tab after ${attempt} tries (${await describeScreen(page)})`, {
            cause: error,
          });
        }
        await page.keyboard.press('Escape');
      }
    }
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const chart = frame.locator('canvas').first();
    await chart.waitFor({ timeout: 30_000 });
    // The packaged page has its stylesheets: uPlot lays its cursor layer over the canvas only through its CSS.
    assert.equal(
      await frame
        .locator('.u-over')
        .first()
        .evaluate((layer) => getComputedStyle(layer).position),
      'absolute',
    );
    // The terminal panel and the toast make way for the chart in the screenshot.
    await page.keyboard.press('Control+J');
    await page
      .locator('.notifications-toasts .codicon-notifications-clear')
      .first()
      .click()
      .catch(() => undefined);
    await chart.scrollIntoViewIfNeeded();
    await workbench.screenshot('local-run-details');
  });
});
