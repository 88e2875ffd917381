// The run comparison page: several runs' metric histories overlaid, and a table of their params and final metrics.
import type { ContractNames } from '../messaging';

/** A run in the comparison, as the legend and the charts name it. */
export interface ComparedRunSummary {
  /** The run's key in every message (job names alone may repeat across workspaces). */
  id: string;
  /** The job name. */
  name: string;
  displayName?: string;
  status: string;
  /** True while the run can still change, so the page says it is live. */
  active: boolean;
  /** Which of the theme's chart colours the run is drawn in; it keeps it while it is compared. */
  colour: number;
}

export type TableCell = string | number | null;
export type SortDirection = 'ascending' | 'descending';

export interface TableColumn {
  /** `run`, `status`, `params.<key>`, `metrics.<key>` or `tags.<key>`. */
  id: string;
  kind: 'run' | 'status' | 'param' | 'metric' | 'tag';
  key: string;
  /** The runs do not all have the same value here; the page highlights the column. */
  differs: boolean;
}

/** The runs and the table, in the order the host sorted them; sent whole when any of it changes. */
export interface ComparisonState {
  runs: ComparedRunSummary[];
  columns: TableColumn[];
  rows: Array<{ runId: string; cells: TableCell[] }>;
  sort: { columnId: string; direction: SortDirection } | null;
}

/** One run's points of one metric, in the order they were logged; `timestamp` is milliseconds since the epoch. */
export interface RunMetricSeries {
  runId: string;
  key: string;
  points: Array<{ step: number; value: number; timestamp: number }>;
}

export type ToRunComparison = {
  comparison: ComparisonState;
  /** Every point known so far: the page replaces its charts with these. */
  metrics: { series: RunMetricSeries[] };
  /** Only the points logged since the last message, per run and metric; a new key starts a new chart. */
  metricPoints: { series: RunMetricSeries[] };
  /** A read failed; what is shown stays, and the page says so until the next good read. */
  loadError: { message: string } | null;
};

export type FromRunComparison = {
  /** A column header was chosen: order the rows by it. */
  sort: { columnId: string; direction: SortDirection };
  remove: { runId: string };
  exportCsv: null;
  /** What the page shows now (tests and diagnostics read it). */
  rendered: {
    charts: Array<{ key: string; series: Array<{ runId: string; points: number }> }>;
    rows: string[];
    sort: { columnId: string; direction: SortDirection } | null;
    differing: string[];
  };
};

export const runComparisonMessageNames = {
  toWebview: { comparison: true, metrics: true, metricPoints: true, loadError: true },
  fromWebview: { sort: true, remove: true, exportCsv: true, rendered: true },
} as const satisfies ContractNames<ToRunComparison, FromRunComparison>;
