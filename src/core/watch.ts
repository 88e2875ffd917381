/** Something that can be read again until it stops changing: a running job, a log, a CI run. */
export interface WatchTarget {
  /** Reads it again; says whether what is shown changed, and whether it can still change. */
  poll(): Promise<{ changed: boolean; finished: boolean }>;
}

export interface WatcherOptions<T> {
  /** The interval after a change, read each round so a setting change applies at once. */
  baseIntervalMs: () => number;
  /** The longest wait between rounds while nothing changes; defaults to eight base intervals. */
  maxIntervalMs?: (baseMs: number) => number;
  /** How much longer to wait after a round in which nothing changed. */
  backoffFactor?: number;
  /** After every successful read, changed or not (a running duration grows either way). */
  onUpdate(target: T, key: string): void;
  /** A failed read; called once per distinct failure of a target, not every round. */
  onError(error: unknown, key: string): void;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

/**
 * Polls the targets it watches until each is finished: first every base interval, then less often
 * while nothing changes, back to the base after any change, and not at all once none is left. One
 * timer for all targets, so a thousand watched jobs cost one request round, not a thousand timers.
 */
export class Watcher<T extends WatchTarget> {
  private readonly targets = new Map<string, T>();
  private readonly lastErrors = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = 0;
  private polling = false;
  private readonly timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };

  constructor(private readonly options: WatcherOptions<T>) {
    this.timers = options.timers ?? { setTimeout, clearTimeout };
  }

  /** Starts watching (or replaces the target under the same key). */
  watch(key: string, target: T): void {
    this.targets.set(key, target);
    if (!this.timer && !this.polling) this.schedule(this.options.baseIntervalMs());
  }

  unwatch(key: string): void {
    this.targets.delete(key);
    this.lastErrors.delete(key);
    if (this.targets.size === 0) this.stop();
  }

  /** Forget every target. */
  clear(): void {
    this.targets.clear();
    this.lastErrors.clear();
    this.stop();
  }

  get size(): number {
    return this.targets.size;
  }

  watched(): T[] {
    return [...this.targets.values()];
  }

  /** The wait before the next round, for tests and diagnostics; 0 when idle. */
  get currentDelayMs(): number {
    return this.timer ? this.delayMs : 0;
  }

  private schedule(delayMs: number): void {
    this.delayMs = delayMs;
    this.timer = this.timers.setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    this.polling = true;
    let changedAny = false;
    try {
      await Promise.all(
        [...this.targets].map(async ([key, target]) => {
          try {
            const { changed, finished } = await target.poll();
            this.lastErrors.delete(key);
            if (changed) changedAny = true;
            if (finished && this.targets.get(key) === target) this.targets.delete(key);
            this.options.onUpdate(target, key);
          } catch (error) {
            const text = String((error as { message?: unknown })?.message ?? error);
            if (this.lastErrors.get(key) !== text) this.options.onError(error, key);
            this.lastErrors.set(key, text);
          }
        }),
      );
    } finally {
      this.polling = false;
    }
    if (this.targets.size === 0) return;
    const base = this.options.baseIntervalMs();
    const max = this.options.maxIntervalMs?.(base) ?? base * 8;
    const next = changedAny ? base : this.delayMs * (this.options.backoffFactor ?? 1.5);
    this.schedule(Math.max(base, Math.min(next, max)));
  }

  private stop(): void {
    if (this.timer) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.clear();
  }
}
