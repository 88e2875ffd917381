import assert from 'node:assert/strict';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, runFromPalette, type Workbench } from './workbench';

/** Two seeded training runs of mlw-vision-dev with different learning rates, as the pick names them. */
const RUNS = ['iris-training run 25', 'iris-training run 22'];

/** The page inside a webview panel: VS Code nests it in a frame within the webview's own frame. */
function webviewPage(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('Compare Runs in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench({}, { emulator: true });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('compares two runs picked from the palette: overlaid charts, a sortable table, what differs marked', async () => {
    // Opening the Azure ML container starts the extension; its status-bar item says it is up.
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    await page.locator('.statusbar-item', { hasText: 'No Azure ML workspace' }).first().waitFor({ timeout: 60_000 });
    await runFromPalette(page, 'Azure ML: Select Active Workspace…');
    const workspace = page.locator('.quick-input-list .monaco-list-row', { hasText: 'mlw-vision-dev' });
    await workspace.waitFor({ timeout: 60_000 });
    await workspace.click();
    await page.locator('.statusbar-item', { hasText: 'mlw-vision-dev' }).first().waitFor({ timeout: 30_000 });
    await runFromPalette(page, 'Azure ML: Compare Runs');

    const input = page.locator('.quick-input-widget input.input');
    for (const run of RUNS) {
      await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Compare which runs?' }).waitFor();
      await input.fill(run);
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: run }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.locator('input[type="checkbox"], .monaco-checkbox, .quick-input-list-checkbox').first().click();
    }
    await input.fill('');
    await page.keyboard.press('Enter');

    const comparison = webviewPage(page);
    const rows = comparison.locator('table.comparison tbody tr');
    await rows.nth(1).waitFor({ timeout: 60_000 });
    assert.equal(await rows.count(), 2);
    // One chart per metric, each with both runs; the legend names them.
    await comparison.locator('.chart canvas').nth(1).waitFor();
    assert.deepEqual(await comparison.locator('.chart h3').allTextContents(), ['accuracy', 'loss']);
    const legend = await comparison.locator('.legend-label').allTextContents();
    assert.equal(legend.length, 2);
    assert.ok(
      RUNS.every((run) => legend.some((label) => label.startsWith(run))),
      `legend: ${legend.join(' | ')}`,
    );
    const learningRate = comparison.locator('thead th', { hasText: 'learning_rate' });
    assert.equal(await learningRate.getAttribute('class'), 'differs');
    assert.match(String(await learningRate.textContent()), /differs between runs/);
    // The page's stylesheet came with the VSIX: the marked column has its top border.
    assert.equal(await learningRate.evaluate((cell) => getComputedStyle(cell).borderTopWidth), '2px');

    // A click sorts by final loss, smallest first; Enter on the focused header turns it around.
    const loss = comparison.locator('thead th', { hasText: /^metric\s*loss/ });
    await loss.locator('button').click();
    await comparison.locator('thead th[aria-sort="ascending"]', { hasText: 'loss' }).waitFor();
    const ascending = await lossValues(comparison);
    assert.deepEqual(
      ascending,
      [...ascending].sort((a, b) => a - b),
    );
    await page.keyboard.press('Enter');
    await comparison.locator('thead th[aria-sort="descending"]', { hasText: 'loss' }).waitFor();
    assert.deepEqual(await lossValues(comparison), [...ascending].reverse());

    await workbench.screenshot('run-comparison');

    // Remove takes a run out of the legend, the charts and the table.
    await comparison.getByRole('button', { name: `Remove ${RUNS[1]}` }).click();
    await comparison.locator('table.comparison tbody tr').nth(1).waitFor({ state: 'detached' });
    assert.equal(await comparison.locator('.legend-label').count(), 1);
    assert.equal(await comparison.locator('thead th.differs').count(), 0, 'one run differs from nothing');
  });
});

/** The final losses down the table, in its order. */
async function lossValues(comparison: FrameLocator): Promise<number[]> {
  const headers = await comparison.locator('thead th').allTextContents();
  const column = headers.findIndex((text) => /^metric\s*loss/.test(text));
  const cells = await comparison.locator(`tbody tr > :nth-child(${column + 1})`).allTextContents();
  return cells.map(Number);
}
