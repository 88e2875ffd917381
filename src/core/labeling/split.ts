/**
 * A train/validation split that is the same on every machine and every run for the same seed: an item goes
 * to validation when SHA-256 of `<seed>:<item id>`, read as a fraction of 2^48, is below the validation
 * fraction. Each item's side depends on its id and the seed alone, so adding or removing items never moves
 * the others (a model validated on an item never trains on it after the next export). With at least two
 * items and a fraction above zero, both sides get at least one item: the item closest to the threshold is
 * moved across.
 */
import { createHash } from 'node:crypto';

export interface SplitOptions {
  /** Share of items for validation, 0..1 (0.2 is usual). */
  validationFraction: number;
  seed: string | number;
}

export interface Split {
  train: string[];
  validation: string[];
}

function position(seed: string | number, item: string): number {
  const digest = createHash('sha256').update(`${seed}:${item}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** Splits ids (kept in the order given on each side). */
export function splitItems(ids: readonly string[], options: SplitOptions): Split {
  const fraction = options.validationFraction;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError('The validation fraction must be at least 0 and below 1.');
  const positions = new Map(ids.map((id) => [id, position(options.seed, id)]));
  const validation = new Set(ids.filter((id) => (positions.get(id) as number) < fraction));
  if (fraction > 0 && ids.length >= 2) {
    if (validation.size === 0) validation.add(closest(ids, positions, (value) => value));
    else if (validation.size === ids.length) validation.delete(closest(ids, positions, (value) => -value));
  }
  return { train: ids.filter((id) => !validation.has(id)), validation: ids.filter((id) => validation.has(id)) };
}

function closest(ids: readonly string[], positions: Map<string, number>, key: (value: number) => number): string {
  return ids.reduce((best, id) => (key(positions.get(id) as number) < key(positions.get(best) as number) ? id : best));
}
