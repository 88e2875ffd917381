/**
 * Text classification data for AutoML NLP ("Set up AutoML to train a natural language processing model"):
 * a CSV file with a header row, a text column and a label column, inside an MLTable folder. Multi-class
 * labels are the class name; multi-label labels use the documented "Python list with quotes" form
 * (`['label1','label2']`, `[]` for none), which, unlike the plain comma-separated form, keeps labels with
 * dots or spaces whole.
 */
import { formatCsv } from '../csv';
import { readItemText } from '../items';
import type { SplitOptions } from '../split';
import { inFolder, labeledItems, splitParts } from './common';
import type { ExportInput, ExportResult } from './common';
import { csvMlTable } from './mltable';

export interface TextCsvExportOptions {
  split?: SplitOptions;
  /** Header names; `text` and `labels` unless given (the label column is the job's `target_column_name`). */
  textColumn?: string;
  labelColumn?: string;
}

/** A Python string literal in single quotes, as `ast.literal_eval` reads it. */
function pythonString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

export function pythonList(values: readonly string[]): string {
  return `[${values.map(pythonString).join(',')}]`;
}

export async function exportTextCsv(input: ExportInput, options: TextCsvExportOptions = {}): Promise<ExportResult> {
  const task = input.project.task;
  if (task !== 'text-classification' && task !== 'text-classification-multilabel')
    throw new Error('CSV export is for text classification projects.');
  const skipped: ExportResult['skipped'] = [];
  const entries = labeledItems(input, skipped);
  const header = [options.textColumn ?? 'text', options.labelColumn ?? 'labels'];
  const files = new Map<string, string>();
  let exported = 0;
  for (const part of splitParts(entries, options.split)) {
    const rows: string[][] = [header];
    for (const { item, record } of part.entries) {
      let text: string;
      try {
        text = await readItemText(item);
      } catch (error) {
        skipped.push({ item: item.id, reason: (error as Error).message });
        continue;
      }
      const classes = record.classes ?? [];
      rows.push([text, task === 'text-classification' ? classes[0] : pythonList(classes)]);
    }
    exported += rows.length - 1;
    const dataFile = part.role === 'validation' ? 'valid_data.csv' : 'train_data.csv';
    files.set(inFolder(part.folder, dataFile), formatCsv(rows));
    files.set(inFolder(part.folder, 'MLTable'), csvMlTable(dataFile));
  }
  return { files, exported, skipped };
}
