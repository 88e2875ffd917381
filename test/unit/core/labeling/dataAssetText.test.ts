// New Labeling Project from a data asset whose texts are rows of CSV or JSON Lines files, against the emulator:
// the seeded customer-reviews export (JSON Lines), and assets this test registers with .txt, CSV and JSON Lines
// files side by side, or an MLTable naming one CSV. Expected rows are read from storage directly, not through the
// download the product makes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { AzureMlArm } from '../../../../src/core/azure/armClient';
import type { WorkspaceRef } from '../../../../src/core/azure/resourceIds';
import { parseCsv } from '../../../../src/core/labeling/csv';
import { fetchDataAsset } from '../../../../src/core/labeling/dataAsset';
import { LabelStore } from '../../../../src/core/labeling/store';
import { blobContainerUrl } from '../../../../src/core/jobs/upload';
import { newLabelingProject, type DataAssetChoices } from '../../../../src/labeling/newProject';
import { DEMO_WORKSPACES } from '../../../emulator/seeds/demo';
import { scriptedInput, type ScriptedAnswer } from '../../../support/scriptedInput';
import { startHarness, type Harness } from '../../emulator/harness';
import { armAgainst } from '../armAgainstEmulator';
import { temporaryFolder } from './helpers';

const NLP = DEMO_WORKSPACES.nlp;
const ws: WorkspaceRef = { subscriptionId: NLP.subscriptionId, resourceGroup: NLP.resourceGroup, name: NLP.workspace };
const VISION = DEMO_WORKSPACES.vision;
const visionWs: WorkspaceRef = {
  subscriptionId: VISION.subscriptionId,
  resourceGroup: VISION.resourceGroup,
  name: VISION.workspace,
};

/** The rows this test's assets hold. */
const TICKETS_CSV = 'id,body,team\nt2,"Refund, please",billing\nt1,Login fails twice,accounts\n';
const NOTES_TXT = 'Remember to ask for the order number.\n';
const ARCHIVE_JSONL = '{"message":"Old ticket","team":"billing"}\n';

describe('labeling: text items from the CSV and JSON Lines files of a data asset (emulator)', function () {
  this.timeout(120_000);
  let harness: Harness;
  let arm: AzureMlArm;
  let storage: ContainerClient;
  let folder: ReturnType<typeof temporaryFolder>;

  /** Registers `name` version 1 over blobs this test uploads below `tests/<name>/v1/`. */
  async function registerAsset(
    name: string,
    dataType: 'uri_folder' | 'mltable',
    files: Record<string, string>,
  ): Promise<void> {
    const prefix = `tests/${name}/v1`;
    for (const [file, content] of Object.entries(files))
      await storage.getBlockBlobClient(`${prefix}/${file}`).upload(content, Buffer.byteLength(content));
    await arm.putAssetVersion(ws, 'data', name, '1', {
      dataType,
      dataUri: `azureml://datastores/workspaceblobstore/paths/${prefix}/`,
      ...(dataType === 'mltable' ? { referencedUris: ['./tickets.csv'] } : {}),
    });
  }

  function choicesIn(workspace: WorkspaceRef): DataAssetChoices {
    return {
      assets: async () => (await arm.listDataAssets(workspace)).items,
      versions: async (name) => (await arm.listDataVersions(workspace, name)).items,
      fetch: (name, version, imageItems) => fetchDataAsset(arm, workspace, name, version, folder.path, imageItems),
    };
  }

  /** Runs the wizard with `answers`; returns the project's source and its items' texts by id. */
  async function newProject(answers: ScriptedAnswer[]) {
    const input = scriptedInput(answers);
    const projectFile = await newLabelingProject(folder.path, input, choicesIn(ws));
    assert.deepEqual(input.remaining, [], 'every scripted answer was asked for');
    const store = await LabelStore.open(projectFile);
    const texts = new Map((await store.listItems()).map((item) => [item.id, item.text]));
    return { source: JSON.parse(readFileSync(projectFile, 'utf8')).source, texts, prompts: input.prompts };
  }

  before(async () => {
    harness = await startHarness({ seed: 'demo' });
    arm = await armAgainst(harness);
    const datastore = await arm.getDatastore(ws, 'workspaceblobstore');
    const { key } = await arm.listDatastoreSecrets(ws, 'workspaceblobstore');
    storage = new ContainerClient(
      blobContainerUrl(datastore),
      new StorageSharedKeyCredential(datastore.accountName ?? '', key ?? ''),
    );
    await registerAsset('support-tickets', 'uri_folder', {
      'notes/a.txt': NOTES_TXT,
      'tickets.csv': TICKETS_CSV,
      'archive/old.jsonl': ARCHIVE_JSONL,
    });
    await registerAsset('support-table', 'mltable', {
      MLTable: 'paths:\n  - file: ./tickets.csv\ntransformations:\n  - read_delimited:\n      delimiter: ","\n',
      'tickets.csv': TICKETS_CSV,
      'archive/old.jsonl': ARCHIVE_JSONL,
    });
  });
  after(async () => {
    await harness?.stop();
  });
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  it('labels a JSON Lines field of the seeded customer-reviews, each row as storage holds it', async () => {
    const project = await newProject([
      { pick: 'text-classification' },
      { pick: 'An Azure ML data asset' },
      { pick: 'customer-reviews' },
      { pick: '1' },
      { pick: 'text' },
      { input: 'positive, negative' },
      { input: 'reviews' },
    ]);
    // One JSON Lines file and no .txt files: nothing to choose between.
    assert.ok(!project.prompts.some((prompt) => prompt.title?.startsWith('New Labeling Project: the texts of')));
    assert.deepEqual(
      project.prompts
        .find((prompt) => prompt.title === 'New Labeling Project: the text column')
        ?.items?.map((item) => item.label),
      ['text', 'label'],
    );
    assert.deepEqual(project.source.table, { path: 'reviews.jsonl', column: 'text' });
    assert.equal(project.source.dataType, 'uri_folder');

    const stored = (await storage.getBlobClient('demo/reviews/v1/reviews.jsonl').downloadToBuffer()).toString('utf8');
    const rows = stored
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as { text: string });
    assert.ok(rows.length > 0);
    assert.deepEqual(project.texts, new Map(rows.map((row, index) => [`row:${index + 1}`, row.text])));
  });

  it('offers the .txt files or each CSV and JSON Lines file of an asset that has both, with Back', async () => {
    const tickets = await newProject([
      { pick: 'text-classification' },
      { pick: 'An Azure ML data asset' },
      { pick: 'support-tickets' },
      { pick: '1' },
      { pick: 'archive/old.jsonl' },
      'back',
      { pick: 'tickets.csv' },
      { pick: 'body' },
      { input: 'billing, accounts' },
      { input: 'tickets' },
    ]);
    const offered = tickets.prompts.find(
      (prompt) => prompt.title === 'New Labeling Project: the texts of support-tickets:1',
    );
    assert.deepEqual(
      offered?.items?.map((item) => item.label),
      ['Its .txt files', 'archive/old.jsonl', 'tickets.csv'],
    );
    assert.deepEqual(tickets.source.table, { path: 'tickets.csv', column: 'body' });
    const [header, ...rows] = parseCsv(TICKETS_CSV).filter((row) => row.length > 1);
    const body = header.indexOf('body');
    assert.deepEqual(tickets.texts, new Map(rows.map((row, index) => [`row:${index + 1}`, row[body]])));

    // The same asset's .txt files instead: the tables are not items then.
    const notes = await newProject([
      { pick: 'text-classification' },
      { pick: 'An Azure ML data asset' },
      { pick: 'support-tickets' },
      { pick: '1' },
      { pick: 'Its .txt files' },
      { input: 'billing, accounts' },
      { input: 'notes' },
    ]);
    assert.equal(notes.source.table, undefined);
    assert.deepEqual([...notes.texts.keys()], ['notes/a.txt']);
  });

  it('takes the one CSV an MLTable names, not the other files beside it', async () => {
    const project = await newProject([
      { pick: 'text-classification-multilabel' },
      { pick: 'An Azure ML data asset' },
      { pick: 'support-table' },
      { pick: '1' },
      { pick: 'team' },
      { input: 'billing, accounts' },
      { input: 'teams' },
    ]);
    assert.deepEqual(project.source.paths, [{ file: 'tickets.csv' }]);
    assert.deepEqual(project.source.table, { path: 'tickets.csv', column: 'team' });
    assert.deepEqual([...project.texts.values()].sort(), ['accounts', 'billing']);
  });

  it('refuses an asset with no .txt, CSV or JSON Lines file for a text task, and reads none for an image task', async () => {
    await assert.rejects(
      fetchDataAsset(arm, visionWs, 'shape-images', '1', folder.path, false),
      /shape-images:1 holds no \.txt, \.csv or \.jsonl files; choose another data asset or version/,
    );
    const images = await fetchDataAsset(arm, visionWs, 'shape-images', '1', folder.path, true);
    assert.ok(images.itemCount > 0);
    assert.deepEqual(images.tableFiles, []);
  });
});
