import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskType } from '../../../../src/core/labeling/model';
import {
  CorruptLinesPendingError,
  LabelStore,
  LabelStoreError,
  SpanOverlapError,
} from '../../../../src/core/labeling/store';
import type { StoreChange } from '../../../../src/core/labeling/store';
import { copyFixtureImages, temporaryFolder } from './helpers';

describe('labeling store', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  const projectFile = () => join(folder.path, 'pets.labels.json');
  const annotationsFile = () => join(folder.path, 'pets.labels.jsonl');
  const annotationLines = () =>
    readFileSync(annotationsFile(), 'utf8')
      .split('\n')
      .filter((line) => line)
      .map((line) => JSON.parse(line));

  async function imageProject(task: TaskType, options = {}): Promise<LabelStore> {
    copyFixtureImages(folder.path);
    return LabelStore.create(
      projectFile(),
      {
        task,
        labels: [
          { name: 'cat', hotkey: '1' },
          { name: 'dog', color: '#00ff00', hotkey: '2' },
        ],
        source: { kind: 'folder', path: 'images' },
      },
      options,
    );
  }

  async function nerProject(): Promise<LabelStore> {
    mkdirSync(join(folder.path, 'texts'));
    writeFileSync(join(folder.path, 'texts', 'a.txt'), 'Stephen Curry plays in San Francisco.');
    return LabelStore.create(projectFile(), {
      task: 'text-ner',
      labels: [{ name: 'per' }, { name: 'loc' }],
      source: { kind: 'folder', path: 'texts' },
    });
  }

  it('creates the project file and an empty annotations file, and opens them again', async () => {
    await imageProject('image-classification');
    const project = JSON.parse(readFileSync(projectFile(), 'utf8'));
    assert.deepEqual(project, {
      version: 1,
      task: 'image-classification',
      labels: [
        { name: 'cat', color: '#e6194b', hotkey: '1' },
        { name: 'dog', color: '#00ff00', hotkey: '2' },
      ],
      source: { kind: 'folder', path: 'images' },
      annotationsFile: 'pets.labels.jsonl',
    });
    assert.equal(readFileSync(annotationsFile(), 'utf8'), '');
    const reopened = await LabelStore.open(projectFile());
    assert.deepEqual(reopened.annotations(), []);
    assert.equal(reopened.labels.length, 2);
  });

  it('refuses to create a project over an existing project file', async () => {
    await imageProject('image-classification');
    await assert.rejects(
      LabelStore.create(projectFile(), { task: 'text-ner', labels: [], source: { kind: 'folder', path: 'x' } }),
      /already exists/,
    );
    assert.equal(JSON.parse(readFileSync(projectFile(), 'utf8')).task, 'image-classification');
  });

  it('lists the image items sorted by path, with progress, filters and the next unlabeled item', async () => {
    const store = await imageProject('image-classification');
    const items = await store.listItems();
    assert.deepEqual(
      items.map((item) => item.id),
      [
        'cats/one.jpg',
        'cats/two.png',
        'dogs/four.bmp',
        'dogs/three.gif',
        'extended.webp',
        'lossless.webp',
        'lossy.webp',
        'progressive.jpg',
      ],
    );
    await store.setClasses('cats/two.png', ['cat']);
    await store.setClasses('dogs/four.bmp', ['dog']);
    assert.deepEqual(store.progress(items), { labeled: 2, total: 8 });
    assert.deepEqual(
      store.filterItems(items, { label: 'dog' }).map((item) => item.id),
      ['dogs/four.bmp'],
    );
    assert.equal(store.filterItems(items, { unlabeled: true }).length, 6);
    assert.equal(store.nextUnlabeled(items, 'cats/one.jpg')?.id, 'dogs/three.gif');
    assert.equal(store.nextUnlabeled(items, 'progressive.jpg')?.id, 'cats/one.jpg');
  });

  it('keeps one line per labeled item, sorted by item id, each durable when its promise resolves', async () => {
    const store = await imageProject('image-classification-multilabel');
    await store.setClasses('row:10', ['dog']);
    await store.setClasses('row:2', ['dog', 'cat']);
    await store.setClasses('b', []);
    assert.equal(
      readFileSync(annotationsFile(), 'utf8'),
      '{"item":"b","classes":[]}\n{"item":"row:2","classes":["cat","dog"]}\n{"item":"row:10","classes":["dog"]}\n',
    );
    await store.toggleClass('row:2', 'cat');
    await store.clearItem('b');
    assert.deepEqual(annotationLines(), [
      { item: 'row:2', classes: ['dog'] },
      { item: 'row:10', classes: ['dog'] },
    ]);
    const reopened = await LabelStore.open(projectFile());
    assert.deepEqual(reopened.annotation('row:2'), { item: 'row:2', classes: ['dog'] });
  });

  it('gives a single-class item one class, toggled by its hotkey label', async () => {
    const store = await imageProject('image-classification');
    await store.toggleClass('cats/one.jpg', 'cat');
    assert.deepEqual(store.annotation('cats/one.jpg')?.classes, ['cat']);
    await store.toggleClass('cats/one.jpg', 'dog');
    assert.deepEqual(store.annotation('cats/one.jpg')?.classes, ['dog']);
    await store.toggleClass('cats/one.jpg', 'dog');
    assert.equal(store.annotation('cats/one.jpg'), undefined);
    await assert.rejects(store.setClasses('x', ['cat', 'dog']), LabelStoreError);
    await assert.rejects(store.setClasses('x', ['bird']), /no "bird"/);
  });

  it('records who changed an item and when, only when asked to', async () => {
    const store = await imageProject('image-classification', {
      author: 'ana',
      now: () => new Date('2024-05-01T10:00:00Z'),
    });
    await store.setClasses('cats/one.jpg', ['cat']);
    assert.deepEqual(annotationLines(), [
      { item: 'cats/one.jpg', classes: ['cat'], updatedBy: 'ana', updatedAt: '2024-05-01T10:00:00.000Z' },
    ]);
  });

  it('adds, moves, resizes, relabels and deletes boxes in normalized coordinates', async () => {
    const store = await imageProject('object-detection');
    const id = await store.addBox('cats/one.jpg', 'cat', { left: 0.5, top: 0.6, right: 0.1, bottom: 0.2 });
    assert.deepEqual(store.annotation('cats/one.jpg')?.boxes, [
      { id, label: 'cat', left: 0.1, top: 0.2, right: 0.5, bottom: 0.6 },
    ]);
    await store.moveBox('cats/one.jpg', id, 0.7, -0.1);
    const moved = store.annotation('cats/one.jpg')?.boxes?.[0];
    assert.deepEqual(moved && [moved.left, moved.top, moved.right, moved.bottom], [0.6, 0.1, 1, 0.5]);
    await store.updateBox('cats/one.jpg', id, { left: -0.2, top: 0.25, right: 0.333333333, bottom: 1.5 });
    const resized = store.annotation('cats/one.jpg')?.boxes?.[0];
    assert.deepEqual(resized && [resized.left, resized.top, resized.right, resized.bottom], [0, 0.25, 0.333333, 1]);
    await store.setBoxLabel('cats/one.jpg', id, 'dog');
    assert.equal(store.annotation('cats/one.jpg')?.boxes?.[0].label, 'dog');
    await assert.rejects(
      store.updateBox('cats/one.jpg', id, { left: 0.2, top: 0.2, right: 0.2, bottom: 0.5 }),
      /width/,
    );
    await store.deleteBox('cats/one.jpg', id);
    assert.deepEqual(store.annotation('cats/one.jpg')?.boxes, []);
    assert.equal(
      store.isLabeled('cats/one.jpg'),
      true,
      'an image whose boxes were all deleted is labeled "no objects"',
    );
    await assert.rejects(store.deleteBox('cats/one.jpg', id), /no box/);
    await assert.rejects(store.setClasses('cats/one.jpg', ['cat']), /no classes/);
  });

  it('restores an item record exactly as captured, or removes it, for undo and redo', async () => {
    const store = await imageProject('object-detection', {
      author: 'ana',
      now: () => new Date('2026-01-02T03:04:05Z'),
    });
    const before = store.annotation('cats/one.jpg');
    const id = await store.addBox('cats/one.jpg', 'cat', { left: 0.1, top: 0.2, right: 0.3, bottom: 0.4 });
    const after = store.annotation('cats/one.jpg');
    await store.restoreAnnotation('cats/one.jpg', before);
    assert.equal(store.annotation('cats/one.jpg'), undefined);
    assert.equal(existsSync(annotationsFile()) && readFileSync(annotationsFile(), 'utf8'), '');
    await store.restoreAnnotation('cats/one.jpg', after);
    assert.deepEqual(annotationLines(), [after]);
    assert.equal(annotationLines()[0].boxes[0].id, id);
    await assert.rejects(store.restoreAnnotation('cats/two.png', after), /cannot be restored as/);
    await assert.rejects(
      store.restoreAnnotation('cats/one.jpg', { item: 'cats/one.jpg', boxes: [{ id: 'x' } as never] }),
      /cannot be restored/,
    );
  });

  it('edits polygons point by point', async () => {
    const store = await imageProject('instance-segmentation');
    const id = await store.addPolygon('cats/two.png', 'cat', [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]]);
    await store.insertVertex('cats/two.png', id, 0, 3, 0.1, 0.5);
    await store.moveVertex('cats/two.png', id, 0, 0, 0.05, 1.2);
    assert.deepEqual(store.annotation('cats/two.png')?.polygons?.[0].segments, [
      [0.05, 1, 0.5, 0.1, 0.5, 0.5, 0.1, 0.5],
    ]);
    await store.deleteVertex('cats/two.png', id, 0, 1);
    assert.deepEqual(store.annotation('cats/two.png')?.polygons?.[0].segments, [[0.05, 1, 0.5, 0.5, 0.1, 0.5]]);
    await assert.rejects(store.deleteVertex('cats/two.png', id, 0, 0), /at least three points/);
    await store.setPolygonLabel('cats/two.png', id, 'dog');
    await store.deletePolygon('cats/two.png', id);
    assert.deepEqual(store.annotation('cats/two.png')?.polygons, []);
  });

  it('snaps spans to whole tokens and refuses overlapping spans', async () => {
    const store = await nerProject();
    const text = 'Stephen Curry plays in San Francisco.';
    const person = await store.addSpan('a.txt', 'per', 2, 10, text);
    assert.deepEqual([person.start, person.end], [0, 13]);
    await assert.rejects(store.addSpan('a.txt', 'loc', 10, 16, text), SpanOverlapError);
    const place = await store.addSpan('a.txt', 'loc', 23, 36);
    assert.deepEqual(
      store.annotation('a.txt')?.spans?.map((span) => [span.label, span.start, span.end]),
      [
        ['per', 0, 13],
        ['loc', 23, 36],
      ],
    );
    await assert.rejects(store.updateSpan('a.txt', place.id, 5, 30), SpanOverlapError);
    await assert.rejects(store.addSpan('a.txt', 'loc', 13, 14, text), /no word/);
    await store.deleteSpan('a.txt', person.id);
    assert.equal(store.annotation('a.txt')?.spans?.length, 1);
  });

  it('renames a label in the label set and in every annotation and suggestion', async () => {
    const store = await imageProject('object-detection');
    await store.addBox('cats/one.jpg', 'cat', { left: 0, top: 0, right: 0.5, bottom: 0.5 });
    await store.addBox('cats/one.jpg', 'dog', { left: 0.5, top: 0.5, right: 1, bottom: 1 });
    await store.setSuggestions(
      new Map([['dogs/four.bmp', [{ kind: 'box', label: 'cat', left: 0, top: 0, right: 1, bottom: 1, score: 0.9 }]]]),
    );
    await store.renameLabel('cat', 'kitten');
    const onDisk = await LabelStore.open(projectFile());
    assert.deepEqual(
      onDisk.labels.map((label) => label.name),
      ['kitten', 'dog'],
    );
    assert.deepEqual(
      onDisk.annotation('cats/one.jpg')?.boxes?.map((box) => box.label),
      ['kitten', 'dog'],
    );
    assert.equal(onDisk.annotation('dogs/four.bmp')?.suggestions?.[0].label, 'kitten');
    assert.deepEqual(onDisk.unknownLabels, []);
    await assert.rejects(store.renameLabel('kitten', 'dog'), /already a label/);
  });

  it('deletes a label with what it labeled, leaving emptied items unlabeled', async () => {
    const store = await imageProject('object-detection');
    await store.addBox('cats/one.jpg', 'cat', { left: 0, top: 0, right: 0.5, bottom: 0.5 });
    await store.addBox('cats/two.png', 'cat', { left: 0, top: 0, right: 0.5, bottom: 0.5 });
    await store.addBox('cats/two.png', 'dog', { left: 0.5, top: 0.5, right: 1, bottom: 1 });
    await store.deleteLabel('cat');
    assert.equal(store.isLabeled('cats/one.jpg'), false);
    assert.deepEqual(
      store.annotation('cats/two.png')?.boxes?.map((box) => box.label),
      ['dog'],
    );
    assert.deepEqual(
      annotationLines().map((line) => line.item),
      ['cats/two.png'],
    );
  });

  it('edits colours and hotkeys and refuses a hotkey two labels would share', async () => {
    const store = await imageProject('image-classification');
    await store.updateLabel('cat', { color: '#123456', hotkey: 'c' });
    await store.updateLabel('dog', { hotkey: null });
    await store.addLabel({ name: 'bird', hotkey: 'b' });
    assert.deepEqual(JSON.parse(readFileSync(projectFile(), 'utf8')).labels, [
      { name: 'cat', color: '#123456', hotkey: 'c' },
      { name: 'dog', color: '#00ff00' },
      { name: 'bird', color: '#4363d8', hotkey: 'b' },
    ]);
    await assert.rejects(store.addLabel({ name: 'cow', hotkey: 'C' }), /same hotkey/);
    await assert.rejects(store.updateLabel('dog', { color: 'green' }), /#rrggbb/);
    await store.reorderLabels(['bird', 'cat', 'dog']);
    assert.deepEqual(
      (await LabelStore.open(projectFile())).labels.map((label) => label.name),
      ['bird', 'cat', 'dog'],
    );
  });

  it('keeps suggestions apart until accepted or rejected, one by one or all at once', async () => {
    const store = await imageProject('object-detection');
    await store.setSuggestions(
      new Map([
        [
          'cats/one.jpg',
          [
            { kind: 'box', label: 'cat', left: 0.1, top: 0.1, right: 0.4, bottom: 0.4, score: 0.9, source: 'p.jsonl' },
            { kind: 'box', label: 'dog', left: 0.5, top: 0.5, right: 0.9, bottom: 0.9, score: 0.4 },
          ],
        ],
        ['cats/two.png', [{ kind: 'box', label: 'dog', left: 0, top: 0, right: 1, bottom: 1 }]],
      ]),
    );
    assert.equal(store.isLabeled('cats/one.jpg'), false, 'suggestions alone do not label an item');
    const [first, second] = store.annotation('cats/one.jpg')?.suggestions ?? [];
    await store.acceptSuggestion('cats/one.jpg', first.id);
    await store.rejectSuggestion('cats/one.jpg', second.id);
    const one = store.annotation('cats/one.jpg');
    assert.deepEqual(
      one?.boxes?.map((box) => [box.label, box.left, box.top, box.right, box.bottom]),
      [['cat', 0.1, 0.1, 0.4, 0.4]],
    );
    assert.equal(one?.suggestions, undefined);
    assert.deepEqual(await store.acceptAllSuggestions(), { accepted: 1, kept: 0 });
    assert.equal(store.annotation('cats/two.png')?.boxes?.length, 1);
    await assert.rejects(
      async () =>
        store.setSuggestions(new Map([['x', [{ kind: 'box', label: 'cow', left: 0, top: 0, right: 1, bottom: 1 }]]])),
      /no "cow"/,
    );
  });

  it('accepts the best class suggestion of a single-class item and rejects all at once', async () => {
    const store = await imageProject('image-classification');
    await store.setSuggestions(
      new Map([
        [
          'a',
          [
            { kind: 'class', label: 'cat', score: 0.3 },
            { kind: 'class', label: 'dog', score: 0.7 },
          ],
        ],
        ['b', [{ kind: 'class', label: 'cat', score: 0.8 }]],
      ]),
    );
    await store.acceptAllSuggestions('a');
    assert.deepEqual(store.annotation('a'), { item: 'a', classes: ['dog'] });
    await store.rejectAllSuggestions();
    assert.equal(store.annotation('b'), undefined);
  });

  it('keeps span suggestions that overlap accepted spans when accepting all', async () => {
    const store = await nerProject();
    await store.addSpan('a.txt', 'per', 0, 13);
    await store.setSuggestions(
      new Map([
        [
          'a.txt',
          [
            { kind: 'span', label: 'per', start: 8, end: 13 },
            { kind: 'span', label: 'loc', start: 23, end: 36 },
          ],
        ],
      ]),
    );
    assert.deepEqual(await store.acceptAllSuggestions(), { accepted: 1, kept: 1 });
    assert.deepEqual(
      store.annotation('a.txt')?.suggestions?.map((suggestion) => suggestion.label),
      ['per'],
    );
  });

  describe('corrupt lines', () => {
    const good = '{"item":"cats/one.jpg","classes":["cat"]}';
    const broken = '<<<<<<< HEAD';

    async function openWithBrokenLines(): Promise<LabelStore> {
      await imageProject('image-classification');
      writeFileSync(
        annotationsFile(),
        `${good}\n${broken}\n{"item":"cats/two.png","classes":"dog"}\n{"item":"cats/one.jpg","classes":["dog"]}\n`,
      );
      return LabelStore.open(projectFile());
    }

    it('reports each with its line number and loads the rest', async () => {
      const store = await openWithBrokenLines();
      assert.deepEqual(
        store.corruptLines.map((line) => [line.line, line.text]),
        [
          [2, broken],
          [3, '{"item":"cats/two.png","classes":"dog"}'],
          [4, '{"item":"cats/one.jpg","classes":["dog"]}'],
        ],
      );
      assert.match(store.corruptLines[0].reason, /not JSON/);
      assert.match(store.corruptLines[1].reason, /classes/);
      assert.match(store.corruptLines[2].reason, /second record for cats\/one.jpg \(the first is line 1\)/);
      assert.deepEqual(store.annotation('cats/one.jpg')?.classes, ['cat']);
    });

    it('writes nothing until the user chooses', async () => {
      const store = await openWithBrokenLines();
      const before = readFileSync(annotationsFile(), 'utf8');
      await assert.rejects(store.setClasses('dogs/four.bmp', ['dog']), CorruptLinesPendingError);
      await assert.rejects(store.renameLabel('cat', 'kitten'), CorruptLinesPendingError);
      assert.equal(readFileSync(annotationsFile(), 'utf8'), before);
      assert.equal(store.annotation('dogs/four.bmp'), undefined);
    });

    it('discards them on request', async () => {
      const store = await openWithBrokenLines();
      await store.discardCorruptLines();
      assert.equal(readFileSync(annotationsFile(), 'utf8'), `${good}\n`);
      await store.setClasses('dogs/four.bmp', ['dog']);
      assert.equal(annotationLines().length, 2);
    });

    it('keeps them aside in a file of their own on request', async () => {
      const store = await openWithBrokenLines();
      const aside = await store.keepCorruptLinesAside();
      assert.match(aside, /pets\.labels\.corrupt-.*\.jsonl$/);
      assert.equal(
        readFileSync(aside, 'utf8'),
        `${broken}\n{"item":"cats/two.png","classes":"dog"}\n{"item":"cats/one.jpg","classes":["dog"]}\n`,
      );
      assert.equal(readFileSync(annotationsFile(), 'utf8'), `${good}\n`);
      assert.deepEqual(store.corruptLines, []);
    });
  });

  describe('external changes', () => {
    it('does not take its own writes for external changes', async () => {
      const store = await imageProject('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      await store.addLabel({ name: 'bird' });
      assert.deepEqual(await store.reloadIfChangedOnDisk(), { project: false, annotations: false });
    });

    it('reloads annotations and the label set replaced underneath it, as a git pull does', async () => {
      const store = await imageProject('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      const changes: StoreChange[] = [];
      store.onDidChange((change) => changes.push(change));
      // git writes a new file and renames it into place.
      const pulled = join(folder.path, 'pulled.tmp');
      writeFileSync(pulled, '{"item":"cats/one.jpg","classes":["dog"]}\n{"item":"cats/two.png","classes":["cat"]}\n');
      renameSync(pulled, annotationsFile());
      const project = JSON.parse(readFileSync(projectFile(), 'utf8'));
      project.labels.push({ name: 'bird', color: '#000000' });
      writeFileSync(projectFile(), JSON.stringify(project));
      assert.deepEqual(await store.reloadIfChangedOnDisk(), { project: true, annotations: true });
      assert.deepEqual(store.annotation('cats/one.jpg')?.classes, ['dog']);
      assert.deepEqual(store.annotation('cats/two.png')?.classes, ['cat']);
      assert.deepEqual(
        store.labels.map((label) => label.name),
        ['cat', 'dog', 'bird'],
      );
      assert.deepEqual(changes, [{ kind: 'reloaded' }]);
      await store.setClasses('dogs/four.bmp', ['bird']);
      assert.equal(annotationLines().length, 3);
    });

    it('reloads an in-place rewrite of the same size', async () => {
      const store = await imageProject('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      writeFileSync(annotationsFile(), '{"item":"cats/one.jpg","classes":["dog"]}\n');
      assert.deepEqual(await store.reloadIfChangedOnDisk(), { project: false, annotations: true });
      assert.deepEqual(store.annotation('cats/one.jpg')?.classes, ['dog']);
    });

    it('blocks writing while a merge conflict leaves lines unreadable, and overwrites nothing', async () => {
      const store = await imageProject('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      const conflicted =
        '<<<<<<< HEAD\n{"item":"cats/one.jpg","classes":["cat"]}\n=======\n{"item":"cats/one.jpg","classes":["dog"]}\n>>>>>>> theirs\n';
      writeFileSync(annotationsFile(), conflicted);
      await store.reloadIfChangedOnDisk();
      assert.deepEqual(
        store.corruptLines.map((line) => line.line),
        [1, 3, 4, 5],
      );
      await assert.rejects(store.setClasses('cats/two.png', ['cat']), CorruptLinesPendingError);
      assert.equal(readFileSync(annotationsFile(), 'utf8'), conflicted);
    });

    it('reads a deleted annotations file as no labels, and writes it again on the next change', async () => {
      const store = await imageProject('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      rmSync(annotationsFile());
      assert.deepEqual(await store.reloadIfChangedOnDisk(), { project: false, annotations: true });
      assert.deepEqual(store.annotations(), []);
      assert.deepEqual(await store.reloadIfChangedOnDisk(), { project: false, annotations: false });
      await store.setClasses('cats/two.png', ['dog']);
      assert.deepEqual(annotationLines(), [{ item: 'cats/two.png', classes: ['dog'] }]);
    });

    it('blocks writing while the project file does not parse', async () => {
      const store = await imageProject('image-classification');
      writeFileSync(projectFile(), '{ "version": 1, <<<<<<<');
      await store.reloadIfChangedOnDisk();
      assert.match(store.projectProblem ?? '', /not JSON/);
      await assert.rejects(store.setClasses('cats/two.png', ['cat']), /project file cannot be read/);
      assert.deepEqual(
        store.labels.map((label) => label.name),
        ['cat', 'dog'],
      );
    });
  });

  it('commits edits made while a write is under way together, none lost', async () => {
    const store = await imageProject('image-classification-multilabel');
    const ids = Array.from({ length: 40 }, (_, index) => `item-${index}`);
    await Promise.all(ids.map((id, index) => store.setClasses(id, [index % 2 ? 'cat' : 'dog'])));
    const lines = annotationLines();
    assert.equal(lines.length, 40);
    assert.deepEqual(lines[3], { item: 'item-3', classes: ['cat'] });
    assert.deepEqual(
      readdirSync(folder.path).filter((name) => name.includes('.tmp-')),
      [],
    );
  });

  it('classifies several items as one change: single-class sets, multi-label adds, or removes when all have it', async () => {
    const single = await imageProject('image-classification');
    await single.setClasses('cats/one.jpg', ['dog']);
    const changes: StoreChange[] = [];
    single.onDidChange((change) => changes.push(change));
    await single.classifyItems(['cats/one.jpg', 'cats/two.png', 'dogs/three.gif'], 'cat');
    assert.deepEqual(
      annotationLines().map((line) => [line.item, line.classes]),
      [
        ['cats/one.jpg', ['cat']],
        ['cats/two.png', ['cat']],
        ['dogs/three.gif', ['cat']],
      ],
    );
    assert.deepEqual(
      changes.map((change) => change.kind),
      ['annotations', 'saved'],
      'one change and one write for the whole batch',
    );
    await assert.rejects(single.classifyItems(['cats/one.jpg'], 'bird'), /no "bird"/);

    folder.remove();
    folder = temporaryFolder();
    const multi = await imageProject('image-classification-multilabel');
    await multi.setClasses('cats/one.jpg', ['dog']);
    await multi.classifyItems(['cats/one.jpg', 'cats/two.png'], 'cat');
    assert.deepEqual(
      annotationLines().map((line) => line.classes),
      [['cat', 'dog'], ['cat']],
    );
    await multi.classifyItems(['cats/one.jpg', 'cats/two.png'], 'cat');
    assert.deepEqual(
      annotationLines().map((line) => line.classes),
      [['dog'], []],
    );
  });

  it('keeps a change whose write failed as unsaved, through a reload, until a later write succeeds', async () => {
    const store = await imageProject('image-classification');
    await store.setClasses('cats/one.jpg', ['dog']);
    const changes: StoreChange[] = [];
    store.onDidChange((change) => changes.push(change));
    // A folder where the file should be: the rename over it fails, whoever runs the test.
    const saved = readFileSync(annotationsFile(), 'utf8');
    rmSync(annotationsFile());
    mkdirSync(annotationsFile());
    await assert.rejects(store.setClasses('cats/two.png', ['cat']), /could not be saved to pets\.labels\.jsonl/);
    assert.deepEqual(store.unsavedItems, ['cats/two.png']);
    assert.match(store.lastWriteFailure?.message ?? '', /could not be saved/);
    const failed = changes.find((change) => change.kind === 'saveFailed');
    assert.deepEqual(failed?.kind === 'saveFailed' && failed.items, ['cats/two.png']);
    assert.deepEqual(store.annotation('cats/two.png')?.classes, ['cat'], 'the change stays in memory');

    // The file comes back changed elsewhere: the reload takes that change and keeps the unsaved one.
    rmSync(annotationsFile(), { recursive: true });
    writeFileSync(annotationsFile(), `${saved}{"item":"dogs/three.gif","classes":["dog"]}\n`);
    await store.reloadIfChangedOnDisk();
    assert.deepEqual(store.annotation('cats/two.png')?.classes, ['cat']);
    assert.deepEqual(store.annotation('dogs/three.gif')?.classes, ['dog']);

    await store.saveNow();
    assert.deepEqual(store.unsavedItems, []);
    assert.equal(store.lastWriteFailure, undefined);
    assert.deepEqual(
      annotationLines().map((line) => line.item),
      ['cats/one.jpg', 'cats/two.png', 'dogs/three.gif'],
    );
    const last = changes[changes.length - 1];
    assert.deepEqual(last.kind === 'saved' && last.items, ['cats/two.png']);
  });

  it('reads text items from a CSV column and from a JSON Lines column', async () => {
    writeFileSync(join(folder.path, 'reviews.csv'), 'id,text\r\nr2,"Good, really"\r\nr1,"Said ""no"""\r\n');
    const csv = await LabelStore.create(projectFile(), {
      task: 'text-classification',
      labels: [{ name: 'pos' }],
      source: { kind: 'table', path: 'reviews.csv', column: 'text', keyColumn: 'id' },
    });
    assert.deepEqual(await csv.listItems(), [
      { id: 'r1', text: 'Said "no"' },
      { id: 'r2', text: 'Good, really' },
    ]);
    writeFileSync(join(folder.path, 'notes.jsonl'), '{"body":"first"}\n\n{"body":"second"}\n');
    const jsonl = await LabelStore.create(join(folder.path, 'notes.labels.json'), {
      task: 'text-ner',
      labels: [{ name: 'per' }],
      source: { kind: 'table', path: 'notes.jsonl', column: 'body' },
    });
    assert.deepEqual(await jsonl.listItems(), [
      { id: 'row:1', text: 'first' },
      { id: 'row:2', text: 'second' },
    ]);
  });
});
