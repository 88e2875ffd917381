// The labeling editor's thumbnail grid measured inside the extension host of a real VS Code, for
// `npm run bench -- labeling.grid` (scripts/bench.mjs turns these numbers into a row). The bench writes an
// image-classification project of camera-sized pictures into a temporary folder, opens it, and asks
// scripts/bench.mjs, which holds the browser, to show the grid and scroll it a screen at a time from top to bottom,
// waiting at each stop until every cell in view shows its picture. The renderer processes' memory is read before
// the editor opens, with the grid's first screen drawn, and after the scroll: what the pictures the grid has shown
// cost once they have scrolled away.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID, LABELING_EDITOR_VIEW_TYPE } from '../../../src/constants';
import type { ExtensionApi } from '../../../src/extension';
import { probe, sleep, type MemoryProbe } from './measure';
import { BENCH_LABELS, pictureId, writePictures } from './pictures';

const GRID_PICTURES = 1_000;
/** A camera picture's size: decoded whole, each one takes 7.3 MiB; a thumbnail, a few dozen KiB. */
const GRID_PICTURE_WIDTH = 1600;
const GRID_PICTURE_HEIGHT = 1200;
const TIMEOUT_MS = 120_000;

/** What scripts/bench.mjs answers once it has scrolled the grid (see scrollGrid there). */
export interface GridScrollAnswer {
  /** Screens scrolled. */
  steps: number;
  /** Distinct items whose cell was in view at a stop. */
  itemsShown: number;
  ms: number;
}

export interface GridBenchResults {
  pictures: number;
  width: number;
  height: number;
  memory: { beforeOpen: MemoryProbe; gridShown: MemoryProbe; afterScrolling: MemoryProbe };
  scroll: GridScrollAnswer;
}

export async function measureGrid(log: (text: string) => void): Promise<GridBenchResults> {
  const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  const folder = mkdtempSync(join(tmpdir(), 'azureml-bench-grid-'));
  try {
    const writeStart = performance.now();
    writePictures(join(folder, 'pictures'), GRID_PICTURES, GRID_PICTURE_WIDTH, GRID_PICTURE_HEIGHT);
    const project = {
      version: 1,
      task: 'image-classification',
      labels: BENCH_LABELS,
      source: { kind: 'folder', path: 'pictures' },
      annotationsFile: 'grid.labels.jsonl',
    };
    const projectFile = join(folder, 'grid.labels.json');
    writeFileSync(projectFile, `${JSON.stringify(project, null, 2)}\n`);
    log(
      `labeling grid: ${GRID_PICTURES} pictures of ${GRID_PICTURE_WIDTH} × ${GRID_PICTURE_HEIGHT} written in ` +
        `${(performance.now() - writeStart).toFixed(0)} ms`,
    );
    const uri = vscode.Uri.file(projectFile);

    const beforeOpen = await probe('grid-before-open');
    void vscode.commands.executeCommand('vscode.openWith', uri, LABELING_EDITOR_VIEW_TYPE);
    const start = performance.now();
    for (;;) {
      const editor = api.labeling.feature()?.editorFor(uri);
      if (editor?.received.some((message) => message.type === 'rendered' && isItem(message.payload, pictureId(0))))
        break;
      if (performance.now() - start > TIMEOUT_MS) throw new Error('The grid project did not show its first picture');
      await sleep(50);
    }
    await act<GridScrollAnswer>('grid-show');
    const gridShown = await probe('grid-shown');
    const scroll = await act<GridScrollAnswer>('grid-scroll');
    log(`labeling grid: scrolled ${scroll.steps} screens, ${scroll.itemsShown} pictures shown, in ${scroll.ms} ms`);
    const afterScrolling = await probe('grid-after-scrolling');
    return {
      pictures: GRID_PICTURES,
      width: GRID_PICTURE_WIDTH,
      height: GRID_PICTURE_HEIGHT,
      memory: { beforeOpen, gridShown, afterScrolling },
      scroll,
    };
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  }
}

function isItem(payload: unknown, item: string): boolean {
  return (payload as { item?: string } | undefined)?.item === item;
}

/**
 * Asks scripts/bench.mjs to do something in the page (`grid-show`, `grid-scroll`): a `<name>.action` file in the
 * folder AZUREML_BENCH_PROBES names, answered with `<name>.done.json` beside it.
 */
async function act<T>(name: string): Promise<T> {
  const folder = process.env.AZUREML_BENCH_PROBES;
  if (!folder) throw new Error('AZUREML_BENCH_PROBES is not set: run this with `npm run bench -- labeling.grid`');
  const answer = join(folder, `${name}.done.json`);
  writeFileSync(join(folder, `${name}.action`), '');
  const deadline = Date.now() + TIMEOUT_MS * 5;
  while (!existsSync(answer)) {
    if (Date.now() > deadline) throw new Error(`No answer to the page action "${name}"`);
    await sleep(100);
  }
  const done = JSON.parse(readFileSync(answer, 'utf8')) as T & { error?: string };
  if (done.error) throw new Error(`The page action "${name}" failed: ${done.error}`);
  return done;
}
