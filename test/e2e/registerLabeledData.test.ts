import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_WORKSPACES } from '../emulator/seeds/demo';
import {
  describeScreen,
  editorFrame,
  emulatorArmGet,
  openFile,
  openWorkbench,
  runFromPalette,
  type Workbench,
} from './workbench';

const DEMO_LABELING = join(process.cwd(), 'test', 'fixtures', 'demo-project', 'labeling');
/** The first list or registration reads the emulator through the lazily loaded Azure SDK bundle. */
const AZURE_TIMEOUT = 60_000;
const VISION = DEMO_WORKSPACES.vision;
const VISION_WORKSPACE = `/subscriptions/${VISION.subscriptionId}/resourceGroups/${VISION.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${VISION.workspace}`;

/**
 * Waits for the quick input titled `title` (a wizard's step or a pick), checks what it offers as its value, and
 * answers with the keyboard: `typed` replaces the value (or filters a pick), then Enter.
 */
async function answer(page: Page, title: string, options: { value?: string; typed?: string } = {}): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  try {
    await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: AZURE_TIMEOUT });
  } catch (error) {
    throw new Error(`No quick input "${title}": ${await describeScreen(page)}`, { cause: error });
  }
  const input = widget.locator('.quick-input-box input');
  if (options.value !== undefined) assert.equal(await input.inputValue(), options.value, `the value ${title} offers`);
  if (options.typed !== undefined) {
    await page.keyboard.press('Control+A');
    await page.keyboard.type(options.typed);
    // A pick filters as it is typed: Enter takes the first row once the filter has applied.
    if ((await widget.locator('.quick-input-list').count()) > 0)
      await widget.locator('.quick-input-list .monaco-list-row').first().filter({ hasText: options.typed }).waitFor();
  }
  await page.keyboard.press('Enter');
}

describe('Register Labeled Data in the workbench, from the packaged VSIX, against the emulator', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench({}, { emulator: true, copies: { labeling: DEMO_LABELING } });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('registers a project labeled with the keyboard as an mltable data asset, shown in the Data view', async () => {
    await openFile(page, 'shape-kinds.labels.json');
    const frame = editorFrame(page);
    const canvas = frame.locator('canvas[data-item="shapes-01.png"]');
    await canvas.waitFor({ timeout: 60_000 });
    // The first picture has circles and a triangle, the second only triangles.
    await canvas.click();
    await page.keyboard.press('1');
    await page.keyboard.press('3');
    await frame.locator('[data-testid="progress"]', { hasText: '1 / 12 labeled' }).waitFor();
    await page.keyboard.press('j');
    await frame.locator('canvas[data-item="shapes-02.png"]').waitFor();
    await page.keyboard.press('3');
    await frame.locator('[data-testid="progress"]', { hasText: '2 / 12 labeled' }).waitFor();
    await frame.locator('[data-testid="save-status"]', { hasText: 'Saved' }).waitFor();

    await runFromPalette(page, 'Azure ML: Register Labeled Data…');
    // Nothing is active yet: the workspace is asked for first.
    await answer(page, 'Active Azure ML workspace', { typed: VISION.workspace });
    await answer(page, 'Register Labeled Data: data asset', { value: 'shape-kinds-train' });
    await answer(page, 'Register Labeled Data: validation split', { value: '0' });

    const notification = page.locator('.notifications-toasts .notification-list-item-message', {
      hasText: 'Registered shape-kinds-train:1',
    });
    try {
      await notification.waitFor({ timeout: AZURE_TIMEOUT });
    } catch (error) {
      throw new Error(`No registration notification: ${await describeScreen(page)}`, { cause: error });
    }
    assert.match(
      (await notification.textContent()) ?? '',
      /Registered shape-kinds-train:1 \(2 labeled items, mltable in workspaceblobstore\)\./,
    );

    // The Data view comes into sight with the new version selected under its asset.
    const tree = page.locator('.sidebar').getByRole('tree', { name: 'Data', exact: true });
    const asset = tree
      .getByRole('treeitem')
      .filter({ has: page.locator('.label-name', { hasText: /^shape-kinds-train$/ }) });
    await asset.and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: AZURE_TIMEOUT });
    const version = tree
      .getByRole('treeitem', { selected: true })
      .filter({ has: page.locator('.label-name', { hasText: /^version 1$/ }) });
    await version.waitFor({ timeout: AZURE_TIMEOUT });
    assert.match(
      (await version.locator('.label-description').textContent()) ?? '',
      /^mltable · \d{4}-\d\d-\d\d \d\d:\d\d · azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\//,
    );
    await page.mouse.move(900, 450);
    assert.ok(existsSync(await workbench.screenshot('labeling-register-data')));

    // What the service holds: an mltable version over the uploaded folder, tagged with its project and content.
    const registered = await emulatorArmGet(`${VISION_WORKSPACE}/data/shape-kinds-train/versions/1`);
    const properties = registered.properties as {
      dataType: string;
      dataUri: string;
      referencedUris?: string[];
      tags: Record<string, string>;
    };
    assert.equal(properties.dataType, 'mltable');
    assert.match(
      properties.dataUri,
      /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/shape-kinds-train\/$/,
    );
    assert.equal(properties.tags['labeling.project'], 'shape-kinds.labels.json');
    assert.match(properties.tags['labeling.content.sha256'], /^[0-9a-f]{64}$/);
    assert.ok(
      properties.referencedUris?.some((uri) => uri.endsWith('.jsonl')),
      `the MLTable's annotations are referenced: ${JSON.stringify(properties.referencedUris)}`,
    );
  });
});
