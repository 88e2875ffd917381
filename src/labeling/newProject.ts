// "New Labeling Project…": task, source, labels and name through the user input seam, then the project files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseCsv } from '../core/labeling/csv';
import { LABELING_DATA_TYPES, type FetchedDataAsset } from '../core/labeling/dataAsset';
import {
  PROJECT_FILE_SUFFIX,
  TASK_TYPES,
  defaultLabelColor,
  isImageTask,
  labelSetProblem,
} from '../core/labeling/model';
import type { LabelDefinition, ProjectSource, TaskType } from '../core/labeling/model';
import { LabelStore } from '../core/labeling/store';
import { runWizard, type WizardStep } from '../platform/wizard';
import { BACK, type UserInput } from '../platform/userInput';

const TASK_DESCRIPTIONS: Record<TaskType, string> = {
  'image-classification': 'One class per image',
  'image-classification-multilabel': 'Any number of classes per image',
  'object-detection': 'Boxes around objects',
  'instance-segmentation': 'Polygons around objects',
  'text-classification': 'One class per text',
  'text-classification-multilabel': 'Any number of classes per text',
  'text-ner': 'Named entities: labeled spans of text',
};

type SourceKind = 'folder' | 'table' | 'dataAsset';

interface NewProjectAnswers {
  task?: TaskType;
  sourceKind?: SourceKind;
  sourcePath?: string;
  assetName?: string;
  asset?: FetchedDataAsset;
  /** The CSV or JSON Lines file of the asset whose rows are the items (relative to its folder); else its .txt files. */
  assetTable?: string;
  column?: string;
  labels?: LabelDefinition[];
  name?: string;
}

/** The active workspace's data assets, for a project whose items are one of them. */
export interface DataAssetChoices {
  /** Data assets (asking for sign-in and an active workspace first, as other commands do). */
  assets(): Promise<Array<{ name: string; dataType?: string; latestVersion?: string }>>;
  /** The asset's versions, newest first. */
  versions(name: string): Promise<Array<{ version: string; dataType?: string; path?: string; createdAt?: string }>>;
  /** Downloads the version's files (once) into the cache below the workspace folder, with progress and Cancel. */
  fetch(name: string, version: string, imageItems: boolean): Promise<FetchedDataAsset>;
}

/** Labels from "cat, dog, bird": colours in turn and hotkeys 1–9 for the first nine. */
export function labelsFromList(text: string): LabelDefinition[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name);
  return names.map((name, index) => ({
    name,
    color: defaultLabelColor(index),
    ...(index < 9 ? { hotkey: String(index + 1) } : {}),
  }));
}

/** The columns of a CSV header or of the first JSON line. */
function columnsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (extname(file).toLowerCase() === '.csv') return parseCsv(text)[0] ?? [];
  const first = text.split('\n').find((line) => line.trim());
  if (!first) return [];
  const value = JSON.parse(first) as unknown;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

/** The CSV or JSON Lines file whose column is asked for: a local one, or one of the data asset's. */
function tableFileOf(answers: NewProjectAnswers, within: (path: string) => string): string | undefined {
  if (answers.sourceKind === 'table') return within(answers.sourcePath as string);
  if (answers.sourceKind === 'dataAsset' && answers.asset && answers.assetTable !== undefined)
    return join(answers.asset.folder, ...answers.assetTable.split('/'));
  return undefined;
}

/**
 * Asks for everything a project needs and creates it in `folder` (the workspace folder). Returns the
 * project file's path.
 */
export async function newLabelingProject(
  folder: string,
  input: UserInput,
  dataAssets?: DataAssetChoices,
): Promise<string> {
  const answers: NewProjectAnswers = {};
  const within = (path: string) => (isAbsolute(path) ? path : resolve(folder, path));
  const steps: WizardStep<NewProjectAnswers>[] = [
    {
      async prompt(context, userInput, step) {
        const task = await userInput.pick<TaskType>({
          title: 'New Labeling Project: task',
          step,
          items: TASK_TYPES.map((task) => ({ label: task, description: TASK_DESCRIPTIONS[task], value: task })),
        });
        if (typeof task !== 'string') return BACK;
        context.task = task;
        return undefined;
      },
    },
    {
      shouldPrompt: (context) => !isImageTask(context.task as TaskType) || dataAssets !== undefined,
      async prompt(context, userInput, step) {
        const images = isImageTask(context.task as TaskType);
        const kind = await userInput.pick<SourceKind>({
          title: `New Labeling Project: where the ${images ? 'images' : 'texts'} are`,
          step,
          canGoBack: true,
          items: [
            images
              ? { label: 'A folder of images', description: 'one item per image', value: 'folder' }
              : { label: 'A folder of .txt files', description: 'one item per file', value: 'folder' },
            ...(images
              ? []
              : [{ label: 'A CSV or JSON Lines file', description: 'one item per row', value: 'table' as const }]),
            ...(dataAssets
              ? [
                  {
                    label: 'An Azure ML data asset',
                    description: 'uri_folder, uri_file or mltable of the active workspace, downloaded once',
                    value: 'dataAsset' as const,
                  },
                ]
              : []),
          ],
        });
        if (typeof kind !== 'string') return BACK;
        context.sourceKind = kind;
        return undefined;
      },
    },
    {
      shouldPrompt: (context) => context.sourceKind === 'dataAsset',
      async prompt(context, userInput, step) {
        const assets = (await (dataAssets as DataAssetChoices).assets()).filter(
          (asset) => !asset.dataType || (LABELING_DATA_TYPES as readonly string[]).includes(asset.dataType),
        );
        if (assets.length === 0)
          throw new Error(
            'The active workspace has no uri_folder, uri_file or mltable data assets; register one, or label a local folder.',
          );
        const name = await userInput.pick<string>({
          title: 'New Labeling Project: data asset',
          step,
          canGoBack: true,
          items: assets.map((asset) => ({
            label: asset.name,
            description: [asset.dataType, asset.latestVersion && `latest ${asset.latestVersion}`]
              .filter(Boolean)
              .join(' · '),
            value: asset.name,
          })),
        });
        if (typeof name !== 'string') return BACK;
        context.assetName = name;
        return undefined;
      },
    },
    {
      shouldPrompt: (context) => context.sourceKind === 'dataAsset',
      async prompt(context, userInput, step) {
        const name = context.assetName as string;
        const version = await userInput.pick<string>({
          title: `New Labeling Project: version of ${name}`,
          step,
          canGoBack: true,
          items: (await (dataAssets as DataAssetChoices).versions(name)).map((entry) => ({
            label: entry.version,
            description: [entry.dataType, entry.createdAt?.slice(0, 10)].filter(Boolean).join(' · '),
            detail: entry.path,
            value: entry.version,
          })),
        });
        if (typeof version !== 'string') return BACK;
        // Fetched here, so a version without items is refused before the labels are asked for.
        const asset = await (dataAssets as DataAssetChoices).fetch(
          name,
          version,
          isImageTask(context.task as TaskType),
        );
        context.asset = asset;
        // One CSV or JSON Lines file and no .txt files: its rows are the items, nothing to choose.
        context.assetTable = asset.itemCount === 0 && asset.tableFiles.length === 1 ? asset.tableFiles[0] : undefined;
        return undefined;
      },
    },
    {
      // A text asset with CSV or JSON Lines files: its .txt files, or the rows of one of those files.
      shouldPrompt: (context) =>
        context.sourceKind === 'dataAsset' &&
        context.asset !== undefined &&
        context.asset.tableFiles.length > 0 &&
        (context.asset.itemCount > 0 ? 1 : 0) + context.asset.tableFiles.length > 1,
      async prompt(context, userInput, step) {
        const asset = context.asset as FetchedDataAsset;
        const TEXT_FILES = '';
        const choice = await userInput.pick<string>({
          title: `New Labeling Project: the texts of ${asset.name}:${asset.version}`,
          step,
          canGoBack: true,
          items: [
            ...(asset.itemCount > 0
              ? [
                  {
                    label: 'Its .txt files',
                    description: `${asset.itemCount} file${asset.itemCount === 1 ? '' : 's'}, one item per file`,
                    value: TEXT_FILES,
                  },
                ]
              : []),
            ...asset.tableFiles.map((file) => ({ label: file, description: 'one item per row', value: file })),
          ],
        });
        if (typeof choice !== 'string') return BACK;
        context.assetTable = choice === TEXT_FILES ? undefined : choice;
        return undefined;
      },
    },
    {
      shouldPrompt: (context) => context.sourceKind !== 'dataAsset',
      async prompt(context, userInput, step) {
        const table = !isImageTask(context.task as TaskType) && context.sourceKind === 'table';
        const path = await userInput.input({
          title: `New Labeling Project: ${table ? 'the CSV or JSON Lines file' : 'the folder of items'}`,
          prompt: `The ${table ? 'file' : 'folder'}, relative to the workspace folder or absolute`,
          value: context.sourcePath,
          step,
          canGoBack: true,
          validate: (value) => {
            const target = within(value.trim());
            if (!value.trim() || !existsSync(target)) return `There is no ${value.trim() || 'such path'}.`;
            const isFolder = statSync(target).isDirectory();
            if (table && (isFolder || !/\.(csv|jsonl)$/i.test(target))) return 'Name a .csv or .jsonl file.';
            if (!table && !isFolder) return 'Name a folder.';
            return undefined;
          },
        });
        if (typeof path !== 'string') return BACK;
        context.sourcePath = path.trim();
        if (!table) context.sourceKind = 'folder';
        return undefined;
      },
    },
    {
      shouldPrompt: (context) => tableFileOf(context, within) !== undefined,
      async prompt(context, userInput, step) {
        const file = tableFileOf(context, within) as string;
        const columns = columnsOf(file);
        if (columns.length === 0)
          throw new Error(
            `${basename(file)} has no columns (no header row, or no JSON object on its first line); choose another file.`,
          );
        const column = await userInput.pick<string>({
          title: 'New Labeling Project: the text column',
          step,
          canGoBack: true,
          items: columns.map((name) => ({ label: name, value: name })),
        });
        if (typeof column !== 'string') return BACK;
        context.column = column;
        return undefined;
      },
    },
    {
      async prompt(context, userInput, step) {
        const text = await userInput.input({
          title: 'New Labeling Project: labels',
          prompt: 'Label names, separated by commas (hotkeys 1–9 are given in this order)',
          placeholder: 'cat, dog, bird',
          step,
          canGoBack: true,
          validate: (value) => {
            const labels = labelsFromList(value);
            if (labels.length === 0) return 'Give at least one label.';
            const problem = labelSetProblem(labels);
            return problem ? `${problem[0].toUpperCase()}${problem.slice(1)}.` : undefined;
          },
        });
        if (typeof text !== 'string') return BACK;
        context.labels = labelsFromList(text);
        return undefined;
      },
    },
    {
      async prompt(context, userInput, step) {
        const suggested =
          context.sourceKind === 'dataAsset'
            ? (context.assetName as string)
            : basename(within(context.sourcePath as string)).replace(/\.(csv|jsonl)$/i, '');
        const name = await userInput.input({
          title: 'New Labeling Project: name',
          prompt: `The project file is <name>${PROJECT_FILE_SUFFIX}, in the workspace folder`,
          value: context.name ?? suggested,
          step,
          canGoBack: true,
          validate: (value) => {
            if (!/^[\w.-]+$/.test(value.trim())) return 'Use letters, digits, ".", "-" and "_".';
            return existsSync(join(folder, `${value.trim()}${PROJECT_FILE_SUFFIX}`))
              ? `${value.trim()}${PROJECT_FILE_SUFFIX} already exists.`
              : undefined;
          },
        });
        if (typeof name !== 'string') return BACK;
        context.name = name.trim();
        return undefined;
      },
    },
  ];
  await runWizard(steps, answers, input);
  const relativeToFolder = (path: string) => relative(folder, within(path)).split('\\').join('/') || '.';
  let source: ProjectSource;
  if (answers.sourceKind === 'dataAsset') {
    const asset = answers.asset as FetchedDataAsset;
    source = {
      kind: 'dataAsset',
      name: asset.name,
      version: asset.version,
      cacheFolder: relativeToFolder(asset.folder),
      datastore: asset.datastore,
      datastorePath: asset.datastorePath,
      assetId: asset.assetId,
      dataType: asset.dataType,
      ...(asset.paths ? { paths: asset.paths } : {}),
      ...(answers.assetTable === undefined
        ? {}
        : { table: { path: answers.assetTable, column: answers.column as string } }),
    };
  } else if (answers.sourceKind === 'table') {
    source = { kind: 'table', path: relativeToFolder(answers.sourcePath as string), column: answers.column as string };
  } else {
    source = { kind: 'folder', path: relativeToFolder(answers.sourcePath as string) };
  }
  const projectFile = join(folder, `${answers.name}${PROJECT_FILE_SUFFIX}`);
  await LabelStore.create(projectFile, { task: answers.task as TaskType, labels: answers.labels ?? [], source });
  return projectFile;
}
