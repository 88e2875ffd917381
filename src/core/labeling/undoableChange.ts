/**
 * One label change as one step of an editor's undo stack. The store changes its records at once and then writes
 * them to disk; the step joins the undo stack as soon as the records have changed, before the write ends, so an
 * undo pressed while the change is still being written undoes this change, not the one before it.
 */
import type { ItemAnnotation } from './model';
import { LabelWriteError } from './store';

/** Records of items as they were at one moment; undefined: the item had no record. */
export type ItemRecords = ReadonlyMap<string, ItemAnnotation | undefined>;

/** What the undo stack keeps of a change: how to take it back and how to make it again. */
export interface UndoStep {
  undo(): Promise<void>;
  redo(): Promise<void>;
}

export interface UndoableChange {
  /** The items the change may touch. */
  items: readonly string[];
  /** An item's record as the store has it now (a copy), undefined when it has none. */
  read(item: string): ItemAnnotation | undefined;
  /** Makes the change; resolves once it is on disk, rejects with LabelWriteError when the write failed. */
  change(): Promise<void>;
  /** Puts records back as they were (what undo and redo do). */
  restore(records: ItemRecords): Promise<void>;
  /** Puts a step on the undo stack. */
  fire(step: UndoStep): void;
}

/**
 * Runs `change` and fires one undo step for the items it changed. A change whose write failed is still made (the
 * store keeps it unsaved), so its step is fired all the same and the LabelWriteError is thrown after it. Resolves
 * to whether anything changed: a change that made no difference fires nothing.
 */
export async function runUndoableChange(run: UndoableChange): Promise<boolean> {
  const snapshot = (): Map<string, ItemAnnotation | undefined> =>
    new Map(run.items.map((item) => [item, run.read(item)]));
  const before = snapshot();
  const changedItems = (after: ItemRecords) =>
    run.items.filter((item) => JSON.stringify(before.get(item)) !== JSON.stringify(after.get(item)));
  const fireStep = (after: ItemRecords, changed: readonly string[]) => {
    const only = (records: ItemRecords) => new Map(changed.map((item) => [item, records.get(item)]));
    run.fire({ undo: () => run.restore(only(before)), redo: () => run.restore(only(after)) });
  };

  const writing = run.change();
  const afterAtOnce = snapshot();
  const changedAtOnce = changedItems(afterAtOnce);
  if (changedAtOnce.length > 0) fireStep(afterAtOnce, changedAtOnce);

  let writeFailure: LabelWriteError | undefined;
  try {
    await writing;
  } catch (error) {
    if (!(error instanceof LabelWriteError)) throw error;
    writeFailure = error;
  }

  let changed = changedAtOnce.length > 0;
  if (!changed) {
    // A change the store made only after a wait of its own (text read first, say): its step joins now.
    const after = snapshot();
    const changedLater = changedItems(after);
    if (changedLater.length > 0) fireStep(after, changedLater);
    changed = changedLater.length > 0;
  }
  if (writeFailure) throw writeFailure;
  return changed;
}
