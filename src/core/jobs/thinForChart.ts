import type { MetricPoint } from '../azure/mlflow';

/**
 * The points of a long metric history that a chart of limited width needs: consecutive points are grouped into
 * buckets and each bucket keeps its first, lowest, highest and last point, in logged order. The drawn line keeps
 * every peak and trough, the lowest and highest value of the whole history, its first point and its latest
 * (highest step), so a summary computed from what is kept (last, min, max) is exact. Histories of at most
 * `maxPoints` come back as they are.
 */
export function thinForChart(points: readonly MetricPoint[], maxPoints: number): readonly MetricPoint[] {
  if (points.length <= maxPoints) return points;
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const bucketSize = Math.ceil(points.length / buckets);
  const kept = new Set<number>();
  let latest = 0;
  for (let start = 0; start < points.length; start += bucketSize) {
    const end = Math.min(points.length, start + bucketSize);
    let lowest = start;
    let highest = start;
    for (let index = start; index < end; index++) {
      if (points[index].value < points[lowest].value) lowest = index;
      if (points[index].value > points[highest].value) highest = index;
      if (isLater(points[index], points[latest])) latest = index;
    }
    kept
      .add(start)
      .add(lowest)
      .add(highest)
      .add(end - 1);
  }
  kept.add(latest);
  return [...kept].sort((a, b) => a - b).map((index) => points[index]);
}

/** The point MLflow calls latest: the highest step, then the latest timestamp. */
function isLater(candidate: MetricPoint, than: MetricPoint): boolean {
  return candidate.step > than.step || (candidate.step === than.step && candidate.timestamp >= than.timestamp);
}
