import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../../src/core/labeling/atomicFile';
import { LabelStore, LabelStoreError, LabelWriteError } from '../../../../src/core/labeling/store';
import { runUndoableChange, type UndoStep } from '../../../../src/core/labeling/undoableChange';
import { temporaryFolder } from './helpers';

/** Annotation writes that wait, while holding is on, until the test lets them reach the disk or fail. */
function holdableWrites() {
  const held: { reachDisk(): void; fail(error: Error): void }[] = [];
  let holding = false;
  return {
    writeAnnotations(path: string, content: string) {
      if (!holding) return writeFileAtomic(path, content);
      return new Promise<void>((reachDisk, fail) => held.push({ reachDisk, fail })).then(() =>
        writeFileAtomic(path, content),
      );
    },
    hold() {
      holding = true;
    },
    /** Resolves once `count` writes are waiting. */
    async waiting(count: number) {
      for (let turn = 0; held.length < count; turn++) {
        if (turn > 1000) throw new Error(`the store started ${held.length} writes, not ${count}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    release() {
      holding = false;
      held.splice(0).forEach((write) => write.reachDisk());
    },
    failWaiting(reason: string) {
      held.splice(0).forEach((write) => write.fail(new Error(reason)));
    },
  };
}

/** Whether `promise` has settled by the time the tasks queued now have run. */
async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('labeling undo steps', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  let writes: ReturnType<typeof holdableWrites>;
  let store: LabelStore;
  /** VS Code's undo stack, as far as these changes go: the steps fired, newest last. */
  let undoStack: UndoStep[];

  beforeEach(async () => {
    folder = temporaryFolder();
    writes = holdableWrites();
    store = await LabelStore.create(
      join(folder.path, 'pets.labels.json'),
      {
        task: 'image-classification-multilabel',
        labels: [{ name: 'cat' }, { name: 'dog' }],
        source: { kind: 'folder', path: 'images' },
      },
      { writeAnnotations: (path, content) => writes.writeAnnotations(path, content) },
    );
    undoStack = [];
  });
  afterEach(() => {
    writes.release();
    folder.remove();
  });

  const onDisk = () =>
    readFileSync(join(folder.path, 'pets.labels.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line)
      .map((line) => JSON.parse(line) as { item: string; classes?: string[] });

  const undoable = (items: readonly string[], change: () => Promise<void>) =>
    runUndoableChange({
      items,
      read: (item) => store.annotation(item),
      change,
      restore: (records) => store.restoreAnnotations(records),
      fire: (step) => undoStack.push(step),
    });

  it('puts a change on the undo stack before its write ends, so an undo then takes back that change', async () => {
    await undoable(['a.png'], () => store.setClasses('a.png', ['cat']));
    assert.equal(undoStack.length, 1);

    writes.hold();
    const labelingDog = undoable(['a.png'], () => store.setClasses('a.png', ['cat', 'dog']));
    await writes.waiting(1);
    assert.equal(await hasSettled(labelingDog), false, 'the write is still held');
    assert.deepEqual(onDisk(), [{ item: 'a.png', classes: ['cat'] }], 'the new label is not on disk yet');
    assert.equal(undoStack.length, 2, 'the change is on the undo stack while its write is under way');

    // Ctrl+Z now: the step on top must be the change just made.
    const undoing = undoStack.pop()?.undo();
    assert.deepEqual(store.annotation('a.png')?.classes, ['cat']);

    writes.release();
    assert.equal(await labelingDog, true);
    await undoing;
    assert.deepEqual(onDisk(), [{ item: 'a.png', classes: ['cat'] }]);
    assert.deepEqual(store.unsavedItems, []);
  });

  it('undoes and redoes only the items a change touched, each back to its own record', async () => {
    await undoable(['a.png'], () => store.setClasses('a.png', ['dog']));
    await undoable(['a.png', 'b.png', 'c.png'], () => store.classifyItems(['a.png', 'b.png', 'c.png'], 'cat'));
    assert.equal(undoStack.length, 2);
    const classesOnDisk = () => onDisk().map((record) => [record.item, record.classes]);
    assert.deepEqual(classesOnDisk(), [
      ['a.png', ['cat', 'dog']],
      ['b.png', ['cat']],
      ['c.png', ['cat']],
    ]);

    // An item outside the step, changed after it: undoing the step leaves it as it is.
    await store.setClasses('d.png', ['dog']);
    const step = undoStack[1];
    await step.undo();
    assert.deepEqual(classesOnDisk(), [
      ['a.png', ['dog']],
      ['d.png', ['dog']],
    ]);
    assert.equal(store.annotation('b.png'), undefined, 'an item without a record before has none again');
    await step.redo();
    assert.deepEqual(classesOnDisk(), [
      ['a.png', ['cat', 'dog']],
      ['b.png', ['cat']],
      ['c.png', ['cat']],
      ['d.png', ['dog']],
    ]);
  });

  it('puts a change whose write failed on the undo stack, then says the write failed', async () => {
    await undoable(['a.png'], () => store.setClasses('a.png', ['cat']));
    writes.hold();
    const labelingDog = undoable(['a.png'], () => store.setClasses('a.png', ['dog']));
    await writes.waiting(1);
    assert.equal(undoStack.length, 2, 'the change is on the undo stack before its write fails');
    writes.failWaiting('the disk is full');
    await assert.rejects(labelingDog, (error) => {
      assert.ok(error instanceof LabelWriteError);
      assert.match(error.message, /could not be saved to pets\.labels\.jsonl: the disk is full/);
      return true;
    });
    assert.equal(undoStack.length, 2, 'a failed write adds no second step');
    assert.deepEqual(store.unsavedItems, ['a.png'], 'the change stays unsaved, so the document stays dirty');
    assert.deepEqual(store.annotation('a.png')?.classes, ['dog']);

    writes.release();
    await undoStack[1].undo();
    assert.deepEqual(store.annotation('a.png')?.classes, ['cat']);
    assert.deepEqual(onDisk(), [{ item: 'a.png', classes: ['cat'] }]);
  });

  it('fires nothing for a change that makes no difference, or that the store refuses', async () => {
    await undoable(['a.png'], () => store.setClasses('a.png', ['cat']));
    assert.equal(await undoable(['a.png'], () => store.setClasses('a.png', ['cat'])), false);
    await assert.rejects(
      undoable(['a.png'], () => store.setClasses('a.png', ['bird'])),
      (error) => error instanceof LabelStoreError && /bird/.test(error.message),
    );
    assert.equal(undoStack.length, 1);
  });

  it('puts a change the store makes only after a wait on the undo stack once it is made', async () => {
    await undoable(['a.png'], () => store.setClasses('a.png', ['cat']));
    const labelingLater = undoable(['a.png'], async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await store.setClasses('a.png', ['dog']);
    });
    assert.equal(undoStack.length, 1, 'nothing has changed yet');
    assert.equal(await labelingLater, true);
    assert.equal(undoStack.length, 2);
    await undoStack[1].undo();
    assert.deepEqual(onDisk(), [{ item: 'a.png', classes: ['cat'] }]);
  });
});
