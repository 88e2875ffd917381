import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from './workbench';

const DEMO_LABELING = join(process.cwd(), 'test', 'fixtures', 'demo-project', 'labeling');
/** The demo pictures' size. */
const IMAGE_WIDTH = 320;
const IMAGE_HEIGHT = 240;

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor();
}

function editorFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

async function eventually<T>(read: () => T, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      assert.fail(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function jsonLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('labeling editor in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench({}, { copies: { labeling: DEMO_LABELING } });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
  });

  it('draws a box with the mouse, undoes and redoes it with the keyboard, and exports it as a normalized AutoML box', async () => {
    await openFile(page, 'shapes.labels.json');
    const frame = editorFrame(page);
    const canvas = frame.locator('canvas[data-item="shapes-01.png"]');
    await canvas.waitFor({ timeout: 60_000 });
    await frame.locator('[data-testid="progress"]', { hasText: '0 / 12 labeled' }).waitFor();
    await frame.locator('.label-button', { hasText: 'circle' }).click();

    // Where the fitted picture lies on the page: centred, as large as the canvas allows.
    const bounds = await canvas.boundingBox();
    assert.ok(bounds, 'the canvas is on the page');
    const scale = Math.min(bounds.width / IMAGE_WIDTH, bounds.height / IMAGE_HEIGHT);
    const left = bounds.x + (bounds.width - IMAGE_WIDTH * scale) / 2;
    const top = bounds.y + (bounds.height - IMAGE_HEIGHT * scale) / 2;
    const onPage = (x: number, y: number) => ({ x: left + x * scale, y: top + y * scale });
    // Around the orange circle of the first picture, in image pixels.
    const from = { x: 58, y: 12 };
    const to = { x: 134, y: 90 };
    await page.mouse.move(onPage(from.x, from.y).x, onPage(from.x, from.y).y);
    await page.mouse.down();
    await page.mouse.move(onPage(to.x, to.y).x, onPage(to.x, to.y).y, { steps: 8 });
    await page.mouse.up();
    await frame.locator('[data-testid="progress"]', { hasText: '1 / 12 labeled' }).waitFor();
    // Undo and redo are VS Code's, from the keyboard in the editor.
    await page.keyboard.press('Control+Z');
    await frame.locator('[data-testid="progress"]', { hasText: '0 / 12 labeled' }).waitFor();
    await page.keyboard.press('Control+Shift+Z');
    await frame.locator('[data-testid="progress"]', { hasText: '1 / 12 labeled' }).waitFor();
    await workbench.screenshot('labeling-image-editor');

    await frame.getByRole('button', { name: 'Export…' }).click();
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'AutoML JSON Lines + MLTable' }).click();
    await quickInput.locator('.quick-input-title', { hasText: 'Export Labels: folder' }).waitFor();
    await page.keyboard.press('Enter'); // the folder offered: shapes-export beside the project
    await quickInput.locator('.quick-input-title', { hasText: 'Export Labels: validation split' }).waitFor();
    await page.keyboard.press('Enter'); // no validation split
    const exported = join(workbench.folder, 'labeling', 'shapes-export', 'train_annotations.jsonl');
    const [record] = await eventually(
      () => jsonLines(exported),
      (lines) => lines.length === 1,
    );
    assert.match(String(record.image_url), /shapes-01\.png$/);
    const [box] = record.label as Array<Record<string, number | string>>;
    assert.equal(box.label, 'circle');
    const tolerance = 1 / IMAGE_WIDTH;
    for (const [key, expected] of [
      ['topX', from.x / IMAGE_WIDTH],
      ['topY', from.y / IMAGE_HEIGHT],
      ['bottomX', to.x / IMAGE_WIDTH],
      ['bottomY', to.y / IMAGE_HEIGHT],
    ] as const) {
      assert.ok(
        Math.abs((box[key] as number) - expected) <= tolerance,
        `${key} is ${box[key]}, expected ${expected} within a pixel`,
      );
    }
  });

  it('labels a named entity with the keyboard', async () => {
    await openFile(page, 'news.labels.json');
    const frame = editorFrame(page);
    const text = frame.locator('[data-testid="text"]');
    await text.filter({ hasText: 'Ada Lovelace wrote' }).waitFor({ timeout: 60_000 });
    await text.click();
    await page.keyboard.press('Home');
    for (let count = 0; count < 'Ada Lovelace'.length; count++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('1');
    const mark = frame.locator('mark[data-label="person"]');
    await mark.waitFor();
    assert.equal(await mark.textContent(), 'Ada Lovelace');
    const annotations = join(workbench.folder, 'labeling', 'news.labels.jsonl');
    const [record] = await eventually(
      () => jsonLines(annotations),
      (lines) => lines.length === 1,
    );
    assert.equal(record.item, 'news-01');
    const spans = record.spans as Array<Record<string, unknown>>;
    assert.deepEqual(
      spans.map(({ label, start, end }) => ({ label, start, end })),
      [{ label: 'person', start: 0, end: 12 }],
    );
    await frame.locator('[data-testid="progress"]', { hasText: '1 / 6 labeled' }).waitFor();
    await workbench.screenshot('labeling-text-editor');
  });
});
