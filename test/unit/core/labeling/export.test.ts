import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportAutoMlImages } from '../../../../src/core/labeling/export/automlImages';
import { exportCoco } from '../../../../src/core/labeling/export/coco';
import { exportInputOf, writeExportFiles } from '../../../../src/core/labeling/export/common';
import { exportConll } from '../../../../src/core/labeling/export/conll';
import { exportTextCsv } from '../../../../src/core/labeling/export/textCsv';
import type { TaskType } from '../../../../src/core/labeling/model';
import { splitItems } from '../../../../src/core/labeling/split';
import { LabelStore } from '../../../../src/core/labeling/store';
import { copyFixtureImages, temporaryFolder } from './helpers';

const IMAGE_MLTABLE = (file: string) =>
  `paths:
  - file: ./${file}
transformations:
  - read_json_lines:
        encoding: utf8
        invalid_lines: error
        include_path_column: false
  - convert_column_types:
      - columns: image_url
        column_type: stream_info
`;

describe('labeling exporters', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  async function imageStore(task: TaskType, source?: object): Promise<LabelStore> {
    copyFixtureImages(folder.path);
    return LabelStore.create(join(folder.path, 'pets.labels.json'), {
      task,
      labels: [{ name: 'cat' }, { name: 'dog' }],
      source: (source ?? { kind: 'folder', path: 'images' }) as never,
    });
  }

  const out = () => join(folder.path, 'out');

  describe('AutoML images (JSON Lines in an MLTable folder)', () => {
    it('writes multi-class classification with a string label, sizes from the headers, relative image URLs', async () => {
      const store = await imageStore('image-classification');
      await store.setClasses('cats/one.jpg', ['cat']);
      await store.setClasses('dogs/three.gif', ['dog']);
      await store.setClasses('lossless.webp', ['cat']);
      await store.setClasses('not-there.png', ['dog']);
      const result = await exportAutoMlImages(await exportInputOf(store), { exportFolder: out() });
      assert.equal(
        result.files.get('train_annotations.jsonl'),
        '{"image_url":"../images/cats/one.jpg","image_details":{"format":"jpg","width":40,"height":30},"label":"cat"}\n' +
          '{"image_url":"../images/dogs/three.gif","image_details":{"format":"gif","width":20,"height":10},"label":"dog"}\n' +
          '{"image_url":"../images/lossless.webp","image_details":{"format":"webp","width":13,"height":7},"label":"cat"}\n',
      );
      assert.equal(result.files.get('MLTable'), IMAGE_MLTABLE('train_annotations.jsonl'));
      assert.equal(result.exported, 3);
      assert.deepEqual(result.skipped, [{ item: 'not-there.png', reason: 'no longer in the source' }]);
    });

    it('writes multi-label classification with a list, and datastore URLs for a data asset', async () => {
      const store = await imageStore('image-classification-multilabel', {
        kind: 'dataAsset',
        name: 'pets',
        version: '3',
        cacheFolder: 'images',
        datastore: 'workspaceblobstore',
        datastorePath: 'UI/pets/',
      });
      await store.setClasses('cats/two.png', ['dog', 'cat']);
      await store.setClasses('dogs/four.bmp', []);
      const result = await exportAutoMlImages(await exportInputOf(store), { exportFolder: out() });
      assert.equal(
        result.files.get('train_annotations.jsonl'),
        '{"image_url":"azureml://datastores/workspaceblobstore/paths/UI/pets/cats/two.png","image_details":{"format":"png","width":32,"height":24},"label":["cat","dog"]}\n' +
          '{"image_url":"azureml://datastores/workspaceblobstore/paths/UI/pets/dogs/four.bmp","image_details":{"format":"bmp","width":16,"height":8},"label":[]}\n',
      );
    });

    it('writes object detection with normalized topX/topY/bottomX/bottomY', async () => {
      const store = await imageStore('object-detection');
      await store.addBox('cats/one.jpg', 'cat', { left: 0.25, top: 0.1, right: 0.75, bottom: 0.5 });
      await store.addBox('cats/one.jpg', 'dog', { left: 0, top: 0.5, right: 0.2, bottom: 1 });
      await store.markLabeledEmpty('lossy.webp');
      const result = await exportAutoMlImages(await exportInputOf(store), {
        exportFolder: out(),
        imageUrl: { kind: 'datastore', datastore: 'images', path: 'fridge' },
      });
      assert.equal(
        result.files.get('train_annotations.jsonl'),
        '{"image_url":"azureml://datastores/images/paths/fridge/cats/one.jpg","image_details":{"format":"jpg","width":40,"height":30},' +
          '"label":[{"label":"cat","topX":0.25,"topY":0.1,"bottomX":0.75,"bottomY":0.5,"isCrowd":0},' +
          '{"label":"dog","topX":0,"topY":0.5,"bottomX":0.2,"bottomY":1,"isCrowd":0}]}\n' +
          '{"image_url":"azureml://datastores/images/paths/fridge/lossy.webp","image_details":{"format":"webp","width":24,"height":12},"label":[]}\n',
      );
    });

    it('writes instance segmentation with normalized polygon lists', async () => {
      const store = await imageStore('instance-segmentation');
      await store.addPolygon('extended.webp', 'dog', [
        [0.1, 0.2, 0.9, 0.2, 0.5, 0.8],
        [0, 0, 0.1, 0, 0.1, 0.1],
      ]);
      const result = await exportAutoMlImages(await exportInputOf(store), { exportFolder: out() });
      assert.equal(
        result.files.get('train_annotations.jsonl'),
        '{"image_url":"../images/extended.webp","image_details":{"format":"webp","width":10,"height":6},' +
          '"label":[{"label":"dog","isCrowd":0,"polygon":[[0.1,0.2,0.9,0.2,0.5,0.8],[0,0,0.1,0,0.1,0.1]]}]}\n',
      );
    });

    it('splits into training and validation MLTable folders, the same way every time', async () => {
      const store = await imageStore('image-classification');
      const items = await store.listItems();
      for (const item of items) await store.setClasses(item.id, ['cat']);
      const input = await exportInputOf(store);
      const split = { validationFraction: 0.25, seed: 7 };
      const first = await exportAutoMlImages(input, { exportFolder: out(), split });
      const second = await exportAutoMlImages(input, { exportFolder: out(), split });
      assert.deepEqual(first.files, second.files);
      assert.deepEqual([...first.files.keys()].sort(), [
        'training-mltable-folder/MLTable',
        'training-mltable-folder/train_annotations.jsonl',
        'validation-mltable-folder/MLTable',
        'validation-mltable-folder/validation_annotations.jsonl',
      ]);
      assert.equal(first.files.get('validation-mltable-folder/MLTable'), IMAGE_MLTABLE('validation_annotations.jsonl'));
      const urls = (name: string) =>
        (first.files.get(name) ?? '')
          .split('\n')
          .filter((line) => line)
          .map((line) => JSON.parse(line).image_url as string);
      const training = urls('training-mltable-folder/train_annotations.jsonl');
      const validation = urls('validation-mltable-folder/validation_annotations.jsonl');
      const expected = splitItems(
        items.map((item) => item.id),
        split,
      );
      assert.deepEqual(
        validation,
        expected.validation.map((id) => `../../images/${id}`),
      );
      assert.equal(training.length + validation.length, items.length);
      await writeExportFiles(out(), first.files);
      assert.equal(
        readFileSync(join(out(), 'training-mltable-folder', 'MLTable'), 'utf8'),
        IMAGE_MLTABLE('train_annotations.jsonl'),
      );
    });
  });

  describe('COCO', () => {
    it('writes boxes in pixels with categories in label-set order', async () => {
      const store = await imageStore('object-detection');
      await store.addBox('cats/one.jpg', 'cat', { left: 0.25, top: 0.1, right: 0.75, bottom: 0.5 });
      await store.addBox('dogs/four.bmp', 'dog', { left: 0, top: 0.25, right: 0.5, bottom: 1 });
      await store.addBox('dogs/four.bmp', 'cat', { left: 0.5, top: 0, right: 1, bottom: 0.5 });
      const result = await exportCoco(await exportInputOf(store));
      assert.deepEqual(JSON.parse(result.files.get('coco.json') ?? ''), {
        images: [
          { id: 1, file_name: 'cats/one.jpg', width: 40, height: 30 },
          { id: 2, file_name: 'dogs/four.bmp', width: 16, height: 8 },
        ],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, bbox: [10, 3, 20, 12], area: 240, iscrowd: 0 },
          { id: 2, image_id: 2, category_id: 2, bbox: [0, 2, 8, 6], area: 48, iscrowd: 0 },
          { id: 3, image_id: 2, category_id: 1, bbox: [8, 0, 8, 4], area: 32, iscrowd: 0 },
        ],
        categories: [
          { id: 1, name: 'cat' },
          { id: 2, name: 'dog' },
        ],
      });
    });

    it('writes polygons as pixel segmentation with their bounding box and area', async () => {
      const store = await imageStore('instance-segmentation');
      await store.addPolygon('cats/two.png', 'dog', [[0.25, 0.25, 0.75, 0.25, 0.75, 0.75]]);
      const result = await exportCoco(await exportInputOf(store));
      const dataset = JSON.parse(result.files.get('coco.json') ?? '');
      assert.deepEqual(dataset.annotations, [
        {
          id: 1,
          image_id: 1,
          category_id: 2,
          bbox: [8, 6, 16, 12],
          area: 96,
          iscrowd: 0,
          segmentation: [[8, 6, 24, 6, 24, 18]],
        },
      ]);
      assert.deepEqual(dataset.images, [{ id: 1, file_name: 'cats/two.png', width: 32, height: 24 }]);
    });

    it('refuses classification projects', async () => {
      const store = await imageStore('image-classification');
      await assert.rejects(exportCoco(await exportInputOf(store)), /object detection and instance segmentation/);
    });
  });

  describe('text classification CSV', () => {
    async function textStore(task: TaskType): Promise<LabelStore> {
      writeFileSync(
        join(folder.path, 'posts.csv'),
        'id,body\np1,"Great game, Bulls!"\np2,"She said ""wow""\non two lines"\np3,unlabeled\n',
      );
      return LabelStore.create(join(folder.path, 'posts.labels.json'), {
        task,
        labels: [{ name: 'nba' }, { name: "cs.AI's" }],
        source: { kind: 'table', path: 'posts.csv', column: 'body', keyColumn: 'id' },
      });
    }

    it('writes multi-class rows with the class name, and the MLTable that reads them', async () => {
      const store = await textStore('text-classification');
      await store.setClasses('p1', ['nba']);
      await store.setClasses('p2', ["cs.AI's"]);
      const result = await exportTextCsv(await exportInputOf(store));
      assert.equal(
        result.files.get('train_data.csv'),
        'text,labels\n"Great game, Bulls!",nba\n"She said ""wow""\non two lines",cs.AI\'s\n',
      );
      assert.equal(
        result.files.get('MLTable'),
        "paths:\n  - file: ./train_data.csv\ntransformations:\n  - read_delimited:\n      delimiter: ','\n      encoding: 'utf8'\n      empty_as_string: false\n",
      );
    });

    it('writes multi-label rows as Python lists with quotes, [] for none', async () => {
      const store = await textStore('text-classification-multilabel');
      await store.setClasses('p1', ['nba', "cs.AI's"]);
      await store.setClasses('p2', []);
      const result = await exportTextCsv(await exportInputOf(store), { labelColumn: 'y' });
      assert.equal(
        result.files.get('train_data.csv'),
        'text,y\n"Great game, Bulls!","[\'nba\',\'cs.AI\\\'s\']"\n"She said ""wow""\non two lines",[]\n',
      );
    });

    it('reads the text of .txt items', async () => {
      mkdirSync(join(folder.path, 'docs'));
      writeFileSync(join(folder.path, 'docs', 'a.txt'), 'Plain text');
      const store = await LabelStore.create(join(folder.path, 'docs.labels.json'), {
        task: 'text-classification',
        labels: [{ name: 'x' }],
        source: { kind: 'folder', path: 'docs' },
      });
      await store.setClasses('a.txt', ['x']);
      const result = await exportTextCsv(await exportInputOf(store), {
        split: { validationFraction: 0.5, seed: 1 },
      });
      assert.equal(result.files.get('training-mltable-folder/train_data.csv'), 'text,labels\nPlain text,x\n');
      assert.equal(result.files.get('validation-mltable-folder/valid_data.csv'), 'text,labels\n');
    });
  });

  describe('CoNLL named entities', () => {
    async function nerStore(labels = [{ name: 'per' }, { name: 'loc' }]): Promise<LabelStore> {
      mkdirSync(join(folder.path, 'texts'));
      writeFileSync(
        join(folder.path, 'texts', 'a.txt'),
        'Stephen Curry plays in San Francisco. He won!\nNew line here',
      );
      writeFileSync(join(folder.path, 'texts', 'b.txt'), 'Visit St. Louis today.');
      return LabelStore.create(join(folder.path, 'ner.labels.json'), {
        task: 'text-ner',
        labels,
        source: { kind: 'folder', path: 'texts' },
      });
    }

    it('writes one token and tag per line, a blank line after each sentence, and the MLTable', async () => {
      const store = await nerStore();
      await store.addSpan('a.txt', 'per', 0, 13);
      await store.addSpan('a.txt', 'loc', 23, 36);
      await store.addSpan('b.txt', 'loc', 6, 15);
      const result = await exportConll(await exportInputOf(store));
      assert.equal(
        result.files.get('train.txt'),
        [
          'Stephen B-per',
          'Curry I-per',
          'plays O',
          'in O',
          'San B-loc',
          'Francisco I-loc',
          '. O',
          '',
          'He O',
          'won O',
          '! O',
          '',
          'New O',
          'line O',
          'here O',
          '',
          'Visit O',
          'St B-loc',
          '. I-loc',
          'Louis I-loc',
          'today O',
          '. O',
          '',
          '',
        ].join('\n'),
      );
      assert.equal(result.files.get('MLTable'), 'paths:\n  - file: ./train.txt\ntransformations:\n  - take: 1\n');
      assert.equal(result.exported, 2);
    });

    it('starts a new entity at B- when two entities touch', async () => {
      const store = await nerStore();
      await store.addSpan('b.txt', 'loc', 6, 8);
      await store.addSpan('b.txt', 'per', 8, 15);
      const result = await exportConll(await exportInputOf(store));
      assert.match(result.files.get('train.txt') ?? '', /^Visit O\nSt B-loc\n\. B-per\nLouis I-per\n/);
    });

    it('refuses label names a CoNLL line cannot hold', async () => {
      const store = await nerStore([{ name: 'place name' }]);
      await assert.rejects(exportConll(await exportInputOf(store)), /"place name"/);
    });
  });

  describe('train/validation split', () => {
    const ids = Array.from({ length: 40 }, (_, index) => `img/${index}.jpg`);

    it('puts an item in validation exactly when its seeded hash falls below the fraction', () => {
      const split = splitItems(ids, { validationFraction: 0.3, seed: 'fixed' });
      const position = (id: string) => createHash('sha256').update(`fixed:${id}`).digest().readUIntBE(0, 6) / 2 ** 48;
      assert.deepEqual(
        split.validation,
        ids.filter((id) => position(id) < 0.3),
      );
      assert.deepEqual(
        split.train,
        ids.filter((id) => position(id) >= 0.3),
      );
    });

    it('keeps every item on its side when others are added, and differs with another seed', () => {
      const before = splitItems(ids.slice(0, 20), { validationFraction: 0.3, seed: 1 });
      const after = splitItems(ids, { validationFraction: 0.3, seed: 1 });
      assert.deepEqual(
        after.validation.filter((id) => ids.slice(0, 20).includes(id)),
        before.validation,
      );
      assert.notDeepEqual(splitItems(ids, { validationFraction: 0.3, seed: 2 }).validation, after.validation);
    });

    it('gives both sides an item when there are two or more', () => {
      const split = splitItems(['a', 'b'], { validationFraction: 0.01, seed: 1 });
      assert.equal(split.validation.length, 1);
      assert.equal(split.train.length, 1);
      assert.throws(() => splitItems(ids, { validationFraction: 1, seed: 1 }), RangeError);
    });
  });
});
