/** The closest candidate within a small edit distance, for "did you mean …?"; undefined when none is close. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const target = word.toLowerCase();
  const list = [...candidates];
  // A shortened name (`train` for `train_job`) is a near miss too, when only one name extends it.
  const extending = list.filter((candidate) => target.length >= 3 && candidate.toLowerCase().startsWith(target));
  if (extending.length === 1) return extending[0];
  const budget = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const candidate of list) {
    const distance = editDistance(target, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit (`comamnd` → `command`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
