import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exportCoco } from '../../../../src/core/labeling/export/coco';
import type { CocoDataset } from '../../../../src/core/labeling/export/coco';
import { exportInputOf, readItemImageInfo } from '../../../../src/core/labeling/export/common';
import { importAutoMlJsonl } from '../../../../src/core/labeling/import/automlJsonl';
import { importCoco } from '../../../../src/core/labeling/import/coco';
import { itemMatcher, normalizeReference } from '../../../../src/core/labeling/import/match';
import type { LabelItem } from '../../../../src/core/labeling/items';
import type { LabelProject, TaskType } from '../../../../src/core/labeling/model';
import { LabelStore } from '../../../../src/core/labeling/store';
import { copyFixtureImages, temporaryFolder } from './helpers';

function project(task: TaskType, labels = ['cat', 'dog']): LabelProject {
  return {
    version: 1,
    task,
    labels: labels.map((name) => ({ name, color: '#000000' })),
    source: { kind: 'folder', path: 'images' },
    annotationsFile: 'x.labels.jsonl',
  };
}

const items: LabelItem[] = [
  'cats/one.jpg',
  'cats/two.png',
  'dogs/four.bmp',
  'dogs/three.gif',
  'a/x.jpg',
  'b/x.jpg',
].map((id) => ({ id }));

describe('labeling importers', () => {
  describe('matching imported references to items', () => {
    it('reads paths out of datastore URIs, URLs, Windows paths and mount paths', () => {
      assert.equal(
        normalizeReference(
          'azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/d/paths/data/cats/one.jpg',
        ),
        'data/cats/one.jpg',
      );
      assert.equal(
        normalizeReference('https://acct.blob.core.windows.net/c/my%20pets/one.jpg?sv=1'),
        'c/my pets/one.jpg',
      );
      assert.equal(normalizeReference('.\\cats\\one.jpg'), 'cats/one.jpg');
    });

    it('matches exactly, then by path suffix, then by a unique file name, and never guesses', () => {
      const match = itemMatcher(items);
      assert.equal(match('cats/one.jpg'), 'cats/one.jpg');
      assert.equal(match('/mnt/batch/tasks/shared/data/cats/two.png'), 'cats/two.png');
      assert.equal(match('three.gif'), 'dogs/three.gif');
      assert.equal(match('x.jpg'), undefined, 'two items are named x.jpg');
      assert.equal(match('somewhere/b/x.jpg'), 'b/x.jpg');
      assert.equal(match('nothing.jpg'), undefined);
    });
  });

  describe('AutoML JSON Lines', () => {
    it('reads object detection training lines as box suggestions, reporting what it could not use', () => {
      const text = [
        '{"image_url":"azureml://datastores/ws/paths/data/cats/one.jpg","image_details":{"format":"jpg","width":40,"height":30},"label":[{"label":"cat","topX":0.25,"topY":0.1,"bottomX":0.75,"bottomY":0.5,"isCrowd":0},{"label":"fox","topX":0,"topY":0,"bottomX":0.5,"bottomY":0.5,"isCrowd":0}]}',
        '{"image_url":"azureml://datastores/ws/paths/data/missing.jpg","label":[]}',
        'not json',
        '',
        '{"image_url":"dogs/four.bmp","label":[{"label":"dog","topX":0.1}]}',
      ].join('\n');
      const result = importAutoMlJsonl(text, project('object-detection'), items, { source: 'preds.jsonl' });
      assert.deepEqual(result.suggestions.get('cats/one.jpg'), [
        { kind: 'box', label: 'cat', left: 0.25, top: 0.1, right: 0.75, bottom: 0.5, source: 'preds.jsonl' },
        { kind: 'box', label: 'fox', left: 0, top: 0, right: 0.5, bottom: 0.5, source: 'preds.jsonl' },
      ]);
      assert.deepEqual(result.unmatched, ['azureml://datastores/ws/paths/data/missing.jpg']);
      assert.deepEqual(result.unknownLabels, ['fox']);
      assert.deepEqual(result.ignored, [
        { where: 'line 3', reason: 'not JSON' },
        { where: 'line 5', reason: 'a box needs topX, topY, bottomX, bottomY' },
      ]);
    });

    it('reads model output: boxes with scores above the minimum, polygons, and a line holding a list', () => {
      const detections =
        '[{"filename":"/mnt/batch/inputs/dogs/four.bmp","boxes":[{"box":{"topX":0.1,"topY":0.2,"bottomX":0.3,"bottomY":0.4},"label":"dog","score":0.9},{"box":{"topX":0,"topY":0,"bottomX":1,"bottomY":1},"label":"cat","score":0.2}]}]';
      const boxes = importAutoMlJsonl(detections, project('object-detection'), items, { minScore: 0.5 });
      assert.deepEqual(boxes.suggestions.get('dogs/four.bmp'), [
        { kind: 'box', label: 'dog', left: 0.1, top: 0.2, right: 0.3, bottom: 0.4, score: 0.9 },
      ]);
      const segmentation =
        '{"filename":"cats/two.png","boxes":[{"box":{"topX":0.1,"topY":0.1,"bottomX":0.5,"bottomY":0.5},"label":"cat","score":0.99,"polygon":[[0.1,0.1,0.5,0.1,0.5,0.5]]}]}';
      const polygons = importAutoMlJsonl(segmentation, project('instance-segmentation'), items);
      assert.deepEqual(polygons.suggestions.get('cats/two.png'), [
        { kind: 'polygon', label: 'cat', segments: [[0.1, 0.1, 0.5, 0.1, 0.5, 0.5]], score: 0.99 },
      ]);
    });

    it('reads classification output: the best class, or every class over the threshold', () => {
      const line = '{"filename":"cats/one.jpg","probs":[0.2,0.7,0.6],"labels":["cat","dog","fox"]}';
      assert.deepEqual(
        importAutoMlJsonl(line, project('image-classification'), items).suggestions.get('cats/one.jpg'),
        [{ kind: 'class', label: 'dog', score: 0.7 }],
      );
      const multi = importAutoMlJsonl(line, project('image-classification-multilabel'), items, {
        multiLabelThreshold: 0.5,
      });
      assert.deepEqual(multi.suggestions.get('cats/one.jpg'), [
        { kind: 'class', label: 'dog', score: 0.7 },
        { kind: 'class', label: 'fox', score: 0.6 },
      ]);
      assert.deepEqual(multi.unknownLabels, ['fox']);
    });
  });

  describe('COCO', () => {
    const dataset = {
      images: [
        { id: 7, file_name: 'one.jpg', width: 40, height: 30 },
        { id: 8, file_name: 'elsewhere/unknown.jpg', width: 10, height: 10 },
        { id: 9, file_name: 'dogs/four.bmp' },
      ],
      categories: [
        { id: 3, name: 'cat' },
        { id: 5, name: 'dog' },
      ],
      annotations: [
        { id: 1, image_id: 7, category_id: 3, bbox: [10, 3, 20, 12], area: 240, iscrowd: 0, score: 0.8 },
        { id: 2, image_id: 8, category_id: 5, bbox: [0, 0, 1, 1], area: 1, iscrowd: 0 },
        { id: 3, image_id: 9, category_id: 5, bbox: [0, 2, 8, 6], area: 48, iscrowd: 0 },
        { id: 4, image_id: 7, category_id: 4, bbox: [0, 0, 1, 1], area: 1, iscrowd: 0 },
      ],
    };

    it('turns pixel boxes into normalized box suggestions, reading sizes the file leaves out from the image', async () => {
      const folder = temporaryFolder();
      try {
        const imageFolder = copyFixtureImages(folder.path);
        const withFiles = items.map((item) => ({ ...item, absolutePath: join(imageFolder, item.id) }));
        const result = await importCoco(dataset, project('object-detection'), withFiles, {
          readImageInfo: readItemImageInfo,
        });
        assert.deepEqual(result.suggestions.get('cats/one.jpg'), [
          { kind: 'box', label: 'cat', left: 0.25, top: 0.1, right: 0.75, bottom: 0.5, score: 0.8 },
        ]);
        assert.deepEqual(result.suggestions.get('dogs/four.bmp'), [
          { kind: 'box', label: 'dog', left: 0, top: 0.25, right: 0.5, bottom: 1 },
        ]);
        assert.deepEqual(result.unmatched, ['elsewhere/unknown.jpg']);
        assert.deepEqual(result.ignored, [{ where: 'annotation 4', reason: 'no category 4' }]);
      } finally {
        folder.remove();
      }
    });

    it('reads a results list against its dataset, keeping scores above the minimum', async () => {
      const results = [
        { image_id: 7, category_id: 5, bbox: [0, 0, 20, 15], score: 0.95 },
        { image_id: 7, category_id: 3, bbox: [0, 0, 4, 3], score: 0.1 },
      ];
      const result = await importCoco(results, project('object-detection'), items, { dataset, minScore: 0.5 });
      assert.deepEqual(result.suggestions.get('cats/one.jpg'), [
        { kind: 'box', label: 'dog', left: 0, top: 0, right: 0.5, bottom: 0.5, score: 0.95 },
      ]);
      await assert.rejects(importCoco(results, project('object-detection'), items), /needs the dataset/);
    });

    it('turns polygons into segmentation suggestions and reports RLE masks', async () => {
      const polygons = {
        images: [{ id: 1, file_name: 'cats/two.png', width: 32, height: 24 }],
        categories: [{ id: 1, name: 'cat' }],
        annotations: [
          { id: 1, image_id: 1, category_id: 1, segmentation: [[8, 6, 24, 6, 24, 18]], bbox: [8, 6, 16, 12] },
          { id: 2, image_id: 1, category_id: 1, segmentation: { counts: 'abc', size: [24, 32] }, bbox: [0, 0, 1, 1] },
        ],
      };
      const result = await importCoco(polygons, project('instance-segmentation'), items);
      assert.deepEqual(result.suggestions.get('cats/two.png'), [
        { kind: 'polygon', label: 'cat', segments: [[0.25, 0.25, 0.75, 0.25, 0.75, 0.75]] },
      ]);
      assert.match(result.ignored[0].reason, /RLE/);
    });
  });

  describe('round trip', () => {
    let folder: ReturnType<typeof temporaryFolder>;
    beforeEach(() => {
      folder = temporaryFolder();
    });
    afterEach(() => folder.remove());

    /** A dataset's content without its ids: what each image holds, by file name and category name. */
    function content(dataset: CocoDataset) {
      const names = new Map(dataset.categories.map((category) => [category.id, category.name]));
      const files = new Map(dataset.images.map((image) => [image.id, image.file_name]));
      return {
        images: dataset.images.map(({ file_name, width, height }) => ({ file_name, width, height })).sort(byName),
        categories: dataset.categories.map((category) => category.name),
        annotations: dataset.annotations
          .map((annotation) => ({
            file: files.get(annotation.image_id),
            category: names.get(annotation.category_id),
            bbox: annotation.bbox,
            area: annotation.area,
            iscrowd: annotation.iscrowd,
            ...(annotation.segmentation ? { segmentation: annotation.segmentation } : {}),
          }))
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      };
    }
    const byName = (a: { file_name: string }, b: { file_name: string }) => a.file_name.localeCompare(b.file_name);

    async function roundTrip(task: TaskType, original: CocoDataset): Promise<void> {
      copyFixtureImages(folder.path);
      const store = await LabelStore.create(join(folder.path, 'rt.labels.json'), {
        task,
        labels: original.categories.map((category) => ({ name: category.name })),
        source: { kind: 'folder', path: 'images' },
      });
      const imported = await importCoco(original, store.project, await store.listItems());
      assert.deepEqual(imported.unmatched, []);
      assert.deepEqual(imported.ignored, []);
      await store.setSuggestions(imported.suggestions);
      await store.acceptAllSuggestions();
      const exported = await exportCoco(await exportInputOf(store));
      assert.deepEqual(content(JSON.parse(exported.files.get('coco.json') ?? '')), content(original));
    }

    it('gives back the same boxes: COCO in, COCO out', async () => {
      await roundTrip('object-detection', {
        images: [
          { id: 11, file_name: 'cats/one.jpg', width: 40, height: 30 },
          { id: 12, file_name: 'lossy.webp', width: 24, height: 12 },
        ],
        categories: [
          { id: 1, name: 'cat' },
          { id: 2, name: 'dog' },
        ],
        annotations: [
          { id: 1, image_id: 11, category_id: 1, bbox: [13, 7, 11, 9], area: 99, iscrowd: 0 },
          { id: 2, image_id: 11, category_id: 2, bbox: [0, 0, 40, 30], area: 1200, iscrowd: 0 },
          { id: 3, image_id: 12, category_id: 2, bbox: [3.5, 1.25, 7, 5.5], area: 38.5, iscrowd: 0 },
        ],
      });
    });

    it('gives back the same polygons: COCO in, COCO out', async () => {
      await roundTrip('instance-segmentation', {
        images: [{ id: 1, file_name: 'progressive.jpg', width: 50, height: 20 }],
        categories: [{ id: 1, name: 'cat' }],
        annotations: [
          {
            id: 1,
            image_id: 1,
            category_id: 1,
            bbox: [10, 2, 30, 16],
            area: 480,
            iscrowd: 0,
            segmentation: [[10, 2, 40, 2, 40, 18, 10, 18]],
          },
          {
            id: 2,
            image_id: 1,
            category_id: 1,
            bbox: [1, 1, 3, 7],
            area: 10.5,
            iscrowd: 0,
            segmentation: [[1, 1, 4, 1, 1, 8]],
          },
        ],
      });
    });
  });
});
