import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openFile, openWorkbench, type Workbench } from './workbench';

const JOB = [
  '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
  'comand: python train.py',
  'environment: azureml:sklearn-env@latest',
  'resources:',
  '  instance_count: 2',
  '',
].join('\n');

describe('Azure ML YAML in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench({}, { files: { 'mlops/job.yml': JOB } });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('lists a misspelled key in Problems and renames it with the quick fix, from the keyboard', async () => {
    await openFile(page, 'job.yml');
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', {
      hasText: 'Unknown key `comand`; did you mean `command`?',
    });
    await problem.waitFor({ timeout: 60_000 });
    await workbench.screenshot('yaml-problem');

    // Back to the editor, on the misspelled key: Ctrl+. lists the fix, Enter applies it.
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':2:2');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Rename to `command`' });
    await fix.waitFor();
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    for (let step = 0; step < 10 && !((await focused.textContent()) ?? '').includes('Rename to'); step++) {
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await page.locator('.view-line', { hasText: /^command:\spython\strain\.py$/ }).waitFor();
    await problem.waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await page.locator('.view-line', { hasText: 'comand:' }).count(), 0);
  });
});
