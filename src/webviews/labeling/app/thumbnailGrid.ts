// The thumbnail grid: every item the filter shows as a small picture with its classes as coloured tags, for
// classifying many at once. Only the rows in view and a few around them exist on the page, so 10,000 items scroll
// as lightly as 100; pictures load as their cells come near the view. Each picture is decoded straight to the
// cell's size (an <img> would keep the whole decoded picture, megabytes for a camera photo, for every cell it
// showed), and a cell scrolled away stops its fetch and lets its thumbnail go.
import type { GridCell, GridState, LabelDefinition } from '../contract';

export interface ThumbnailGridEvents {
  /** Enter or a double click on a cell. */
  onOpen(item: string): void;
  /** The focus or the selection changed (the page's position line says how many are selected). */
  onSelectionChange(selected: number, total: number): void;
  /** A thumbnail is about to be fetched: the function returned is called once it is drawn, failed or dropped. */
  onPictureLoad(): () => void;
}

const CELL_WIDTH = 152;
const ROW_HEIGHT = 156;
/** The height of the picture's box in a cell, in CSS pixels (labeling.css sizes `.grid-picture` the same). */
const PICTURE_HEIGHT = 96;
/** Rows made beyond the visible ones, so a short scroll finds them there. */
const OVERSCAN_ROWS = 2;

export class ThumbnailGrid {
  readonly element: HTMLElement;
  private readonly spacer: HTMLElement;
  private cells: GridCell[] = [];
  private positions = new Map<string, number>();
  private imageBase = '';
  private labels: LabelDefinition[] = [];
  private pending = new Set<string>();
  private readonly selected = new Set<string>();
  /** The focused cell's position, and where a Shift selection started. */
  private focus = 0;
  private anchor = 0;
  private columns = 1;
  /** The cells on the page, by item id. */
  private readonly rendered = new Map<string, HTMLElement>();
  /** Thumbnails being fetched or decoded, by item id: aborted when their cell leaves the page. */
  private readonly loads = new Map<string, AbortController>();
  private frame = 0;

  constructor(private readonly events: ThumbnailGridEvents) {
    this.element = document.createElement('div');
    this.element.className = 'grid-stage';
    this.element.tabIndex = 0;
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-multiselectable', 'true');
    this.element.setAttribute('aria-label', 'Thumbnails');
    this.element.setAttribute('data-testid', 'thumbnail-grid');
    this.spacer = document.createElement('div');
    this.spacer.className = 'grid-spacer';
    this.element.append(this.spacer);
    this.element.addEventListener('scroll', () => this.scheduleRender());
    new ResizeObserver(() => this.scheduleRender()).observe(this.element);
    this.element.addEventListener('click', (event) => this.onClick(event));
    this.element.addEventListener('dblclick', (event) => {
      const id = this.cellOf(event)?.dataset.item;
      if (id !== undefined) this.events.onOpen(id);
    });
  }

  /** The list changed: the focus stays on its item if it is still there, else at its place. */
  setState(state: GridState, labels: LabelDefinition[]): void {
    const focused = this.cells[this.focus]?.id;
    this.cells = state.cells;
    this.imageBase = state.imageBase;
    this.labels = labels;
    this.positions = new Map(state.cells.map((cell, position) => [cell.id, position]));
    for (const id of [...this.selected]) if (!this.positions.has(id)) this.selected.delete(id);
    const kept = focused === undefined ? undefined : this.positions.get(focused);
    this.focus = Math.max(0, Math.min(kept ?? this.focus, this.cells.length - 1));
    if (this.selected.size === 0 && this.cells[this.focus]) this.selectOnly(this.focus);
    this.anchor = Math.min(this.anchor, Math.max(0, this.cells.length - 1));
    for (const id of [...this.rendered.keys()]) this.dropCell(id);
    this.render();
    this.reportSelection();
  }

  /** Cells whose classes changed. */
  updateCells(cells: readonly GridCell[]): void {
    for (const cell of cells) {
      const position = this.positions.get(cell.id);
      if (position === undefined) continue;
      this.cells[position] = cell;
      const element = this.rendered.get(cell.id);
      if (element) this.fill(element, cell);
    }
  }

  setPending(items: readonly string[]): void {
    this.pending = new Set(items);
    for (const [id, element] of this.rendered) element.classList.toggle('pending', this.pending.has(id));
  }

  /** The items a number key applies to: the selection. */
  selection(): string[] {
    return this.cells.filter((cell) => this.selected.has(cell.id)).map((cell) => cell.id);
  }

  focusedItem(): string | undefined {
    return this.cells[this.focus]?.id;
  }

  /** Keys of the grid; true when the key was one. */
  handleKey(event: KeyboardEvent): boolean {
    const count = this.cells.length;
    if (count === 0) return false;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      this.cells.forEach((cell) => this.selected.add(cell.id));
      this.render();
      this.reportSelection();
      return true;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const pageRows = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT));
    let target: number;
    switch (event.key) {
      case 'ArrowRight':
        target = this.focus + 1;
        break;
      case 'ArrowLeft':
        target = this.focus - 1;
        break;
      case 'ArrowDown':
        target = this.focus + this.columns;
        break;
      case 'ArrowUp':
        target = this.focus - this.columns;
        break;
      case 'PageDown':
        target = this.focus + pageRows * this.columns;
        break;
      case 'PageUp':
        target = this.focus - pageRows * this.columns;
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = count - 1;
        break;
      case 'Enter': {
        const id = this.focusedItem();
        if (id !== undefined) this.events.onOpen(id);
        return true;
      }
      case 'Escape':
        this.selectOnly(this.focus);
        this.render();
        this.reportSelection();
        return true;
      default:
        return false;
    }
    this.moveFocus(Math.max(0, Math.min(count - 1, target)), event.shiftKey);
    return true;
  }

  private moveFocus(position: number, extend: boolean): void {
    this.focus = position;
    if (extend) {
      this.selected.clear();
      const [from, to] = this.anchor <= position ? [this.anchor, position] : [position, this.anchor];
      for (let index = from; index <= to; index++) this.selected.add(this.cells[index].id);
    } else {
      this.selectOnly(position);
    }
    this.scrollIntoView(position);
    this.render();
    this.reportSelection();
  }

  private selectOnly(position: number): void {
    this.selected.clear();
    this.selected.add(this.cells[position].id);
    this.anchor = position;
  }

  private onClick(event: MouseEvent): void {
    const id = this.cellOf(event)?.dataset.item;
    const position = id === undefined ? undefined : this.positions.get(id);
    if (id === undefined || position === undefined) return;
    this.element.focus();
    if (event.shiftKey) {
      this.moveFocus(position, true);
      return;
    }
    if (event.ctrlKey || event.metaKey) {
      this.focus = position;
      this.anchor = position;
      if (this.selected.has(id)) this.selected.delete(id);
      else this.selected.add(id);
      this.render();
      this.reportSelection();
      return;
    }
    this.moveFocus(position, false);
  }

  private cellOf(event: Event): HTMLElement | undefined {
    return ((event.target as HTMLElement | null)?.closest('.grid-cell') as HTMLElement | null) ?? undefined;
  }

  private scrollIntoView(position: number): void {
    const top = Math.floor(position / this.columns) * ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + this.element.clientHeight)
      this.element.scrollTop = top + ROW_HEIGHT - this.element.clientHeight;
  }

  private reportSelection(): void {
    this.events.onSelectionChange(this.selected.size, this.cells.length);
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Makes the cells of the visible rows (and a few more), reusing those already there, and drops the rest. */
  private render(): void {
    // Off the page (the single view is shown) nothing is made: its pictures would load for nobody to see. The
    // ResizeObserver renders it when it comes back.
    if (!this.element.isConnected) return;
    this.columns = Math.max(1, Math.floor(this.element.clientWidth / CELL_WIDTH));
    const rows = Math.ceil(this.cells.length / this.columns);
    this.spacer.style.height = `${rows * ROW_HEIGHT}px`;
    const firstRow = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
    const lastRow = Math.min(
      rows,
      Math.ceil((this.element.scrollTop + this.element.clientHeight) / ROW_HEIGHT) + OVERSCAN_ROWS,
    );
    const first = firstRow * this.columns;
    const end = Math.min(this.cells.length, lastRow * this.columns);
    const wanted = new Set<string>();
    for (let position = first; position < end; position++) {
      const cell = this.cells[position];
      wanted.add(cell.id);
      let element = this.rendered.get(cell.id);
      if (!element) {
        element = this.createCell(cell);
        this.rendered.set(cell.id, element);
        this.element.append(element);
      }
      element.style.transform = `translate(${(position % this.columns) * CELL_WIDTH}px, ${Math.floor(position / this.columns) * ROW_HEIGHT}px)`;
      const focused = position === this.focus;
      element.classList.toggle('focused', focused);
      element.setAttribute('aria-selected', String(this.selected.has(cell.id)));
      if (focused) this.element.setAttribute('aria-activedescendant', element.id);
    }
    for (const id of [...this.rendered.keys()]) if (!wanted.has(id)) this.dropCell(id);
  }

  /** Takes a cell off the page: its fetch stops and its thumbnail's memory is released now, not at collection. */
  private dropCell(id: string): void {
    this.loads.get(id)?.abort();
    const element = this.rendered.get(id);
    if (!element) return;
    const canvas = element.querySelector('canvas');
    if (canvas) {
      canvas.getContext('bitmaprenderer')?.transferFromImageBitmap(null);
      canvas.width = 0;
      canvas.height = 0;
    }
    element.remove();
    this.rendered.delete(id);
  }

  /**
   * Fetches the cell's picture and decodes it at the size the cell shows it (in device pixels), then hands the
   * small bitmap to the cell's canvas. Only the height is given, so the picture keeps its proportions; the canvas
   * fits it into the box.
   */
  private async drawThumbnail(id: string, element: HTMLElement, canvas: HTMLCanvasElement): Promise<void> {
    const controller = new AbortController();
    this.loads.set(id, controller);
    const settle = this.events.onPictureLoad();
    try {
      const url = `${this.imageBase}/${id.split('/').map(encodeURIComponent).join('/')}`;
      const response = await fetch(url, { signal: controller.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const blob = await response.blob();
      if (controller.signal.aborted) return;
      const bitmap = await createImageBitmap(blob, {
        resizeHeight: Math.max(1, Math.round(PICTURE_HEIGHT * window.devicePixelRatio)),
        resizeQuality: 'medium',
      });
      if (controller.signal.aborted) {
        bitmap.close();
        return;
      }
      const context = canvas.getContext('bitmaprenderer');
      if (!context) {
        bitmap.close();
        throw new Error('no bitmap canvas');
      }
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      context.transferFromImageBitmap(bitmap);
      element.dataset.picture = 'drawn';
    } catch {
      // A picture that cannot be read leaves its cell's box empty; the name and the labels still show.
      if (!controller.signal.aborted) element.dataset.picture = 'failed';
    } finally {
      if (this.loads.get(id) === controller) this.loads.delete(id);
      settle();
    }
  }

  private createCell(cell: GridCell): HTMLElement {
    const element = document.createElement('div');
    element.className = 'grid-cell';
    element.id = `cell-${this.positions.get(cell.id)}`;
    element.setAttribute('role', 'gridcell');
    element.dataset.item = cell.id;
    const picture = document.createElement('canvas');
    picture.className = 'grid-picture';
    picture.width = 0;
    picture.height = 0;
    const name = document.createElement('span');
    name.className = 'grid-name';
    name.textContent = cell.id;
    const tags = document.createElement('div');
    tags.className = 'grid-tags';
    element.append(picture, tags, name);
    this.fill(element, cell);
    void this.drawThumbnail(cell.id, element, picture);
    return element;
  }

  /** The cell's tags, its label in words for screen readers, and whether its change is still being saved. */
  private fill(element: HTMLElement, cell: GridCell): void {
    const tags = element.querySelector('.grid-tags') as HTMLElement;
    tags.replaceChildren(
      ...cell.classes.map((name) => {
        const tag = document.createElement('span');
        tag.className = 'grid-tag';
        tag.textContent = name;
        tag.dataset.label = name;
        const color = this.labels.find((label) => label.name === name)?.color;
        if (color) tag.style.setProperty('--label-color', color);
        return tag;
      }),
    );
    element.classList.toggle('labeled', cell.labeled);
    element.classList.toggle('pending', this.pending.has(cell.id));
    element.setAttribute(
      'aria-label',
      `${cell.id}: ${cell.classes.length ? cell.classes.join(', ') : cell.labeled ? 'none' : 'unlabeled'}`,
    );
  }
}
