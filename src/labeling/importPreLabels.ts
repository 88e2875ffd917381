// Pre-labels: a model's predictions (COCO or AutoML JSON Lines) become suggestions to accept or reject.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { importAutoMlJsonl } from '../core/labeling/import/automlJsonl';
import { importCoco } from '../core/labeling/import/coco';
import type { ImportResult } from '../core/labeling/import/match';
import type { LabelStore, SuggestionInput } from '../core/labeling/store';
import { isBack, type UserInput } from '../platform/userInput';

export interface PreLabelOutcome {
  suggestions: number;
  items: number;
  unmatched: string[];
  ignored: ImportResult['ignored'];
  /** Labels added to the label set for the predictions. */
  addedLabels: string[];
}

/** Asks for the predictions file, reads it, adds or leaves out labels the set lacks, and stores the suggestions. */
export async function importPreLabels(store: LabelStore, input: UserInput): Promise<PreLabelOutcome> {
  const folder = dirname(store.projectFilePath);
  const answer = await input.input({
    title: 'Import Pre-Labels: predictions file',
    prompt: 'COCO JSON (.json) or AutoML JSON Lines (.jsonl), relative to the project file or absolute',
    validate: (value) => {
      const path = resolve(folder, value.trim());
      if (!value.trim() || !existsSync(path)) return `There is no ${value.trim() || 'such file'}.`;
      return /\.(json|jsonl)$/i.test(path) ? undefined : 'Name a .json (COCO) or .jsonl (AutoML) file.';
    },
  });
  if (isBack(answer)) throw new Error('No predictions file was chosen.');
  const file = resolve(folder, answer.trim());
  const text = await readFile(file, 'utf8');
  const items = await store.listItems();
  const source = basename(file);
  const result =
    extname(file).toLowerCase() === '.jsonl'
      ? importAutoMlJsonl(text, store.project, items, { source })
      : await importCoco(JSON.parse(text) as unknown, store.project, items, { source });

  let suggestions = result.suggestions;
  const addedLabels: string[] = [];
  if (result.unknownLabels.length > 0) {
    const names = result.unknownLabels.map((name) => `"${name}"`).join(', ');
    const choice = await input.pick<'add' | 'skip'>({
      title: `The predictions use labels the project lacks: ${names}`,
      items: [
        { label: 'Add them to the label set', value: 'add' },
        { label: 'Leave those predictions out', value: 'skip' },
      ],
    });
    if (choice === 'add') {
      for (const name of result.unknownLabels) {
        await store.addLabel({ name });
        addedLabels.push(name);
      }
    } else {
      const unknown = new Set(result.unknownLabels);
      suggestions = new Map(
        [...suggestions]
          .map(([item, list]): [string, SuggestionInput[]] => [item, list.filter((s) => !unknown.has(s.label))])
          .filter(([, list]) => list.length > 0),
      );
    }
  }
  await store.setSuggestions(suggestions);
  return {
    suggestions: [...suggestions.values()].reduce((sum, list) => sum + list.length, 0),
    items: suggestions.size,
    unmatched: result.unmatched,
    ignored: result.ignored,
    addedLabels,
  };
}
