import './labeling.css';
import { element } from '../../app/dom';
import { connectToHost } from '../../app/hostConnection';
import {
  labelingMessageNames,
  type FromLabeling,
  type ItemState,
  type LabelDefinition,
  type LabelEdit,
  type Problem,
  type ProgressState,
  type ProjectState,
  type SaveState,
  type ToLabeling,
} from '../contract';
import { ImageCanvas } from './imageCanvas';
import { PictureLoads } from './pictureLoads';
import { TextView } from './textView';
import { ThumbnailGrid } from './thumbnailGrid';

const app = document.getElementById('app') ?? document.body;
app.innerHTML = '';

let project: ProjectState | undefined;
let item: ItemState | null = null;
/** The label new boxes, polygons and spans get: chosen with its button or hotkey. */
let activeLabel: string | undefined;
let counted: ProgressState | undefined;
/** Items whose change is not on disk yet: drawn as pending. */
let pending = new Set<string>();
/** Whether the thumbnail grid is shown instead of one item. */
let gridMode = false;

const header = element('header', 'label-header');
const titleLine = element('div', 'title-line');
const title = element('h1');
const progress = element('span', 'progress');
progress.setAttribute('data-testid', 'progress');
// Says whether the latest changes are on disk: "Saving…" until the host confirms the write, then "Saved".
const saveStatus = element('span', 'save-status');
saveStatus.setAttribute('data-testid', 'save-status');
saveStatus.setAttribute('role', 'status');
titleLine.append(title, progress, saveStatus);

const toolbar = element('div', 'toolbar');
const previousButton = button('◀ Previous (K)', () => navigate('previous'));
const nextButton = button('Next (J) ▶', () => navigate('next'));
const nextUnlabeledButton = button('Next Unlabeled (N)', () => navigate('nextUnlabeled'));
const filterSelect = document.createElement('select');
filterSelect.setAttribute('aria-label', 'Show');
filterSelect.addEventListener('change', () => {
  const value = filterSelect.value;
  host.post(
    'filter',
    value === 'unlabeled'
      ? { unlabeled: true }
      : value.startsWith('label:')
        ? { unlabeled: false, label: value.slice(6) }
        : { unlabeled: false },
  );
  filterSelect.blur();
});
const gridButton = button('Grid (G)', () => toggleGrid());
gridButton.setAttribute('aria-pressed', 'false');
gridButton.hidden = true;
const exportButton = button('Export…', () => host.post('export', null));
const position = element('span', 'position');
toolbar.append(previousButton, nextButton, nextUnlabeledButton, filterSelect, gridButton, exportButton, position);

const labelBar = element('div', 'label-bar');
labelBar.setAttribute('role', 'toolbar');
labelBar.setAttribute('aria-label', 'Labels');
const problemBanner = element('div', 'problem');
problemBanner.setAttribute('role', 'alert');
problemBanner.hidden = true;
const saveProblem = element('div', 'problem');
saveProblem.setAttribute('role', 'alert');
saveProblem.setAttribute('data-testid', 'save-problem');
saveProblem.hidden = true;
const notice = element('p', 'notice');
notice.setAttribute('role', 'status');
notice.setAttribute('data-testid', 'notice');
header.append(titleLine, toolbar, labelBar, problemBanner, saveProblem, notice);

const stage = element('main', 'stage');
const emptyMessage = element('p', 'empty');
emptyMessage.hidden = true;
const help = element('footer', 'help');
app.append(header, stage, help);

const pictureLoads = new PictureLoads((loading) => host.post('pictureLoads', { loading }));
const imageCanvas = new ImageCanvas({
  onAddBox: (rect) => edit({ action: 'addBox', item: currentId(), label: requireLabel(), rect }),
  onUpdateBox: (id, rect) => edit({ action: 'updateBox', item: currentId(), id, rect }),
  onAddPolygon: (points) => edit({ action: 'addPolygon', item: currentId(), label: requireLabel(), points }),
  onUpdatePolygon: (id, segments) => edit({ action: 'updatePolygon', item: currentId(), id, segments }),
  onRendered: (id) => host.post('rendered', { item: id }),
  onStatus: (message) => say(message, 'info'),
  onPictureLoad: (image) => pictureLoads.track(image),
});
const textView = new TextView({
  onRendered: (id) => host.post('rendered', { item: id }),
});
const grid = new ThumbnailGrid({
  onPictureLoad: () => pictureLoads.start(),
  onOpen: (id) => {
    host.post('open', { item: id });
    leaveGrid();
  },
  onSelectionChange: (selected, total) => {
    if (gridMode) position.textContent = `${selected} selected of ${total}`;
  },
});

const host = connectToHost<ToLabeling, FromLabeling>({
  accepts: labelingMessageNames.toWebview,
  onMessage(message) {
    switch (message.type) {
      case 'project':
        showProject(message.payload);
        break;
      case 'progress':
        showProgress(message.payload);
        break;
      case 'save':
        showSaveState(message.payload);
        break;
      case 'grid':
        if (project) grid.setState(message.payload, project.labels);
        break;
      case 'gridCells':
        grid.updateCells(message.payload.cells);
        break;
      case 'item':
        showItem(message.payload);
        break;
      case 'annotation':
        if (item && item.id === message.payload.item) {
          item = { ...item, annotation: message.payload.annotation, labeled: message.payload.labeled };
          drawAnnotation();
        }
        break;
      case 'problem':
        showProblem(message.payload);
        break;
      case 'notice':
        say(message.payload.message, message.payload.severity);
        break;
    }
  },
});

function currentId(): string {
  return item?.id ?? '';
}

function requireLabel(): string {
  return activeLabel ?? project?.labels[0]?.name ?? '';
}

function edit(labelEdit: LabelEdit): void {
  if (!item) return;
  host.post('edit', labelEdit);
}

function navigate(to: 'next' | 'previous' | 'nextUnlabeled'): void {
  host.post('navigate', { to });
}

function say(message: string, severity: 'info' | 'warning'): void {
  notice.textContent = message;
  notice.className = `notice ${severity}`;
}

function showProject(state: ProjectState): void {
  const firstTime = !project || project.task !== state.task;
  project = state;
  title.textContent = state.title;
  if (!activeLabel || !state.labels.some((label) => label.name === activeLabel)) activeLabel = state.labels[0]?.name;
  renderFilter(state);
  renderLabels();
  if (firstTime) renderHelp(state);
  gridButton.hidden = !state.grid;
  if (!state.grid) gridMode = false;
  showStage();
  imageCanvas.setMode(state.kind, state.labels);
}

function showStage(): void {
  if (!project) return;
  const view = gridMode ? grid.element : project.image ? imageCanvas.element : textView.element;
  if (stage.firstChild !== view) stage.replaceChildren(view, emptyMessage);
  gridButton.setAttribute('aria-pressed', String(gridMode));
}

function toggleGrid(): void {
  if (!project?.grid) return;
  if (gridMode) {
    const focused = grid.focusedItem();
    if (focused !== undefined) host.post('open', { item: focused });
    leaveGrid();
    return;
  }
  gridMode = true;
  showStage();
  host.post('gridView', { shown: true });
  grid.element.focus();
}

function leaveGrid(): void {
  gridMode = false;
  showStage();
  if (item) showItem(item);
}

function showProgress(state: ProgressState): void {
  counted = state;
  progress.textContent = `${state.labeled} / ${state.total} labeled`;
}

function showSaveState(state: SaveState): void {
  const wasPending = pending.size > 0;
  pending = new Set(state.pending);
  grid.setPending(state.pending);
  saveStatus.className = 'save-status';
  if (state.failure) {
    saveStatus.textContent = 'Not saved';
    saveStatus.classList.add('failed');
  } else if (pending.size > 0) {
    saveStatus.textContent = 'Saving…';
    saveStatus.classList.add('saving');
  } else if (wasPending || saveStatus.textContent) {
    saveStatus.textContent = 'Saved';
    saveStatus.classList.add('saved');
  }
  saveProblem.replaceChildren();
  saveProblem.hidden = !state.failure;
  if (state.failure)
    saveProblem.append(
      element(
        'p',
        undefined,
        `${state.failure.message}. The change${pending.size === 1 ? ' is' : 's are'} kept here, not on disk yet: fix the cause, then Retry.`,
      ),
      button('Retry', () => host.post('retrySave', null)),
      button('Reveal File', () => host.post('revealAnnotations', null)),
    );
  if (item) drawPosition(item);
  renderLabels();
}

function drawPosition(state: ItemState): void {
  if (gridMode) return;
  const mark = pending.has(state.id) ? ' … saving' : state.labeled ? ' ✓' : '';
  position.textContent = `${state.index >= 0 ? state.index + 1 : '–'} of ${state.count}: ${state.id}${mark}`;
}

function renderFilter(state: ProjectState): void {
  const options: Array<[string, string]> = [
    ['all', 'All items'],
    ['unlabeled', 'Unlabeled'],
    ...state.labels.map((label): [string, string] => [`label:${label.name}`, `Labeled ${label.name}`]),
  ];
  filterSelect.replaceChildren(
    ...options.map(([value, text]) => {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = text;
      return option;
    }),
  );
  filterSelect.value = state.filter.unlabeled
    ? 'unlabeled'
    : state.filter.label !== undefined
      ? `label:${state.filter.label}`
      : 'all';
}

function renderLabels(): void {
  if (!project) return;
  imageCanvas.activeLabel = activeLabel;
  const chosen = new Set(item?.annotation.classes ?? []);
  const classes = project.kind === 'classes';
  labelBar.replaceChildren(
    ...project.labels.map((label) => {
      const labelButton = button(label.hotkey ? `${label.hotkey} ${label.name}` : label.name, () => useLabel(label));
      labelButton.classList.add('label-button');
      labelButton.style.setProperty('--label-color', label.color);
      const pressed = classes ? chosen.has(label.name) : label.name === activeLabel;
      labelButton.setAttribute('aria-pressed', String(pressed));
      // A class chosen but not on disk yet.
      labelButton.classList.toggle('pending', classes && pressed && item !== null && pending.has(item.id));
      labelButton.dataset.label = label.name;
      return labelButton;
    }),
  );
  if (project.kind !== 'classes') {
    const empty = button('Nothing here (E)', () => item && edit({ action: 'markEmpty', item: item.id }));
    labelBar.append(empty);
  }
}

function renderHelp(state: ProjectState): void {
  const keys = ['J / → next', 'K / ← previous', 'N next unlabeled', 'Ctrl+Z undo'];
  if (state.kind === 'classes')
    keys.unshift(state.multiLabel ? 'number keys toggle a label' : 'number keys set the label');
  if (state.kind === 'boxes')
    keys.unshift(
      'drag to draw a box (B: draw over boxes)',
      'drag a box or its handles',
      'Delete removes',
      'wheel / + - zoom, 0 fit, Space+drag pan',
    );
  if (state.kind === 'polygons')
    keys.unshift(
      'P then click points, Enter closes',
      'click a polygon, drag it or its points',
      'Delete removes',
      'wheel / + - zoom, 0 fit, Space+drag pan',
    );
  if (state.kind === 'spans') {
    keys.splice(0, 2, 'J next', 'K previous');
    keys.unshift('select text (mouse, or Shift+arrows), then a number key', 'click a span, Delete removes');
  }
  if (state.grid)
    keys.push(
      'G thumbnail grid: arrows move, Shift+arrows or Ctrl+A select, number keys label the selection, Enter opens',
    );
  keys.push('A / R accept / reject the clicked suggestion, or all');
  help.textContent = keys.join(' · ');
}

function useLabel(label: LabelDefinition): void {
  if (gridMode) {
    const items = grid.selection();
    if (items.length > 0) host.post('classifyItems', { items, label: label.name });
    return;
  }
  if (!project || !item) return;
  if (project.kind === 'classes') {
    edit({ action: 'toggleClass', item: item.id, label: label.name });
    return;
  }
  activeLabel = label.name;
  if (project.kind === 'boxes') {
    const selected = imageCanvas.selectedBox();
    if (selected) edit({ action: 'setBoxLabel', item: item.id, id: selected, label: label.name });
  }
  if (project.kind === 'polygons') {
    const selected = imageCanvas.selectedPolygon();
    if (selected) edit({ action: 'setPolygonLabel', item: item.id, id: selected, label: label.name });
  }
  if (project.kind === 'spans') {
    const range = textView.selection();
    if (range) {
      edit({ action: 'addSpan', item: item.id, label: label.name, start: range.start, end: range.end });
      textView.collapseSelection();
    }
  }
  renderLabels();
}

function showItem(state: ItemState | null): void {
  item = state;
  if (!state || !project) {
    emptyMessage.hidden = false;
    emptyMessage.textContent =
      project && (counted === undefined || counted.total > 0)
        ? 'No item matches the filter: choose "All items" to see every item.'
        : 'This project has no items yet: add images or texts to its source folder.';
    position.textContent = '';
    imageCanvas.clear();
    textView.clear();
    renderLabels();
    return;
  }
  emptyMessage.hidden = true;
  drawPosition(state);
  if (project.image && state.imageUri)
    imageCanvas.show(state.id, state.imageUri, state.annotation, project.labels, state.prefetch);
  if (!project.image)
    textView.show(state.id, state.text ?? '', state.annotation, project.labels, project.kind === 'spans');
  renderLabels();
}

function drawAnnotation(): void {
  if (!item || !project) return;
  drawPosition(item);
  if (project.image) imageCanvas.setAnnotation(item.annotation);
  else textView.setAnnotation(item.annotation);
  renderLabels();
}

function showProblem(value: Problem | null): void {
  problemBanner.replaceChildren();
  problemBanner.hidden = value === null;
  if (!value) return;
  if (value.kind === 'error') {
    problemBanner.append(element('p', undefined, value.message));
    if (!project) problemBanner.append(button('Open as JSON', () => host.post('openAsText', null)));
    return;
  }
  const count = value.lines.length;
  problemBanner.append(
    element(
      'p',
      undefined,
      `${value.file} has ${count} unreadable line${count === 1 ? '' : 's'}; nothing is written until you choose what to do with ${count === 1 ? 'it' : 'them'}.`,
    ),
  );
  const list = element('ul');
  for (const line of value.lines.slice(0, 10))
    list.append(element('li', undefined, `Line ${line.line}: ${line.reason}`));
  if (count > 10) list.append(element('li', undefined, `… and ${count - 10} more`));
  problemBanner.append(
    list,
    button('Discard Corrupt Lines', () => host.post('resolveCorrupt', { choice: 'discard' })),
    button('Keep Them Aside', () => host.post('resolveCorrupt', { choice: 'keepAside' })),
  );
}

document.addEventListener('keydown', (event) => {
  if (!project) return;
  const target = event.target as HTMLElement | null;
  if (target && (target.tagName === 'SELECT' || target.tagName === 'INPUT')) return;
  if (gridMode && grid.handleKey(event)) {
    event.preventDefault();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (project.grid && event.key.toLowerCase() === 'g') {
    toggleGrid();
    event.preventDefault();
    return;
  }
  if (project.kind === 'spans' && textView.handleKey(event)) {
    event.preventDefault();
    return;
  }
  if (project.image && !gridMode && imageCanvas.handleKey(event)) {
    event.preventDefault();
    return;
  }
  const key = event.key;
  const label = project.labels.find(
    (candidate) => candidate.hotkey !== undefined && candidate.hotkey.toLowerCase() === key.toLowerCase(),
  );
  if (label) {
    useLabel(label);
    event.preventDefault();
    return;
  }
  // The grid moves with the arrows; going through items one by one is the single view's.
  if (gridMode) return;
  const spans = project.kind === 'spans';
  let handled = true;
  switch (key.toLowerCase()) {
    case 'j':
      navigate('next');
      break;
    case 'k':
      navigate('previous');
      break;
    case 'arrowright':
      if (spans) handled = false;
      else navigate('next');
      break;
    case 'arrowleft':
      if (spans) handled = false;
      else navigate('previous');
      break;
    case 'n':
      navigate('nextUnlabeled');
      break;
    case 'e':
      if (item && project.kind !== 'classes') edit({ action: 'markEmpty', item: item.id });
      break;
    case 'a':
    case 'r':
      decideSuggestions(key.toLowerCase() === 'a');
      break;
    case 'delete':
    case 'backspace':
      deleteSelected();
      break;
    default:
      handled = false;
  }
  if (handled) event.preventDefault();
});

/** A or R: the clicked suggestion alone, else every suggestion of the item. */
function decideSuggestions(accept: boolean): void {
  if (!item?.annotation.suggestions?.length || !project) return;
  const id = project.image ? imageCanvas.selectedSuggestion() : textView.selectedSuggestion();
  if (id) edit({ action: accept ? 'acceptSuggestion' : 'rejectSuggestion', item: item.id, id });
  else edit({ action: accept ? 'acceptAllSuggestions' : 'rejectAllSuggestions', item: item.id });
}

function deleteSelected(): void {
  if (!item || !project) return;
  if (project.kind === 'boxes') {
    const id = imageCanvas.selectedBox();
    if (id) edit({ action: 'deleteBox', item: item.id, id });
  } else if (project.kind === 'polygons') {
    const id = imageCanvas.selectedPolygon();
    if (id) edit({ action: 'deletePolygon', item: item.id, id });
  } else if (project.kind === 'spans') {
    const id = textView.selectedSpan();
    if (id) edit({ action: 'deleteSpan', item: item.id, id });
  }
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const created = element('button', undefined, text);
  created.type = 'button';
  created.addEventListener('click', () => {
    onClick();
    // Keys go to the page, not to the button, after a click.
    created.blur();
  });
  return created;
}
