import assert from 'node:assert/strict';
import { Watcher, type WatchTarget } from '../../../src/core/watch';
import { manualTimers } from '../support/manualTimers';

class FakeJob implements WatchTarget {
  polls = 0;
  constructor(private readonly script: { changed: boolean; finished: boolean; fail?: string }[]) {}
  async poll() {
    const step = this.script[Math.min(this.polls++, this.script.length - 1)];
    if (step.fail) throw new Error(step.fail);
    return { changed: step.changed, finished: step.finished };
  }
}

describe('core/watch: poll until finished, with backoff', () => {
  it('backs off while nothing changes, up to the ceiling, and returns to the base after a change', async () => {
    const clock = manualTimers();
    const watcher = new Watcher<FakeJob>({
      baseIntervalMs: () => 10_000,
      maxIntervalMs: (base) => Math.max(base, 15_000),
      onUpdate: () => undefined,
      onError: () => undefined,
      timers: clock.timers,
    });
    const same = { changed: false, finished: false };
    watcher.watch('a', new FakeJob([same, same, same, { changed: true, finished: false }, same]));
    const delays = [];
    for (let round = 0; round < 5; round++) delays.push(await clock.fire());
    delays.push(clock.pending[0].delay);
    assert.deepEqual(delays, [10_000, 15_000, 15_000, 15_000, 10_000, 15_000]);
  });

  it('stops polling a target once it is finished, and stops altogether when none is left', async () => {
    const clock = manualTimers();
    const updated: string[] = [];
    const watcher = new Watcher<FakeJob>({
      baseIntervalMs: () => 1000,
      onUpdate: (_target, key) => updated.push(key),
      onError: () => undefined,
      timers: clock.timers,
    });
    watcher.watch('done', new FakeJob([{ changed: true, finished: true }]));
    watcher.watch(
      'running',
      new FakeJob([
        { changed: false, finished: false },
        { changed: true, finished: true },
      ]),
    );
    await clock.fire();
    assert.equal(watcher.size, 1);
    await clock.fire();
    assert.deepEqual(updated.sort(), ['done', 'running', 'running']);
    assert.equal(watcher.size, 0);
    assert.equal(clock.pending.length, 0, 'no timer left');
  });

  it('reports a failing target once per distinct failure, and keeps polling it', async () => {
    const clock = manualTimers();
    const errors: string[] = [];
    const watcher = new Watcher<FakeJob>({
      baseIntervalMs: () => 1000,
      onUpdate: () => undefined,
      onError: (error) => errors.push((error as Error).message),
      timers: clock.timers,
    });
    const job = new FakeJob([
      { changed: false, finished: false, fail: 'HTTP 503' },
      { changed: false, finished: false, fail: 'HTTP 503' },
      { changed: false, finished: false, fail: 'socket hang up' },
      { changed: true, finished: true },
    ]);
    watcher.watch('a', job);
    for (let round = 0; round < 4; round++) await clock.fire();
    assert.deepEqual(errors, ['HTTP 503', 'socket hang up']);
    assert.equal(job.polls, 4);
    assert.equal(watcher.size, 0);
  });
});
