// The computer vision and NLP projects train on what the labeling feature exports: an export made by the
// exporters themselves, written into a new project's data/ as the Export Labels command writes it, is read by the
// project's own prep step (Debian's python3 with pandas, no MLflow), next to the sample files it replaces.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exportAutoMlImages } from '../../../../src/core/labeling/export/automlImages';
import { exportInputOf, writeExportFiles, type ExportResult } from '../../../../src/core/labeling/export/common';
import { exportConll } from '../../../../src/core/labeling/export/conll';
import { exportTextCsv } from '../../../../src/core/labeling/export/textCsv';
import type { SplitOptions } from '../../../../src/core/labeling/split';
import { LabelStore } from '../../../../src/core/labeling/store';
import { generate } from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import { withDefaults, type ScaffoldOptions } from '../../../../src/core/scaffold/options';

/** Debian's python3, with python3-pandas (scripts/run-unit.mjs installs it) and no MLflow. */
const DEBIAN_PYTHON = '/usr/bin/python3';
const FIXTURE_IMAGES = join(__dirname, '..', '..', '..', 'fixtures', 'labeling', 'images');
/** Half the items to validation, always the same ones. */
const SPLIT: SplitOptions = { validationFraction: 0.5, seed: 'scaffold' };

describe('core/scaffold: the vision and text projects train on the labeling export', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'scaffold-labels-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function newProject(choices: Partial<ScaffoldOptions>): Promise<string> {
    const project = join(root, 'project');
    await generate(withDefaults(choices), nodeTarget(project));
    return project;
  }

  /** Writes the export into the project's data/, as Export Labels does, and checks it wrote both splits. */
  async function exportInto(project: string, result: ExportResult): Promise<void> {
    assert.deepEqual(result.skipped, []);
    await writeExportFiles(join(project, 'data'), result.files);
    for (const part of ['training-mltable-folder', 'validation-mltable-folder'])
      assert.ok(existsSync(join(project, 'data', part, 'MLTable')), `the export wrote ${part}`);
  }

  /** Runs the project's prep step on data/'s two MLTable folders; its outputs go to out/. */
  function prep(project: string) {
    const out = join(root, 'out');
    const result = spawnSync(
      DEBIAN_PYTHON,
      [
        join(project, 'data-science', 'src', 'prep.py'),
        ...['--training_data', join(project, 'data', 'training-mltable-folder')],
        ...['--validation_data', join(project, 'data', 'validation-mltable-folder')],
        ...['--training_output', join(out, 'training')],
        ...['--validation_output', join(out, 'validation')],
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, TRACKING_FILE: join(root, 'tracking.json') } },
    );
    const metrics = existsSync(join(root, 'tracking.json'))
      ? (JSON.parse(readFileSync(join(root, 'tracking.json'), 'utf8')).metrics as Record<string, number>)
      : {};
    return { status: result.status, stderr: result.stderr, stdout: result.stdout, out, metrics };
  }

  /** The data files an MLTable names (its `paths` entries). */
  function namedFiles(folder: string): string[] {
    const table = parse(readFileSync(join(folder, 'MLTable'), 'utf8')) as { paths: { file: string }[] };
    return table.paths.map((entry) => entry.file.replace(/^\.\//, ''));
  }

  it('computer vision: reads the AutoML JSON Lines export, and its output holds every image it names', async () => {
    const project = await newProject({ scenario: 'cv' });
    // The images stay where they are, outside data/: the export points at them with relative paths.
    const images = join(project, 'labeling', 'images');
    cpSync(FIXTURE_IMAGES, images, { recursive: true });
    const store = await LabelStore.create(join(project, 'labeling', 'pets.labels.json'), {
      task: 'image-classification',
      labels: [{ name: 'cat' }, { name: 'dog' }],
      source: { kind: 'folder', path: 'images' },
    });
    const labeled: Record<string, string> = {
      'cats/one.jpg': 'cat',
      'cats/two.png': 'cat',
      'dogs/three.gif': 'dog',
      'dogs/four.bmp': 'dog',
      'lossless.webp': 'cat',
      'progressive.jpg': 'dog',
    };
    for (const [item, label] of Object.entries(labeled)) await store.setClasses(item, [label]);
    const exported = await exportAutoMlImages(await exportInputOf(store), {
      exportFolder: join(project, 'data'),
      split: SPLIT,
    });
    await exportInto(project, exported);
    const trainingLines = exported.files.get('training-mltable-folder/train_annotations.jsonl')!.trim().split('\n');
    assert.match(JSON.parse(trainingLines[0]).image_url, /^\.\.\/\.\.\/labeling\/images\//, 'relative, outside data/');

    const { status, stderr, out, metrics } = prep(project);
    assert.equal(status, 0, stderr);
    const validationCount = exported.exported - trainingLines.length;
    // Only the export's lines: the sample's annotations.jsonl beside them is not the MLTable's data.
    assert.equal(metrics.training_images, trainingLines.length);
    assert.equal(metrics.validation_images, validationCount);
    for (const [part, file] of [
      ['training', 'train_annotations.jsonl'],
      ['validation', 'validation_annotations.jsonl'],
    ]) {
      const folder = join(out, part);
      assert.deepEqual(namedFiles(folder), [file]);
      const rows = readFileSync(join(folder, file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { image_url: string; label: string; image_details: object });
      for (const row of rows) {
        assert.doesNotMatch(row.image_url, /^\.\.|^\//, 'the output names images inside itself');
        assert.ok(existsSync(join(folder, row.image_url)), `${row.image_url} is in the ${part} output`);
        assert.ok(row.image_details, 'the rest of the line is kept');
      }
      // Each image is the labeled one, with its label.
      for (const row of rows) {
        const source = Object.keys(labeled).find((item) => row.image_url.endsWith(item.split('/').pop()!));
        assert.ok(source, `${row.image_url} is one of the labeled images`);
        assert.equal(row.label, labeled[source]);
        assert.deepEqual(readFileSync(join(folder, row.image_url)), readFileSync(join(images, source)));
      }
    }
    assert.ok(!readdirSync(join(out, 'training')).includes('annotations.jsonl'), "the sample's file is not passed on");
  });

  it('computer vision: an image the export names that is gone is refused, naming it', async () => {
    const project = await newProject({ scenario: 'cv' });
    const images = join(project, 'labeling', 'images');
    cpSync(FIXTURE_IMAGES, images, { recursive: true });
    const store = await LabelStore.create(join(project, 'labeling', 'pets.labels.json'), {
      task: 'image-classification',
      labels: [{ name: 'cat' }],
      source: { kind: 'folder', path: 'images' },
    });
    for (const item of ['cats/one.jpg', 'cats/two.png', 'progressive.jpg', 'lossless.webp'])
      await store.setClasses(item, ['cat']);
    await exportInto(
      project,
      await exportAutoMlImages(await exportInputOf(store), { exportFolder: join(project, 'data'), split: SPLIT }),
    );
    for (const item of ['cats/one.jpg', 'cats/two.png', 'progressive.jpg', 'lossless.webp']) rmSync(join(images, item));
    const { status, stderr } = prep(project);
    assert.notEqual(status, 0);
    assert.match(stderr, /_annotations\.jsonl:1 names \.\.\/\.\.\/labeling\/images\/.+, which is not there/);
  });

  it('text classification: reads the CSV export; its label column is the AutoML job target column', async () => {
    const project = await newProject({ scenario: 'nlp', nlpTask: 'text-classification' });
    const texts = join(project, 'labeling', 'reviews');
    mkdirSync(texts, { recursive: true });
    const reviews: Record<string, string> = {
      'a.txt': 'The product works, "really" well.',
      'b.txt': 'Terrible support,\nnever again.',
      'c.txt': 'Fine, I suppose.',
      'd.txt': 'Broke in a day.',
    };
    for (const [name, text] of Object.entries(reviews)) writeFileSync(join(texts, name), text);
    const store = await LabelStore.create(join(project, 'labeling', 'reviews.labels.json'), {
      task: 'text-classification',
      labels: [{ name: 'positive' }, { name: 'negative' }],
      source: { kind: 'folder', path: 'reviews' },
    });
    const labels: Record<string, string> = {
      'a.txt': 'positive',
      'b.txt': 'negative',
      'c.txt': 'positive',
      'd.txt': 'negative',
    };
    for (const [item, label] of Object.entries(labels)) await store.setClasses(item, [label]);
    const exported = await exportTextCsv(await exportInputOf(store), { split: SPLIT });
    await exportInto(project, exported);

    const pipeline = parse(readFileSync(join(project, 'mlops', 'azureml', 'train', 'pipeline.yml'), 'utf8'));
    const header = exported.files.get('training-mltable-folder/train_data.csv')!.split('\n')[0];
    assert.equal(header, `text,${pipeline.jobs.train_model.target_column_name}`);

    const { status, stderr, out, metrics } = prep(project);
    assert.equal(status, 0, stderr);
    assert.equal(metrics.training_rows + metrics.validation_rows, 4, "the export's rows, not the sample's");
    assert.equal(
      metrics.classes,
      new Set(
        readFileSync(join(out, 'training', 'train_data.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.split(',').pop()),
      ).size,
    );
    assert.deepEqual(namedFiles(join(out, 'training')), ['train_data.csv']);
    assert.deepEqual(namedFiles(join(out, 'validation')), ['valid_data.csv']);
    assert.equal(
      readFileSync(join(out, 'validation', 'valid_data.csv'), 'utf8'),
      exported.files.get('validation-mltable-folder/valid_data.csv'),
    );
    assert.ok(!existsSync(join(out, 'training', 'data.csv')), "the sample's file is not passed on");
  });

  it('text classification: a multi-label export is refused with the task to set', async () => {
    const project = await newProject({ scenario: 'nlp', nlpTask: 'text-classification' });
    mkdirSync(join(project, 'labeling', 'texts'), { recursive: true });
    for (const name of ['a', 'b', 'c', 'd'])
      writeFileSync(join(project, 'labeling', 'texts', `${name}.txt`), `Text ${name}.`);
    const store = await LabelStore.create(join(project, 'labeling', 'topics.labels.json'), {
      task: 'text-classification-multilabel',
      labels: [{ name: 'billing' }, { name: 'shipping' }],
      source: { kind: 'folder', path: 'texts' },
    });
    for (const name of ['a', 'b', 'c', 'd']) await store.setClasses(`${name}.txt`, ['billing', 'shipping']);
    await exportInto(project, await exportTextCsv(await exportInputOf(store), { split: SPLIT }));
    const { status, stderr } = prep(project);
    assert.notEqual(status, 0);
    assert.match(stderr, /several labels per row \(multi-label\)\. Set task: text_classification_multilabel/);
  });

  it('named entities: reads the CoNLL export, sentence by sentence', async () => {
    const project = await newProject({ scenario: 'nlp', nlpTask: 'ner' });
    const texts = join(project, 'labeling', 'news');
    mkdirSync(texts, { recursive: true });
    writeFileSync(join(texts, 'a.txt'), 'Alice moved to Paris. She likes it.');
    writeFileSync(join(texts, 'b.txt'), 'Contoso opened in Seattle.');
    writeFileSync(join(texts, 'c.txt'), 'Bob Smith visited Oslo.');
    writeFileSync(join(texts, 'd.txt'), 'Fabrikam hired Carol.');
    const store = await LabelStore.create(join(project, 'labeling', 'news.labels.json'), {
      task: 'text-ner',
      labels: [{ name: 'PER' }, { name: 'LOC' }, { name: 'ORG' }],
      source: { kind: 'folder', path: 'news' },
    });
    await store.addSpan('a.txt', 'PER', 0, 5);
    await store.addSpan('a.txt', 'LOC', 15, 20);
    await store.addSpan('b.txt', 'ORG', 0, 7);
    await store.addSpan('b.txt', 'LOC', 18, 25);
    await store.addSpan('c.txt', 'PER', 0, 9);
    await store.addSpan('c.txt', 'LOC', 18, 22);
    await store.addSpan('d.txt', 'ORG', 0, 8);
    await store.addSpan('d.txt', 'PER', 15, 20);
    const exported = await exportConll(await exportInputOf(store), { split: SPLIT });
    await exportInto(project, exported);
    const sentencesIn = (text: string) => text.split('\n\n').filter((block) => block.trim()).length;
    const training = exported.files.get('training-mltable-folder/train.txt')!;
    const validation = exported.files.get('validation-mltable-folder/valid.txt')!;

    const { status, stderr, out, metrics } = prep(project);
    assert.equal(status, 0, stderr);
    assert.equal(metrics.training_sentences, sentencesIn(training), "the export's sentences, not the sample's");
    assert.equal(metrics.validation_sentences, sentencesIn(validation));
    assert.deepEqual(namedFiles(join(out, 'training')), ['train.txt']);
    assert.equal(readFileSync(join(out, 'training', 'train.txt'), 'utf8'), training);
    assert.equal(readFileSync(join(out, 'validation', 'valid.txt'), 'utf8'), validation);
    assert.ok(!existsSync(join(out, 'training', 'training.txt')), "the sample's file is not passed on");
  });

  it("the projects' own sample data still passes their prep step", async () => {
    for (const choices of [
      { scenario: 'cv' },
      { scenario: 'nlp', nlpTask: 'text-classification' },
      { scenario: 'nlp', nlpTask: 'ner' },
    ] as Partial<ScaffoldOptions>[]) {
      rmSync(join(root, 'project'), { recursive: true, force: true });
      rmSync(join(root, 'out'), { recursive: true, force: true });
      const project = await newProject(choices);
      const { status, stderr, metrics } = prep(project);
      assert.equal(status, 0, `${JSON.stringify(choices)}: ${stderr}`);
      assert.ok(
        Object.values(metrics).every((value) => value > 0),
        JSON.stringify(metrics),
      );
    }
  });
});
