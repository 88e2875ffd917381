import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { editorFrame, openWorkbench, type Workbench } from './workbench';

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

/** A project file over the demo's pictures or sentences, beside the demo's own projects. */
function projectFile(task: string, labels: string[], source: object, annotationsFile: string): string {
  const colours = ['#e6194b', '#3cb44b', '#4363d8'];
  return `${JSON.stringify(
    {
      version: 1,
      task,
      labels: labels.map((name, index) => ({ name, color: colours[index], hotkey: String(index + 1) })),
      source,
      annotationsFile,
    },
    null,
    2,
  )}\n`;
}

const SHAPES = ['circle', 'square', 'triangle'];
const EXTRA_PROJECTS = {
  'labeling/pictures.labels.json': projectFile(
    'image-classification',
    SHAPES,
    { kind: 'folder', path: 'shapes' },
    'pictures.labels.jsonl',
  ),
  'labeling/outlines.labels.json': projectFile(
    'instance-segmentation',
    SHAPES,
    { kind: 'folder', path: 'shapes' },
    'outlines.labels.jsonl',
  ),
  'labeling/tags.labels.json': projectFile(
    'image-classification-multilabel',
    SHAPES,
    { kind: 'folder', path: 'shapes' },
    'tags.labels.jsonl',
  ),
  'labeling/topics.labels.json': projectFile(
    'text-classification',
    ['world', 'business', 'science'],
    { kind: 'table', path: 'news.jsonl', column: 'text', keyColumn: 'id' },
    'topics.labels.jsonl',
  ),
};

/**
 * Where the picture lies on the page: `scale` page pixels per picture pixel, its top-left corner at (left, top).
 * Fitted, it is centred and as large as the canvas allows; zoom and pan change it as the editor does.
 */
interface Placement {
  scale: number;
  left: number;
  top: number;
}

async function fittedPlacement(canvas: Locator): Promise<{ placement: Placement; bounds: Bounds }> {
  const bounds = await canvas.boundingBox();
  assert.ok(bounds, 'the canvas is on the page');
  const scale = Math.min(bounds.width / IMAGE_WIDTH, bounds.height / IMAGE_HEIGHT);
  return {
    placement: {
      scale,
      left: bounds.x + (bounds.width - IMAGE_WIDTH * scale) / 2,
      top: bounds.y + (bounds.height - IMAGE_HEIGHT * scale) / 2,
    },
    bounds,
  };
}

type Bounds = { x: number; y: number; width: number; height: number };

/** Picture pixel (x, y) on the page; fails when it is outside the canvas, where a drag would not reach the picture. */
function onPage(placement: Placement, bounds: Bounds, x: number, y: number): { x: number; y: number } {
  const point = { x: placement.left + x * placement.scale, y: placement.top + y * placement.scale };
  assert.ok(
    point.x > bounds.x && point.x < bounds.x + bounds.width && point.y > bounds.y && point.y < bounds.y + bounds.height,
    `picture point ${x}, ${y} lies outside the canvas at this zoom`,
  );
  return point;
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
}

type PixelBox = [left: number, top: number, right: number, bottom: number];

/** Within a pixel and a half of the picture: the page rounds positions to whole CSS pixels at some zooms. */
const near = (value: number, pixels: number, size: number) => Math.abs(value - pixels / size) <= 1.5 / size;

function boxMatches(box: Record<string, unknown>, [left, top, right, bottom]: PixelBox): boolean {
  return (
    near(box.left as number, left, IMAGE_WIDTH) &&
    near(box.top as number, top, IMAGE_HEIGHT) &&
    near(box.right as number, right, IMAGE_WIDTH) &&
    near(box.bottom as number, bottom, IMAGE_HEIGHT)
  );
}

/** Waits until the item's record holds exactly boxes like `expected` (in picture pixels), in any order. */
async function expectBoxes(file: string, item: string, expected: PixelBox[]): Promise<void> {
  await eventually(
    () => (jsonLines(file).find((record) => record.item === item)?.boxes ?? []) as Record<string, unknown>[],
    (boxes) =>
      boxes.length === expected.length && expected.every((box) => boxes.some((found) => boxMatches(found, box))),
  );
}

/** A polygon's outline within a pixel and a half of `points` (picture pixels, x, y pairs). */
function outlineMatches(outline: number[], points: number[]): boolean {
  return (
    outline.length === points.length &&
    outline.every((value, index) => near(value, points[index], index % 2 === 0 ? IMAGE_WIDTH : IMAGE_HEIGHT))
  );
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
    workbench = await openWorkbench({}, { copies: { labeling: DEMO_LABELING }, files: EXTRA_PROJECTS });
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
    await workbench.screenshot('labeling-object-detection');

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

  it('moves and resizes a box with the mouse; zoom, pan and fit change where a drag lands in the picture', async () => {
    await openFile(page, 'shapes.labels.json');
    const frame = editorFrame(page);
    await frame.getByRole('button', { name: 'Next (J) ▶' }).click();
    const canvas = frame.locator('canvas[data-item="shapes-02.png"]');
    await canvas.waitFor();
    const annotations = join(workbench.folder, 'labeling', 'shapes.labels.jsonl');
    const item = 'shapes-02.png';
    const fitted = await fittedPlacement(canvas);
    const at = (placement: Placement, x: number, y: number) => onPage(placement, fitted.bounds, x, y);
    let placement = fitted.placement;

    await drag(page, at(placement, 40, 40), at(placement, 120, 100));
    await expectBoxes(annotations, item, [[40, 40, 120, 100]]);
    // Dragging inside the box moves it; dragging its corner handle resizes it.
    await drag(page, at(placement, 80, 70), at(placement, 100, 90));
    await expectBoxes(annotations, item, [[60, 60, 140, 120]]);
    await drag(page, at(placement, 140, 120), at(placement, 180, 150));
    await expectBoxes(annotations, item, [[60, 60, 180, 150]]);

    // + zooms by 1.25 around the canvas's centre: the same drag on the page now moves the box less far.
    await page.keyboard.press('+');
    const centre = { x: fitted.bounds.x + fitted.bounds.width / 2, y: fitted.bounds.y + fitted.bounds.height / 2 };
    placement = {
      scale: placement.scale * 1.25,
      left: centre.x - (centre.x - placement.left) * 1.25,
      top: centre.y - (centre.y - placement.top) * 1.25,
    };
    const start = at(placement, 120, 105);
    await drag(page, start, { x: start.x + 40, y: start.y + 20 });
    const [dx, dy] = [40 / placement.scale, 20 / placement.scale];
    await expectBoxes(annotations, item, [[60 + dx, 60 + dy, 180 + dx, 150 + dy]]);

    // Space+drag pans; then B draws even where a box is, at the panned position.
    await page.keyboard.down('Space');
    await drag(page, centre, { x: centre.x + 60, y: centre.y + 40 });
    await page.keyboard.up('Space');
    placement = { ...placement, left: placement.left + 60, top: placement.top + 40 };
    await page.keyboard.press('b');
    await drag(page, at(placement, 200, 30), at(placement, 260, 80));
    const moved: PixelBox = [60 + dx, 60 + dy, 180 + dx, 150 + dy];
    await expectBoxes(annotations, item, [moved, [200, 30, 260, 80]]);

    // 0 fits the picture again.
    await page.keyboard.press('0');
    await drag(page, at(fitted.placement, 250, 150), at(fitted.placement, 300, 200));
    await expectBoxes(annotations, item, [moved, [200, 30, 260, 80], [250, 150, 300, 200]]);
    await page.keyboard.press('b');
  });

  it('draws a polygon, drags a point, relabels, deletes and restores it, and exports normalized polygon lists', async () => {
    await openFile(page, 'outlines.labels.json');
    const frame = editorFrame(page);
    const canvas = frame.locator('canvas[data-item="shapes-01.png"]');
    await canvas.waitFor({ timeout: 60_000 });
    await frame.locator('.label-button', { hasText: 'triangle' }).click();
    const { placement, bounds } = await fittedPlacement(canvas);
    const at = (x: number, y: number) => onPage(placement, bounds, x, y);
    const annotations = join(workbench.folder, 'labeling', 'outlines.labels.jsonl');
    const polygons = () =>
      (jsonLines(annotations).find((record) => record.item === 'shapes-01.png')?.polygons ?? []) as Array<{
        label: string;
        segments: number[][];
      }>;

    // A click on the picture gives the page the keys; P starts a polygon, clicks place its points, Enter closes it.
    await page.mouse.click(at(10, 230).x, at(10, 230).y);
    await page.keyboard.press('p');
    const square = [100, 40, 160, 40, 160, 100, 100, 100];
    for (let index = 0; index < square.length; index += 2)
      await page.mouse.click(at(square[index], square[index + 1]).x, at(square[index], square[index + 1]).y);
    await page.keyboard.press('Enter');
    await eventually(polygons, (found) => found.length === 1 && outlineMatches(found[0].segments[0], square));
    assert.equal(polygons()[0].label, 'triangle');

    // A click inside selects it; its points can then be dragged.
    await page.mouse.click(at(130, 70).x, at(130, 70).y);
    await drag(page, at(160, 100), at(190, 120));
    const edited = [100, 40, 160, 40, 190, 120, 100, 100];
    await eventually(polygons, (found) => found.length === 1 && outlineMatches(found[0].segments[0], edited));
    // A number key relabels the selected polygon.
    await page.keyboard.press('2');
    await eventually(polygons, (found) => found[0]?.label === 'square');
    await workbench.screenshot('labeling-instance-segmentation');

    await page.keyboard.press('Delete');
    await eventually(polygons, (found) => found.length === 0);
    await page.keyboard.press('Control+Z');
    await eventually(polygons, (found) => found.length === 1 && found[0].label === 'square');

    await frame.getByRole('button', { name: 'Export…' }).click();
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.locator('.quick-input-list .monaco-list-row', { hasText: 'AutoML JSON Lines + MLTable' }).click();
    await quickInput.locator('.quick-input-title', { hasText: 'Export Labels: folder' }).waitFor();
    await page.keyboard.press('Enter');
    await quickInput.locator('.quick-input-title', { hasText: 'Export Labels: validation split' }).waitFor();
    await page.keyboard.press('Enter');
    const exported = join(workbench.folder, 'labeling', 'outlines-export', 'train_annotations.jsonl');
    const [record] = await eventually(
      () => jsonLines(exported),
      (lines) => lines.length === 1,
    );
    const [label] = record.label as Array<{ label: string; isCrowd: number; polygon: number[][] }>;
    assert.equal(label.label, 'square');
    assert.equal(label.isCrowd, 0);
    assert.equal(label.polygon.length, 1);
    assert.ok(outlineMatches(label.polygon[0], edited), `exported ${JSON.stringify(label.polygon)}`);
  });

  it('classifies pictures with number keys and label buttons', async () => {
    await openFile(page, 'pictures.labels.json');
    const frame = editorFrame(page);
    const canvas = frame.locator('canvas[data-item="shapes-01.png"]');
    await canvas.waitFor({ timeout: 60_000 });
    const annotations = join(workbench.folder, 'labeling', 'pictures.labels.jsonl');
    const classesOf = (item: string) => jsonLines(annotations).find((record) => record.item === item)?.classes;
    await canvas.click();
    await page.keyboard.press('2');
    await eventually(
      () => classesOf('shapes-01.png'),
      (classes) => JSON.stringify(classes) === '["square"]',
    );
    await frame.locator('.label-button[aria-pressed="true"]', { hasText: 'square' }).waitFor();
    // One class per picture: another key replaces it.
    await page.keyboard.press('3');
    await eventually(
      () => classesOf('shapes-01.png'),
      (classes) => JSON.stringify(classes) === '["triangle"]',
    );
    await page.keyboard.press('j');
    await frame.locator('canvas[data-item="shapes-02.png"]').waitFor();
    await frame.locator('.label-button', { hasText: 'circle' }).click();
    await eventually(
      () => classesOf('shapes-02.png'),
      (classes) => JSON.stringify(classes) === '["circle"]',
    );
    await frame.locator('[data-testid="progress"]', { hasText: '2 / 12 labeled' }).waitFor();
    await workbench.screenshot('labeling-image-classification');
  });

  it('labels a selection of the thumbnail grid with the keyboard, as one undoable edit', async () => {
    await openFile(page, 'tags.labels.json');
    const frame = editorFrame(page);
    const canvas = frame.locator('canvas[data-item="shapes-01.png"]');
    await canvas.waitFor({ timeout: 60_000 });
    const annotations = join(workbench.folder, 'labeling', 'tags.labels.jsonl');
    const classesByItem = () =>
      Object.fromEntries(jsonLines(annotations).map((record) => [record.item, (record.classes as string[]).join()]));
    const cell = (item: string) => frame.locator(`.grid-cell[data-item="${item}"]`);

    await canvas.click();
    await page.keyboard.press('g');
    await cell('shapes-01.png').waitFor();
    assert.equal(await cell('shapes-01.png').getAttribute('aria-selected'), 'true');
    // Each picture is decoded at the size its cell shows (96 CSS pixels high), not at its own.
    await frame.locator('.grid-cell[data-item="shapes-01.png"][data-picture="drawn"]').waitFor();
    const decoded = await cell('shapes-01.png')
      .locator('canvas')
      .evaluate((canvas: HTMLCanvasElement) => ({
        width: canvas.width,
        height: canvas.height,
        expectedHeight: Math.round(96 * window.devicePixelRatio),
      }));
    assert.equal(decoded.height, decoded.expectedHeight);
    assert.equal(decoded.width, Math.round((decoded.expectedHeight * IMAGE_WIDTH) / IMAGE_HEIGHT));
    assert.ok(decoded.height < IMAGE_HEIGHT, `a thumbnail of ${decoded.width} × ${decoded.height}`);
    // The first three pictures: the focus starts on the first, Shift+→ extends over the next two.
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    await frame.locator('.position', { hasText: '3 selected of 12' }).waitFor();
    await page.keyboard.press('2');
    for (const item of ['shapes-01.png', 'shapes-02.png', 'shapes-03.png'])
      await cell(item).locator('.grid-tag[data-label="square"]').waitFor();
    await eventually(classesByItem, (classes) =>
      ['shapes-01.png', 'shapes-02.png', 'shapes-03.png'].every((item) => classes[item] === 'square'),
    );
    assert.equal(Object.keys(classesByItem()).length, 3);
    await frame.locator('[data-testid="save-status"]', { hasText: 'Saved' }).waitFor();
    await frame.locator('[data-testid="progress"]', { hasText: '3 / 12 labeled' }).waitFor();
    await workbench.screenshot('labeling-thumbnail-grid');

    // Ctrl+A selects every picture; 1 adds circle to each, and one undo takes it from all of them.
    await page.keyboard.press('Control+A');
    await frame.locator('.position', { hasText: '12 selected of 12' }).waitFor();
    await page.keyboard.press('1');
    await eventually(
      classesByItem,
      (classes) =>
        Object.keys(classes).length === 12 &&
        classes['shapes-02.png'] === 'circle,square' &&
        classes['shapes-12.png'] === 'circle',
    );
    await cell('shapes-12.png').locator('.grid-tag[data-label="circle"]').waitFor();
    await page.keyboard.press('Control+Z');
    await eventually(
      classesByItem,
      (classes) => Object.keys(classes).length === 3 && Object.values(classes).every((value) => value === 'square'),
    );
    await cell('shapes-01.png').locator('.grid-tag[data-label="circle"]').waitFor({ state: 'detached' });

    // Enter opens the focused picture alone.
    await page.keyboard.press('Enter');
    await frame.locator('canvas[data-item="shapes-03.png"]').waitFor();
  });

  it('classifies texts with number keys and label buttons', async () => {
    await openFile(page, 'topics.labels.json');
    const frame = editorFrame(page);
    const text = frame.locator('[data-testid="text"]');
    await text.filter({ hasText: 'Ada Lovelace wrote' }).waitFor({ timeout: 60_000 });
    const annotations = join(workbench.folder, 'labeling', 'topics.labels.jsonl');
    const classesOf = (item: string) => jsonLines(annotations).find((record) => record.item === item)?.classes;
    await text.click();
    await page.keyboard.press('3');
    await eventually(
      () => classesOf('news-01'),
      (classes) => JSON.stringify(classes) === '["science"]',
    );
    await page.keyboard.press('j');
    await text.filter({ hasText: 'Contoso Pharmaceuticals' }).waitFor();
    await frame.locator('.label-button', { hasText: 'business' }).click();
    await eventually(
      () => classesOf('news-02'),
      (classes) => JSON.stringify(classes) === '["business"]',
    );
    await frame.locator('.label-button[aria-pressed="true"]', { hasText: 'business' }).waitFor();
    await frame.locator('[data-testid="progress"]', { hasText: '2 / 6 labeled' }).waitFor();
    await workbench.screenshot('labeling-text-classification');
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
    await workbench.screenshot('labeling-ner');
  });
});
