import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { LocalRunHandle } from '../../src/jobs/localRuns';
import { readCiSettings } from '../../src/core/outerLoop/ciSettings';
import type { AddStepPlan } from '../../src/core/scaffold/addStep';
import { analyzeYaml } from '../../src/core/yaml/engine';
import type { InputOptions, UserInput } from '../../src/platform/userInput';
import type { NewProjectResult } from '../../src/scaffold/scaffold.lazy';
import { scriptedInput, type ScriptedAnswer, type ScriptedInput } from '../support/scriptedInput';
import { eventually } from './tree';

/** Debian's python3 carries pandas and scikit-learn (the test host installs them), which the classical steps import. */
const DEBIAN_BIN = '/usr/bin';

describe('scaffold: New MLOps Project and Add Pipeline Step', function () {
  this.timeout(240_000);
  let api: ExtensionApi;
  let workspaceFolder: string;
  let hadLocalState: boolean;
  const projects: string[] = [];

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    workspaceFolder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    hadLocalState = existsSync(join(workspaceFolder, '.azureml'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const terminal of vscode.window.terminals) terminal.dispose();
    for (const project of projects) rmSync(project, { recursive: true, force: true });
    if (!hadLocalState) rmSync(join(workspaceFolder, '.azureml'), { recursive: true, force: true });
  });

  /** A new folder name in the open folder, removed after the suite. */
  function projectFolder(name: string): string {
    const folder = join(workspaceFolder, `${name}-${process.pid}`);
    projects.push(folder);
    return folder;
  }

  /** Every answer of the wizard, the CI choice and what comes before the folder's name replaceable. */
  function wizardAnswers(folderName: string, ci: ScriptedAnswer[] = [{ pick: 'GitHub Actions' }]): ScriptedAnswer[] {
    return [
      { pick: 'Classical tabular' },
      ...ci,
      { pick: 'Bicep' },
      { pick: 'Online endpoint' },
      { pickMany: ['Security'] },
      { input: 'mlopsv2' },
      { input: '0001' },
      { input: 'eastus' },
      { input: 'dev' },
      { input: 'cpu-cluster' },
      { pick: `New folder in ${basename(workspaceFolder)}` },
      { input: folderName },
    ];
  }

  /** Runs `command` with scripted answers; the input boxes' checks are kept by their prompt for the test to try. */
  async function withAnswers<T>(answers: ScriptedAnswer[], command: () => Thenable<T>) {
    const scripted = scriptedInput(answers);
    const checks = new Map<string, NonNullable<InputOptions['validate']>>();
    const input: UserInput = {
      ...scripted,
      input: (options) => {
        if (options.validate) checks.set(options.prompt ?? '', options.validate);
        return scripted.input(options);
      },
    };
    const restore = api.platform.useUserInput(input);
    try {
      const result = await command();
      return { result, scripted: scripted as ScriptedInput, checks };
    } finally {
      restore();
    }
  }

  const newProject = (answers: ScriptedAnswer[]) =>
    withAnswers(answers, () => vscode.commands.executeCommand<NewProjectResult | undefined>(CommandId.newMlopsProject));

  let classical: string;

  it('creates a project from the wizard, checking names as they are typed, and opens its README', async () => {
    classical = projectFolder('taxi-mlops');
    // The folder is a clone already: its origin names the repository the outer loop runs in.
    mkdirSync(classical);
    execFileSync('git', ['init', '-q'], { cwd: classical });
    execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/contoso/taxi-fares.git'], { cwd: classical });
    const { result, scripted, checks } = await newProject(wizardAnswers(basename(classical)));
    assert.ok(result?.result, 'the command gave a result');
    assert.equal(result.folder, classical);
    assert.deepEqual(scripted.remaining, [], 'every answer was asked for');
    for (const file of [
      'README.md',
      'mlops/azureml/train/pipeline.yml',
      'mlops/azureml/train/data.yml',
      'data/taxi-data.csv',
      '.github/workflows/train-model.yml',
      '.github/dependabot.yml',
      'infrastructure/bicep/main.bicep',
    ])
      assert.ok(existsSync(join(classical, file)), `${file} was written`);
    assert.deepEqual(await readCiSettings(classical), {
      provider: 'github',
      owner: 'contoso',
      repo: 'taxi-fares',
      workflow: 'deploy-online-endpoint.yml',
      trigger: 'repository_dispatch',
      eventType: 'model-registered',
      ref: 'main',
    });
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(classical, 'README.md'));

    // Steps count up and offer Back after the first.
    const steps = scripted.prompts.map((prompt) => prompt.step?.index);
    assert.deepEqual(steps, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(scripted.prompts[0].canGoBack, false);
    assert.ok(scripted.prompts.slice(1).every((prompt) => prompt.canGoBack));
    // The names are checked with the options' own rules while typed.
    const check = (prompt: RegExp, value: string) => [...checks].find(([text]) => prompt.test(text))![1](value);
    assert.match(check(/^Namespace/, 'MLOps') ?? '', /must start with a lowercase letter/);
    assert.equal(check(/^Namespace/, 'mlops'), undefined);
    assert.match(check(/^Postfix/, '0001x0001x0001') ?? '', /at most 20 fit/, 'a postfix that makes names too long');
    assert.match(check(/cluster's name/, 'a') ?? '', /2 to 16 letters/);
  });

  it('follows a changed answer after Back', async () => {
    const folder = projectFolder('ado-mlops');
    const answers = wizardAnswers(basename(folder), [{ pick: 'GitHub Actions' }, 'back', { pick: 'Azure DevOps' }]);
    const { result, scripted } = await newProject(answers);
    assert.equal(result?.options.ci, 'azure-devops');
    const ciPrompts = scripted.prompts.filter((prompt) => prompt.items?.some((item) => item.label === 'Azure DevOps'));
    assert.equal(ciPrompts.length, 2, 'the CI question was asked again');
    assert.equal(
      JSON.parse(readFileSync(join(folder, '.azureml', 'outer-loop.json'), 'utf8')).provider,
      'azure-devops',
    );
    assert.ok(existsSync(join(folder, 'mlops', 'devops-pipelines', 'train-model.yml')));
    assert.ok(!existsSync(join(folder, '.github', 'workflows')), 'no GitHub workflows for the first answer');
  });

  it('asks before overwriting a folder that has the files: Cancel changes nothing, Overwrite rewrites them', async () => {
    const readme = join(classical, 'README.md');
    const generated = readFileSync(readme, 'utf8');
    writeFileSync(readme, '# My own notes\n');
    // The folder exists now, so it is chosen in the dialog.
    const choose = (confirm: string | undefined, ...firstTries: ScriptedAnswer[]): ScriptedAnswer[] => [
      ...wizardAnswers('').slice(0, -2),
      ...firstTries,
      { pick: 'Choose a folder…' },
      { folder: classical },
      { confirm },
    ];
    // Closing the folder dialog asks where again.
    const cancelled = await newProject(choose(undefined, { pick: 'Choose a folder…' }, 'cancel'));
    assert.deepEqual(cancelled.scripted.remaining, []);
    const question = cancelled.scripted.prompts.find((prompt) => prompt.kind === 'confirm')!;
    assert.match(question.value ?? '', /^\d+ of the project's \d+ files already exist/);
    const [existing, total] = /^(\d+) of the project's (\d+)/.exec(question.value!)!.slice(1).map(Number);
    assert.equal(existing, total, 'every file of the same choices is there');
    assert.deepEqual(question.actions, ['Overwrite']);
    assert.equal(cancelled.result?.result, undefined, 'nothing written');
    assert.equal(readFileSync(readme, 'utf8'), '# My own notes\n');

    const overwritten = await newProject(choose('Overwrite'));
    assert.equal(overwritten.result?.result?.written.length, total);
    assert.equal(readFileSync(readme, 'utf8'), generated);
  });

  it('adds a pipeline step: a component and its script beside the others, the step bound to upstream outputs', async () => {
    const pipeline = join(classical, 'mlops', 'azureml', 'train', 'pipeline.yml');
    const before = readFileSync(pipeline, 'utf8');
    await vscode.window.showTextDocument(vscode.Uri.file(pipeline));
    const { result, scripted } = await withAnswers(
      [
        { input: 'score_data' },
        { input: 'score.py' },
        { pickMany: ['train_model.model_output', 'prep_data.test_data'] },
        // Each chosen output's input is named in the pipeline's order.
        { input: 'test_data' },
        { input: 'model' },
        { input: 'scores' },
      ],
      () => vscode.commands.executeCommand<AddStepPlan | undefined>(CommandId.addPipelineStep),
    );
    assert.ok(result, 'the step was added');
    const offered = scripted.prompts.find((prompt) => prompt.kind === 'pickMany')!.items!.map((item) => item.label);
    const named = scripted.prompts.filter((prompt) => prompt.kind === 'input').map((prompt) => prompt.value);
    assert.deepEqual(named, ['', 'score_data.py', 'test_data', 'model_output', ''], 'defaults: the output names');
    assert.ok(offered.includes('prep_data.train_data') && offered.includes('evaluate_model.evaluation_output'));
    const after = readFileSync(pipeline, 'utf8');
    assert.ok(after.startsWith(before), 'the rest of the pipeline is as it was');
    assert.match(after, /\n {2}score_data:\n {4}type: command\n {4}component: \.\/components\/score_data\.yml\n/);
    assert.match(after, / {6}model: \$\{\{parent\.jobs\.train_model\.outputs\.model_output\}\}\n/);
    assert.match(after, / {6}test_data: \$\{\{parent\.jobs\.prep_data\.outputs\.test_data\}\}\n/);
    const errors = (text: string) => analyzeYaml(text).diagnostics.filter((problem) => problem.severity === 'error');
    assert.deepEqual(errors(after), []);
    const component = join(classical, 'mlops', 'azureml', 'train', 'components', 'score_data.yml');
    assert.deepEqual(errors(readFileSync(component, 'utf8')), []);
    assert.equal(
      vscode.window.activeTextEditor?.document.uri.fsPath,
      join(classical, 'data-science', 'src', 'score.py'),
    );
    // The editor agrees: no error on the pipeline once the YAML feature has looked at it.
    const uri = vscode.Uri.file(pipeline);
    await vscode.window.showTextDocument(uri);
    await eventually(
      () => vscode.languages.getDiagnostics(uri),
      (diagnostics) => !diagnostics.some((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error),
    );
  });

  it("runs the generated training pipeline locally, the new step too, on the project's own sample data", async () => {
    const pipeline = join(classical, 'mlops', 'azureml', 'train', 'pipeline.yml');
    const path = process.env.PATH;
    process.env.PATH = [DEBIAN_BIN, path].join(delimiter);
    try {
      const handle = await vscode.commands.executeCommand<LocalRunHandle | undefined>(
        CommandId.runLocally,
        vscode.Uri.file(pipeline),
      );
      assert.ok(handle, 'Run Locally gave no run');
      const record = await handle.done;
      assert.equal(record.status, 'Completed', handle.text());
      assert.deepEqual(
        record.steps.map((step) => [step.name, step.status]),
        ['prep_data', 'train_model', 'evaluate_model', 'register_model', 'score_data'].map((name) => [
          name,
          'Completed',
        ]),
      );
      assert.match(handle.text(), /azureml:taxi-data@latest: .*data[/\\]taxi-data\.csv, as .*data\.yml registers it/);
      assert.doesNotMatch(handle.text(), /Downloading/, 'nothing was asked of a workspace');
      const scoring = record.steps.find((step) => step.name === 'score_data')!;
      assert.match(readFileSync(join(handle.runDir, scoring.logPath), 'utf8'), /score_data done/);
    } finally {
      process.env.PATH = path;
    }
  });
});
