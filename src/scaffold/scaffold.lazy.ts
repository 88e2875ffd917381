// Bundle entry of dist/scaffold.js: New MLOps Project and Add Pipeline Step, loaded with the first of them.
import vscode = require('vscode');
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import {
  AddStepError,
  pipelineStepNames,
  pipelineStepOutputs,
  planAddStep,
  portNameProblem,
  scriptNameProblem,
  stepNameProblem,
  type AddStepPlan,
  type UpstreamOutput,
} from '../core/scaffold/addStep';
import { isCancellation } from '../core/errors/kinds';
import { generate, type GenerateResult } from '../core/scaffold/generate';
import { optionsFromRemote } from '../core/scaffold/gitRemote';
import { nodeTarget } from '../core/scaffold/nodeTarget';
import {
  repositoryNameFrom,
  validateOptions,
  withDefaults,
  type CiProvider,
  type Deployment,
  type IacTool,
  type NlpTask,
  type Scenario,
  type ScaffoldOptions,
} from '../core/scaffold/options';
import type { CallContext } from '../platform/commands';
import { isBack, type PickItem, type UserInput } from '../platform/userInput';
import { runWizard, type WizardStep } from '../platform/wizard';
import type { Services } from '../services';

export interface NewProjectResult {
  readonly folder: string;
  readonly options: ScaffoldOptions;
  /** Undefined when the user kept the files that were there (nothing written). */
  readonly result?: GenerateResult;
}

export interface ScaffoldActions {
  newProject(call: CallContext): Promise<NewProjectResult | undefined>;
  addPipelineStep(call: CallContext, target?: vscode.Uri): Promise<AddStepPlan | undefined>;
}

export function createScaffoldActions(services: Services): ScaffoldActions {
  return {
    newProject: () => newProject(services.userInput),
    addPipelineStep: (_call, target) => addPipelineStep(services.userInput, target),
  };
}

// ── New MLOps Project ────────────────────────────────────────────────────────────────────────────────────────────

const TITLE = 'New MLOps Project';
type NameOption = 'namespace' | 'postfix' | 'location' | 'environment' | 'compute';

/** The wizard's answers: what the user chose so far, over the defaults. */
interface ProjectAnswers {
  choices: Partial<ScaffoldOptions>;
  /** The workspace folder a new project folder goes into, if one is open. */
  parent?: string;
  /** 'new': a new folder named below in `parent`; 'choose': a folder from the dialog. */
  placement?: 'new' | 'choose';
  folderName?: string;
  folder?: string;
}

function pickStep<K extends keyof ScaffoldOptions>(
  option: K,
  placeholder: string,
  items: PickItem<ScaffoldOptions[K]>[],
  shouldPrompt?: (answers: ProjectAnswers) => boolean,
): WizardStep<ProjectAnswers> {
  return {
    shouldPrompt,
    async prompt(answers, input, step) {
      const current = withDefaults(answers.choices)[option];
      const answer = await input.pick({
        title: TITLE,
        placeholder,
        step,
        canGoBack: step.index > 1,
        items: items.map((item) => ({ ...item, picked: item.value === current })),
      });
      if (isBack(answer)) return answer;
      answers.choices[option] = answer;
      return undefined;
    },
  };
}

/** Problems with `value` for `option`: its own, and those it causes in the names it combines with. */
function nameProblem(choices: Partial<ScaffoldOptions>, option: NameOption, value: string): string | undefined {
  const problems = validateOptions(withDefaults({ ...choices, [option]: value }));
  const own = problems.find((problem) => problem.option === option);
  if (own) return own.message;
  // A value that is fine alone can make a combined name too long; that problem is reported on another option.
  const baseline = new Set(
    validateOptions(withDefaults({ ...choices, [option]: 'a' })).map((problem) => problem.option),
  );
  return problems.find((problem) => !baseline.has(problem.option))?.message;
}

function nameStep(option: NameOption, prompt: string): WizardStep<ProjectAnswers> {
  return {
    async prompt(answers, input, step) {
      const answer = await input.input({
        title: TITLE,
        prompt,
        step,
        canGoBack: true,
        value: withDefaults(answers.choices)[option],
        validate: (value) => nameProblem(answers.choices, option, value.trim()),
      });
      if (isBack(answer)) return answer;
      answers.choices[option] = answer.trim();
      return undefined;
    },
  };
}

const blocksStep: WizardStep<ProjectAnswers> = {
  async prompt(answers, input, step) {
    const current = withDefaults(answers.choices);
    const answer = await input.pickMany<'security' | 'responsibleAi'>({
      title: TITLE,
      placeholder: 'Optional parts (Space to toggle, Enter to go on)',
      step,
      canGoBack: true,
      items: [
        {
          label: 'Security',
          description: 'Dependabot, a dependency scan in CI, secret-scanning notes',
          value: 'security',
          picked: current.security,
        },
        {
          label: 'Responsible AI review',
          description: 'a person approves the model before it is registered',
          value: 'responsibleAi',
          picked: current.responsibleAi,
        },
      ],
    });
    if (isBack(answer)) return answer;
    answers.choices.security = answer.includes('security');
    answers.choices.responsibleAi = answer.includes('responsibleAi');
    return undefined;
  },
};

const placementStep: WizardStep<ProjectAnswers> = {
  async prompt(answers, input, step) {
    const items: PickItem<'new' | 'choose'>[] = [];
    if (answers.parent)
      items.push({
        label: `New folder in ${basename(answers.parent)}`,
        description: answers.parent,
        value: 'new',
        picked: answers.placement !== 'choose',
      });
    items.push({
      label: 'Choose a folder…',
      description: 'an empty folder, or one to add the project to',
      value: 'choose',
    });
    // Closing the folder dialog returns to this question rather than ending the wizard.
    for (;;) {
      const answer = await input.pick({
        title: TITLE,
        placeholder: 'Where should the project go?',
        step,
        canGoBack: true,
        items,
      });
      if (isBack(answer)) return answer;
      answers.placement = answer;
      if (answer === 'new') return undefined;
      try {
        answers.folder = await input.chooseFolder({
          title: `${TITLE}: the project's folder`,
          defaultPath: answers.parent ?? homeFolder(),
          openLabel: 'Create Project Here',
        });
        return undefined;
      } catch (error) {
        if (!isCancellation(error)) throw error;
      }
    }
  },
};

const folderNameStep: WizardStep<ProjectAnswers> = {
  shouldPrompt: (answers) => answers.placement === 'new' && answers.parent !== undefined,
  async prompt(answers, input, step) {
    const parent = answers.parent!;
    const answer = await input.input({
      title: TITLE,
      prompt: `The new folder's name, in ${parent}`,
      step,
      canGoBack: true,
      value: answers.folderName ?? freeFolderName(parent, `mlops-${answers.choices.scenario ?? 'classical'}`),
      validate: (value) =>
        !value.trim()
          ? 'Name the folder.'
          : /[\\/:*?"<>|]/.test(value) || value.trim() === '.' || value.trim() === '..'
            ? 'A folder name, without / \\ : * ? " < > |.'
            : undefined,
    });
    if (isBack(answer)) return answer;
    answers.folderName = answer.trim();
    answers.folder = join(parent, answers.folderName);
    return undefined;
  },
};

function homeFolder(): string {
  return process.env.HOME ?? process.env.USERPROFILE ?? '/';
}

/** `name`, or `name-2`, `name-3`… : the first that is not in `parent` yet. */
function freeFolderName(parent: string, name: string): string {
  for (let index = 1; ; index++) {
    const candidate = index === 1 ? name : `${name}-${index}`;
    if (!existsSync(join(parent, candidate))) return candidate;
  }
}

function projectSteps(): WizardStep<ProjectAnswers>[] {
  return [
    pickStep<'scenario'>('scenario', 'What does the model learn from?', [
      {
        label: 'Classical tabular',
        description: 'scikit-learn on a table (taxi fares)',
        value: 'classical' as Scenario,
      },
      { label: 'Computer vision', description: 'AutoML image classification', value: 'cv' },
      { label: 'NLP', description: 'AutoML text classification or named entities', value: 'nlp' },
    ]),
    pickStep<'nlpTask'>(
      'nlpTask',
      'Which NLP task?',
      [
        { label: 'Text classification', value: 'text-classification' as NlpTask },
        { label: 'Named entity recognition', value: 'ner' },
      ],
      (answers) => answers.choices.scenario === 'nlp',
    ),
    pickStep<'ci'>('ci', 'Which CI runs training and deployment?', [
      { label: 'GitHub Actions', value: 'github' as CiProvider },
      { label: 'Azure DevOps', description: 'Azure Pipelines', value: 'azure-devops' },
    ]),
    pickStep<'iac'>('iac', 'Which infrastructure as code?', [
      { label: 'Bicep', value: 'bicep' as IacTool },
      { label: 'Terraform', value: 'terraform' },
    ]),
    pickStep<'deploy'>('deploy', 'How is the model served?', [
      { label: 'Online endpoint', description: 'real-time scoring', value: 'online' as Deployment },
      { label: 'Batch endpoint', description: 'scoring files in bulk', value: 'batch' },
      { label: 'Both', value: 'both' },
    ]),
    blocksStep,
    nameStep('namespace', 'Namespace: the first part of every Azure resource name (lowercase letters and digits)'),
    nameStep('postfix', 'Postfix: keeps the resource names unique, such as 0001'),
    nameStep('location', 'Azure region of the resources, such as eastus or westeurope'),
    nameStep('environment', 'The development environment\'s name (production is "prod")'),
    nameStep('compute', "The training cluster's name"),
    placementStep,
    folderNameStep,
  ];
}

async function newProject(input: UserInput): Promise<NewProjectResult | undefined> {
  const parent = vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath;
  const answers = await runWizard(projectSteps(), { choices: {}, parent }, input);
  const folder = answers.folder!;
  // The repository the folder is in names the outer loop's repository; else the folder's name is the guess.
  const options = withDefaults({
    githubRepo: repositoryNameFrom(basename(folder)),
    ...(await optionsFromRemote(folder)),
    ...answers.choices,
  });
  const target = nodeTarget(folder);
  const generateWithProgress = (overwrite: boolean) =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Creating the MLOps project in ${basename(folder)}…` },
      () => generate(options, target, { overwrite }),
    );
  let result = await generateWithProgress(false);
  if (result.written.length === 0 && result.conflicts.length > 0) {
    const overwrite = 'Overwrite';
    const shown = result.conflicts.slice(0, 8).join('\n') + (result.conflicts.length > 8 ? '\n…' : '');
    const answer = await input.confirm({
      message: `${result.conflicts.length} of the project's ${result.files.length} files already exist in ${folder}. Overwrite them?`,
      detail: `${shown}\n\nNothing has been written. Cancel keeps every file as it is.`,
      actions: [overwrite],
    });
    if (answer !== overwrite) return { folder, options };
    result = await generateWithProgress(true);
  }
  await vscode.window.showTextDocument(vscode.Uri.file(join(folder, 'README.md')), { preview: false });
  void announceProject(folder, result);
  return { folder, options, result };
}

async function announceProject(folder: string, result: GenerateResult): Promise<void> {
  const uri = vscode.Uri.file(folder);
  const inWorkspace = vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  const replaced = result.written.filter((path) => result.conflicts.includes(path)).length;
  const message =
    `Created the MLOps project in ${folder}: ${result.written.length} files` +
    (replaced > 0 ? `, ${replaced} of them replaced.` : '.') +
    ' Its README has the next steps.';
  const openFolder = 'Open Folder';
  const reveal = 'Reveal in Explorer';
  const choice = await vscode.window.showInformationMessage(message, inWorkspace ? reveal : openFolder);
  if (choice === openFolder) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', uri);
}

// ── Add Pipeline Step ────────────────────────────────────────────────────────────────────────────────────────────

const STEP_TITLE = 'Add Pipeline Step';

interface StepAnswers {
  stepName?: string;
  scriptName?: string;
  /** Chosen upstream outputs, by `step.output`. */
  chosen: UpstreamOutput[];
  /** Input name per chosen output key. */
  inputNames: Map<string, string>;
  outputs?: string[];
}

const keyOf = (output: UpstreamOutput) => `${output.step}.${output.output}`;

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function stepSteps(stepNames: string[], upstream: UpstreamOutput[]): WizardStep<StepAnswers>[] {
  const takenBefore = (answers: StepAnswers, key: string) =>
    answers.chosen
      .slice(
        0,
        answers.chosen.findIndex((output) => keyOf(output) === key),
      )
      .map((output) => answers.inputNames.get(keyOf(output)) ?? output.output);
  return [
    {
      async prompt(answers, input, step) {
        const answer = await input.input({
          title: STEP_TITLE,
          prompt: "The new step's name (it names its component too)",
          step,
          value: answers.stepName ?? '',
          validate: (value) => stepNameProblem(value.trim(), stepNames),
        });
        if (isBack(answer)) return answer;
        answers.stepName = answer.trim();
        return undefined;
      },
    },
    {
      async prompt(answers, input, step) {
        const answer = await input.input({
          title: STEP_TITLE,
          prompt: "The step's Python script",
          step,
          canGoBack: true,
          value: answers.scriptName ?? `${answers.stepName}.py`,
          validate: (value) => scriptNameProblem(value.trim()),
        });
        if (isBack(answer)) return answer;
        answers.scriptName = answer.trim();
        return undefined;
      },
    },
    {
      shouldPrompt: () => upstream.length > 0,
      async prompt(answers, input, step) {
        const chosen = new Set(answers.chosen.map(keyOf));
        const answer = await input.pickMany({
          title: STEP_TITLE,
          placeholder: 'Which outputs of the other steps does it read? (none is fine)',
          step,
          canGoBack: true,
          items: upstream.map((output) => ({
            label: keyOf(output),
            description: output.type,
            value: output,
            picked: chosen.has(keyOf(output)),
          })),
        });
        if (isBack(answer)) return answer;
        // In the pipeline's order, the order their names are asked in.
        const picked = new Set(answer.map(keyOf));
        answers.chosen = upstream.filter((output) => picked.has(keyOf(output)));
        return undefined;
      },
    },
    // One name per chosen output, each its own step so Back returns to the one before.
    ...upstream.map((output): WizardStep<StepAnswers> => ({
      shouldPrompt: (answers) => answers.chosen.some((chosen) => keyOf(chosen) === keyOf(output)),
      async prompt(answers, input, step) {
        const key = keyOf(output);
        const answer = await input.input({
          title: STEP_TITLE,
          prompt: `The input that reads ${key}`,
          step,
          canGoBack: true,
          value: answers.inputNames.get(key) ?? output.output,
          validate: (value) => portNameProblem(value.trim(), takenBefore(answers, key)),
        });
        if (isBack(answer)) return answer;
        answers.inputNames.set(key, answer.trim());
        return undefined;
      },
    })),
    {
      async prompt(answers, input, step) {
        const inputs = answers.chosen.map((output) => answers.inputNames.get(keyOf(output)) ?? output.output);
        const split = (value: string) =>
          value
            .split(',')
            .map((name) => name.trim())
            .filter(Boolean);
        const answer = await input.input({
          title: STEP_TITLE,
          prompt: 'Its outputs, separated by commas (empty for none)',
          step,
          canGoBack: true,
          value: (answers.outputs ?? []).join(', '),
          validate: (value) => {
            const names = split(value);
            for (const [index, name] of names.entries()) {
              const problem = portNameProblem(name, [...inputs, ...names.slice(0, index)]);
              if (problem) return problem;
            }
            return undefined;
          },
        });
        if (isBack(answer)) return answer;
        answers.outputs = split(answer);
        return undefined;
      },
    },
  ];
}

async function pipelineDocument(target: vscode.Uri | undefined): Promise<vscode.TextDocument> {
  const uri = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new Error('Open a pipeline job YAML (type: pipeline) to add a step to it.');
  if (uri.scheme !== 'file')
    throw new Error('Save the pipeline to a file first: the new component and script are written beside it.');
  return vscode.workspace.openTextDocument(uri);
}

async function addPipelineStep(input: UserInput, target?: vscode.Uri): Promise<AddStepPlan | undefined> {
  const document = await pipelineDocument(target);
  const file = document.uri.fsPath;
  const failure = (error: unknown): never => {
    if (error instanceof AddStepError) throw new Error(`${basename(file)}: ${error.message}`);
    throw error;
  };
  let stepNames: string[] = [];
  let upstream: UpstreamOutput[] = [];
  try {
    stepNames = pipelineStepNames(document.getText(), file);
    upstream = pipelineStepOutputs(document.getText(), file, readIfThere);
  } catch (error) {
    failure(error);
  }
  const answers = await runWizard(stepSteps(stepNames, upstream), { chosen: [], inputNames: new Map() }, input);
  const request = {
    stepName: answers.stepName!,
    scriptName: answers.scriptName!,
    inputs: answers.chosen.map((output) => ({
      name: answers.inputNames.get(keyOf(output)) ?? output.output,
      from: { step: output.step, output: output.output },
    })),
    outputs: answers.outputs ?? [],
  };
  // The text as it is now, saved or not: the edit goes into the open document.
  let plan: AddStepPlan | undefined;
  try {
    plan = planAddStep(document.getText(), file, request, readIfThere, existsSync);
  } catch (error) {
    failure(error);
  }
  for (const created of plan!.files) {
    await mkdir(dirname(created.path), { recursive: true });
    await writeFile(created.path, created.content, { flag: 'wx' });
  }
  const edit = new vscode.WorkspaceEdit();
  const whole = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  edit.replace(document.uri, whole, plan!.pipelineText);
  if (!(await vscode.workspace.applyEdit(edit)))
    throw new Error(`${basename(file)} could not be edited; the component and script were written.`);
  await document.save();
  await vscode.window.showTextDocument(vscode.Uri.file(plan!.scriptFile), { preview: false });
  void vscode.window.showInformationMessage(
    `Added step ${request.stepName} to ${basename(file)}: ${relative(dirname(file), plan!.componentFile)} runs ` +
      `${basename(plan!.scriptFile)}, opened for you to fill in.`,
  );
  return plan;
}
