// "New Labeling Project…": task, source, labels and name through the user input seam, then the project files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseCsv } from '../core/labeling/csv';
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

interface NewProjectAnswers {
  task?: TaskType;
  sourceKind?: 'folder' | 'table';
  sourcePath?: string;
  column?: string;
  labels?: LabelDefinition[];
  name?: string;
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

/**
 * Asks for everything a project needs and creates it in `folder` (the workspace folder). Returns the
 * project file's path.
 */
export async function newLabelingProject(folder: string, input: UserInput): Promise<string> {
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
      shouldPrompt: (context) => !isImageTask(context.task as TaskType),
      async prompt(context, userInput, step) {
        const kind = await userInput.pick<'folder' | 'table'>({
          title: 'New Labeling Project: where the texts are',
          step,
          canGoBack: true,
          items: [
            { label: 'A folder of .txt files', description: 'one item per file', value: 'folder' },
            { label: 'A CSV or JSON Lines file', description: 'one item per row', value: 'table' },
          ],
        });
        if (typeof kind !== 'string') return BACK;
        context.sourceKind = kind;
        return undefined;
      },
    },
    {
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
      shouldPrompt: (context) => context.sourceKind === 'table',
      async prompt(context, userInput, step) {
        const columns = columnsOf(within(context.sourcePath as string));
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
        const suggested = basename(within(context.sourcePath as string)).replace(/\.(csv|jsonl)$/i, '');
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
  const sourcePath =
    relative(folder, within(answers.sourcePath as string))
      .split('\\')
      .join('/') || '.';
  const source: ProjectSource =
    answers.sourceKind === 'table'
      ? { kind: 'table', path: sourcePath, column: answers.column as string }
      : { kind: 'folder', path: sourcePath };
  const projectFile = join(folder, `${answers.name}${PROJECT_FILE_SUFFIX}`);
  await LabelStore.create(projectFile, { task: answers.task as TaskType, labels: answers.labels ?? [], source });
  return projectFile;
}
