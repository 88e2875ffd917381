/**
 * Tokens of a text for named-entity recognition: a run of letters, digits, combining marks and `_` is one
 * token, and every other character that is not white space is a token by itself ("EU-wide" is `EU`, `-`,
 * `wide`; "don't" is `don`, `'`, `t`). The same rule places span edges (snapping), cuts sentences and writes
 * CoNLL, so an exported token never holds a space and a span always covers whole tokens.
 */

export interface TokenRange {
  start: number;
  end: number;
}

const TOKEN = /[\p{L}\p{N}\p{M}_]+|[^\s\p{L}\p{N}\p{M}_]/gu;

export function tokenize(text: string): TokenRange[] {
  const tokens: TokenRange[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index ?? 0;
    tokens.push({ start, end: start + match[0].length });
  }
  return tokens;
}

/**
 * Widens a selection to the tokens it touches, so a span never cuts a word: "ew Yor" in "New York" becomes
 * "New York". A selection of white space only gives undefined.
 */
export function snapToTokens(
  text: string,
  start: number,
  end: number,
  tokens = tokenize(text),
): TokenRange | undefined {
  const low = Math.max(0, Math.min(start, end));
  const high = Math.min(text.length, Math.max(start, end));
  const touched = tokens.filter((token) =>
    high > low ? token.start < high && token.end > low : token.start <= low && token.end > low,
  );
  if (touched.length === 0) return undefined;
  return { start: touched[0].start, end: touched[touched.length - 1].end };
}

const SENTENCE_END = new Set(['.', '!', '?', '。', '！', '？']);

/**
 * Groups tokens into sentences: a sentence ends after `.`, `!` or `?` followed by white space, and at every
 * line break, but never inside one of `keepTogether` (an entity that spans a full stop stays whole).
 */
export function sentences(
  text: string,
  tokens: TokenRange[],
  keepTogether: readonly TokenRange[] = [],
): TokenRange[][] {
  const result: TokenRange[][] = [];
  let current: TokenRange[] = [];
  const inside = (position: number) => keepTogether.some((range) => range.start < position && range.end > position);
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (current.length > 0) {
      const gap = text.slice(current[current.length - 1].end, token.start);
      if (gap.includes('\n') && !inside(token.start)) {
        result.push(current);
        current = [];
      }
    }
    current.push(token);
    const ending = SENTENCE_END.has(text.slice(token.start, token.end));
    if (ending && next && next.start > token.end && !inside(next.start)) {
      result.push(current);
      current = [];
    }
  });
  if (current.length > 0) result.push(current);
  return result;
}
