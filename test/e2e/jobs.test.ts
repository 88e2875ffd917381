import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { openFile, openWorkbench, type Workbench } from './workbench';

const JOB = [
  '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
  'code: ./src',
  'command: for i in 1 2 3 4 5; do echo "tick $i"; sleep 1; done; bash main.sh',
  'environment: azureml:sklearn-env:1',
  'compute: azureml:cpu-cluster',
  'experiment_name: e2e-submit',
  '',
].join('\n');

describe('Jobs in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench(
      {},
      { emulator: true, files: { 'jobs/hello.yml': JOB, 'jobs/src/main.sh': 'echo "hello from the code folder"\n' } },
    );
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('submits from the CodeLens, asks for the workspace, and streams the log into its own output channel', async () => {
    await openFile(page, 'hello.yml');
    const lens = page.locator('.codelens-decoration a', { hasText: 'Submit to Azure ML' });
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();

    // No workspace is active yet: the picker lists the emulator's workspaces.
    const workspace = page.locator('.quick-input-list .monaco-list-row', { hasText: 'mlw-vision-dev' });
    await workspace.waitFor({ timeout: 60_000 });
    await workspace.click();

    // The output channel shows in the panel, apart from the editors.
    const outputLine = (text: RegExp) => page.locator('.part.panel .view-line', { hasText: text });
    await outputLine(/tick\s1/)
      .first()
      .waitFor({ timeout: 90_000 });
    assert.equal(await outputLine(/\[Completed\]/).count(), 0, 'the first lines show while the job still runs');
    await workbench.screenshot('jobs-streaming');
    await outputLine(/hello\sfrom\sthe\scode\sfolder/).waitFor({ timeout: 90_000 });
    await outputLine(/\[Completed\]/).waitFor({ timeout: 30_000 });

    const notice = page.locator('.notifications-toasts .notification-toast', { hasText: /completed\./ });
    await notice.waitFor({ timeout: 30_000 });
    assert.ok(await notice.getByRole('button', { name: 'Register Model' }).isVisible());
    await workbench.screenshot('jobs-completed');
  });
});
