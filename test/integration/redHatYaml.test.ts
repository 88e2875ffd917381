import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID, RedHatYaml, SettingSection } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { RedHatYamlDouble } from '../doubles/redHatYaml/extension';
import { eventually } from './tree';

const JOB_SCHEMA = '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';
const CORPUS_JOB = 'jobs/single-step/scikit-learn/diabetes/job.yml';
const OUR_COMMAND_JOB_SCHEMA = 'azureml-schema://schemas/commandJob.schema.json';

/** The project's own schema file, read from the repository the tests run from (out/test/integration). */
function schemaFile(name: string): Record<string, unknown> {
  const path = join(__dirname, '..', '..', '..', 'src', 'core', 'yaml', 'schemas', name);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function corpusFile(path: string): vscode.Uri {
  const workspace = vscode.workspace.workspaceFolders![0].uri;
  return vscode.Uri.joinPath(workspace, '..', 'azureml-examples', 'cli', ...path.split('/'));
}

async function show(document: vscode.TextDocument): Promise<vscode.TextDocument> {
  await vscode.window.showTextDocument(document);
  return document;
}

const openYaml = async (content: string) =>
  show(await vscode.workspace.openTextDocument({ language: 'yaml', content }));

async function setReporter(value: 'azureml' | 'yaml-extension' | 'off' | undefined) {
  await vscode.workspace
    .getConfiguration(SettingSection)
    .update('yaml.diagnostics', value, vscode.ConfigurationTarget.Global);
}

async function setRedHatValidation(value: boolean) {
  await vscode.workspace
    .getConfiguration(RedHatYaml.section)
    .update(RedHatYaml.validate, value, vscode.ConfigurationTarget.Global);
}

const codes = (shown: readonly vscode.Diagnostic[]) => shown.map((d) => String(d.code)).sort();

describe("yaml: Red Hat's YAML extension gets the schemas (with its double)", () => {
  let api: ExtensionApi;
  let redHat: RedHatYamlDouble;
  let folder: string;

  /** A command job on disk with a misspelled key, a binding to no input and a local folder that is not there. */
  async function flawedJob(): Promise<vscode.TextDocument> {
    const file = join(folder, 'job.yml');
    writeFileSync(
      file,
      [
        JOB_SCHEMA,
        'code: ./no-such-folder',
        'command: python train.py --lr ${{inputs.learning_rate}}',
        'environment: azureml:sklearn-env@latest',
        'compute: azureml:cpu-cluster',
        'experiment_nam: demo',
        '',
      ].join('\n'),
    );
    return show(await vscode.workspace.openTextDocument(vscode.Uri.file(file)));
  }

  async function language() {
    return (await eventually(
      () => api.yaml.language(),
      (loaded) => loaded !== undefined,
    ))!;
  }

  async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      position,
    );
    return hovers.flatMap((hover) => hover.contents.map((part) => (part as vscode.MarkdownString).value)).join('\n');
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    folder = mkdtempSync(join(tmpdir(), 'azureml-redhat-'));
    // The host profile turns Red Hat's validation off, so the other suites see this extension report everything.
    await setRedHatValidation(true);
    // The hand-over starts with the first Azure ML file, as Red Hat's extension is not to load before one opens.
    await show(await vscode.workspace.openTextDocument(corpusFile(CORPUS_JOB)));
    const extension = vscode.extensions.getExtension<RedHatYamlDouble>(RedHatYaml.extensionId)!;
    redHat = (await eventually(
      () => (extension.isActive ? extension.exports : undefined),
      (exports) => exports !== undefined && exports.contributors.length > 0,
    ))!;
  });

  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await setRedHatValidation(false);
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await setReporter(undefined);
    await setRedHatValidation(true);
  });

  it('registers one contributor for a corpus file, naming and serving our schema with yaml-extension', async () => {
    const document = await show(await vscode.workspace.openTextDocument(corpusFile(CORPUS_JOB)));
    await setReporter('yaml-extension');

    const answer = await redHat.schemaFor(document.uri.toString());
    assert.equal(answer?.uri, OUR_COMMAND_JOB_SCHEMA);
    const served = JSON.parse(answer!.content) as Record<string, unknown>;
    const ours = schemaFile('commandJob.schema.json');
    assert.deepEqual({ ...served, $id: ours.$id }, ours);
    // Its references are asked for under the same scheme, and served too.
    const referenced = new URL('common.schema.json', answer!.uri).toString();
    const common = JSON.parse(await redHat.contributors[0].requestSchemaContent(referenced)) as Record<string, unknown>;
    assert.equal(common.$id, referenced);
    assert.deepEqual({ ...common, $id: schemaFile('common.schema.json').$id }, schemaFile('common.schema.json'));

    assert.equal(redHat.contributors.length, 1);
    assert.deepEqual(redHat.misuses, []);
  });

  it('gives Red Hat no schema for other YAML, such as a GitHub workflow', async () => {
    const workflow = await openYaml('name: CI\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n');
    for (const reporter of ['azureml', 'yaml-extension', 'off'] as const) {
      await setReporter(reporter);
      assert.equal(await redHat.schemaFor(workflow.uri.toString()), undefined, reporter);
    }
  });

  it('with azureml: reports schema problems itself and gives Red Hat a schema that checks nothing', async () => {
    const document = await flawedJob();
    assert.deepEqual(codes(await (await language()).checkWithReferences(document)), [
      'binding',
      'missing-path',
      'unknown-key',
    ]);
    const answer = await redHat.schemaFor(document.uri.toString());
    assert.ok(answer && answer.uri !== OUR_COMMAND_JOB_SCHEMA, answer?.uri);
    const served = JSON.parse(answer.content) as Record<string, unknown>;
    assert.deepEqual(
      Object.keys(served).filter((key) => !['$schema', '$id', 'title'].includes(key)),
      [],
      'nothing that could report a problem',
    );
    assert.match(await hoverText(document, new vscode.Position(2, 3)), /\*\*command\*\*/);
  });

  it('with yaml-extension: reports only bindings and local paths, and leaves hovers to Red Hat', async () => {
    await setReporter('yaml-extension');
    const document = await flawedJob();
    assert.deepEqual(codes(await (await language()).checkWithReferences(document)), ['binding', 'missing-path']);
    assert.equal((await redHat.schemaFor(document.uri.toString()))?.uri, OUR_COMMAND_JOB_SCHEMA);
    assert.equal(await hoverText(document, new vscode.Position(2, 3)), '');

    // Red Hat's extension with its validation off reports nothing, so this extension reports everything again.
    await setRedHatValidation(false);
    assert.deepEqual(codes(await (await language()).checkWithReferences(document)), [
      'binding',
      'missing-path',
      'unknown-key',
    ]);
  });

  it('with off: reports nothing, and Red Hat still gets a schema that checks nothing', async () => {
    await setReporter('off');
    const document = await flawedJob();
    assert.deepEqual(await (await language()).checkWithReferences(document), []);
    const answer = await redHat.schemaFor(document.uri.toString());
    assert.ok(answer && answer.uri !== OUR_COMMAND_JOB_SCHEMA, answer?.uri);
  });

  it('leaves YAML syntax errors to Red Hat while it validates, and reports them when it does not', async () => {
    const document = await openYaml(`${JOB_SCHEMA}\ncommand: "python train.py\n`);
    const check = async () => codes(await (await language()).checkWithReferences(document));
    for (const reporter of ['azureml', 'yaml-extension'] as const) {
      await setReporter(reporter);
      await setRedHatValidation(true);
      assert.deepEqual(await check(), [], reporter);
      await setRedHatValidation(false);
      assert.deepEqual(await check(), ['syntax'], reporter);
    }
  });
});
