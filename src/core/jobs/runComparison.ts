// Comparing runs side by side: one row per run, a column per parameter, final metric and tag any of them has,
// the columns whose values are not all the same marked, sorting by any column and export as CSV.

/** What a comparison needs of one run. Params and tags are MLflow's strings; metrics are each one's latest value. */
export interface ComparedRun {
  /** Unique within a comparison (two workspaces may each have a job of the same name). */
  id: string;
  /** The job name, which the service knows the run by. */
  name: string;
  displayName?: string;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags?: Record<string, string>;
}

export type ColumnKind = 'run' | 'status' | 'param' | 'metric' | 'tag';

export interface ComparisonColumn {
  /** `run`, `status`, `params.<key>`, `metrics.<key>` or `tags.<key>`, as MLflow names them in a runs table. */
  id: string;
  kind: ColumnKind;
  /** The parameter, metric or tag name; `run` and `status` for the first two. */
  key: string;
  /** Whether some run's value differs from another's (a value one run lacks counts as different). */
  differs: boolean;
}

export type CellValue = string | number | null;

export interface ComparisonRow {
  runId: string;
  displayName?: string;
  /** One per column, in column order; null where the run has no such value. */
  cells: CellValue[];
}

export type SortDirection = 'ascending' | 'descending';

export interface ComparisonTable {
  columns: ComparisonColumn[];
  rows: ComparisonRow[];
  /** How the rows are ordered; absent while they are in the order the runs were added. */
  sort?: { columnId: string; direction: SortDirection };
}

/** The table of `runs`, in their order: run and status first, then params, metrics and tags, each by name. */
export function comparisonTable(runs: readonly ComparedRun[]): ComparisonTable {
  const keysOf = (pick: (run: ComparedRun) => Record<string, unknown> | undefined) =>
    [...new Set(runs.flatMap((run) => Object.keys(pick(run) ?? {})))].sort((a, b) => a.localeCompare(b));
  const columns: Array<{ kind: ColumnKind; key: string; valueOf: (run: ComparedRun) => CellValue }> = [
    { kind: 'run', key: 'run', valueOf: (run) => run.name },
    { kind: 'status', key: 'status', valueOf: (run) => run.status },
    ...keysOf((run) => run.params).map((key) => ({
      kind: 'param' as const,
      key,
      valueOf: (run: ComparedRun) => (Object.hasOwn(run.params, key) ? run.params[key] : null),
    })),
    ...keysOf((run) => run.metrics).map((key) => ({
      kind: 'metric' as const,
      key,
      valueOf: (run: ComparedRun) => (Object.hasOwn(run.metrics, key) ? run.metrics[key] : null),
    })),
    ...keysOf((run) => run.tags).map((key) => ({
      kind: 'tag' as const,
      key,
      valueOf: (run: ComparedRun) => (run.tags && Object.hasOwn(run.tags, key) ? run.tags[key] : null),
    })),
  ];
  const rows = runs.map((run) => ({
    runId: run.id,
    ...(run.displayName !== undefined ? { displayName: run.displayName } : {}),
    cells: columns.map((column) => column.valueOf(run)),
  }));
  return {
    columns: columns.map(({ kind, key }, index) => ({
      id: columnId(kind, key),
      kind,
      key,
      // The run column names each row; that its values differ says nothing.
      differs: kind !== 'run' && !allSame(rows.map((row) => row.cells[index])),
    })),
    rows,
  };
}

export function columnId(kind: ColumnKind, key: string): string {
  switch (kind) {
    case 'run':
    case 'status':
      return kind;
    case 'param':
      return `params.${key}`;
    case 'metric':
      return `metrics.${key}`;
    case 'tag':
      return `tags.${key}`;
  }
}

function allSame(values: CellValue[]): boolean {
  return values.every((value) => Object.is(value, values[0]));
}

/**
 * The table with its rows ordered by one column. Numbers (and parameters that read as numbers) compare
 * numerically, other text naturally ("run 2" before "run 10"); runs without a value come last in either
 * direction, and rows that compare equal keep their order.
 */
export function sortTable(table: ComparisonTable, columnId: string, direction: SortDirection): ComparisonTable {
  const index = table.columns.findIndex((column) => column.id === columnId);
  if (index < 0) throw new Error(`The comparison has no column ${columnId}.`);
  const sign = direction === 'ascending' ? 1 : -1;
  const rows = table.rows
    .map((row, position) => ({ row, position, value: row.cells[index] }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value === b.value) return a.position - b.position;
        return a.value === null ? 1 : -1;
      }
      return sign * compareValues(a.value, b.value) || a.position - b.position;
    })
    .map(({ row }) => row);
  return { ...table, rows, sort: { columnId, direction } };
}

function compareValues(a: string | number, b: string | number): number {
  const numberA = asNumber(a);
  const numberB = asNumber(b);
  if (numberA !== undefined && numberB !== undefined) {
    // NaN sorts after every number, and equal to itself.
    if (Number.isNaN(numberA) || Number.isNaN(numberB))
      return Number(Number.isNaN(numberA)) - Number(Number.isNaN(numberB));
    return numberA < numberB ? -1 : numberA > numberB ? 1 : 0;
  }
  // A number against text: numbers first.
  if (numberA !== undefined) return -1;
  if (numberB !== undefined) return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

const NUMERIC_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

function asNumber(value: string | number): number | undefined {
  if (typeof value === 'number') return value;
  return NUMERIC_TEXT.test(value) ? Number(value) : undefined;
}

/**
 * The table as CSV (RFC 4180): a header row of column ids with the display name after the run, then one
 * row per run in the table's order, lines ending in CRLF. Numbers are written as JavaScript's shortest
 * text that reads back as the same number; a missing value is an empty field.
 */
export function tableToCsv(table: ComparisonTable): string {
  const runIndex = table.columns.findIndex((column) => column.kind === 'run');
  const header = table.columns.flatMap((column, index) =>
    index === runIndex ? [column.id, 'display_name'] : [column.id],
  );
  const lines = [header.map(csvField)];
  for (const row of table.rows) {
    lines.push(
      row.cells.flatMap((cell, index) =>
        index === runIndex ? [csvField(cell), csvField(row.displayName ?? null)] : [csvField(cell)],
      ),
    );
  }
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

function csvField(value: CellValue): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? (Object.is(value, -0) ? '-0' : String(value)) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
