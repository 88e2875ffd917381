import assert from 'node:assert/strict';

/** Timers that run only when the test says so, recording each delay asked for. */
export function manualTimers() {
  const pending: { callback: () => void; delay: number }[] = [];
  return {
    delays: [] as number[],
    pending,
    timers: {
      setTimeout: ((callback: () => void, delay: number) => {
        pending.push({ callback, delay });
        return pending.length as unknown as ReturnType<typeof setTimeout>;
      }) as unknown as typeof setTimeout,
      clearTimeout: (() => pending.splice(0)) as unknown as typeof clearTimeout,
    },
    async fire(): Promise<number> {
      const next = pending.shift();
      assert.ok(next, 'a poll was scheduled');
      next.callback();
      // Let the round's promises settle.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      return next.delay;
    },
  };
}
