import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { fromContextMenu, openWorkbench, runFromPalette, type Workbench } from './workbench';

/** The first list reads the emulator through the lazily loaded Azure SDK bundle. */
const LOAD_TIMEOUT = 60_000;

function row(tree: Locator, label: string | RegExp): Locator {
  const exactly = typeof label === 'string' ? new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : label;
  return tree.getByRole('treeitem').filter({ has: tree.page().locator('.label-name', { hasText: exactly }) });
}

/** The page of the webview panel on show: VS Code nests it in a frame inside the editor's frame. */
function webviewPage(page: Page): FrameLocator {
  // A closed panel's frame can linger a moment beside the new one: the visible one is the panel on show.
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
}

/** Opens a job row's context menu and runs one of its commands, as a user would with the mouse. */
describe('Job panels in the workbench, from the packaged VSIX', () => {
  let workbench: Workbench;
  let page: Page;
  let jobs: Locator;

  before(async () => {
    workbench = await openWorkbench({}, { emulator: true });
    page = workbench.page;
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    const sidebar = page.locator('.sidebar');
    const workspaces = sidebar.getByRole('tree', { name: 'Workspaces', exact: true });
    const subscription = row(workspaces, 'Contoso ML Dev');
    await subscription.waitFor({ timeout: LOAD_TIMEOUT });
    await subscription.locator('.label-name').click();
    const vision = row(workspaces, 'mlw-vision-dev');
    await vision.waitFor({ timeout: LOAD_TIMEOUT });
    await vision.hover();
    await vision.getByRole('button', { name: 'Set as Active Workspace' }).click();
    await vision.locator('.label-description', { hasText: /· active$/ }).waitFor();
    // The Jobs view alone, so its rows have the room.
    for (const view of ['Workspaces', 'Data', 'Models']) {
      const header = sidebar.getByRole('button', { name: `${view} Section`, exact: true });
      if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
    }
    const jobsHeader = sidebar.getByRole('button', { name: 'Jobs Section', exact: true });
    if ((await jobsHeader.getAttribute('aria-expanded')) !== 'true') await jobsHeader.click();
    jobs = sidebar.getByRole('tree', { name: 'Jobs', exact: true });
    const iris = row(jobs, 'iris-training');
    await iris.waitFor({ timeout: LOAD_TIMEOUT });
    await iris.locator('.label-name').click();
    await row(jobs, 'iris end-to-end pipeline').waitFor({ timeout: LOAD_TIMEOUT });
  });

  after(async () => {
    await workbench?.close();
  });

  /** With the pointer over the editor and the tree's hover gone, so nothing covers the panel. */
  async function screenshot(name: string): Promise<void> {
    await page.mouse.move(1100, 600);
    await page.locator('.workbench-hover').waitFor({ state: 'hidden' });
    assert.ok(existsSync(await workbench.screenshot(name)));
  }

  afterEach(async () => {
    await runFromPalette(page, 'View: Close All Editors');
  });

  it('Show Pipeline Graph draws a box per step, coloured by its status', async () => {
    await fromContextMenu(page, row(jobs, 'iris end-to-end pipeline'), 'Show Pipeline Graph');
    const graph = webviewPage(page);
    const steps = graph.locator('svg g.box.step');
    await steps.first().waitFor({ timeout: LOAD_TIMEOUT });
    assert.deepEqual(await steps.locator('text:not(.status)').allTextContents(), [
      'prep_data',
      'train_model',
      'evaluate_model',
    ]);
    // Each step shows its status in words and in the colour of its look.
    await graph.locator('svg g.box.step.look-passed').nth(2).waitFor();
    assert.deepEqual(await steps.locator('text.status').allTextContents(), ['Completed', 'Completed', 'Completed']);
    const colourOf = (locator: Locator, property: 'fill' | 'stroke') =>
      locator.evaluate((element, name) => getComputedStyle(element).getPropertyValue(name), property);
    const firstStep = steps.first();
    const colours = {
      status: await colourOf(firstStep.locator('text.status'), 'fill'),
      name: await colourOf(firstStep.locator('text:not(.status)'), 'fill'),
      stepOutline: await colourOf(firstStep.locator('rect'), 'stroke'),
      inputOutline: await colourOf(graph.locator('svg g.box.port rect').first(), 'stroke'),
      classes: await firstStep.getAttribute('class'),
    };
    assert.notEqual(
      colours.status,
      colours.name,
      `the status is written in its own colour: ${JSON.stringify(colours)}`,
    );
    assert.notEqual(colours.stepOutline, colours.inputOutline, `a completed step is outlined apart from the input`);
    await screenshot('job-pipeline-graph');
  });

  it('Show Job Details draws a chart per metric of a completed training run', async () => {
    await fromContextMenu(page, row(jobs, /^iris-training run \d+$/).first(), 'Show Job Details');
    const details = webviewPage(page);
    await details.locator('.status', { hasText: 'Completed' }).waitFor({ timeout: LOAD_TIMEOUT });
    const charts = details.locator('section.chart');
    await charts.nth(1).locator('.chart-canvas canvas').first().waitFor({ timeout: LOAD_TIMEOUT });
    assert.deepEqual(await charts.locator('h3').allTextContents(), ['accuracy', 'loss']);
    for (const summary of await charts.locator('.chart-summary').allTextContents()) {
      assert.match(summary, /^Last .+, min .+, max .+; \d+ points\.$/);
    }
    const canvas = (await charts.first().locator('canvas').first().boundingBox())!;
    assert.ok(canvas.width > 200 && canvas.height > 100, `the chart has room: ${canvas.width}x${canvas.height}`);
    // The first chart in view, as a user scrolls to the metrics.
    await charts.first().scrollIntoViewIfNeeded();
    await screenshot('job-details');
  });
});
