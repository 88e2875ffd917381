// Labeling with Azure ML in the real VS Code against the emulator: a project made from a seeded data asset,
// labeled through the editor's messages, then Register Labeled Data, checked on the wire and in the Data view.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID, NodeContext } from '../../src/constants';
import type { WorkspaceRef } from '../../src/core/azure/resourceIds';
import { downloadDataLocation } from '../../src/core/jobs/download';
import { LABELED_DATA_TAGS } from '../../src/core/labeling/registerData';
import type { ExtensionApi } from '../../src/extension';
import type { LabelingEditor } from '../../src/labeling/editor';
import type { LabeledDataOutcome } from '../../src/labeling/registerLabeledData';
import type { ReportedError } from '../../src/platform/errorReporter';
import type { LabelEdit } from '../../src/webviews/labeling/contract';
import { scriptedInput, type ScriptedAnswer } from '../support/scriptedInput';
import { emulator } from './emulator';
import { childNamed, contextOf, descriptionOf, eventually, labelOf } from './tree';

const FIXTURE_IMAGES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'labeling', 'images');

type BlobRequest = Awaited<ReturnType<typeof emulator.blobRequests>>[number];

describe('labeling with Azure ML: a project from a data asset, Register Labeled Data', function () {
  this.timeout(180_000);
  let api: ExtensionApi;
  let workspace: WorkspaceRef;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const reports: ReportedError[] = [];
  const disposables: vscode.Disposable[] = [];
  const created: string[] = [];

  async function run<T>(answers: ScriptedAnswer[], command: () => Thenable<T>): Promise<T> {
    const input = scriptedInput(answers);
    const restore = api.platform.useUserInput(input);
    try {
      const result = await command();
      assert.deepEqual(input.remaining, [], 'every scripted answer was asked for');
      return result;
    } finally {
      restore();
    }
  }

  const register = (projectFile: string, answers: ScriptedAnswer[]) =>
    run(answers, () =>
      vscode.commands.executeCommand<LabeledDataOutcome | undefined>(
        CommandId.registerLabeledData,
        vscode.Uri.file(projectFile),
      ),
    );

  async function openEditor(projectFile: string): Promise<LabelingEditor> {
    const uri = vscode.Uri.file(projectFile);
    const editor = await eventually(
      () => api.labeling.feature()?.editorFor(uri),
      (found) => found !== undefined,
    );
    await eventually(
      () => editor!.received.map((message) => message.type),
      (types) => types.includes('rendered'),
    );
    return editor!;
  }

  const edit = (editor: LabelingEditor, payload: LabelEdit) => editor.handle({ type: 'edit', payload });

  /** Blob requests made while `action` ran. */
  async function blobRequestsDuring<T>(action: () => Promise<T>): Promise<{ result: T; requests: BlobRequest[] }> {
    const before = (await emulator.blobRequests()).length;
    const result = await action();
    return { result, requests: (await emulator.blobRequests()).slice(before) };
  }

  /** Blocks staged per uploaded blob path (Put Block requests). */
  function blocksByPath(requests: BlobRequest[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of requests.filter((r) => r.method === 'PUT' && r.comp === 'block')) {
      const path = decodeURIComponent(request.path);
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
    return counts;
  }

  async function dataVersion(name: string, version: string) {
    const arm = await api.auth.session.getArm();
    const resource = await arm.getResource(
      `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace.name}/data/${name}/versions/${version}`,
    );
    return resource.properties as { dataType: string; dataUri: string; tags: Record<string, string> };
  }

  async function versionCount(name: string): Promise<number> {
    const arm = await api.auth.session.getArm();
    return (await arm.listDataVersions(workspace, name)).items.length;
  }

  /** The registered MLTable folder, downloaded back from storage: file name → text. */
  async function downloaded(dataUri: string): Promise<Map<string, string>> {
    const arm = await api.auth.session.getArm();
    const target = mkdtempSync(join(tmpdir(), 'labeled-download-'));
    try {
      await downloadDataLocation(arm, workspace, dataUri, target);
      const files = new Map<string, string>();
      for (const name of ['MLTable', 'train_annotations.jsonl', 'validation_annotations.jsonl']) {
        try {
          files.set(name, readFileSync(join(target, name), 'utf8'));
        } catch {
          // Not every folder has every file.
        }
      }
      return files;
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  }

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    disposables.push(api.platform.errors.onDidReport((report) => reports.push(report)));
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    workspace = api.auth.activeWorkspace.current!;
  });
  afterEach(async () => {
    await emulator.restoreAccess();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => {
    disposables.forEach((disposable) => disposable.dispose());
    for (const path of created) rmSync(path, { recursive: true, force: true });
  });

  it('makes a project of the pictures an mltable names, registers its boxes once, and shows the version', async () => {
    const projectFile = join(folder(), 'shape-table-boxes.labels.json');
    created.push(projectFile, join(folder(), 'shape-table-boxes.labels.jsonl'));
    await run(
      [
        { pick: 'object-detection' },
        { pick: 'An Azure ML data asset' },
        { pick: 'shape-table' },
        { pick: '1' },
        { input: 'circle, square, triangle' },
        { input: 'shape-table-boxes' },
      ],
      () => vscode.commands.executeCommand(CommandId.newLabelingProject),
    );
    const project = JSON.parse(readFileSync(projectFile, 'utf8'));
    assert.deepEqual(project.source, {
      kind: 'dataAsset',
      name: 'shape-table',
      version: '1',
      cacheFolder: '.azureml/cache/data/mlw-vision-dev/shape-table/1/files',
      datastore: 'workspaceblobstore',
      datastorePath: 'demo/shape-table/v1',
      assetId: `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace.name}/data/shape-table/versions/1`,
      dataType: 'mltable',
      paths: [{ pattern: 'images/*.png' }],
    });
    created.push(join(folder(), '.azureml', 'cache', 'data', 'mlw-vision-dev', 'shape-table'));

    const editor = await openEditor(projectFile);
    // The MLTable names the pictures of images/, not the README beside them.
    await eventually(
      () => api.labeling.feature()?.statusText(),
      (text) => text === '0 / 6 labeled',
    );
    await edit(editor, {
      action: 'addBox',
      item: 'images/shapes-01.png',
      label: 'circle',
      rect: { left: 0.1, top: 0.1, right: 0.4, bottom: 0.5 },
    });
    await edit(editor, {
      action: 'addBox',
      item: 'images/shapes-02.png',
      label: 'square',
      rect: { left: 0.5, top: 0.2, right: 0.9, bottom: 0.7 },
    });

    const first = await blobRequestsDuring(() =>
      register(projectFile, [{ input: 'shape-table-boxes-train' }, { input: '0' }]),
    );
    const outcome = first.result!;
    assert.equal(outcome.versions.length, 1);
    const [version] = outcome.versions;
    assert.deepEqual([version.assetName, version.version, version.created], ['shape-table-boxes-train', '1', true]);
    assert.match(
      version.dataUri,
      /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/shape-table-boxes-train\/$/,
    );
    // The pictures are the data asset's own: only the MLTable folder goes up, each file once.
    const uploaded = blocksByPath(first.requests);
    assert.deepEqual([...uploaded.keys()].map((path) => path.split('/').slice(-2).join('/')).sort(), [
      'shape-table-boxes-train/MLTable',
      'shape-table-boxes-train/train_annotations.jsonl',
    ]);
    assert.ok(
      [...uploaded.values()].every((count) => count === 1),
      'each file is sent once',
    );

    const registered = await dataVersion('shape-table-boxes-train', '1');
    assert.equal(registered.dataType, 'mltable');
    assert.equal(registered.dataUri, version.dataUri);
    assert.equal(registered.tags[LABELED_DATA_TAGS.contentHash], version.contentHash);
    assert.equal(registered.tags[LABELED_DATA_TAGS.source], 'azureml:shape-table:1');
    const files = await downloaded(registered.dataUri);
    assert.match(files.get('MLTable') ?? '', /- file: \.\/train_annotations\.jsonl/);
    const lines = (files.get('train_annotations.jsonl') ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((line) => [line.image_url, line.image_details, line.label[0].label]),
      [
        [
          'azureml://datastores/workspaceblobstore/paths/demo/shape-table/v1/images/shapes-01.png',
          { format: 'png', width: 96, height: 72 },
          'circle',
        ],
        [
          'azureml://datastores/workspaceblobstore/paths/demo/shape-table/v1/images/shapes-02.png',
          { format: 'png', width: 96, height: 72 },
          'square',
        ],
      ],
    );

    // The Data view lists the new asset and its version, an mltable, selected.
    assert.equal(outcome.shownInDataView, true);
    const asset = await eventually(
      async () =>
        (await api.explorer.dataTree.rootChildren()).find((node) => labelOf(node) === 'shape-table-boxes-train'),
      (found) => found !== undefined,
    );
    const [row] = await asset!.getChildren();
    assert.equal(labelOf(row), 'version 1');
    assert.equal(contextOf(row), NodeContext.dataVersion);
    assert.match(descriptionOf(row), /^mltable · /);

    // Unchanged labels again: nothing is sent and no second version is made.
    const again = await blobRequestsDuring(() =>
      register(projectFile, [{ input: 'shape-table-boxes-train' }, { input: '0' }]),
    );
    assert.deepEqual(
      again.result!.versions.map((entry) => [entry.version, entry.created]),
      [['1', false]],
    );
    assert.equal(blocksByPath(again.requests).size, 0, 'nothing is uploaded again');
    assert.equal(await versionCount('shape-table-boxes-train'), 1);
  });

  it("uploads a local folder project's pictures once, registers training and validation assets, and refuses on 403", async () => {
    const pictures = mkdtempSync(join(folder(), 'pets-'));
    cpSync(FIXTURE_IMAGES, pictures, { recursive: true });
    const name = basename(pictures);
    const projectFile = join(folder(), `${name}.labels.json`);
    created.push(pictures, projectFile, join(folder(), `${name}.labels.jsonl`));
    await run(
      [
        { pick: 'image-classification' },
        { pick: 'A folder of images' },
        { input: name },
        { input: 'cat, dog' },
        { input: name },
      ],
      () => vscode.commands.executeCommand(CommandId.newLabelingProject),
    );
    const editor = await openEditor(projectFile);
    for (const [item, label] of [
      ['cats/one.jpg', 'cat'],
      ['cats/two.png', 'cat'],
      ['dogs/four.bmp', 'dog'],
      ['dogs/three.gif', 'dog'],
    ])
      await edit(editor, { action: 'toggleClass', item, label });

    // Without the role on the subscription: a clear refusal, and nothing registered.
    await emulator.setAccess(workspace.subscriptionId, false);
    reports.length = 0;
    const refused = await register(projectFile, [
      { input: `${name}-train` },
      { input: '0.5' },
      { input: `${name}-validation` },
    ]);
    assert.equal(refused, undefined);
    const report = reports.find((entry) => /Register Labeled Data/.test(entry.where));
    assert.ok(report, `a failure was reported: ${JSON.stringify(reports)}`);
    assert.equal(report.classified.kind, 'forbidden');
    await emulator.restoreAccess();
    assert.equal(await versionCount(`${name}-train`), 0, 'nothing was registered');

    const first = await blobRequestsDuring(() =>
      register(projectFile, [{ input: `${name}-train` }, { input: '0.5' }, { input: `${name}-validation` }]),
    );
    const outcome = first.result!;
    assert.deepEqual(
      outcome.versions.map((entry) => [entry.assetName, entry.version, entry.role, entry.created]),
      [
        [`${name}-train`, '1', 'training', true],
        [`${name}-validation`, '1', 'validation', true],
      ],
    );
    // Every picture of the project went up once, under LocalUpload/<hash>/images/.
    const pictureUploads = [...blocksByPath(first.requests)].filter(([path]) =>
      /\/LocalUpload\/[0-9a-f]+\/images\//.test(path),
    );
    assert.deepEqual(pictureUploads.map(([path]) => path.replace(/^.*\/images\//, '')).sort(), [
      'cats/one.jpg',
      'cats/two.png',
      'dogs/four.bmp',
      'dogs/three.gif',
      'extended.webp',
      'lossless.webp',
      'lossy.webp',
      'progressive.jpg',
    ]);
    assert.ok(pictureUploads.every(([, count]) => count === 1));
    const training = await downloaded(outcome.versions[0].dataUri);
    const validation = await downloaded(outcome.versions[1].dataUri);
    const urls = [training, validation].flatMap((files) =>
      (files.get('train_annotations.jsonl') ?? files.get('validation_annotations.jsonl') ?? '')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { image_url: string }).image_url),
    );
    assert.equal(urls.length, 4);
    assert.ok(
      urls.every((url) =>
        /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/images\/(cats|dogs)\//.test(
          url,
        ),
      ),
      urls.join('\n'),
    );
    assert.equal((await dataVersion(`${name}-validation`, '1')).dataType, 'mltable');

    const again = await blobRequestsDuring(() =>
      register(projectFile, [{ input: `${name}-train` }, { input: '0.5' }, { input: `${name}-validation` }]),
    );
    assert.deepEqual(
      again.result!.versions.map((entry) => entry.created),
      [false, false],
    );
    assert.equal(blocksByPath(again.requests).size, 0, 'nothing is uploaded again');
    assert.equal(await versionCount(`${name}-train`), 1);
    assert.equal(await versionCount(`${name}-validation`), 1);
  });
});
