import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeYaml } from '../../../../src/core/yaml/engine';
import { completeAt, hoverAt } from '../../../../src/core/yaml/language';
import { CORPUS, corpusFiles } from './support';

/** A small seeded generator (mulberry32), so a failing case can be replayed from its number. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '  ',
  '-',
  ':',
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  '#',
  '${{',
  '}}',
  '&a',
  '*a',
  '!!int',
  '|',
  '>',
  '\t',
  'null',
  '~',
  '0',
  '-1',
  '1e9',
  'type: pipeline',
  'jobs:',
  '\n',
];

function mutate(text: string, next: () => number): string {
  const lines = text.split('\n');
  const at = Math.floor(next() * lines.length);
  switch (Math.floor(next() * 6)) {
    case 0:
      lines.splice(at, 1);
      break;
    case 1:
      lines.splice(at, 0, lines[Math.floor(next() * lines.length)]);
      break;
    case 2:
      lines[at] = ' '.repeat(Math.floor(next() * 5)) + lines[at].trimStart();
      break;
    case 3: {
      const line = lines[at];
      const col = Math.floor(next() * (line.length + 1));
      lines[at] = line.slice(0, col) + TOKENS[Math.floor(next() * TOKENS.length)] + line.slice(col);
      break;
    }
    case 4:
      lines[at] = lines[at].replace(/:\s.*$/, `: ${TOKENS[Math.floor(next() * TOKENS.length)]}`);
      break;
    default: {
      const line = lines[at];
      const col = Math.floor(next() * line.length);
      lines[at] = line.slice(0, col) + line.slice(col + 1 + Math.floor(next() * 4));
    }
  }
  return lines.join('\n');
}

describe('core/yaml: fuzzing the engine with mutated corpus files', () => {
  it('never throws and never takes a second on 3,000 mutated files (seed 20261122)', function () {
    this.timeout(300_000);
    const next = random(20261122);
    const texts = corpusFiles().map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    // Compiling a kind's schema on first use is not what this measures.
    for (const { text } of texts) analyzeYaml(text);
    let slowest = { ms: 0, case: -1 };
    for (let index = 0; index < 3000; index++) {
      const source = texts[Math.floor(next() * texts.length)];
      let text = source.text;
      for (let edits = 1 + Math.floor(next() * 3); edits > 0; edits--) text = mutate(text, next);
      const offset = Math.floor(next() * (text.length + 1));
      const started = performance.now();
      try {
        analyzeYaml(text);
        completeAt(text, offset);
        hoverAt(text, offset);
      } catch (error) {
        assert.fail(`case ${index} (${relative(CORPUS, source.path)}, offset ${offset}) threw: ${String(error)}`);
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, case: index };
    }
    assert.ok(slowest.ms < 1000, `case ${slowest.case} took ${slowest.ms.toFixed(0)} ms`);
  });
});
