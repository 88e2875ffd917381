import { Watcher, type WatcherOptions } from '../../core/watch';
import type { JobNode } from './jobNodes';

/** Completion shows within this long, however long nothing changed before. */
const MAX_POLL_INTERVAL_MS = 15_000;
/** Running durations are redrawn this often between polls, so they tick like a clock. */
const TICK_MS = 1000;

/**
 * Keeps live jobs in the Jobs view current: their runs are read again with backoff (core Watcher),
 * never less often than every 15 s, and their rows are redrawn every second so durations tick.
 */
export class JobsPoller {
  private readonly watcher: Watcher<JobNode>;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    baseIntervalMs: () => number,
    private readonly on: {
      /** The job was read again. */
      polled(node: JobNode): void;
      /** Only the clock moved: redraw the row. */
      tick(node: JobNode): void;
      failed(error: unknown): void;
    },
    timers?: WatcherOptions<JobNode>['timers'],
  ) {
    this.watcher = new Watcher<JobNode>({
      baseIntervalMs,
      maxIntervalMs: (base) => Math.max(base, MAX_POLL_INTERVAL_MS),
      onUpdate: (node) => on.polled(node),
      onError: (error) => on.failed(error),
      timers,
    });
  }

  watch(node: JobNode): void {
    if (!node.isActive) return;
    this.watcher.watch(node.id, node);
    this.ticker ??= setInterval(() => this.tick(), TICK_MS);
  }

  /** Forget every node, after the tree they were in was rebuilt. */
  clear(): void {
    this.watcher.clear();
    this.stopTicker();
  }

  get watching(): number {
    return this.watcher.size;
  }

  /** The wait before the next poll (0 when idle). */
  get nextPollInMs(): number {
    return this.watcher.currentDelayMs;
  }

  private tick(): void {
    const live = this.watcher.watched();
    if (live.length === 0) return this.stopTicker();
    for (const node of live) this.on.tick(node);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  dispose(): void {
    this.clear();
  }
}
