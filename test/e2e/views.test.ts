import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { emulatorAdmin, openWorkbench, runFromPalette, type Workbench } from './workbench';

const VIEWS = ['Workspaces', 'Data', 'Jobs', 'Models'] as const;
type ViewName = (typeof VIEWS)[number];

/** The first list or expansion reads the emulator through the lazily loaded Azure SDK bundle. */
const LOAD_TIMEOUT = 60_000;

/** A view's pane header: a button named "<view> Section" that says whether the pane is expanded. */
function viewHeader(page: Page, view: ViewName): Locator {
  return page.locator('.sidebar').getByRole('button', { name: `${view} Section`, exact: true });
}

/** Expands `view` and collapses the others by clicking their headers, so its tree has the room. */
async function showOnly(page: Page, view: ViewName): Promise<Locator> {
  for (const name of VIEWS) {
    const header = viewHeader(page, name);
    const expanded = (await header.getAttribute('aria-expanded')) === 'true';
    if (expanded !== (name === view)) await header.click();
  }
  await viewHeader(page, view).and(page.locator('[aria-expanded="true"]')).waitFor();
  return page.locator('.sidebar').getByRole('tree', { name: view, exact: true });
}

/**
 * A tree row by its visible label. Rows with a plain-text tooltip take it as their aria-label (the
 * workspace rows do), so the rendered label is the one thing every row shows the same way.
 */
function row(tree: Locator, label: string): Locator {
  const exactly = new RegExp(`^${escapeRegExp(label)}$`);
  return tree.getByRole('treeitem').filter({ has: tree.page().locator('.label-name', { hasText: exactly }) });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function labelOf(treeRow: Locator): Promise<string> {
  return (await treeRow.locator('.label-name').textContent())?.trim() ?? '';
}

async function descriptionOf(treeRow: Locator): Promise<string> {
  const description = treeRow.locator('.label-description');
  return (await description.count()) === 0 ? '' : ((await description.textContent())?.trim() ?? '');
}

/** Clicks a collapsed row (one click expands in VS Code trees) and waits until the tree says it is expanded. */
async function expand(treeRow: Locator): Promise<void> {
  await treeRow.waitFor({ timeout: LOAD_TIMEOUT });
  assert.equal(await treeRow.getAttribute('aria-expanded'), 'false', `${await labelOf(treeRow)} starts collapsed`);
  await treeRow.locator('.label-name').click();
  await treeRow.and(treeRow.page().locator('[aria-expanded="true"]')).waitFor();
}

/** Rows at one depth of the tree (aria-level 1 is the top). */
function rowsAtLevel(tree: Locator, level: number): Locator {
  return tree.locator(`[role="treeitem"][aria-level="${level}"]`);
}

/** The status-bar item that names the active workspace (or says there is none). */
function activeWorkspaceItem(page: Page): Locator {
  return page.locator('.part.statusbar').getByRole('button', { name: /Azure ML workspace/ });
}

/** Data, Jobs and Models need the workspace the first test sets; without it they fail at once, not after a wait. */
async function assertVisionIsActive(page: Page): Promise<void> {
  const shown = (await activeWorkspaceItem(page).textContent())?.trim();
  assert.equal(shown, 'mlw-vision-dev', 'the Workspaces test sets mlw-vision-dev active first');
}

/** Moves the mouse off the trees, so no hover or inline action covers what the screenshot shows. */
async function screenshot(workbench: Workbench, name: string): Promise<void> {
  await workbench.page.mouse.move(900, 450);
  assert.ok(existsSync(await workbench.screenshot(name)));
}

describe('Azure ML views populated from the emulator', () => {
  let workbench: Workbench;
  let page: Page;

  before(async () => {
    workbench = await openWorkbench({}, { emulator: true });
    page = workbench.page;
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    await viewHeader(page, 'Workspaces').waitFor();
    // Wider, as a user would drag the sidebar's edge, so descriptions show in the screenshots.
    const sidebar = (await page.locator('.part.sidebar').boundingBox())!;
    const edge = sidebar.x + sidebar.width;
    await page.mouse.move(edge, sidebar.y + sidebar.height / 2);
    await page.mouse.down();
    await page.mouse.move(620, sidebar.y + sidebar.height / 2, { steps: 10 });
    await page.mouse.up();
  });

  after(async () => {
    await workbench?.close();
  });

  // The later views show the active workspace, which this test sets; mocha runs them in order.
  it('Workspaces: expands a subscription and sets mlw-vision-dev active from its inline action', async () => {
    const tree = await showOnly(page, 'Workspaces');
    await expand(row(tree, 'Contoso ML Dev'));
    const vision = row(tree, 'mlw-vision-dev');
    await vision.waitFor({ timeout: LOAD_TIMEOUT });
    await row(tree, 'mlw-nlp-dev').waitFor();
    assert.equal(await vision.getAttribute('aria-level'), '2', 'a workspace sits under its subscription');
    assert.equal(await descriptionOf(vision), 'rg-ml-dev · eastus');

    // Inline actions show on hover, as they do for a user.
    await vision.hover();
    await vision.getByRole('button', { name: 'Set as Active Workspace' }).click();
    await vision.locator('.label-description', { hasText: /· active$/ }).waitFor();
    assert.equal(await descriptionOf(vision), 'rg-ml-dev · eastus · active');
    assert.equal(await descriptionOf(row(tree, 'mlw-nlp-dev')), 'rg-ml-dev · westeurope');

    const statusItem = activeWorkspaceItem(page).filter({ hasText: 'mlw-vision-dev' });
    await statusItem.waitFor();
    assert.equal((await statusItem.textContent())?.trim(), 'mlw-vision-dev');
    await screenshot(workbench, 'view-workspaces');
  });

  it('Data: lists the datastores folder and data assets; an asset expands to its versions', async () => {
    await assertVisionIsActive(page);
    const tree = await showOnly(page, 'Data');
    await row(tree, 'Datastores').waitFor({ timeout: LOAD_TIMEOUT });
    const assets = ['iris-csv', 'flower-images', 'taxi-trips'];
    for (const asset of assets) await row(tree, asset).waitFor();
    assert.equal(await descriptionOf(row(tree, 'iris-csv')), 'uri_file · latest 3');
    assert.equal(await descriptionOf(row(tree, 'taxi-trips')), 'mltable · latest 4');

    await expand(row(tree, 'iris-csv'));
    await row(tree, 'version 1').waitFor({ timeout: LOAD_TIMEOUT });
    const versions = rowsAtLevel(tree, 2);
    const labels = await Promise.all((await versions.all()).map(labelOf));
    assert.deepEqual(labels, ['version 3', 'version 2', 'version 1'], 'newest version first');
    assert.match(await descriptionOf(row(tree, 'version 3')), /^uri_file · \d{4}-\d\d-\d\d \d\d:\d\d · azureml:\/\//);
    await screenshot(workbench, 'view-data');
  });

  it('Jobs: lists experiments, jobs with their status, and a pipeline expanded to its steps', async () => {
    await assertVisionIsActive(page);
    const tree = await showOnly(page, 'Jobs');
    const iris = row(tree, 'iris-training');
    await iris.waitFor({ timeout: LOAD_TIMEOUT });
    await row(tree, 'image-classification').waitFor();
    assert.match(await descriptionOf(iris), /^last run \d{4}-\d\d-\d\d \d\d:\d\d$/);

    await expand(iris);
    const pipeline = row(tree, 'iris end-to-end pipeline');
    await pipeline.waitFor({ timeout: LOAD_TIMEOUT });
    const runs = rowsAtLevel(tree, 2).filter({
      has: page.locator('.label-name', { hasText: /^iris-training run \d+$/ }),
    });
    await runs.first().waitFor();
    const descriptions = await Promise.all((await runs.all()).map(descriptionOf));
    assert.ok(descriptions.length >= 5, `iris-training shows its jobs: ${descriptions.join('; ')}`);
    for (const description of descriptions) {
      assert.match(description, /^(Completed|Failed|Canceled) · \S.* · (cpu|gpu)-cluster$/);
    }
    assert.ok(descriptions.some((description) => description.startsWith('Completed · ')));

    await expand(pipeline);
    await row(tree, 'evaluate_model').waitFor({ timeout: LOAD_TIMEOUT });
    const steps = rowsAtLevel(tree, 3);
    assert.deepEqual(
      (await Promise.all((await steps.all()).map(labelOf))).sort(),
      ['evaluate_model', 'prep_data', 'train_model'],
      'the pipeline has three steps',
    );
    for (const step of await steps.all()) assert.match(await descriptionOf(step), /^Completed · /);
    await screenshot(workbench, 'view-jobs');
  });

  it("Jobs: the view's Refresh keeps the rows through a failure, with the error and Retry after them", async () => {
    const tree = await showOnly(page, 'Jobs');
    const iris = row(tree, 'iris-training');
    assert.equal(await iris.getAttribute('aria-expanded'), 'true', 'iris-training stays expanded from the last test');
    // A selected row is what VS Code hands the title action; the whole view must reload all the same.
    await row(tree, 'iris-training run 1').locator('.label-name').click();
    await emulatorAdmin('POST', '/_emulator/faults', {
      pathPattern: 'experiments:query$',
      kind: 'status',
      status: 503,
    });
    try {
      await viewHeader(page, 'Jobs').hover();
      await page
        .locator('.sidebar .pane-header', { hasText: 'Jobs' })
        .getByRole('button', { name: 'Refresh View' })
        .click();
      const error = rowsAtLevel(tree, 1).filter({ has: page.locator('.label-name', { hasText: /HTTP 503/ }) });
      await error.waitFor({ timeout: LOAD_TIMEOUT });
      assert.equal(await iris.getAttribute('aria-expanded'), 'true', 'still expanded');
      assert.ok((await rowsAtLevel(tree, 2).count()) >= 5, 'the jobs shown before stay');
      await screenshot(workbench, 'view-jobs-refresh-failed');
      await emulatorAdmin('DELETE', '/_emulator/faults');
      await error.locator('.label-name').click();
      await error.waitFor({ state: 'detached', timeout: LOAD_TIMEOUT });
    } finally {
      await emulatorAdmin('DELETE', '/_emulator/faults');
    }
  });

  it('loads what commands need on first use: Sign In says who is signed in, the status filter asks', async () => {
    await runFromPalette(page, 'Azure ML: Sign In');
    await page
      .locator('.notifications-toasts')
      .getByText(/Signed in to Azure as service principal \S+ \(tenant /)
      .waitFor({ timeout: LOAD_TIMEOUT });
    await runFromPalette(page, 'Azure ML: Filter Jobs by Status…');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'also NotResponding' }).waitFor({ timeout: LOAD_TIMEOUT });
    assert.deepEqual(
      (await rows.locator('.label-name').allTextContents()).map((label) => label.trim()),
      ['Active', 'Completed', 'Failed', 'Canceled'],
    );
    await page.keyboard.press('Escape');
  });

  it('Models: expands iris-classifier to its versions, candidates marked in their description', async () => {
    await assertVisionIsActive(page);
    const tree = await showOnly(page, 'Models');
    const model = row(tree, 'iris-classifier');
    await model.waitFor({ timeout: LOAD_TIMEOUT });
    await row(tree, 'resnet-finetuned').waitFor();
    assert.equal(await descriptionOf(model), 'latest 5');

    await expand(model);
    await row(tree, 'version 1').waitFor({ timeout: LOAD_TIMEOUT });
    const versions = await rowsAtLevel(tree, 2).all();
    const shown = await Promise.all(
      versions.map(async (version) => ({ label: await labelOf(version), description: await descriptionOf(version) })),
    );
    assert.deepEqual(
      shown.map((version) => version.label),
      ['version 5', 'version 4', 'version 3', 'version 2', 'version 1'],
    );
    const candidates = shown.filter((version) => version.description.startsWith('candidate · '));
    assert.deepEqual(
      candidates.map((version) => version.label),
      ['version 4', 'version 2'],
      'the versions tagged stage=candidate, and only they',
    );
    for (const candidate of candidates) {
      assert.doesNotMatch(candidate.description, /stage=candidate/, 'the candidate mark says it once');
      assert.match(candidate.description, /framework=\w+/, 'the other tags still show');
    }
    await screenshot(workbench, 'view-models');
  });
});
