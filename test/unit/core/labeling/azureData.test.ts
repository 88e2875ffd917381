import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataVersionInfo } from '../../../../src/core/azure/resources';
import { snapshotOfFiles, takeSnapshot } from '../../../../src/core/jobs/snapshot';
import { exportAutoMlImages } from '../../../../src/core/labeling/export/automlImages';
import { exportInputOf } from '../../../../src/core/labeling/export/common';
import { listSourceItems } from '../../../../src/core/labeling/items';
import {
  MlTablePathError,
  filesNamedByMlTable,
  globToRegExp,
  mlTablePaths,
} from '../../../../src/core/labeling/mltablePaths';
import type { LabelProject } from '../../../../src/core/labeling/model';
import {
  LABELED_DATA_TAGS,
  sameWorkspace,
  sourceImageUrl,
  versionWithContent,
} from '../../../../src/core/labeling/registerData';
import { LabelStore } from '../../../../src/core/labeling/store';
import { copyFixtureImages, temporaryFolder } from './helpers';

const WS = { subscriptionId: 'sub-1', resourceGroup: 'rg', name: 'mlw-vision' };
const WS_ID =
  '/subscriptions/sub-1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw-vision';
const LABELS = [{ name: 'cat', color: '#e6194b' }];

describe('labeling with Azure ML data', () => {
  describe('MLTable paths → items', () => {
    const location = { datastore: 'workspaceblobstore', path: 'demo/shapes/v1' };

    it('reads file, folder and pattern entries relative to the MLTable, and addresses inside its folder', () => {
      const paths = mlTablePaths(
        {
          paths: [
            { file: './extra/one.png' },
            { folder: './images/' },
            { pattern: 'more/**/*.jpg' },
            { file: 'azureml://datastores/WorkspaceBlobStore/paths/demo/shapes/v1/loose/two.png' },
            {
              folder:
                'azureml://subscriptions/sub-1/resourcegroups/rg/workspaces/mlw/datastores/workspaceblobstore/paths/demo/shapes/v1/deep',
            },
          ],
        },
        location,
      );
      assert.deepEqual(paths, [
        { file: 'extra/one.png' },
        { folder: 'images' },
        { pattern: 'more/**/*.jpg' },
        { file: 'loose/two.png' },
        { folder: 'deep' },
      ]);
      const files = [
        'MLTable',
        'extra/one.png',
        'extra/other.png',
        'images/a.png',
        'images/sub/b.png',
        'imagesake.png',
        'more/c.jpg',
        'more/x/y/d.jpg',
        'more/e.png',
        'loose/two.png',
        'deep/f.png',
      ];
      assert.deepEqual(filesNamedByMlTable(files, paths), [
        'extra/one.png',
        'images/a.png',
        'images/sub/b.png',
        'more/c.jpg',
        'more/x/y/d.jpg',
        'loose/two.png',
        'deep/f.png',
      ]);
    });

    it('refuses entries outside the MLTable folder, of another kind, or no paths at all', () => {
      const refused = (document: unknown) => assert.throws(() => mlTablePaths(document, location), MlTablePathError);
      refused({ paths: [{ file: '../elsewhere.png' }] });
      refused({ paths: [{ folder: 'azureml://datastores/other/paths/demo/shapes/v1/images' }] });
      refused({ paths: [{ folder: 'azureml://datastores/workspaceblobstore/paths/demo/other/images' }] });
      refused({ paths: [{ file: 'https://example.com/a.png' }] });
      refused({ paths: [{ file: '/etc/passwd' }] });
      refused({ paths: [{ url: './a.png' }] });
      refused({ transformations: [] });
    });

    it('matches globs as MLTable writes them: * within a folder, ** across folders, ? one character', () => {
      assert.ok(globToRegExp('*.png').test('a.png'));
      assert.ok(!globToRegExp('*.png').test('x/a.png'));
      assert.ok(globToRegExp('**/*.png').test('a.png'));
      assert.ok(globToRegExp('**/*.png').test('x/y/a.png'));
      assert.ok(globToRegExp('img-?.png').test('img-1.png'));
      assert.ok(!globToRegExp('img-?.png').test('img-10.png'));
      assert.ok(!globToRegExp('a.png').test('aXpng'), 'a dot is a dot');
    });

    it('lists only the files an mltable source names as the project items', async () => {
      const folder = temporaryFolder();
      try {
        const cache = join(folder.path, 'cache');
        copyFixtureImages(cache);
        writeFileSync(join(cache, 'MLTable'), 'paths:\n  - pattern: ./images/cats/*\n');
        const project: LabelProject = {
          version: 1,
          task: 'image-classification',
          labels: LABELS,
          source: {
            kind: 'dataAsset',
            name: 'pets',
            version: '1',
            cacheFolder: 'cache',
            dataType: 'mltable',
            paths: [{ pattern: 'images/cats/*' }],
          },
          annotationsFile: 'p.labels.jsonl',
        };
        const items = await listSourceItems(join(folder.path, 'p.labels.json'), project);
        assert.deepEqual(
          items.map((item) => item.id),
          ['images/cats/one.jpg', 'images/cats/two.png'],
        );
      } finally {
        folder.remove();
      }
    });
  });

  describe('image_url', () => {
    it('points at the source asset only when it is in the workspace registered to', () => {
      const project = (assetId?: string): LabelProject => ({
        version: 1,
        task: 'object-detection',
        labels: LABELS,
        source: {
          kind: 'dataAsset',
          name: 'shapes',
          version: '2',
          cacheFolder: 'c',
          datastore: 'workspaceblobstore',
          datastorePath: 'demo/shapes/v2',
          ...(assetId ? { assetId } : {}),
        },
        annotationsFile: 'x.labels.jsonl',
      });
      assert.deepEqual(sourceImageUrl(project(`${WS_ID}/data/shapes/versions/2`), WS), {
        kind: 'datastore',
        datastore: 'workspaceblobstore',
        path: 'demo/shapes/v2',
      });
      assert.ok(sameWorkspace(`${WS_ID.toLowerCase()}/data/shapes/versions/2`, WS), 'ids compare without case');
      assert.equal(sourceImageUrl(project(`${WS_ID}-other/data/shapes/versions/2`), WS), undefined);
      assert.equal(sourceImageUrl(project(), WS), undefined, 'an asset of unknown workspace is uploaded');
      assert.equal(
        sourceImageUrl({ ...project(), source: { kind: 'folder', path: 'shapes' } }, WS),
        undefined,
        'a local folder is uploaded',
      );
    });

    it('rewrites every image_url to the uploaded items folder', async () => {
      const folder = temporaryFolder();
      try {
        copyFixtureImages(folder.path);
        const store = await LabelStore.create(join(folder.path, 'pets.labels.json'), {
          task: 'image-classification',
          labels: LABELS,
          source: { kind: 'folder', path: 'images' },
        });
        await store.setClasses('cats/one.jpg', ['cat']);
        await store.setClasses('cats/two.png', ['cat']);
        const result = await exportAutoMlImages(await exportInputOf(store), {
          exportFolder: join(folder.path, 'out'),
          imageUrl: { kind: 'datastore', datastore: 'workspaceblobstore', path: 'LocalUpload/abc123/images' },
        });
        const urls = (result.files.get('train_annotations.jsonl') ?? '')
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { image_url: string }).image_url);
        assert.deepEqual(urls, [
          'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc123/images/cats/one.jpg',
          'azureml://datastores/workspaceblobstore/paths/LocalUpload/abc123/images/cats/two.png',
        ]);
      } finally {
        folder.remove();
      }
    });
  });

  describe('content hash', () => {
    it('hashes chosen files as takeSnapshot hashes a folder laid out the same way', async () => {
      const folder = temporaryFolder();
      try {
        const scattered = join(folder.path, 'scattered');
        mkdirSync(join(scattered, 'deep'), { recursive: true });
        writeFileSync(join(scattered, 'B.png'), 'bee');
        writeFileSync(join(scattered, 'deep', 'a.png'), 'ay');
        writeFileSync(join(scattered, 'not-chosen.txt'), 'left out');
        const laidOut = join(folder.path, 'images');
        mkdirSync(join(laidOut, 'sub'), { recursive: true });
        writeFileSync(join(laidOut, 'B.png'), 'bee');
        writeFileSync(join(laidOut, 'sub', 'a.png'), 'ay');

        const chosen = await snapshotOfFiles('images', [
          { absolutePath: join(scattered, 'deep', 'a.png'), relativePath: 'sub/a.png' },
          { absolutePath: join(scattered, 'B.png'), relativePath: 'B.png' },
        ]);
        const real = await takeSnapshot(laidOut);
        assert.equal(chosen.objectHash, real.objectHash);
        assert.equal(await chosen.contentHash(), await real.contentHash());
        assert.deepEqual(
          chosen.files.map((file) => [file.relativePath, file.size]),
          real.files.map((file) => [file.relativePath, file.size]),
        );

        writeFileSync(join(scattered, 'B.png'), 'bees');
        const changed = await snapshotOfFiles('images', [
          { absolutePath: join(scattered, 'deep', 'a.png'), relativePath: 'sub/a.png' },
          { absolutePath: join(scattered, 'B.png'), relativePath: 'B.png' },
        ]);
        assert.notEqual(changed.objectHash, chosen.objectHash, 'a changed byte is new content');
        await assert.rejects(
          snapshotOfFiles('images', [{ absolutePath: join(scattered, 'B.png'), relativePath: '../B.png' }]),
          /not a relative path/,
        );
      } finally {
        folder.remove();
      }
    });

    it('finds the version registered with the same content, and only an mltable one', () => {
      const version = (name: string, dataType: string, hash?: string): DataVersionInfo => ({
        id: `${WS_ID}/data/labels/versions/${name}`,
        assetName: 'labels',
        version: name,
        dataType,
        tags: hash ? { [LABELED_DATA_TAGS.contentHash]: hash } : {},
      });
      const versions = [version('3', 'uri_folder', 'aaa'), version('2', 'mltable', 'bbb'), version('1', 'mltable')];
      assert.equal(versionWithContent(versions, 'bbb')?.version, '2');
      assert.equal(versionWithContent(versions, 'aaa'), undefined);
      assert.equal(versionWithContent(versions, 'ccc'), undefined);
    });
  });
});
