// Export: the formats a task has, asked through the user input seam, written with progress.
import vscode = require('vscode');
import { basename, dirname, join, resolve } from 'node:path';
import { exportAutoMlImages } from '../core/labeling/export/automlImages';
import { exportCoco } from '../core/labeling/export/coco';
import { exportInputOf, writeExportFiles, type ExportResult } from '../core/labeling/export/common';
import { exportConll } from '../core/labeling/export/conll';
import { exportTextCsv } from '../core/labeling/export/textCsv';
import { PROJECT_FILE_SUFFIX, isImageTask } from '../core/labeling/model';
import type { TaskType } from '../core/labeling/model';
import type { LabelStore } from '../core/labeling/store';
import type { SplitOptions } from '../core/labeling/split';
import { runWizard, type WizardStep } from '../platform/wizard';
import type { UserInput } from '../platform/userInput';
import { BACK } from '../platform/userInput';
import { EXPORT_SPLIT_SEED, validationShareStep } from './validationShare';

export type ExportFormat = 'automl-images' | 'coco' | 'text-csv' | 'conll';

const FORMAT_LABELS: Record<ExportFormat, { label: string; detail: string }> = {
  'automl-images': {
    label: 'AutoML JSON Lines + MLTable',
    detail: 'What an AutoML image job takes as training_data: an MLTable folder with one JSON line per image',
  },
  coco: { label: 'COCO JSON', detail: 'One COCO dataset file, boxes and polygons in pixels' },
  'text-csv': { label: 'CSV + MLTable', detail: 'A text column and a label column, for AutoML text classification' },
  conll: { label: 'CoNLL + MLTable', detail: 'One token and tag per line, for AutoML named-entity recognition' },
};

export function exportFormatsOf(task: TaskType): ExportFormat[] {
  if (task === 'object-detection' || task === 'instance-segmentation') return ['automl-images', 'coco'];
  if (isImageTask(task)) return ['automl-images'];
  if (task === 'text-ner') return ['conll'];
  return ['text-csv'];
}

/** `<project>-export/` beside the project file. */
export function defaultExportFolder(projectFilePath: string): string {
  const name = basename(projectFilePath).replace(new RegExp(`${PROJECT_FILE_SUFFIX.replace(/\./g, '\\.')}$`), '');
  return join(dirname(projectFilePath), `${name}-export`);
}

export interface ExportChoice {
  format: ExportFormat;
  folder: string;
  split?: SplitOptions;
}

export interface ExportOutcome extends ExportChoice {
  exported: number;
  skipped: ExportResult['skipped'];
  files: string[];
}

/** Asks for the format (when the task has more than one), the folder and the validation share. */
export async function askExportChoice(store: LabelStore, input: UserInput): Promise<ExportChoice> {
  const formats = exportFormatsOf(store.task);
  const context: { format?: ExportFormat; folder?: string; fraction?: number } = {};
  const projectFolder = dirname(store.projectFilePath);
  const steps: WizardStep<typeof context>[] = [
    {
      shouldPrompt: () => formats.length > 1,
      async prompt(ctx, userInput, step) {
        const format = await userInput.pick<ExportFormat>({
          title: 'Export Labels: format',
          step,
          items: formats.map((format) => ({ ...FORMAT_LABELS[format], value: format })),
        });
        if (typeof format !== 'string') return BACK;
        ctx.format = format;
        return undefined;
      },
    },
    {
      async prompt(ctx, userInput, step) {
        const folder = await userInput.input({
          title: 'Export Labels: folder',
          prompt: 'The folder to write the export to, relative to the project file or absolute',
          value: ctx.folder ?? basename(defaultExportFolder(store.projectFilePath)),
          step,
          canGoBack: formats.length > 1,
          validate: (value) => (value.trim() ? undefined : 'Name a folder.'),
        });
        if (typeof folder !== 'string') return BACK;
        ctx.folder = resolve(projectFolder, folder.trim());
        return undefined;
      },
    },
    validationShareStep({
      title: 'Export Labels: validation split',
      share: 'Share of items held out for validation',
      zeroMeans: 'no split',
    }),
  ];
  await runWizard(steps, context, input);
  return {
    format: context.format ?? formats[0],
    folder: context.folder as string,
    ...(context.fraction ? { split: { validationFraction: context.fraction, seed: EXPORT_SPLIT_SEED } } : {}),
  };
}

/** Writes the export and says what was written. */
export async function writeExport(store: LabelStore, choice: ExportChoice): Promise<ExportOutcome> {
  const input = await exportInputOf(store);
  let result: ExportResult;
  switch (choice.format) {
    case 'automl-images':
      result = await exportAutoMlImages(input, { exportFolder: choice.folder, split: choice.split });
      break;
    case 'coco':
      result = await exportCoco(input, { split: choice.split });
      break;
    case 'text-csv':
      result = await exportTextCsv(input, { split: choice.split });
      break;
    case 'conll':
      result = await exportConll(input, { split: choice.split });
      break;
  }
  await writeExportFiles(choice.folder, result.files);
  return { ...choice, exported: result.exported, skipped: result.skipped, files: [...result.files.keys()].sort() };
}

/** Runs the export with a notification, then offers to reveal the folder. */
export async function exportWithProgress(store: LabelStore, choice: ExportChoice): Promise<ExportOutcome> {
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exporting ${basename(store.projectFilePath)}…` },
    () => writeExport(store, choice),
  );
  const skipped = outcome.skipped.length
    ? ` ${outcome.skipped.length} labeled item${outcome.skipped.length === 1 ? ' was' : 's were'} left out (first: ${outcome.skipped[0].item}, ${outcome.skipped[0].reason}).`
    : '';
  const message = `Exported ${outcome.exported} labeled item${outcome.exported === 1 ? '' : 's'} to ${outcome.folder}.${skipped}`;
  const reveal = 'Reveal in Explorer';
  void vscode.window.showInformationMessage(message, reveal).then((answer) => {
    if (answer === reveal)
      void vscode.commands.executeCommand(
        'revealFileInOS',
        vscode.Uri.file(join(outcome.folder, outcome.files[0] ?? '')),
      );
  });
  return outcome;
}
