import assert from 'node:assert/strict';
import {
  comparisonTable,
  sortTable,
  tableToCsv,
  type ComparedRun,
  type ComparisonTable,
} from '../../../../src/core/jobs/runComparison';

const baseline: ComparedRun = {
  id: 'ws/jobs/iris_a',
  name: 'iris_a',
  displayName: 'iris run 1',
  status: 'Completed',
  params: { learning_rate: '0.01', epochs: '20' },
  metrics: { loss: 0.25, accuracy: 0.91 },
  tags: { owner: 'alice' },
};
const tuned: ComparedRun = {
  id: 'ws/jobs/iris_b',
  name: 'iris_b',
  displayName: 'iris run 2',
  status: 'Completed',
  params: { learning_rate: '0.1', epochs: '20', seed: '7' },
  metrics: { loss: 0.125, accuracy: 0.91 },
  tags: { owner: 'alice' },
};

const columnIds = (table: ComparisonTable) => table.columns.map((column) => column.id);
const differing = (table: ComparisonTable) => table.columns.filter((c) => c.differs).map((c) => c.id);
const order = (table: ComparisonTable) => table.rows.map((row) => row.runId);
describe('run comparison: the table of several runs', () => {
  it('has a row per run and a column per status, param, metric and tag any run has', () => {
    const table = comparisonTable([baseline, tuned]);
    assert.deepEqual(columnIds(table), [
      'run',
      'status',
      'params.epochs',
      'params.learning_rate',
      'params.seed',
      'metrics.accuracy',
      'metrics.loss',
      'tags.owner',
    ]);
    assert.deepEqual(order(table), ['ws/jobs/iris_a', 'ws/jobs/iris_b']);
    assert.deepEqual(table.rows[0].cells, ['iris_a', 'Completed', '20', '0.01', null, 0.91, 0.25, 'alice']);
    assert.equal(table.rows[1].displayName, 'iris run 2');
    assert.equal(table.sort, undefined);
  });

  it('marks the columns whose values differ, a value one run lacks included, never the run column', () => {
    const table = comparisonTable([baseline, tuned]);
    assert.deepEqual(differing(table), ['params.learning_rate', 'params.seed', 'metrics.loss']);
    const failed = comparisonTable([baseline, { ...tuned, status: 'Failed', tags: undefined }]);
    assert.deepEqual(differing(failed), [
      'status',
      'params.learning_rate',
      'params.seed',
      'metrics.loss',
      'tags.owner',
    ]);
  });

  it('marks nothing for a single run, and tells apart a param and a metric of the same name', () => {
    assert.deepEqual(differing(comparisonTable([baseline])), []);
    const table = comparisonTable([
      { ...baseline, params: { threshold: '0.5' }, metrics: { threshold: 0.5 } },
      { ...tuned, params: { threshold: '0.5' }, metrics: { threshold: 0.7 } },
    ]);
    assert.deepEqual(differing(table), ['metrics.threshold']);
  });

  it('treats NaN metrics as equal to each other, and 0.1 text and 0.10 text as different', () => {
    const table = comparisonTable([
      { ...baseline, params: { lr: '0.1' }, metrics: { loss: NaN } },
      { ...tuned, params: { lr: '0.10' }, metrics: { loss: NaN } },
    ]);
    assert.deepEqual(differing(table), ['params.lr']);
  });
});

describe('run comparison: sorting', () => {
  const runs: ComparedRun[] = [
    { id: 'a', name: 'run 10', status: 'Completed', params: { lr: '0.1' }, metrics: { loss: 0.3 } },
    { id: 'b', name: 'run 2', status: 'Failed', params: { lr: '0.05' }, metrics: {} },
    { id: 'c', name: 'run 3', status: 'Completed', params: { lr: '1e-3' }, metrics: { loss: 0.2 } },
    { id: 'd', name: 'run 1', status: 'Completed', params: {}, metrics: { loss: 0.3 } },
  ];
  const table = comparisonTable(runs);

  it('orders metrics numerically both ways, with runs that lack the value last in either', () => {
    const ascending = sortTable(table, 'metrics.loss', 'ascending');
    assert.deepEqual(order(ascending), ['c', 'a', 'd', 'b']);
    assert.deepEqual(ascending.sort, { columnId: 'metrics.loss', direction: 'ascending' });
    // a and d tie: they keep their order in both directions.
    assert.deepEqual(order(sortTable(table, 'metrics.loss', 'descending')), ['a', 'd', 'c', 'b']);
  });

  it('orders params that read as numbers by their value, not their text', () => {
    assert.deepEqual(order(sortTable(table, 'params.lr', 'ascending')), ['c', 'b', 'a', 'd']);
    assert.deepEqual(order(sortTable(table, 'params.lr', 'descending')), ['a', 'b', 'c', 'd']);
  });

  it('orders text naturally, and keeps equal rows in their order', () => {
    assert.deepEqual(order(sortTable(table, 'run', 'ascending')), ['d', 'b', 'c', 'a']);
    assert.deepEqual(order(sortTable(table, 'status', 'ascending')), ['a', 'c', 'd', 'b']);
    assert.deepEqual(order(sortTable(table, 'status', 'descending')), ['b', 'a', 'c', 'd']);
  });

  it('leaves the table it was given as it was, and refuses a column it does not have', () => {
    sortTable(table, 'run', 'descending');
    assert.deepEqual(order(table), ['a', 'b', 'c', 'd']);
    assert.throws(() => sortTable(table, 'metrics.f1', 'ascending'), /no column metrics\.f1/);
  });

  it('puts numbers before text in a column that has both', () => {
    const mixed = comparisonTable([
      { ...runs[0], params: { batch: 'auto' } },
      { ...runs[1], params: { batch: '64' } },
      { ...runs[2], params: { batch: '8' } },
    ]);
    assert.deepEqual(order(sortTable(mixed, 'params.batch', 'ascending')), ['c', 'b', 'a']);
  });
});

describe('run comparison: CSV export', () => {
  it('writes a header and one row per run in the table order, with CRLF line ends', () => {
    const table = sortTable(comparisonTable([baseline, tuned]), 'metrics.loss', 'ascending');
    assert.equal(
      tableToCsv(table),
      [
        'run,display_name,status,params.epochs,params.learning_rate,params.seed,metrics.accuracy,metrics.loss,tags.owner',
        'iris_b,iris run 2,Completed,20,0.1,7,0.91,0.125,alice',
        'iris_a,iris run 1,Completed,20,0.01,,0.91,0.25,alice',
        '',
      ].join('\r\n'),
    );
  });

  it('quotes fields with commas, quotes or line breaks, doubling the quotes', () => {
    const csv = tableToCsv(
      comparisonTable([
        {
          id: 'x',
          name: 'x',
          displayName: 'say "hi", twice',
          status: 'Completed',
          params: { note: 'line one\nline two', plain: 'a b' },
          metrics: {},
        },
      ]),
    );
    assert.equal(
      csv,
      'run,display_name,status,params.note,params.plain\r\nx,"say ""hi"", twice",Completed,"line one\nline two",a b\r\n',
    );
  });

  it('writes numbers so that they read back exactly', () => {
    const values = [0.1 + 0.2, 1 / 3, 1e-7, 123456789012345680000, -0, NaN, Infinity];
    const csv = tableToCsv(
      comparisonTable([
        {
          id: 'x',
          name: 'x',
          status: 'Completed',
          params: {},
          metrics: Object.fromEntries(values.map((value, index) => [`m${index}`, value])),
        },
      ]),
    );
    const written = csv.split('\r\n')[1].split(',').slice(3);
    assert.deepEqual(
      written.map((text) => Number(text)),
      values,
    );
    assert.equal(written[0], '0.30000000000000004');
    assert.equal(written[4], '-0');
  });
});
