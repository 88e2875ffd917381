/**
 * Named-entity recognition data for AutoML NLP in CoNLL form: one `token tag` per line with exactly one space,
 * tags `B-<label>` (first token of an entity), `I-<label>` (the rest) or `O`, one empty line between sentences
 * and one at the end of the file, no empty line first — the checks AutoML's data validation makes. Tokens and
 * sentences come from text.ts: a token that a span covers even partly carries its tag, so a span never loses
 * its first or last word. Label names with white space cannot be written and are refused.
 */
import { readItemText } from '../items';
import type { Span } from '../model';
import type { SplitOptions } from '../split';
import { sentences, tokenize } from '../text';
import { inFolder, labeledItems, splitParts } from './common';
import type { ExportInput, ExportResult } from './common';
import { conllMlTable } from './mltable';

export interface ConllExportOptions {
  split?: SplitOptions;
}

/** The CoNLL sentences of one text, each a list of `token tag` lines. */
export function conllSentences(text: string, spans: readonly Span[]): string[][] {
  const tokens = tokenize(text);
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const result: string[][] = [];
  for (const sentence of sentences(text, tokens, sorted)) {
    let previousSpan: Span | undefined;
    result.push(
      sentence.map((token) => {
        const span = sorted.find((candidate) => candidate.start < token.end && candidate.end > token.start);
        const tag = !span ? 'O' : span === previousSpan ? `I-${span.label}` : `B-${span.label}`;
        previousSpan = span;
        return `${text.slice(token.start, token.end)} ${tag}`;
      }),
    );
  }
  return result;
}

export async function exportConll(input: ExportInput, options: ConllExportOptions = {}): Promise<ExportResult> {
  if (input.project.task !== 'text-ner') throw new Error('CoNLL export is for named-entity recognition projects.');
  const spaced = input.project.labels.filter((label) => /\s/.test(label.name));
  if (spaced.length > 0)
    throw new Error(
      `CoNLL cannot hold label names with spaces: ${spaced.map((label) => `"${label.name}"`).join(', ')}; rename them first.`,
    );
  const skipped: ExportResult['skipped'] = [];
  const entries = labeledItems(input, skipped);
  const files = new Map<string, string>();
  let exported = 0;
  for (const part of splitParts(entries, options.split)) {
    const blocks: string[] = [];
    for (const { item, record } of part.entries) {
      let text: string;
      try {
        text = await readItemText(item);
      } catch (error) {
        skipped.push({ item: item.id, reason: (error as Error).message });
        continue;
      }
      const itemSentences = conllSentences(text, record.spans ?? []);
      if (itemSentences.length === 0) {
        skipped.push({ item: item.id, reason: 'no words' });
        continue;
      }
      for (const sentence of itemSentences) blocks.push(`${sentence.join('\n')}\n`);
      exported++;
    }
    const dataFile = part.role === 'validation' ? 'valid.txt' : 'train.txt';
    files.set(inFolder(part.folder, dataFile), blocks.length ? `${blocks.join('\n')}\n` : '');
    files.set(inFolder(part.folder, 'MLTable'), conllMlTable(dataFile));
  }
  return { files, exported, skipped };
}
