import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID, SettingSection } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import { childNamed, eventually } from './tree';

const JOB_SCHEMA = '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';

function corpusFile(path: string): vscode.Uri {
  const workspace = vscode.workspace.workspaceFolders![0].uri;
  return vscode.Uri.joinPath(workspace, '..', 'azureml-examples', 'cli', ...path.split('/'));
}

async function openYaml(content: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(document);
  return document;
}

const ours = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Azure ML');
const summary = (d: vscode.Diagnostic) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`;

describe('yaml: Azure ML YAML authoring in the editor', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace
      .getConfiguration(SettingSection)
      .update('yaml.diagnostics', undefined, vscode.ConfigurationTarget.Global);
  });

  it('reports nothing on a real pipeline from the official examples', async () => {
    const document = await vscode.workspace.openTextDocument(
      corpusFile('jobs/pipelines-with-components/basics/1b_e2e_registered_components/pipeline.yml'),
    );
    await vscode.window.showTextDocument(document);
    const language = await eventually(
      () => api.yaml.language(),
      (loaded) => loaded !== undefined,
    );
    assert.deepEqual(language!.checkNow(document).map(summary), []);
  });

  it('underlines a misspelled key as the user types it and fixes it with the quick fix', async () => {
    const document = await openYaml(
      `${JOB_SCHEMA}\ncommand: python train.py\nenvironment: azureml:sklearn-env@latest\n`,
    );
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((edit) => edit.replace(new vscode.Range(1, 0, 1, 7), 'comand'));
    const [diagnostic] = await eventually(
      () => ours(document.uri),
      (found) => found.length === 1,
    );
    assert.equal(summary(diagnostic), '2:1 Unknown key `comand`; did you mean `command`?');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([diagnostic.range.end.line, diagnostic.range.end.character], [1, 6]);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      diagnostic.range,
    );
    const rename = actions.find((action) => action.title === 'Rename to `command`');
    assert.ok(rename?.edit, `actions: ${actions.map((action) => action.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(rename.edit));
    assert.equal(document.lineAt(1).text, 'command: python train.py');
    await eventually(
      () => ours(document.uri),
      (found) => found.length === 0,
    );
  });

  it('completes keys with their descriptions and explains a key on hover', async () => {
    const document = await openYaml(`${JOB_SCHEMA}\ncommand: python train.py\nresources:\n  instance_count: 2\nenv`);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(4, 3),
    );
    const environment = completions.items.find((item) => item.label === 'environment');
    assert.ok(environment, 'environment is offered');
    assert.ok(!completions.items.some((item) => item.label === 'command'), 'a key already present is not offered');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(3, 5),
    );
    const text = hovers
      .flatMap((hover) => hover.contents.map((part) => (part as vscode.MarkdownString).value))
      .join('\n');
    assert.match(text, /\*\*instance_count\*\*/);
    assert.match(text, /Expected: an integer ≥ 1/);
  });

  it('stays quiet on other YAML, and when its diagnostics are turned off', async () => {
    const workflow = await openYaml('name: CI\non: push\njobs:\n  build:\n    runs-on: [\n');
    const job = await openYaml(`${JOB_SCHEMA}\ncomand: python train.py\n`);
    await eventually(
      () => ours(job.uri),
      (found) => found.length > 0,
    );
    assert.deepEqual(ours(workflow.uri), []);
    await vscode.workspace
      .getConfiguration(SettingSection)
      .update('yaml.diagnostics', 'off', vscode.ConfigurationTarget.Global);
    await eventually(
      () => ours(job.uri),
      (found) => found.length === 0,
    );
  });

  it('warns about a local path that is not there and an azureml: asset the active workspace lacks', async () => {
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    const folder = mkdtempSync(join(tmpdir(), 'azureml-yaml-'));
    try {
      const file = join(folder, 'job.yml');
      writeFileSync(
        file,
        [
          JOB_SCHEMA,
          'command: python train.py',
          'code: ./src',
          'environment: azureml:sklearn-env:1',
          'compute: azureml:no-such-cluster',
          'inputs:',
          '  training:',
          '    type: uri_file',
          '    path: ./data/train.csv',
          '',
        ].join('\n'),
      );
      writeFileSync(join(folder, 'train.csv'), 'a,b\n');
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      const language = await eventually(
        () => api.yaml.language(),
        (loaded) => loaded !== undefined,
      );
      const shown = await language!.checkWithReferences(document);
      assert.deepEqual(
        shown.map((d) => `${summary(d)} [${vscode.DiagnosticSeverity[d.severity]}]`),
        [
          "3:7 `./src` does not exist in this file's folder; local paths are read relative to it. [Warning]",
          '5:10 No compute `no-such-cluster` in workspace `mlw-vision-dev`. [Warning]',
          "9:11 `./data/train.csv` does not exist in this file's folder; local paths are read relative to it. [Warning]",
        ],
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('completes azureml: references from the active workspace', async () => {
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    const document = await openYaml(`${JOB_SCHEMA}\ncommand: python train.py\nenvironment: \ncompute: azureml:c\n`);
    const labelsAt = async (line: number, character: number) => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        document.uri,
        new vscode.Position(line, character),
      );
      return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    };
    const environments = await labelsAt(2, 13);
    assert.ok(environments.includes('azureml:sklearn-env@latest'), environments.join(', '));
    const computes = await labelsAt(3, 18);
    assert.ok(computes.includes('azureml:cpu-cluster'), computes.join(', '));
    assert.ok(!computes.some((label) => label.endsWith('@latest')), 'computes have no versions');

    const pipeline = await openYaml('type: pipeline\njobs:\n  prep:\n    type: command\n    component: \n');
    const components = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      pipeline.uri,
      new vscode.Position(4, 15),
    );
    const componentLabels = components.items.map((item) =>
      typeof item.label === 'string' ? item.label : item.label.label,
    );
    assert.ok(componentLabels.includes('azureml:prep_data@latest'), componentLabels.join(', '));
  });

  it('completes local paths from the folder of the file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'azureml-yaml-'));
    try {
      mkdirSync(join(folder, 'train-src'));
      writeFileSync(join(folder, 'train-src', 'train.py'), 'print(1)\n');
      writeFileSync(join(folder, 'notes.txt'), 'x\n');
      const file = join(folder, 'job.yml');
      writeFileSync(file, `${JOB_SCHEMA}\ncommand: python train.py\ncode: \n`);
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(document);
      const labelsAt = async (position: vscode.Position) => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          document.uri,
          position,
        );
        return list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
      };
      const top = await labelsAt(new vscode.Position(2, 6));
      assert.ok(top.includes('train-src/'), top.join(', '));
      assert.ok(top.includes('notes.txt'), 'code may name a file or a folder');
      const editor = vscode.window.activeTextEditor!;
      await editor.edit((edit) => edit.insert(new vscode.Position(2, 6), 'train-src/'));
      const inside = await labelsAt(new vscode.Position(2, 16));
      assert.ok(inside.includes('train-src/train.py'), inside.join(', '));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
