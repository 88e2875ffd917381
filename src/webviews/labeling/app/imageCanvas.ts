// The image, its boxes and polygons on a canvas: zoom, pan, draw, select, move, resize. Coordinates the host
// sees are fractions of the image's width and height.
import type { AnnotationKind, ItemAnnotation, LabelDefinition, Rect } from '../contract';

export interface ImageCanvasEvents {
  onAddBox(rect: Rect): void;
  onUpdateBox(id: string, rect: Rect): void;
  onAddPolygon(points: number[]): void;
  onUpdatePolygon(id: string, segments: number[][]): void;
  onRendered(item: string): void;
  onStatus(message: string): void;
  /** A picture is about to be fetched. */
  onPictureLoad(image: HTMLImageElement): void;
}

type Handle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w';
type Drag =
  | { kind: 'pan'; startX: number; startY: number; offsetX: number; offsetY: number }
  | { kind: 'draw'; from: Point; to: Point }
  | { kind: 'move'; id: string; from: Point; original: Rect; current: Rect }
  | { kind: 'resize'; id: string; handle: Handle; original: Rect; current: Rect }
  | { kind: 'vertex'; id: string; segment: number; vertex: number; original: number[][]; current: number[][] }
  | { kind: 'movePolygon'; id: string; from: Point; original: number[][]; current: number[][] };

interface Point {
  x: number;
  y: number;
}

/** A picture on its way or decoded: `ready` once it can be drawn without waiting. */
interface Picture {
  image: HTMLImageElement;
  decoded: Promise<void>;
  ready: boolean;
}

/**
 * Pictures kept decoded: the one shown, those the host says come next and the one before. More would only hold
 * memory; a picture let go is decoded again if it comes back.
 */
const KEPT_PICTURES = 5;
const HANDLE_RADIUS = 6;
/** Smaller drags are clicks, not boxes. */
const MIN_BOX_PIXELS = 3;
const ZOOM_STEP = 1.25;

export class ImageCanvas {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private image: HTMLImageElement | undefined;
  /** Most recently used last. */
  private readonly pictures = new Map<string, Picture>();
  private itemId = '';
  private annotation: ItemAnnotation = { item: '' };
  private labels: LabelDefinition[] = [];
  private kind: AnnotationKind = 'classes';
  private scale = 1;
  private offsetX = 0;
  private offsetY = 0;
  private drag: Drag | undefined;
  private spaceHeld = false;
  /** B: the next drag draws even over a box. */
  private drawMode = false;
  private polygonPoints: Point[] | undefined;
  private selectedBoxId: string | undefined;
  private selectedPolygonId: string | undefined;
  private selectedSuggestionId: string | undefined;
  private pointer: Point | undefined;
  /** The label a new box or polygon gets, for its colour while it is drawn. */
  activeLabel: string | undefined;

  constructor(private readonly events: ImageCanvasEvents) {
    this.element = document.createElement('div');
    this.element.className = 'image-stage';
    this.canvas = document.createElement('canvas');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Image');
    this.canvas.setAttribute('data-testid', 'image-canvas');
    this.element.append(this.canvas);
    this.context = this.canvas.getContext('2d') as CanvasRenderingContext2D;
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.canvas.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.canvas.addEventListener('mousedown', (event) => this.onMouseDown(event));
    window.addEventListener('mousemove', (event) => this.onMouseMove(event));
    window.addEventListener('mouseup', (event) => this.onMouseUp(event));
    window.addEventListener('keyup', (event) => {
      if (event.key === ' ') this.spaceHeld = false;
    });
    this.canvas.addEventListener('auxclick', (event) => event.preventDefault());
  }

  setMode(kind: AnnotationKind, labels: LabelDefinition[]): void {
    this.kind = kind;
    this.labels = labels;
    this.draw();
  }

  /**
   * Shows a picture, drawn once it has decoded (so drawing never waits for a decode), and starts decoding
   * `prefetch`, the pictures likely to be asked for next, so they show at once.
   */
  show(
    itemId: string,
    uri: string,
    annotation: ItemAnnotation,
    labels: LabelDefinition[],
    prefetch: readonly string[] = [],
  ): void {
    const sameItem = itemId === this.itemId;
    this.itemId = itemId;
    this.annotation = annotation;
    this.labels = labels;
    this.polygonPoints = undefined;
    if (!sameItem) {
      this.selectedBoxId = undefined;
      this.selectedPolygonId = undefined;
      this.selectedSuggestionId = undefined;
    }
    if (sameItem && this.image?.complete) {
      this.draw();
      this.events.onRendered(itemId);
      return;
    }
    const picture = this.picture(uri);
    this.image = picture.image;
    for (const next of prefetch) this.picture(next);
    if (picture.ready) {
      this.drawn(itemId);
      return;
    }
    // Nothing of the previous picture stays on the canvas while this one decodes.
    this.draw();
    picture.decoded.then(
      () => {
        if (this.image === picture.image) this.drawn(itemId);
      },
      () => {
        if (this.image === picture.image) this.events.onStatus(`The image ${itemId} cannot be shown.`);
      },
    );
  }

  /** The picture of `uri`, decoding or decoded; the least recently used beyond KEPT_PICTURES are let go. */
  private picture(uri: string): Picture {
    const known = this.pictures.get(uri);
    if (known) {
      this.pictures.delete(uri);
      this.pictures.set(uri, known);
      return known;
    }
    const image = new Image();
    this.events.onPictureLoad(image);
    image.src = uri;
    const picture: Picture = { image, ready: false, decoded: Promise.resolve() };
    picture.decoded = image.decode().then(() => {
      picture.ready = true;
    });
    // A prefetch nobody shows fails quietly; show() reports a failure of the picture shown.
    picture.decoded.catch(() => this.pictures.delete(uri));
    this.pictures.set(uri, picture);
    for (const oldest of this.pictures.keys()) {
      if (this.pictures.size <= KEPT_PICTURES) break;
      if (this.pictures.get(oldest)?.image !== this.image) this.pictures.delete(oldest);
    }
    return picture;
  }

  /** The picture is decoded: fit it, draw it and say so. */
  private drawn(itemId: string): void {
    this.fit();
    // Says which picture is on the canvas, for tests and screen readers' labels alike.
    this.canvas.dataset.item = itemId;
    this.canvas.setAttribute('aria-label', `Image ${itemId}`);
    this.events.onRendered(itemId);
  }

  setAnnotation(annotation: ItemAnnotation): void {
    this.annotation = annotation;
    if (this.selectedBoxId && !annotation.boxes?.some((box) => box.id === this.selectedBoxId))
      this.selectedBoxId = undefined;
    if (this.selectedPolygonId && !annotation.polygons?.some((polygon) => polygon.id === this.selectedPolygonId))
      this.selectedPolygonId = undefined;
    this.draw();
  }

  clear(): void {
    this.image = undefined;
    this.itemId = '';
    this.draw();
  }

  selectedBox(): string | undefined {
    return this.selectedBoxId;
  }

  selectedPolygon(): string | undefined {
    return this.selectedPolygonId;
  }

  /** The suggestion clicked last, which A and R then accept or reject alone. */
  selectedSuggestion(): string | undefined {
    return this.selectedSuggestionId;
  }

  /** Keys of the image tools; true when the key was one. */
  handleKey(event: KeyboardEvent): boolean {
    switch (event.key) {
      case ' ':
        this.spaceHeld = true;
        return true;
      case '+':
      case '=':
        this.zoomAt(this.canvas.clientWidth / 2, this.canvas.clientHeight / 2, ZOOM_STEP);
        return true;
      case '-':
        this.zoomAt(this.canvas.clientWidth / 2, this.canvas.clientHeight / 2, 1 / ZOOM_STEP);
        return true;
      case '0':
        this.fit();
        return true;
      case 'b':
      case 'B':
        if (this.kind !== 'boxes') return false;
        this.drawMode = !this.drawMode;
        this.events.onStatus(
          this.drawMode
            ? 'Draw: drag to draw a box, even over others (B again to stop).'
            : 'Select: drag boxes and their handles.',
        );
        return true;
      case 'p':
      case 'P':
        if (this.kind !== 'polygons') return false;
        this.polygonPoints = [];
        this.events.onStatus('Polygon: click its points, Enter closes it, Escape cancels.');
        return true;
      case 'Enter':
        if (!this.polygonPoints) return false;
        if (this.polygonPoints.length < 3) {
          this.events.onStatus('A polygon needs at least three points.');
          return true;
        }
        this.events.onAddPolygon(this.polygonPoints.flatMap((point) => [point.x, point.y]));
        this.polygonPoints = undefined;
        this.events.onStatus('Polygon closed: click it to select it, then drag it or its points.');
        this.draw();
        return true;
      case 'Escape':
        if (this.polygonPoints) this.polygonPoints = undefined;
        else if (this.drag) this.drag = undefined;
        else {
          this.selectedBoxId = undefined;
          this.selectedPolygonId = undefined;
        }
        this.draw();
        return true;
      default:
        return false;
    }
  }

  private resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const width = this.element.clientWidth;
    const height = this.element.clientHeight;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.fit();
  }

  private fit(): void {
    const image = this.image;
    const width = this.canvas.clientWidth;
    const height = this.canvas.clientHeight;
    if (!image || !image.naturalWidth || !width || !height) {
      this.draw();
      return;
    }
    this.scale = Math.min(width / image.naturalWidth, height / image.naturalHeight);
    this.offsetX = (width - image.naturalWidth * this.scale) / 2;
    this.offsetY = (height - image.naturalHeight * this.scale) / 2;
    this.draw();
  }

  private zoomAt(x: number, y: number, factor: number): void {
    const next = Math.min(50, Math.max(0.02, this.scale * factor));
    const applied = next / this.scale;
    this.offsetX = x - (x - this.offsetX) * applied;
    this.offsetY = y - (y - this.offsetY) * applied;
    this.scale = next;
    this.draw();
  }

  /** Canvas (CSS pixel) position of a mouse event. */
  private canvasPoint(event: MouseEvent): Point {
    const bounds = this.canvas.getBoundingClientRect();
    return { x: event.clientX - bounds.left, y: event.clientY - bounds.top };
  }

  /** Normalized image position of a canvas point, clamped to the image. */
  private toImage(point: Point): Point {
    const image = this.image as HTMLImageElement;
    const x = (point.x - this.offsetX) / this.scale / image.naturalWidth;
    const y = (point.y - this.offsetY) / this.scale / image.naturalHeight;
    return { x: Math.min(1, Math.max(0, x)), y: Math.min(1, Math.max(0, y)) };
  }

  private toCanvas(x: number, y: number): Point {
    const image = this.image as HTMLImageElement;
    return {
      x: this.offsetX + x * image.naturalWidth * this.scale,
      y: this.offsetY + y * image.naturalHeight * this.scale,
    };
  }

  private onWheel(event: WheelEvent): void {
    if (!this.image) return;
    event.preventDefault();
    const point = this.canvasPoint(event);
    this.zoomAt(point.x, point.y, event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP);
  }

  private onMouseDown(event: MouseEvent): void {
    if (!this.image?.naturalWidth) return;
    this.canvas.focus();
    const point = this.canvasPoint(event);
    if (event.button === 1 || (event.button === 0 && this.spaceHeld)) {
      event.preventDefault();
      this.drag = { kind: 'pan', startX: point.x, startY: point.y, offsetX: this.offsetX, offsetY: this.offsetY };
      return;
    }
    if (event.button !== 0) return;
    const at = this.toImage(point);
    this.selectedSuggestionId = [...(this.annotation.suggestions ?? [])].reverse().find((suggestion) => {
      if (suggestion.kind === 'box' && suggestion.left !== undefined) return contains(suggestion as Rect, at);
      return suggestion.kind === 'polygon' && (suggestion.segments ?? []).some((segment) => insidePolygon(segment, at));
    })?.id;
    if (this.kind === 'polygons') {
      if (this.polygonPoints) {
        this.polygonPoints.push(at);
      } else {
        this.startPolygonDrag(point, at);
      }
      this.draw();
      return;
    }
    if (this.kind !== 'boxes') return;
    if (!this.drawMode) {
      const selected = this.annotation.boxes?.find((box) => box.id === this.selectedBoxId);
      const handle = selected && this.handleAt(selected, point);
      if (selected && handle) {
        this.drag = { kind: 'resize', id: selected.id, handle, original: rectOf(selected), current: rectOf(selected) };
        return;
      }
      const hit = [...(this.annotation.boxes ?? [])].reverse().find((box) => contains(box, at));
      if (hit) {
        this.selectedBoxId = hit.id;
        this.drag = { kind: 'move', id: hit.id, from: at, original: rectOf(hit), current: rectOf(hit) };
        this.draw();
        return;
      }
    }
    this.selectedBoxId = undefined;
    this.drag = { kind: 'draw', from: at, to: at };
    this.draw();
  }

  /** A point of the selected polygon under the pointer drags that point; a click inside a polygon selects and drags it. */
  private startPolygonDrag(point: Point, at: Point): void {
    const selected = this.annotation.polygons?.find((polygon) => polygon.id === this.selectedPolygonId);
    if (selected) {
      for (let segment = 0; segment < selected.segments.length; segment++) {
        const points = selected.segments[segment];
        for (let vertex = 0; vertex * 2 < points.length; vertex++) {
          const handle = this.toCanvas(points[vertex * 2], points[vertex * 2 + 1]);
          if (Math.abs(handle.x - point.x) <= HANDLE_RADIUS && Math.abs(handle.y - point.y) <= HANDLE_RADIUS) {
            const original = selected.segments.map((outline) => [...outline]);
            this.drag = { kind: 'vertex', id: selected.id, segment, vertex, original, current: original };
            return;
          }
        }
      }
    }
    const hit = [...(this.annotation.polygons ?? [])]
      .reverse()
      .find((polygon) => polygon.segments.some((segment) => insidePolygon(segment, at)));
    this.selectedPolygonId = hit?.id;
    if (hit) {
      const original = hit.segments.map((outline) => [...outline]);
      this.drag = { kind: 'movePolygon', id: hit.id, from: at, original, current: original };
    }
  }

  private onMouseMove(event: MouseEvent): void {
    if (!this.image?.naturalWidth) return;
    const point = this.canvasPoint(event);
    this.pointer = point;
    const drag = this.drag;
    if (!drag) {
      if (this.polygonPoints) this.draw();
      return;
    }
    const at = this.toImage(point);
    switch (drag.kind) {
      case 'pan':
        this.offsetX = drag.offsetX + point.x - drag.startX;
        this.offsetY = drag.offsetY + point.y - drag.startY;
        break;
      case 'draw':
        drag.to = at;
        break;
      case 'move': {
        const { left, top, right, bottom } = drag.original;
        const dx = Math.min(1 - right, Math.max(-left, at.x - drag.from.x));
        const dy = Math.min(1 - bottom, Math.max(-top, at.y - drag.from.y));
        drag.current = { left: left + dx, top: top + dy, right: right + dx, bottom: bottom + dy };
        break;
      }
      case 'vertex':
        drag.current = drag.original.map((outline, segment) =>
          segment === drag.segment
            ? outline.map((value, index) =>
                index === drag.vertex * 2 ? at.x : index === drag.vertex * 2 + 1 ? at.y : value,
              )
            : outline,
        );
        break;
      case 'movePolygon': {
        // The whole shape stays inside the picture.
        const xs = drag.original.flatMap((outline) => outline.filter((_, index) => index % 2 === 0));
        const ys = drag.original.flatMap((outline) => outline.filter((_, index) => index % 2 === 1));
        const dx = Math.min(1 - Math.max(...xs), Math.max(-Math.min(...xs), at.x - drag.from.x));
        const dy = Math.min(1 - Math.max(...ys), Math.max(-Math.min(...ys), at.y - drag.from.y));
        drag.current = drag.original.map((outline) =>
          outline.map((value, index) => value + (index % 2 === 0 ? dx : dy)),
        );
        break;
      }
      case 'resize': {
        const rect = { ...drag.original };
        if (drag.handle.includes('w')) rect.left = at.x;
        if (drag.handle.includes('e')) rect.right = at.x;
        if (drag.handle.includes('n')) rect.top = at.y;
        if (drag.handle.includes('s')) rect.bottom = at.y;
        drag.current = rect;
        break;
      }
    }
    this.draw();
  }

  private onMouseUp(event: MouseEvent): void {
    const drag = this.drag;
    if (!drag) return;
    this.drag = undefined;
    const image = this.image as HTMLImageElement;
    switch (drag.kind) {
      case 'draw': {
        const width = Math.abs(drag.to.x - drag.from.x) * image.naturalWidth;
        const height = Math.abs(drag.to.y - drag.from.y) * image.naturalHeight;
        if (width >= MIN_BOX_PIXELS && height >= MIN_BOX_PIXELS)
          this.events.onAddBox({
            left: Math.min(drag.from.x, drag.to.x),
            top: Math.min(drag.from.y, drag.to.y),
            right: Math.max(drag.from.x, drag.to.x),
            bottom: Math.max(drag.from.y, drag.to.y),
          });
        break;
      }
      case 'move':
      case 'resize':
        if (!sameRect(drag.current, drag.original)) {
          const normalized = normalizeRect(drag.current);
          // Draw the box where it was dropped until the host's answer arrives.
          const box = this.annotation.boxes?.find((candidate) => candidate.id === drag.id);
          if (box) Object.assign(box, normalized);
          this.events.onUpdateBox(drag.id, normalized);
        }
        break;
      case 'vertex':
      case 'movePolygon':
        if (JSON.stringify(drag.current) !== JSON.stringify(drag.original)) {
          const polygon = this.annotation.polygons?.find((candidate) => candidate.id === drag.id);
          if (polygon) polygon.segments = drag.current;
          this.events.onUpdatePolygon(drag.id, drag.current);
        }
        break;
      case 'pan':
        break;
    }
    event.preventDefault();
    this.draw();
  }

  private handleAt(box: Rect, point: Point): Handle | undefined {
    for (const [handle, position] of this.handles(box)) {
      if (Math.abs(position.x - point.x) <= HANDLE_RADIUS && Math.abs(position.y - point.y) <= HANDLE_RADIUS)
        return handle;
    }
    return undefined;
  }

  private handles(box: Rect): Array<[Handle, Point]> {
    const middleX = (box.left + box.right) / 2;
    const middleY = (box.top + box.bottom) / 2;
    return [
      ['nw', this.toCanvas(box.left, box.top)],
      ['n', this.toCanvas(middleX, box.top)],
      ['ne', this.toCanvas(box.right, box.top)],
      ['e', this.toCanvas(box.right, middleY)],
      ['se', this.toCanvas(box.right, box.bottom)],
      ['s', this.toCanvas(middleX, box.bottom)],
      ['sw', this.toCanvas(box.left, box.bottom)],
      ['w', this.toCanvas(box.left, middleY)],
    ];
  }

  private colorOf(label: string): string {
    return this.labels.find((candidate) => candidate.name === label)?.color ?? '#888888';
  }

  private draw(): void {
    const context = this.context;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    const image = this.image;
    if (!image?.naturalWidth) return;
    context.imageSmoothingEnabled = this.scale < 2;
    context.drawImage(
      image,
      this.offsetX,
      this.offsetY,
      image.naturalWidth * this.scale,
      image.naturalHeight * this.scale,
    );
    const drag = this.drag;
    for (const box of this.annotation.boxes ?? []) {
      const rect =
        drag && (drag.kind === 'move' || drag.kind === 'resize') && drag.id === box.id
          ? normalizeRect(drag.current)
          : box;
      this.drawRect(rect, this.colorOf(box.label), box.label, box.id === this.selectedBoxId, false);
    }
    for (const polygon of this.annotation.polygons ?? []) {
      const segments =
        drag && (drag.kind === 'vertex' || drag.kind === 'movePolygon') && drag.id === polygon.id
          ? drag.current
          : polygon.segments;
      for (const segment of segments)
        this.drawPolygon(
          segment,
          this.colorOf(polygon.label),
          polygon.id === this.selectedPolygonId,
          false,
          polygon.label,
        );
    }
    for (const suggestion of this.annotation.suggestions ?? []) {
      const color = this.colorOf(suggestion.label);
      const caption = `${suggestion.label}?${suggestion.score === undefined ? '' : ` ${Math.round(suggestion.score * 100)}%`}`;
      const chosen = suggestion.id === this.selectedSuggestionId;
      if (suggestion.kind === 'box' && suggestion.left !== undefined)
        this.drawRect(suggestion as Rect, color, caption, chosen, true);
      if (suggestion.kind === 'polygon')
        for (const segment of suggestion.segments ?? []) this.drawPolygon(segment, color, chosen, true, caption);
    }
    if (drag?.kind === 'draw') {
      const rect = normalizeRect({ left: drag.from.x, top: drag.from.y, right: drag.to.x, bottom: drag.to.y });
      this.drawRect(rect, this.colorOf(this.activeLabel ?? this.labels[0]?.name ?? ''), '', false, true);
    }
    if (this.polygonPoints && this.polygonPoints.length > 0) {
      context.strokeStyle = this.colorOf(this.activeLabel ?? this.labels[0]?.name ?? '');
      context.lineWidth = 2;
      context.beginPath();
      this.polygonPoints.forEach((point, index) => {
        const at = this.toCanvas(point.x, point.y);
        if (index === 0) context.moveTo(at.x, at.y);
        else context.lineTo(at.x, at.y);
      });
      if (this.pointer) context.lineTo(this.pointer.x, this.pointer.y);
      context.stroke();
    }
  }

  private drawRect(rect: Rect, color: string, caption: string, selected: boolean, dashed: boolean): void {
    const context = this.context;
    const topLeft = this.toCanvas(rect.left, rect.top);
    const bottomRight = this.toCanvas(rect.right, rect.bottom);
    context.setLineDash(dashed ? [6, 4] : []);
    context.lineWidth = selected ? 3 : 2;
    context.strokeStyle = color;
    context.strokeRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    context.setLineDash([]);
    if (caption) this.caption(caption, color, topLeft);
    if (selected) {
      context.fillStyle = '#ffffff';
      for (const [, point] of this.handles(rect)) {
        context.fillRect(point.x - 4, point.y - 4, 8, 8);
        context.strokeRect(point.x - 4, point.y - 4, 8, 8);
      }
    }
  }

  private drawPolygon(segment: number[], color: string, selected: boolean, dashed: boolean, caption: string): void {
    const context = this.context;
    context.setLineDash(dashed ? [6, 4] : []);
    context.strokeStyle = color;
    context.lineWidth = selected ? 3 : 2;
    context.beginPath();
    for (let index = 0; index < segment.length; index += 2) {
      const at = this.toCanvas(segment[index], segment[index + 1]);
      if (index === 0) context.moveTo(at.x, at.y);
      else context.lineTo(at.x, at.y);
    }
    context.closePath();
    context.stroke();
    context.setLineDash([]);
    if (selected) {
      context.globalAlpha = 0.2;
      context.fillStyle = color;
      context.fill();
      context.globalAlpha = 1;
      if (!dashed) {
        // Its points, to drag.
        context.fillStyle = '#ffffff';
        for (let index = 0; index < segment.length; index += 2) {
          const at = this.toCanvas(segment[index], segment[index + 1]);
          context.fillRect(at.x - 4, at.y - 4, 8, 8);
          context.strokeRect(at.x - 4, at.y - 4, 8, 8);
        }
      }
    }
    this.caption(caption, color, this.toCanvas(segment[0], segment[1]));
  }

  private caption(text: string, color: string, at: Point): void {
    const context = this.context;
    context.font = '12px sans-serif';
    const width = context.measureText(text).width + 6;
    context.fillStyle = color;
    context.fillRect(at.x, at.y - 16, width, 16);
    context.fillStyle = '#ffffff';
    context.fillText(text, at.x + 3, at.y - 4);
  }
}

function rectOf(box: Rect): Rect {
  return { left: box.left, top: box.top, right: box.right, bottom: box.bottom };
}

function normalizeRect(rect: Rect): Rect {
  return {
    left: Math.min(rect.left, rect.right),
    top: Math.min(rect.top, rect.bottom),
    right: Math.max(rect.left, rect.right),
    bottom: Math.max(rect.top, rect.bottom),
  };
}

function sameRect(a: Rect, b: Rect): boolean {
  return a.left === b.left && a.top === b.top && a.right === b.right && a.bottom === b.bottom;
}

function contains(box: Rect, point: Point): boolean {
  return point.x >= box.left && point.x <= box.right && point.y >= box.top && point.y <= box.bottom;
}

/** Even-odd rule. */
function insidePolygon(segment: number[], point: Point): boolean {
  let inside = false;
  for (let index = 0, previous = segment.length - 2; index < segment.length; previous = index, index += 2) {
    const [x1, y1, x2, y2] = [segment[index], segment[index + 1], segment[previous], segment[previous + 1]];
    if (y1 > point.y !== y2 > point.y && point.x < ((x2 - x1) * (point.y - y1)) / (y2 - y1) + x1) inside = !inside;
  }
  return inside;
}
