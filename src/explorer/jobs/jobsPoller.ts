import type * as vscode from 'vscode';
import type { JobNode } from './jobNodes';

/** How much longer to wait after a round in which nothing changed, and the ceiling, in base intervals. */
const BACKOFF_FACTOR = 1.5;
const MAX_INTERVALS = 8;

/**
 * Keeps live jobs current: while any shown job is still running, their runs are read again, first
 * every base interval, then less often while nothing changes (back to the base after a change),
 * and not at all once none is live.
 */
export class JobsPoller implements vscode.Disposable {
  private readonly live = new Map<string, JobNode>();
  private timer: NodeJS.Timeout | undefined;
  private delayMs = 0;
  private polling = false;

  constructor(
    private readonly baseIntervalMs: () => number,
    private readonly onChanged: (node: JobNode) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  watch(node: JobNode): void {
    if (!node.isActive) return;
    this.live.set(node.resourceId.toLowerCase(), node);
    if (!this.timer && !this.polling) this.schedule(this.baseIntervalMs());
  }

  /** Forget every node, after the tree they were in was rebuilt. */
  clear(): void {
    this.live.clear();
    this.stop();
  }

  get watching(): number {
    return this.live.size;
  }

  private schedule(delayMs: number): void {
    this.delayMs = delayMs;
    this.timer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    let changedAny = false;
    try {
      await Promise.all(
        [...this.live.entries()].map(async ([key, node]) => {
          try {
            if (await node.reload()) changedAny = true;
            if (!node.isActive) this.live.delete(key);
            // Redrawn either way: a running job's duration grows.
            this.onChanged(node);
          } catch (error) {
            this.onError(error);
          }
        }),
      );
    } finally {
      this.polling = false;
    }
    if (this.live.size === 0) return;
    const base = this.baseIntervalMs();
    this.schedule(changedAny ? base : Math.min(this.delayMs * BACKOFF_FACTOR, base * MAX_INTERVALS));
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.clear();
  }
}
