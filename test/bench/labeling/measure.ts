// The labeling editor measured inside the extension host of a real VS Code, for `npm run bench -- labeling`
// (scripts/bench.mjs turns these numbers into rows). The bench writes a 10,000-picture object-detection project
// into a temporary folder, half of it labeled already, then:
// - open: vscode.openWith on the project file until the page reports the first picture drawn (its `rendered`,
//   sent once the picture has decoded and is on the canvas); the editor is closed between samples. Beside it, a
//   bare webview that loads and draws the same picture.
// - next: the page's "next" message until the page reports the next picture drawn, over 500 pictures. Beside it,
//   the host's part alone and the bare webview drawing the next picture on request.
// - memory: the renderer processes' memory before the editor opens and after the 500 pictures, asked of
//   scripts/bench.mjs, which reads it from the browser (see probe()).
// - save: an edit message from the page until the edit is durable (the annotations file written, flushed and
//   renamed, the folder flushed). Beside it, the same bytes written atomically alone, and one small fsync.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID, LABELING_EDITOR_VIEW_TYPE } from '../../../src/constants';
import { writeFileAtomic } from '../../../src/core/labeling/atomicFile';
import type { ExtensionApi } from '../../../src/extension';
import type { LabelingEditor } from '../../../src/labeling/editor';
import { pictureId, squareBox, writeBenchProject } from './pictures';

const PICTURES = 10_000;
const OPEN_SAMPLES = 7;
const BROWSED = 500;
const BARE_NEXT_SAMPLES = 50;
const SAVE_SAMPLES = 40;
const RENDER_TIMEOUT_MS = 30_000;

/** What scripts/bench.mjs reads from the browser when asked (see probe()). */
export interface MemoryProbe {
  /** Chromium's renderer processes: pid and proportional set size (PSS, KiB) from /proc. */
  renderers: { pid: number; pssKb: number; rssKb: number }[];
  /** JS heap in use per frame's V8 isolate the browser could attach to, by frame URL. */
  frameHeaps: { url: string; usedBytes: number }[];
}

export interface LabelingBenchResults {
  pictures: number;
  labeledBefore: number;
  open: {
    /** openWith to the first picture drawn, per sample; the first is the first open of the session. */
    samplesMs: number[];
    /** A bare webview panel to the same picture drawn, per sample. */
    bareMs: number[];
  };
  next: {
    /** The page's "next" to the next picture drawn, per picture. */
    samplesMs: number[];
    /** The host's part: the message handled and the item posted. */
    hostMs: number[];
    /** The bare webview drawing the next picture on request. */
    bareMs: number[];
  };
  memory: { browsed: number; beforeOpen: MemoryProbe; afterFirst: MemoryProbe; afterBrowsing: MemoryProbe };
  save: {
    /** An edit message to the edit durable on disk, per sample. */
    samplesMs: number[];
    /** writeFileAtomic of the annotations file's final bytes alone, per sample. */
    atomicWriteMs: number[];
    /** One 100-byte write and fsync, per sample. */
    fsyncMs: number[];
    annotationsBytes: number;
  };
}

export async function measureLabeling(log: (text: string) => void): Promise<LabelingBenchResults> {
  const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  const folder = mkdtempSync(join(tmpdir(), 'azureml-bench-labeling-'));
  try {
    const writeStart = performance.now();
    const labeled = (index: number) => index % 2 === 0;
    const projectFile = writeBenchProject(folder, PICTURES, labeled);
    const uri = vscode.Uri.file(projectFile);
    log(`labeling: ${PICTURES} pictures and the project written in ${(performance.now() - writeStart).toFixed(0)} ms`);
    const pictures = vscode.Uri.file(join(folder, 'pictures'));

    const beforeOpen = await probe('before-open');
    const open = { samplesMs: [] as number[], bareMs: [] as number[] };
    for (let sample = 0; sample < OPEN_SAMPLES; sample++) {
      const { ms } = await openEditor(api, uri);
      open.samplesMs.push(ms);
      await closeAll();
      open.bareMs.push(await bareOpen(pictures, pictureId(0)));
      log(`labeling: open ${sample + 1} in ${ms.toFixed(0)} ms`);
    }

    const { editor } = await openEditor(api, uri);
    const afterFirst = await probe('after-first');
    const next = { samplesMs: [] as number[], hostMs: [] as number[], bareMs: [] as number[] };
    for (let index = 1; index <= BROWSED; index++) {
      const drawn = renderedItem(editor, pictureId(index));
      const start = performance.now();
      await editor.handle({ type: 'navigate', payload: { to: 'next' } });
      next.hostMs.push(performance.now() - start);
      await drawn;
      next.samplesMs.push(performance.now() - start);
    }
    log(`labeling: browsed ${BROWSED} pictures, median ${median(next.samplesMs).toFixed(0)} ms each`);
    const afterBrowsing = await probe('after-browsing');
    next.bareMs = await bareNext(pictures);

    const save = await measureSave(editor, projectFile);
    const labeledBefore = Array.from({ length: PICTURES }, (_, index) => index).filter(labeled).length;
    return {
      pictures: PICTURES,
      labeledBefore,
      open,
      next,
      memory: { browsed: BROWSED, beforeOpen, afterFirst, afterBrowsing },
      save,
    };
  } finally {
    await closeAll();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  // The closed page goes away in the renderer; the next sample starts without it.
  await sleep(300);
}

/** Opens the project and times it until the page reports the first picture drawn. */
async function openEditor(api: ExtensionApi, uri: vscode.Uri): Promise<{ ms: number; editor: LabelingEditor }> {
  const start = performance.now();
  const opening = vscode.commands.executeCommand('vscode.openWith', uri, LABELING_EDITOR_VIEW_TYPE);
  // The editor exists as soon as VS Code resolves it, long before its page can have loaded and drawn.
  let editor: LabelingEditor | undefined;
  while (!(editor = api.labeling.feature()?.editorFor(uri))) {
    if (performance.now() - start > RENDER_TIMEOUT_MS) throw new Error('The labeling editor did not open');
    await sleep(1);
  }
  if (editor.received.some((message) => message.type === 'rendered'))
    throw new Error('The page drew before the bench listened: the open time cannot be measured');
  await renderedItem(editor, pictureId(0));
  const ms = performance.now() - start;
  await opening;
  return { ms, editor };
}

/** Resolves when the page reports `item` drawn; listens beside the editor, so the time is the message's arrival. */
function renderedItem(editor: LabelingEditor, item: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`The page did not report ${item} drawn within ${RENDER_TIMEOUT_MS / 1000} s`));
    }, RENDER_TIMEOUT_MS);
    const subscription = editor.panel.webview.onDidReceiveMessage(
      (message: { type?: string; payload?: { item?: string } }) => {
        if (message?.type !== 'rendered' || message.payload?.item !== item) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      },
    );
  });
}

/**
 * A page that says it has loaded, then draws each picture it is sent on a canvas, the way the editor does, and
 * says so: what any webview showing these pictures costs here.
 */
function barePanel(pictures: vscode.Uri): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel(
    'azureml.benchBarePictures',
    'Bare pictures',
    vscode.ViewColumn.Active,
    {
      enableScripts: true,
      localResourceRoots: [pictures],
    },
  );
  const nonce = Math.random().toString(36).slice(2);
  panel.webview.html = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${panel.webview.cspSource}; script-src 'nonce-${nonce}';">
</head><body style="margin:0"><canvas id="c" style="width:100vw;height:100vh"></canvas><script nonce="${nonce}">
const api = acquireVsCodeApi();
const canvas = document.getElementById('c');
const context = canvas.getContext('2d');
window.addEventListener('message', async (event) => {
  const image = new Image();
  image.src = event.data.uri;
  await image.decode();
  canvas.width = canvas.clientWidth;
  canvas.height = canvas.clientHeight;
  const scale = Math.min(canvas.width / image.naturalWidth, canvas.height / image.naturalHeight);
  context.drawImage(image, 0, 0, image.naturalWidth * scale, image.naturalHeight * scale);
  api.postMessage({ drawn: event.data.uri });
});
api.postMessage({ loaded: true });
</script></body></html>`;
  return panel;
}

function bareMessage(panel: vscode.WebviewPanel, accept: (message: { loaded?: boolean; drawn?: string }) => boolean) {
  return new Promise<void>((resolve) => {
    const subscription = panel.webview.onDidReceiveMessage((message) => {
      if (!accept(message)) return;
      subscription.dispose();
      resolve();
    });
  });
}

async function bareOpen(pictures: vscode.Uri, id: string): Promise<number> {
  const start = performance.now();
  const panel = barePanel(pictures);
  await bareMessage(panel, (message) => message.loaded === true);
  const uri = panel.webview.asWebviewUri(vscode.Uri.joinPath(pictures, id)).toString();
  const drawn = bareMessage(panel, (message) => message.drawn === uri);
  await panel.webview.postMessage({ uri });
  await drawn;
  const ms = performance.now() - start;
  panel.dispose();
  await sleep(300);
  return ms;
}

/** The bare page drawing pictures it has not drawn before, one after another. */
async function bareNext(pictures: vscode.Uri): Promise<number[]> {
  const panel = barePanel(pictures);
  await bareMessage(panel, (message) => message.loaded === true);
  const samples: number[] = [];
  try {
    for (let index = 0; index < BARE_NEXT_SAMPLES; index++) {
      const uri = panel.webview.asWebviewUri(vscode.Uri.joinPath(pictures, pictureId(PICTURES - 1 - index))).toString();
      const start = performance.now();
      const drawn = bareMessage(panel, (message) => message.drawn === uri);
      await panel.webview.postMessage({ uri });
      await drawn;
      samples.push(performance.now() - start);
    }
  } finally {
    panel.dispose();
  }
  return samples;
}

async function measureSave(editor: LabelingEditor, projectFile: string): Promise<LabelingBenchResults['save']> {
  const annotationsFile = projectFile.replace(/\.json$/, '.jsonl');
  const samplesMs: number[] = [];
  for (let sample = 0; sample < SAVE_SAMPLES; sample++) {
    // Unlabeled pictures (odd indices), each getting its box: a new line in the middle of the file.
    const index = 2 * sample + 1;
    const start = performance.now();
    await editor.handle({
      type: 'edit',
      payload: { action: 'addBox', item: pictureId(index), label: 'square', rect: squareBox(index) },
    });
    samplesMs.push(performance.now() - start);
    // A person labels at most a few boxes a second; each edit starts with no write under way.
    await sleep(100);
  }
  const bytes = readFileSync(annotationsFile);
  const written = bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.includes('"item":"picture-'))
    .filter((line) => {
      const index = Number(/picture-(\d+)/.exec(line)?.[1]);
      return index % 2 === 1 && index < 2 * SAVE_SAMPLES;
    }).length;
  if (written !== SAVE_SAMPLES) throw new Error(`${written} of the ${SAVE_SAMPLES} saved boxes are in the file`);

  const scratch = join(projectFile, '..', 'reference');
  const atomicWriteMs: number[] = [];
  const fsyncMs: number[] = [];
  for (let sample = 0; sample < SAVE_SAMPLES; sample++) {
    const start = performance.now();
    await writeFileAtomic(`${scratch}.jsonl`, bytes);
    atomicWriteMs.push(performance.now() - start);
    const fsyncStart = performance.now();
    const descriptor = openSync(`${scratch}.txt`, 'w');
    writeSync(descriptor, 'x'.repeat(100));
    fsyncSync(descriptor);
    closeSync(descriptor);
    fsyncMs.push(performance.now() - fsyncStart);
  }
  return { samplesMs, atomicWriteMs, fsyncMs, annotationsBytes: bytes.length };
}

/**
 * Asks scripts/bench.mjs, which holds the browser, for the renderer processes' memory: a request file in the
 * folder AZUREML_BENCH_PROBES names, answered with a file beside it.
 */
export async function probe(name: string): Promise<MemoryProbe> {
  const folder = process.env.AZUREML_BENCH_PROBES;
  if (!folder) throw new Error('AZUREML_BENCH_PROBES is not set: run this with `npm run bench -- labeling`');
  // Let the renderer settle: pictures decoded a moment ago, garbage not yet collected.
  await sleep(2000);
  const answer = join(folder, `${name}.json`);
  writeFileSync(join(folder, `${name}.request`), '');
  const deadline = Date.now() + 60_000;
  while (!existsSync(answer)) {
    if (Date.now() > deadline) throw new Error(`No answer to the memory probe "${name}" within 60 s`);
    await sleep(100);
  }
  return JSON.parse(readFileSync(answer, 'utf8')) as MemoryProbe;
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
