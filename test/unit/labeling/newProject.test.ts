import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabelStore } from '../../../src/core/labeling/store';
import { labelsFromList, newLabelingProject } from '../../../src/labeling/newProject';
import type { UserInput } from '../../../src/platform/userInput';
import { scriptedInput } from '../../support/scriptedInput';
import { temporaryFolder } from '../core/labeling/helpers';

describe('New Labeling Project', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  it('gives labels colours in turn and hotkeys 1–9 for the first nine', () => {
    const labels = labelsFromList(' a, b ,,c,d,e,f,g,h,i,j ');
    assert.deepEqual(
      labels.map((label) => label.name),
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    );
    assert.deepEqual(
      labels.map((label) => label.hotkey),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', undefined],
    );
    assert.equal(new Set(labels.map((label) => label.color)).size, 10);
  });

  it('makes a text project from a CSV column, going back to fix the file, and opens as a store', async () => {
    mkdirSync(join(folder.path, 'data'));
    writeFileSync(
      join(folder.path, 'data', 'reviews.csv'),
      'id,review\nr1,"Great, fast delivery"\nr2,Broken on arrival\n',
    );
    const input = scriptedInput([
      { pick: 'text-classification' },
      { pick: 'A CSV or JSON Lines file' },
      { input: 'data/reviews.csv' },
      'back',
      { input: 'data/reviews.csv' },
      { pick: 'review' },
      { input: 'positive, negative' },
      { input: 'reviews' },
    ]);
    const projectFile = await newLabelingProject(folder.path, input);
    assert.equal(projectFile, join(folder.path, 'reviews.labels.json'));
    assert.deepEqual(
      input.prompts
        .find((prompt) => prompt.title === 'New Labeling Project: the text column')
        ?.items?.map((item) => item.label),
      ['id', 'review'],
    );
    const project = JSON.parse(readFileSync(projectFile, 'utf8'));
    assert.deepEqual(project.source, { kind: 'table', path: 'data/reviews.csv', column: 'review' });
    assert.equal(project.task, 'text-classification');
    const store = await LabelStore.open(projectFile);
    assert.deepEqual(
      (await store.listItems()).map((item) => item.text),
      ['Great, fast delivery', 'Broken on arrival'],
    );
  });

  it('refuses a source that is not there and a name already taken', async () => {
    mkdirSync(join(folder.path, 'pictures'));
    writeFileSync(join(folder.path, 'taken.labels.json'), '{}');
    const scripted = scriptedInput([
      { pick: 'object-detection' },
      { input: 'pictures' },
      { input: 'car, person' },
      { input: 'street' },
    ]);
    // The checks VS Code runs on each keystroke, kept by prompt title.
    const checks = new Map<string, (value: string) => string | undefined>();
    const input: UserInput = {
      ...scripted,
      input(options) {
        if (options.validate && options.title) checks.set(options.title, options.validate);
        return scripted.input(options);
      },
    };
    await newLabelingProject(folder.path, input);
    const source = checks.get('New Labeling Project: the folder of items');
    const labels = checks.get('New Labeling Project: labels');
    const name = checks.get('New Labeling Project: name');
    assert.match(source?.('missing') ?? '', /There is no missing/);
    assert.match(source?.('taken.labels.json') ?? '', /Name a folder/);
    assert.equal(source?.('pictures'), undefined);
    assert.match(labels?.(' , ') ?? '', /at least one label/);
    assert.match(labels?.('car, car') ?? '', /there twice/);
    assert.match(name?.('taken') ?? '', /already exists/);
    assert.match(name?.('a b') ?? '', /letters, digits/);
    assert.equal(name?.('fresh'), undefined);
    const project = JSON.parse(readFileSync(join(folder.path, 'street.labels.json'), 'utf8'));
    assert.deepEqual(project.source, { kind: 'folder', path: 'pictures' });
  });
});
