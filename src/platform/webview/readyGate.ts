/**
 * Holds what is sent until the other side says it listens, then lets it through in order; later
 * items pass at once. `close` holds again, for a page that is being replaced.
 */
export class ReadyGate<T> {
  private held: T[] = [];
  private opened = false;

  constructor(private readonly deliver: (item: T) => void) {}

  get isOpen(): boolean {
    return this.opened;
  }

  get heldCount(): number {
    return this.held.length;
  }

  pass(item: T): void {
    if (this.opened) {
      this.deliver(item);
    } else {
      this.held.push(item);
    }
  }

  open(): void {
    // Still closed while draining: anything sent from inside a delivery queues behind what was held.
    while (this.held.length > 0) this.deliver(this.held.shift() as T);
    this.opened = true;
  }

  close(): void {
    this.opened = false;
  }

  /** Forgets what is held, for a webview that is going away. */
  clear(): void {
    this.held = [];
  }
}
