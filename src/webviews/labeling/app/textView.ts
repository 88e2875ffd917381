// An item's text with its entity spans. A caret moved with the arrow keys and a selection made with Shift+arrows
// or the mouse; offsets are UTF-16 code units, as the host's spans are.
import type { ItemAnnotation, LabelDefinition } from '../contract';

export interface TextViewEvents {
  onRendered(item: string): void;
}

interface Span {
  id: string;
  label: string;
  start: number;
  end: number;
  suggested: boolean;
}

export class TextView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private text = '';
  private itemId = '';
  private annotation: ItemAnnotation = { item: '' };
  private labels: LabelDefinition[] = [];
  private spansEnabled = false;
  /** The selection is [min(anchor, caret), max(anchor, caret)); collapsed when they are equal. */
  private anchor = 0;
  private caret = 0;
  private selectedSpanId: string | undefined;
  private selectedSuggestionId: string | undefined;

  constructor(private readonly events: TextViewEvents) {
    this.element = document.createElement('div');
    this.element.className = 'text-stage';
    this.body = document.createElement('div');
    this.body.className = 'text-body';
    this.body.tabIndex = 0;
    this.body.setAttribute('data-testid', 'text');
    this.body.setAttribute('aria-label', 'Item text');
    this.element.append(this.body);
    this.body.addEventListener('mouseup', () => this.fromDomSelection());
  }

  show(itemId: string, text: string, annotation: ItemAnnotation, labels: LabelDefinition[], spans: boolean): void {
    if (itemId !== this.itemId) {
      this.anchor = 0;
      this.caret = 0;
      this.selectedSpanId = undefined;
      this.selectedSuggestionId = undefined;
    }
    this.itemId = itemId;
    this.text = text;
    this.annotation = annotation;
    this.labels = labels;
    this.spansEnabled = spans;
    this.render();
    this.body.focus();
    this.events.onRendered(itemId);
  }

  setAnnotation(annotation: ItemAnnotation): void {
    this.annotation = annotation;
    if (this.selectedSpanId && !annotation.spans?.some((span) => span.id === this.selectedSpanId))
      this.selectedSpanId = undefined;
    if (!annotation.suggestions?.some((suggestion) => suggestion.id === this.selectedSuggestionId))
      this.selectedSuggestionId = undefined;
    this.render();
  }

  clear(): void {
    this.itemId = '';
    this.text = '';
    this.body.replaceChildren();
  }

  /** The selected range, if it is not empty. */
  selection(): { start: number; end: number } | undefined {
    const start = Math.min(this.anchor, this.caret);
    const end = Math.max(this.anchor, this.caret);
    return end > start ? { start, end } : undefined;
  }

  collapseSelection(): void {
    this.anchor = this.caret;
    this.render();
  }

  selectedSpan(): string | undefined {
    return this.selectedSpanId;
  }

  /** The suggested span clicked last, which A and R then accept or reject alone. */
  selectedSuggestion(): string | undefined {
    return this.selectedSuggestionId;
  }

  /** Arrow keys move the caret; with Shift they extend the selection. True when the key was one of them. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.spansEnabled) return false;
    let next: number;
    switch (event.key) {
      case 'ArrowLeft':
        next = event.shiftKey || this.caret === this.anchor ? this.caret - 1 : Math.min(this.caret, this.anchor);
        break;
      case 'ArrowRight':
        next = event.shiftKey || this.caret === this.anchor ? this.caret + 1 : Math.max(this.caret, this.anchor);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.text.length;
        break;
      case 'Escape':
        this.anchor = this.caret;
        this.selectedSpanId = undefined;
        this.render();
        return true;
      default:
        return false;
    }
    this.caret = Math.max(0, Math.min(this.text.length, next));
    // Never stop inside a surrogate pair.
    if (this.caret > 0 && this.caret < this.text.length && /[\uDC00-\uDFFF]/.test(this.text[this.caret]))
      this.caret += event.key === 'ArrowLeft' ? -1 : 1;
    if (!event.shiftKey) this.anchor = this.caret;
    this.selectedSpanId = undefined;
    this.render();
    return true;
  }

  private spans(): Span[] {
    const accepted = (this.annotation.spans ?? []).map((span) => ({ ...span, suggested: false }));
    const suggested = (this.annotation.suggestions ?? [])
      .filter(
        (suggestion) => suggestion.kind === 'span' && suggestion.start !== undefined && suggestion.end !== undefined,
      )
      .map((suggestion) => ({
        id: suggestion.id,
        label: suggestion.label,
        start: suggestion.start as number,
        end: suggestion.end as number,
        suggested: true,
      }))
      // A suggestion under an accepted span is not drawn: spans do not nest on the page.
      .filter((suggestion) => !accepted.some((span) => span.start < suggestion.end && span.end > suggestion.start));
    return [...accepted, ...suggested].sort((a, b) => a.start - b.start);
  }

  /**
   * Cuts the text at every span edge, the selection's edges and the caret, so each piece is one DOM text
   * node with a known start offset (data-start): mapping a mouse selection back to offsets is then exact.
   */
  private render(): void {
    const text = this.text;
    const spans = this.spansEnabled ? this.spans() : [];
    const selection = this.selection();
    const cuts = new Set<number>([0, text.length, this.caret]);
    for (const span of spans) cuts.add(span.start).add(span.end);
    if (selection) cuts.add(selection.start).add(selection.end);
    const points = [...cuts].filter((point) => point >= 0 && point <= text.length).sort((a, b) => a - b);
    const fragments: Node[] = [];
    const openSpans = new Map<string, HTMLElement>();
    for (let index = 0; index < points.length; index++) {
      const start = points[index];
      const end = points[index + 1];
      if (this.spansEnabled && start === this.caret && !selection) {
        const caret = document.createElement('span');
        caret.className = 'caret';
        caret.setAttribute('aria-hidden', 'true');
        fragments.push(caret);
      }
      if (end === undefined) break;
      const piece = document.createElement('span');
      piece.dataset.start = String(start);
      piece.textContent = text.slice(start, end);
      if (selection && start >= selection.start && end <= selection.end) piece.classList.add('selected');
      const span = spans.find((candidate) => candidate.start <= start && candidate.end >= end);
      if (span) {
        let mark = openSpans.get(span.id);
        if (!mark) {
          mark = document.createElement('mark');
          mark.dataset.spanId = span.id;
          mark.dataset.label = span.label;
          mark.className = span.suggested ? 'span suggested' : 'span';
          if (span.id === this.selectedSpanId || span.id === this.selectedSuggestionId) mark.classList.add('chosen');
          mark.style.setProperty(
            '--label-color',
            this.labels.find((label) => label.name === span.label)?.color ?? '#888888',
          );
          mark.title = `${span.label}${span.suggested ? ' (suggested: A accepts, R rejects)' : ''}`;
          mark.addEventListener('click', (event) => {
            if (span.suggested) this.selectedSuggestionId = span.id;
            else this.selectedSpanId = span.id;
            event.stopPropagation();
            this.render();
          });
          openSpans.set(span.id, mark);
          fragments.push(mark);
        }
        mark.append(piece);
      } else {
        fragments.push(piece);
      }
    }
    this.body.replaceChildren(...fragments);
  }

  private fromDomSelection(): void {
    if (!this.spansEnabled) return;
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const anchor = this.offsetOf(selection.anchorNode, selection.anchorOffset);
    const focus = this.offsetOf(selection.focusNode, selection.focusOffset);
    if (anchor === undefined || focus === undefined || anchor === focus) return;
    this.anchor = anchor;
    this.caret = focus;
    this.selectedSpanId = undefined;
    selection.removeAllRanges();
    this.render();
    this.body.focus();
  }

  private offsetOf(node: Node | null, offset: number): number | undefined {
    if (!node) return undefined;
    const piece = node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element);
    const start = piece?.closest<HTMLElement>('[data-start]')?.dataset.start;
    if (start === undefined) return undefined;
    return node.nodeType === Node.TEXT_NODE ? Number(start) + offset : Number(start);
  }
}
