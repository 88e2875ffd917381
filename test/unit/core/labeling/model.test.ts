import assert from 'node:assert/strict';
import { formatCsv, parseCsv } from '../../../../src/core/labeling/csv';
import {
  ProjectFileError,
  compareItemIds,
  formatRecordLine,
  isLabeled,
  parseProjectFile,
  recordProblem,
  sortByItemId,
} from '../../../../src/core/labeling/model';
import { sentences, snapToTokens, tokenize } from '../../../../src/core/labeling/text';

describe('labeling model', () => {
  it('orders item ids the same way everywhere, numbers by value', () => {
    const ids = ['row:10', 'b/x.jpg', 'row:2', 'a/10.jpg', 'a/9.jpg', 'row:02', 'B.jpg'];
    assert.deepEqual([...ids].sort(compareItemIds), [
      'B.jpg',
      'a/9.jpg',
      'a/10.jpg',
      'b/x.jpg',
      'row:02',
      'row:2',
      'row:10',
    ]);
  });

  it('sorts items by id in the order compareItemIds gives, for ids mixing digits, text and leading zeros', () => {
    const runs = ['0', '00', '1', '01', '9', '10', 'a', 'B', '/', '-', ':', 'é'];
    // A fixed walk through the runs: the same ids on every run of the test.
    const ids = Array.from({ length: 400 }, (_, index) =>
      Array.from(
        { length: 1 + (index % 5) },
        (_, part) => runs[(index * 7 + part * 5 + index * part) % runs.length],
      ).join(''),
    );
    const items = ids.map((id) => ({ id }));
    assert.deepEqual(
      sortByItemId(items, (item) => item.id).map((item) => item.id),
      [...ids].sort(compareItemIds),
    );
  });

  it('writes a record with its keys in a fixed order, so the same content is the same line', () => {
    const line = formatRecordLine({
      updatedAt: '2024-01-01T00:00:00.000Z',
      boxes: [{ bottom: 1, right: 1, top: 0, left: 0, label: 'cat', id: 'b1' }],
      item: 'x.jpg',
      suggestions: [],
    } as never);
    assert.equal(
      line,
      '{"item":"x.jpg","boxes":[{"id":"b1","label":"cat","left":0,"top":0,"right":1,"bottom":1}],"updatedAt":"2024-01-01T00:00:00.000Z"}',
    );
  });

  it('says what is wrong with a record', () => {
    assert.equal(recordProblem({ item: 'a', classes: ['x'] }), undefined);
    assert.match(recordProblem({ classes: ['x'] }) ?? '', /no `item`/);
    assert.match(recordProblem({ item: 'a', boxes: [{ id: '1', label: 'x', left: 0 }] }) ?? '', /box needs/);
    assert.match(
      recordProblem({ item: 'a', polygons: [{ id: '1', label: 'x', segments: [[0, 0, 1, 1]] }] }) ?? '',
      /three points/,
    );
    assert.match(recordProblem({ item: 'a', spans: [{ id: '1', label: 'x', start: 4, end: 2 }] }) ?? '', /start/);
    assert.match(recordProblem({ item: 'a', suggestions: [{ kind: 'mask' }] }) ?? '', /kind/);
  });

  it('tells labeled from unlabeled per task', () => {
    assert.equal(isLabeled({ item: 'a', classes: [] }, 'image-classification'), false);
    assert.equal(isLabeled({ item: 'a', classes: [] }, 'image-classification-multilabel'), true);
    assert.equal(isLabeled({ item: 'a', boxes: [] }, 'object-detection'), true);
    assert.equal(isLabeled({ item: 'a', suggestions: [] }, 'object-detection'), false);
  });

  it('refuses project files it cannot trust, saying why', () => {
    const good = {
      version: 1,
      task: 'text-ner',
      labels: [{ name: 'per', color: '#ff0000', hotkey: 'p' }],
      source: { kind: 'folder', path: 'texts' },
      annotationsFile: 'n.labels.jsonl',
    };
    assert.equal(parseProjectFile(JSON.stringify(good)).task, 'text-ner');
    const broken = (change: object) => () => parseProjectFile(JSON.stringify({ ...good, ...change }));
    assert.throws(broken({ version: 2 }), /version 2/);
    assert.throws(broken({ task: 'speech' }), /`task` must be one of/);
    assert.throws(
      broken({
        labels: [
          { name: 'a', color: '#000000' },
          { name: 'a', color: '#000000' },
        ],
      }),
      /twice/,
    );
    assert.throws(broken({ source: { kind: 'table', path: 'x.csv' } }), /source.column/);
    const asset = { kind: 'dataAsset', name: 'reviews', version: '1', cacheFolder: 'cache' };
    assert.throws(broken({ source: { ...asset, table: { column: 'text' } } }), /`source.table.path` must name/);
    assert.throws(broken({ source: { ...asset, table: { path: 'r.csv' } } }), /`source.table.column` must name/);
    assert.throws(
      broken({ source: { ...asset, table: { path: 'r.csv', column: 'text', keyColumn: '' } } }),
      /`source.table.keyColumn` must be/,
    );
    assert.equal(
      parseProjectFile(JSON.stringify({ ...good, source: { ...asset, table: { path: 'r.csv', column: 'text' } } }))
        .source.kind,
      'dataAsset',
    );
    assert.throws(() => parseProjectFile('{'), ProjectFileError);
  });
});

describe('labeling text', () => {
  it('splits words, digits and each punctuation mark into tokens', () => {
    const text = "EU-wide rules, don't 1996-08-22!";
    assert.deepEqual(
      tokenize(text).map((token) => text.slice(token.start, token.end)),
      ['EU', '-', 'wide', 'rules', ',', 'don', "'", 't', '1996', '-', '08', '-', '22', '!'],
    );
  });

  it('snaps a selection to the whole tokens it touches', () => {
    const text = 'New York City';
    assert.deepEqual(snapToTokens(text, 1, 6), { start: 0, end: 8 });
    assert.deepEqual(snapToTokens(text, 9, 9), { start: 9, end: 13 });
    assert.equal(snapToTokens(text, 3, 4), undefined);
  });

  it('ends sentences at full stops before a space and at line breaks, not inside a kept range', () => {
    const text = 'Hi there. Visit St. Louis\nBye';
    const tokens = tokenize(text);
    const words = (keep: { start: number; end: number }[]) =>
      sentences(text, tokens, keep).map((sentence) =>
        sentence.map((token) => text.slice(token.start, token.end)).join(' '),
      );
    assert.deepEqual(words([]), ['Hi there .', 'Visit St .', 'Louis', 'Bye']);
    assert.deepEqual(words([{ start: 16, end: 25 }]), ['Hi there .', 'Visit St . Louis', 'Bye']);
  });
});

describe('labeling CSV', () => {
  it('reads quoted fields with commas, quotes and line breaks, and writes them back', () => {
    const text = '\ufeffa,b\r\n"x, y","say ""hi""\nthere"\r\nplain,\n';
    const rows = parseCsv(text);
    assert.deepEqual(rows, [
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
      ['plain', ''],
    ]);
    assert.deepEqual(parseCsv(formatCsv(rows)), rows);
  });
});
