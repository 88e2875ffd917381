// One label action of the editor, applied to the store.
import type { LabelStore } from '../core/labeling/store';
import type { LabelEdit } from '../webviews/labeling/contract';

/** Applies `edit`; `text` is the item's text, for spans (they are widened to whole tokens). */
export async function applyLabelEdit(store: LabelStore, edit: LabelEdit, text: string | undefined): Promise<void> {
  const { item } = edit;
  switch (edit.action) {
    case 'toggleClass':
      return store.toggleClass(item, edit.label);
    case 'addBox':
      await store.addBox(item, edit.label, edit.rect);
      return;
    case 'updateBox':
      return store.updateBox(item, edit.id, edit.rect);
    case 'setBoxLabel':
      return store.setBoxLabel(item, edit.id, edit.label);
    case 'deleteBox':
      return store.deleteBox(item, edit.id);
    case 'addPolygon':
      await store.addPolygon(item, edit.label, [edit.points]);
      return;
    case 'updatePolygon':
      return store.updatePolygon(item, edit.id, edit.segments);
    case 'setPolygonLabel':
      return store.setPolygonLabel(item, edit.id, edit.label);
    case 'deletePolygon':
      return store.deletePolygon(item, edit.id);
    case 'addSpan':
      await store.addSpan(item, edit.label, edit.start, edit.end, text);
      return;
    case 'deleteSpan':
      return store.deleteSpan(item, edit.id);
    case 'markEmpty':
      return store.markLabeledEmpty(item);
    case 'clear':
      return store.clearItem(item);
    case 'acceptSuggestion':
      return store.acceptSuggestion(item, edit.id);
    case 'rejectSuggestion':
      return store.rejectSuggestion(item, edit.id);
    case 'acceptAllSuggestions':
      await store.acceptAllSuggestions(item);
      return;
    case 'rejectAllSuggestions':
      return store.rejectAllSuggestions(item);
  }
}

/** What Edit > Undo names. */
export function editDescription(edit: LabelEdit): string {
  switch (edit.action) {
    case 'toggleClass':
      return `Label ${edit.label}`;
    case 'addBox':
      return `Add ${edit.label} box`;
    case 'updateBox':
      return 'Move box';
    case 'setBoxLabel':
      return `Relabel box as ${edit.label}`;
    case 'deleteBox':
      return 'Delete box';
    case 'addPolygon':
      return `Add ${edit.label} polygon`;
    case 'updatePolygon':
      return 'Edit polygon';
    case 'setPolygonLabel':
      return `Relabel polygon as ${edit.label}`;
    case 'deletePolygon':
      return 'Delete polygon';
    case 'addSpan':
      return `Label span ${edit.label}`;
    case 'deleteSpan':
      return 'Delete span';
    case 'markEmpty':
      return 'Mark labeled: nothing';
    case 'clear':
      return 'Clear labels';
    case 'acceptSuggestion':
    case 'acceptAllSuggestions':
      return 'Accept suggestion';
    case 'rejectSuggestion':
    case 'rejectAllSuggestions':
      return 'Reject suggestion';
  }
}
