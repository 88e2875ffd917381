import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { openWorkbench, runFromPalette, type Workbench } from './workbench';

describe('Azure ML in the workbench', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await openWorkbench();
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens the Azure ML container with its four views and their welcome texts', async () => {
    const { page } = workbench;
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    const titles = page.locator('.sidebar .pane-header h3.title');
    await titles.first().waitFor();
    assert.deepEqual(await titles.allTextContents(), ['Workspaces', 'Data', 'Jobs', 'Models']);
    await page.getByText('Sign in to Azure to see your subscriptions').waitFor();
    await page.getByText('Registered models of the active workspace').waitFor();
    assert.ok(existsSync(await workbench.screenshot('azure-ml-container')));
  });

  it('runs "Azure ML: Show Output" from the command palette', async () => {
    const { page } = workbench;
    await runFromPalette(page, 'Azure ML: Show Output');
    const channelPicker = page.locator('.part.panel select').first();
    await channelPicker.waitFor();
    // The Output panel opens with our channel selected.
    await page.waitForFunction(
      () => (document.querySelector('.part.panel select') as HTMLSelectElement | null)?.value === 'Azure ML',
    );
    assert.equal(await channelPicker.inputValue(), 'Azure ML');
    assert.ok(existsSync(await workbench.screenshot('show-output-command')));
  });
});
