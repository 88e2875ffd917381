import assert from 'node:assert/strict';
import type { MetricPoint } from '../../../../src/core/azure/mlflow';
import { thinForChart } from '../../../../src/core/jobs/thinForChart';

const history = (values: number[]): MetricPoint[] =>
  values.map((value, step) => ({ step, value, timestamp: 1_700_000_000_000 + step * 1000 }));

describe('core/jobs/thinForChart', () => {
  it('leaves a history that fits as it is', () => {
    const points = history([3, 1, 2]);
    assert.equal(thinForChart(points, 3), points);
  });

  it('keeps at most the budget, in logged order, with the first, the latest, the lowest and the highest', () => {
    // A noisy decline with one spike and one dip far from the ends.
    const values = Array.from({ length: 10_000 }, (_, step) => 1 / (1 + step / 100) + ((step * 7919) % 13) / 1000);
    values[4321] = 9;
    values[8765] = -3;
    const points = history(values);
    const kept = thinForChart(points, 2000);
    assert.ok(kept.length <= 2000 + 1, `${kept.length} points kept`);
    assert.ok(kept.length > 1000, 'the budget is used, not wasted');
    assert.deepEqual(
      kept.map((point) => point.step),
      [...kept.map((point) => point.step)].sort((a, b) => a - b),
    );
    assert.equal(kept[0], points[0]);
    assert.equal(kept.at(-1), points.at(-1));
    assert.ok(kept.includes(points[4321]), 'the spike is drawn');
    assert.ok(kept.includes(points[8765]), 'the dip is drawn');
    assert.equal(Math.min(...kept.map((point) => point.value)), Math.min(...values));
    assert.equal(Math.max(...kept.map((point) => point.value)), Math.max(...values));
  });

  it('keeps the latest point by step even when it was not logged last', () => {
    const points = history(Array.from({ length: 100 }, (_, index) => index % 5));
    // A late re-log of an early step: the latest by MLflow's rule is still step 99.
    points.push({ step: 3, value: 2, timestamp: 1_800_000_000_000 });
    const latest = points[99];
    assert.ok(thinForChart(points, 8).includes(latest));
  });
});
