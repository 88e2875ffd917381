import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID, LABELING_EDITOR_VIEW_TYPE } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { LabelingEditor } from '../../src/labeling/editor';
import type { ExportOutcome } from '../../src/labeling/exportLabels';
import type {
  FromLabeling,
  GridState,
  ItemState,
  LabelEdit,
  Problem,
  SaveState,
  ToLabeling,
} from '../../src/webviews/labeling/contract';
import type { Envelope } from '../../src/webviews/messaging';
import { scriptedInput } from '../support/scriptedInput';
import { policyProblems, readServedPage } from '../support/servedPage';
import { eventually } from './tree';

const FIXTURE_IMAGES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'labeling', 'images');

interface Line {
  item: string;
  classes?: string[];
  boxes?: { id: string; label: string; left: number; top: number; right: number; bottom: number }[];
  spans?: { id: string; label: string; start: number; end: number }[];
}

function readLines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line)
    .map((line) => JSON.parse(line) as Line);
}

function writeProject(folder: string, name: string, project: object): vscode.Uri {
  const file = join(folder, `${name}.labels.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ version: 1, ...project, annotationsFile: `${name}.labels.jsonl` }, null, 2)}\n`,
  );
  return vscode.Uri.file(file);
}

const LABELS = [
  { name: 'cat', color: '#e6194b', hotkey: '1' },
  { name: 'dog', color: '#3cb44b', hotkey: '2' },
];

describe('labeling editor: a custom editor for *.labels.json', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let folder: string;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    folder = mkdtempSync(join(tmpdir(), 'aml-labeling-'));
    cpSync(FIXTURE_IMAGES, join(folder, 'images'), { recursive: true });
    mkdirSync(join(folder, 'texts'));
    writeFileSync(join(folder, 'texts', 'a.txt'), 'Stephen Curry plays in San Francisco.');
    writeFileSync(join(folder, 'texts', 'b.txt'), 'Ada Lovelace lived in London.');
  });
  afterEach(async () => {
    await closeWhenNoPictureLoads();
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  /** Opens the project in the labeling editor and waits until its page has drawn the first item. */
  const opened: LabelingEditor[] = [];
  /**
   * Closes every editor once no labeling page is fetching a picture: in this browser-hosted VS Code, a webview
   * closed with fetches in flight holds up the next webview's load until they time out.
   */
  async function closeWhenNoPictureLoads(): Promise<void> {
    const lastReceived = (editor: LabelingEditor, type: string) =>
      [...editor.received].reverse().find((message) => message.type === type)?.payload;
    for (const editor of opened.splice(0)) {
      // The page starts fetching an item's picture (and the ones after it) before it says the item is drawn.
      const item = lastItem(editor);
      if (item) {
        await eventually(
          () => (lastReceived(editor, 'rendered') as { item: string } | undefined)?.item,
          (drawn) => drawn === item.id,
        );
      }
      await eventually(
        () => lastReceived(editor, 'pictureLoads') as { loading: number } | undefined,
        (loads) => loads === undefined || loads.loading === 0,
      );
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }

  async function open(uri: vscode.Uri): Promise<LabelingEditor> {
    await vscode.commands.executeCommand('vscode.openWith', uri, LABELING_EDITOR_VIEW_TYPE);
    const editor = await eventually(
      () => api.labeling.feature()?.editorFor(uri),
      (found) => found !== undefined,
    );
    await eventually(
      () => ({
        posted: editor!.posted.map((message) => message.type),
        received: editor!.received.map((message) => message.type),
      }),
      (seen) => seen.received.includes('rendered') || lastProblem(editor!) !== null,
    );
    opened.push(editor!);
    return editor!;
  }

  const send = (editor: LabelingEditor, message: Envelope<FromLabeling>) => editor.handle(message);
  const edit = (editor: LabelingEditor, payload: LabelEdit) => send(editor, { type: 'edit', payload });

  function lastOf<T>(editor: LabelingEditor, type: string): T | undefined {
    const found = [...editor.posted].reverse().find((message) => message.type === type);
    return found?.payload as T | undefined;
  }
  const lastProblem = (editor: LabelingEditor) => lastOf<Problem | null>(editor, 'problem') ?? null;
  const lastItem = (editor: LabelingEditor) => lastOf<ItemState | null>(editor, 'item');
  /** The item's annotation as the page last heard of it: from an `item` or an `annotation` message. */
  function shownAnnotation(editor: LabelingEditor): ItemState['annotation'] | undefined {
    const found = [...editor.posted]
      .reverse()
      .find((message) => message.type === 'item' || message.type === 'annotation');
    return (found?.payload as { annotation?: ItemState['annotation'] } | null)?.annotation;
  }
  const lastNotice = (editor: LabelingEditor) => lastOf<{ message: string }>(editor, 'notice')?.message ?? '';

  function tabOf(uri: vscode.Uri): vscode.Tab | undefined {
    return vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.uri.fsPath === uri.fsPath);
  }

  it('draws a box into the annotations file, undoes and redoes it through VS Code, and stays saved', async () => {
    const uri = writeProject(folder, 'boxes', {
      task: 'object-detection',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const annotations = join(folder, 'boxes.labels.jsonl');
    const editor = await open(uri);
    // A strict policy, and the page may read its bundle and the project's images, nothing else.
    assert.deepEqual(policyProblems(readServedPage(editor.panel.webview.html), editor.panel.webview.cspSource), []);
    assert.deepEqual(
      editor.panel.webview.options.localResourceRoots?.map((root) => root.fsPath),
      [join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'webviews'), join(folder, 'images')],
    );
    const first = lastItem(editor);
    assert.equal(first?.id, 'cats/one.jpg');
    assert.match(first?.imageUri ?? '', /one\.jpg$/);
    assert.equal(api.labeling.feature()?.statusText(), '0 / 8 labeled');

    // VS Code hears of an edit asynchronously: it is on its undo stack once the tab has been dirty.
    const dirtyStates: boolean[] = [];
    const tabChanges = vscode.window.tabGroups.onDidChangeTabs((event) =>
      event.changed.filter((tab) => tab === tabOf(uri)).forEach((tab) => dirtyStates.push(tab.isDirty)),
    );
    await edit(editor, {
      action: 'addBox',
      item: 'cats/one.jpg',
      label: 'dog',
      rect: { left: 0.1, top: 0.2, right: 0.5, bottom: 0.6 },
    });
    const [line] = readLines(annotations);
    assert.equal(line.item, 'cats/one.jpg');
    assert.deepEqual(
      line.boxes?.map(({ label, left, top, right, bottom }) => ({ label, left, top, right, bottom })),
      [{ label: 'dog', left: 0.1, top: 0.2, right: 0.5, bottom: 0.6 }],
    );
    assert.equal(api.labeling.feature()?.statusText(), '1 / 8 labeled');
    // Saved at once: the edit is on disk, so closing the editor must not ask to save.
    await eventually(
      () => [...dirtyStates],
      (states) => states.includes(true) && states[states.length - 1] === false,
    );

    await vscode.commands.executeCommand('undo');
    await eventually(
      () => readFileSync(annotations, 'utf8'),
      (text) => text === '',
    );
    await vscode.commands.executeCommand('redo');
    await eventually(
      () => readLines(annotations),
      (lines) => lines.length === 1 && lines[0].boxes?.[0].id === line.boxes?.[0].id,
    );
    await eventually(
      () => tabOf(uri)?.isDirty,
      (dirty) => dirty === false,
    );
    tabChanges.dispose();

    // The page is told of each change, so what it draws is what is on disk.
    const annotationMessages = editor.posted.filter((message) => message.type === 'annotation');
    assert.ok(annotationMessages.length >= 3, `${annotationMessages.length} annotation messages`);

    await send(editor, { type: 'navigate', payload: { to: 'nextUnlabeled' } });
    assert.equal(lastItem(editor)?.id, 'cats/two.png');
    await send(editor, { type: 'filter', payload: { unlabeled: false, label: 'dog' } });
    assert.equal(lastItem(editor)?.id, 'cats/one.jpg');
    assert.equal(lastItem(editor)?.count, 1);
  });

  it('edits a polygon through the page messages, and names the pictures to decode ahead', async () => {
    const uri = writeProject(folder, 'outlines', {
      task: 'instance-segmentation',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const annotations = join(folder, 'outlines.labels.jsonl');
    const editor = await open(uri);
    // The two after the first picture: the page decodes them while the first is looked at.
    assert.deepEqual(
      lastItem(editor)?.prefetch?.map((address) => address.split('/').slice(-2).join('/')),
      ['cats/two.png', 'dogs/four.bmp'],
    );
    await edit(editor, {
      action: 'addPolygon',
      item: 'cats/one.jpg',
      label: 'cat',
      points: [0.1, 0.1, 0.5, 0.1, 0.3, 0.6],
    });
    const polygonOf = () =>
      (readLines(annotations)[0] as { polygons?: { id: string; label: string; segments: number[][] }[] }).polygons?.[0];
    const id = polygonOf()!.id;
    await edit(editor, {
      action: 'updatePolygon',
      item: 'cats/one.jpg',
      id,
      segments: [[0.1, 0.1, 0.7, 0.2, 0.3, 0.6]],
    });
    await edit(editor, { action: 'setPolygonLabel', item: 'cats/one.jpg', id, label: 'dog' });
    assert.deepEqual(polygonOf(), { id, label: 'dog', segments: [[0.1, 0.1, 0.7, 0.2, 0.3, 0.6]] });
    // A label the set lacks is refused on the page and changes nothing.
    await edit(editor, { action: 'setPolygonLabel', item: 'cats/one.jpg', id, label: 'bird' });
    assert.match(lastNotice(editor), /no "bird"/);
    assert.equal(polygonOf()?.label, 'dog');

    await send(editor, { type: 'navigate', payload: { to: 'next' } });
    assert.equal(lastItem(editor)?.id, 'cats/two.png');
    assert.deepEqual(
      lastItem(editor)?.prefetch?.map((address) => address.split('/').slice(-2).join('/')),
      ['dogs/four.bmp', 'dogs/three.gif', 'cats/one.jpg'],
    );
  });

  it('labels image classes with toggles, and text spans snapped to tokens, refusing an overlap on the page', async () => {
    const classes = writeProject(folder, 'classes', {
      task: 'image-classification-multilabel',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    let editor = await open(classes);
    await edit(editor, { action: 'toggleClass', item: 'cats/one.jpg', label: 'dog' });
    await edit(editor, { action: 'toggleClass', item: 'cats/one.jpg', label: 'cat' });
    assert.deepEqual(readLines(join(folder, 'classes.labels.jsonl')), [
      { item: 'cats/one.jpg', classes: ['cat', 'dog'] },
    ]);
    await closeWhenNoPictureLoads();

    const ner = writeProject(folder, 'ner', {
      task: 'text-ner',
      labels: [
        { name: 'per', color: '#e6194b', hotkey: '1' },
        { name: 'loc', color: '#3cb44b', hotkey: '2' },
      ],
      source: { kind: 'folder', path: 'texts' },
    });
    editor = await open(ner);
    assert.equal(lastItem(editor)?.text, 'Stephen Curry plays in San Francisco.');
    // "ephen Cur" widens to "Stephen Curry".
    await edit(editor, { action: 'addSpan', item: 'a.txt', label: 'per', start: 2, end: 11 });
    await edit(editor, { action: 'addSpan', item: 'a.txt', label: 'loc', start: 23, end: 36 });
    const lines = readLines(join(folder, 'ner.labels.jsonl'));
    assert.deepEqual(
      lines[0].spans?.map(({ label, start, end }) => ({ label, start, end })),
      [
        { label: 'per', start: 0, end: 13 },
        { label: 'loc', start: 23, end: 36 },
      ],
    );
    await edit(editor, { action: 'addSpan', item: 'a.txt', label: 'loc', start: 8, end: 19 });
    assert.match(lastNotice(editor), /overlaps "per" at 0–13/);
    assert.deepEqual(readLines(join(folder, 'ner.labels.jsonl')), lines, 'a refused span writes nothing');
  });

  it('labels a selection of the thumbnail grid as one edit, which one undo reverts, and filters the grid', async () => {
    const uri = writeProject(folder, 'grid', {
      task: 'image-classification',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const annotations = join(folder, 'grid.labels.jsonl');
    writeFileSync(annotations, '{"item":"cats/two.png","classes":["dog"]}\n');
    const editor = await open(uri);
    await send(editor, { type: 'gridView', payload: { shown: true } });
    const grid = lastOf<GridState>(editor, 'grid');
    assert.equal(grid?.cells.length, 8);
    assert.deepEqual(grid?.cells[1], { id: 'cats/two.png', classes: ['dog'], labeled: true });
    assert.equal(
      grid?.imageBase,
      editor.panel.webview.asWebviewUri(vscode.Uri.file(join(folder, 'images'))).toString(),
    );

    // VS Code hears of an edit asynchronously: it is on its undo stack once the tab has been dirty.
    const dirtyStates: boolean[] = [];
    const tabChanges = vscode.window.tabGroups.onDidChangeTabs((event) =>
      event.changed.filter((tab) => tab === tabOf(uri)).forEach((tab) => dirtyStates.push(tab.isDirty)),
    );
    const selection = ['cats/one.jpg', 'cats/two.png', 'dogs/four.bmp'];
    await send(editor, { type: 'classifyItems', payload: { items: selection, label: 'cat' } });
    assert.deepEqual(
      readLines(annotations).map((line) => [line.item, line.classes]),
      selection.map((item) => [item, ['cat']]),
    );
    assert.deepEqual(
      lastOf<{ cells: GridState['cells'] }>(editor, 'gridCells')?.cells.map((cell) => [cell.id, cell.classes]),
      selection.map((item) => [item, ['cat']]),
    );
    assert.equal(api.labeling.feature()?.statusText(), '3 / 8 labeled');

    // One step of VS Code's undo stack takes the whole batch back, the earlier class included.
    await eventually(
      () => [...dirtyStates],
      (states) => states.includes(true) && states[states.length - 1] === false,
    );
    tabChanges.dispose();
    await vscode.commands.executeCommand('undo');
    await eventually(
      () => readFileSync(annotations, 'utf8'),
      (text) => text === '{"item":"cats/two.png","classes":["dog"]}\n',
    );
    await vscode.commands.executeCommand('redo');
    await eventually(
      () => readLines(annotations).map((line) => line.classes?.[0]),
      (classes) => classes.join() === 'cat,cat,cat',
    );

    // The filter applies to the grid: the unlabeled items only, and a label the set lacks is refused.
    await send(editor, { type: 'filter', payload: { unlabeled: true } });
    const unlabeled = ['dogs/three.gif', 'extended.webp', 'lossless.webp', 'lossy.webp', 'progressive.jpg'];
    assert.deepEqual(
      lastOf<GridState>(editor, 'grid')?.cells.map((cell) => cell.id),
      unlabeled,
    );
    await send(editor, { type: 'classifyItems', payload: { items: unlabeled.slice(0, 2), label: 'dog' } });
    assert.deepEqual(
      lastOf<GridState>(editor, 'grid')?.cells.map((cell) => cell.id),
      unlabeled.slice(2),
      'labeled items leave the unlabeled grid',
    );
    await send(editor, { type: 'classifyItems', payload: { items: ['no/such.png'], label: 'dog' } });
    assert.match(lastNotice(editor), /no item no\/such\.png/);

    // Enter on a thumbnail shows that item alone.
    await send(editor, { type: 'open', payload: { item: unlabeled[3] } });
    assert.equal(lastItem(editor)?.id, unlabeled[3]);
  });

  it('tells the page an edit is saved only once the file holds it, and keeps one whose write failed pending', async () => {
    const uri = writeProject(folder, 'durable', {
      task: 'image-classification',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const annotations = join(folder, 'durable.labels.jsonl');
    const editor = await open(uri);
    // What the file held at the moment each save state went to the page ('' while there is no file).
    const held = () =>
      existsSync(annotations) && statSync(annotations).isFile() ? readFileSync(annotations, 'utf8') : '';
    const seen: { state: SaveState; file: string }[] = [];
    const post = editor.posted.push.bind(editor.posted);
    editor.posted.push = (...messages: Envelope<ToLabeling>[]) => {
      for (const message of messages)
        if (message.type === 'save') seen.push({ state: message.payload as SaveState, file: held() });
      return post(...messages);
    };
    await edit(editor, { action: 'toggleClass', item: 'cats/one.jpg', label: 'cat' });
    const record = '{"item":"cats/one.jpg","classes":["cat"]}\n';
    const pendingAt = seen.findIndex((entry) => entry.state.pending.includes('cats/one.jpg'));
    const savedAt = seen.findIndex((entry, index) => index > pendingAt && entry.state.pending.length === 0);
    assert.ok(pendingAt >= 0, 'the page hears of the change as pending first');
    assert.equal(seen[pendingAt].file, '', 'pending: not on disk yet');
    assert.ok(savedAt > pendingAt, 'then that it is saved');
    assert.equal(seen[savedAt].file, record, 'saved: the file holds it');

    // A folder where the file should be: the write fails whoever runs the test (read-only folders do not stop root).
    rmSync(annotations);
    mkdirSync(annotations);
    try {
      await edit(editor, { action: 'toggleClass', item: 'cats/one.jpg', label: 'dog' });
      const failed = seen[seen.length - 1].state;
      assert.deepEqual(failed.pending, ['cats/one.jpg']);
      assert.match(failed.failure?.message ?? '', /could not be saved to durable\.labels\.jsonl/);
      assert.equal(failed.failure?.file, annotations);
      assert.deepEqual(editor.document.store?.annotation('cats/one.jpg')?.classes, ['dog'], 'the label is kept');
      assert.deepEqual(shownAnnotation(editor)?.classes, ['dog']);
      // VS Code knows the document has a change not on disk.
      await eventually(
        () => tabOf(uri)?.isDirty,
        (dirty) => dirty === true,
      );
    } finally {
      rmSync(annotations, { recursive: true, force: true });
      writeFileSync(annotations, record);
    }
    await send(editor, { type: 'retrySave', payload: null });
    assert.equal(readFileSync(annotations, 'utf8'), '{"item":"cats/one.jpg","classes":["dog"]}\n');
    const retried = seen[seen.length - 1].state;
    assert.deepEqual(retried, { pending: [] });
    await eventually(
      () => tabOf(uri)?.isDirty,
      (dirty) => dirty === false,
    );
  });

  it('reports corrupt lines with their numbers and writes nothing until the user chooses', async () => {
    const uri = writeProject(folder, 'corrupt', {
      task: 'image-classification',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const annotations = join(folder, 'corrupt.labels.jsonl');
    const content = '{"item":"cats/one.jpg","classes":["cat"]}\n{"item": broken\n';
    writeFileSync(annotations, content);
    const editor = await open(uri);
    const problem = lastProblem(editor);
    assert.equal(problem?.kind, 'corrupt');
    assert.deepEqual(problem?.kind === 'corrupt' && problem.lines.map((line) => line.line), [2]);
    await edit(editor, { action: 'toggleClass', item: 'cats/two.png', label: 'dog' });
    assert.match(lastNotice(editor), /unreadable line.*nothing is written/);
    assert.equal(readFileSync(annotations, 'utf8'), content);

    await send(editor, { type: 'resolveCorrupt', payload: { choice: 'keepAside' } });
    assert.equal(lastProblem(editor), null);
    assert.equal(readFileSync(annotations, 'utf8'), '{"item":"cats/one.jpg","classes":["cat"]}\n');
    const aside = readdirSync(folder).find((name) => name.startsWith('corrupt.labels.corrupt-'));
    assert.ok(aside, 'the corrupt line is kept in a file of its own');
    assert.equal(readFileSync(join(folder, aside), 'utf8'), '{"item": broken\n');
    await edit(editor, { action: 'toggleClass', item: 'cats/two.png', label: 'dog' });
    assert.equal(readLines(annotations).length, 2);
  });

  it('says why a project file cannot be opened, and offers it as JSON', async () => {
    const file = join(folder, 'broken.labels.json');
    writeFileSync(file, '{"version": 1, "task": "painting"}\n');
    const editor = await open(vscode.Uri.file(file));
    const problem = lastProblem(editor);
    assert.equal(problem?.kind, 'error');
    assert.match(problem?.kind === 'error' ? problem.message : '', /cannot be opened: `task` must be one of/);
    await send(editor, { type: 'openAsText', payload: null });
    await eventually(
      () => vscode.window.activeTextEditor?.document.uri.fsPath,
      (path) => path === file,
    );
  });

  it('reloads when the annotations file changes on disk', async () => {
    const uri = writeProject(folder, 'external', {
      task: 'image-classification',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    const editor = await open(uri);
    writeFileSync(join(folder, 'external.labels.jsonl'), '{"item":"cats/one.jpg","classes":["dog"]}\n');
    await eventually(
      () => lastItem(editor)?.annotation.classes,
      (classes) => classes?.[0] === 'dog',
    );
    assert.equal(api.labeling.feature()?.statusText(), '1 / 8 labeled');
  });

  it('exports AutoML JSON Lines with an MLTable, asking format, folder and split', async () => {
    const uri = writeProject(folder, 'export', {
      task: 'object-detection',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    writeFileSync(
      join(folder, 'export.labels.jsonl'),
      '{"item":"cats/one.jpg","boxes":[{"id":"b1","label":"cat","left":0.25,"top":0.5,"right":0.75,"bottom":1}]}\n',
    );
    const input = scriptedInput([{ pick: 'AutoML JSON Lines + MLTable' }, { input: 'export-out' }, { input: '0' }]);
    const restore = api.platform.useUserInput(input);
    let outcome: ExportOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ExportOutcome>(CommandId.exportLabels, uri);
    } finally {
      restore();
    }
    assert.equal(input.prompts[1].value, 'export-export', 'the folder offered is <project>-export');
    assert.equal(outcome?.exported, 1);
    assert.deepEqual(outcome?.files, ['MLTable', 'train_annotations.jsonl'].sort());
    const [record] = readFileSync(join(folder, 'export-out', 'train_annotations.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line)
      .map((line) => JSON.parse(line));
    assert.deepEqual(record.label, [{ label: 'cat', topX: 0.25, topY: 0.5, bottomX: 0.75, bottomY: 1, isCrowd: 0 }]);
    assert.match(record.image_url, /images\/cats\/one\.jpg$/);
    assert.ok(existsSync(join(folder, 'export-out', 'MLTable')));
  });

  it('imports AutoML predictions as suggestions, adding the labels the set lacks, and accepts them one by one', async () => {
    const uri = writeProject(folder, 'prelabels', {
      task: 'object-detection',
      labels: LABELS,
      source: { kind: 'folder', path: 'images' },
    });
    writeFileSync(
      join(folder, 'predictions.jsonl'),
      `${JSON.stringify({
        filename: '/mnt/batch/inputs/cats/one.jpg',
        boxes: [
          { box: { topX: 0.1, topY: 0.1, bottomX: 0.4, bottomY: 0.5 }, label: 'cat', score: 0.9 },
          { box: { topX: 0.5, topY: 0.5, bottomX: 0.9, bottomY: 0.9 }, label: 'bird', score: 0.6 },
        ],
      })}\n`,
    );
    const editor = await open(uri);
    const input = scriptedInput([{ input: 'predictions.jsonl' }, { pick: 'Add them to the label set' }]);
    const restore = api.platform.useUserInput(input);
    try {
      const outcome = await vscode.commands.executeCommand<{ suggestions: number; addedLabels: string[] }>(
        CommandId.importPreLabels,
        uri,
      );
      assert.equal(outcome?.suggestions, 2);
      assert.deepEqual(outcome?.addedLabels, ['bird']);
    } finally {
      restore();
    }
    const suggestions = await eventually(
      () => shownAnnotation(editor)?.suggestions ?? [],
      (list) => list.length === 2,
    );
    assert.equal(lastOf<{ labels: { name: string }[] }>(editor, 'project')?.labels.length, 3);
    const cat = suggestions.find((suggestion) => suggestion.label === 'cat')!;
    await edit(editor, { action: 'acceptSuggestion', item: 'cats/one.jpg', id: cat.id });
    await edit(editor, { action: 'rejectAllSuggestions', item: 'cats/one.jpg' });
    const [line] = readLines(join(folder, 'prelabels.labels.jsonl'));
    assert.deepEqual(
      line.boxes?.map(({ label, left, top, right, bottom }) => ({ label, left, top, right, bottom })),
      [{ label: 'cat', left: 0.1, top: 0.1, right: 0.4, bottom: 0.5 }],
    );
    assert.equal((line as { suggestions?: unknown[] }).suggestions, undefined);
  });

  it('creates a project with New Labeling Project… and opens it', async () => {
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const source = mkdtempSync(join(workspace, 'labeling-source-'));
    const name = source.split(/[\\/]/).pop()!;
    writeFileSync(join(source, 'one.txt'), 'Grace Hopper wrote COBOL.');
    const input = scriptedInput([
      { pick: 'text-ner' },
      { pick: 'A folder of .txt files' },
      { input: name },
      { input: 'person, language' },
      { input: 'people' },
    ]);
    const restore = api.platform.useUserInput(input);
    const projectFile = join(workspace, 'people.labels.json');
    try {
      await vscode.commands.executeCommand(CommandId.newLabelingProject);
      const project = JSON.parse(readFileSync(projectFile, 'utf8'));
      assert.deepEqual(project.labels, [
        { name: 'person', color: '#e6194b', hotkey: '1' },
        { name: 'language', color: '#3cb44b', hotkey: '2' },
      ]);
      assert.deepEqual(project.source, { kind: 'folder', path: name });
      const editor = await eventually(
        () => api.labeling.feature()?.editorFor(vscode.Uri.file(projectFile)),
        (found) => found !== undefined,
      );
      await eventually(
        () => lastItem(editor!)?.text,
        (text) => text === 'Grace Hopper wrote COBOL.',
      );
    } finally {
      restore();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(source, { recursive: true, force: true });
      rmSync(projectFile, { force: true });
      rmSync(join(workspace, 'people.labels.jsonl'), { force: true });
    }
  });
});
