// The job details page: one job's status, timing, inputs and outputs, parameters, tags and metric charts.
import type { ContractNames } from '../messaging';

export interface KeyValue {
  key: string;
  value: string;
}

/** An input or output of the job: its name, type and what it points at (a path, an asset or a literal). */
export interface JobPort {
  name: string;
  type?: string;
  value: string;
}

/** Everything the page shows above the charts; sent whole when any of it changes. */
export interface JobOverview {
  jobName: string;
  displayName?: string;
  experimentName?: string;
  jobType?: string;
  workspaceName: string;
  status: string;
  /** True while the job can still change, so the page says it is live. */
  active: boolean;
  createdUtc?: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  compute?: string;
  inputs: JobPort[];
  outputs: JobPort[];
  params: KeyValue[];
  tags: KeyValue[];
  /** The service's error of a failed job. */
  error?: { code?: string; message: string };
}

/**
 * A metric's points in the order they were logged, as columns: point i is `steps[i]`, `values[i]`,
 * `timestamps[i]` (milliseconds since the epoch). Charts draw columns, and 100,000 points cross to the
 * page several times faster as three arrays of numbers than as 100,000 objects.
 */
export interface MetricSeries {
  key: string;
  steps: number[];
  values: number[];
  timestamps: number[];
  /**
   * How many points these stand for, when a long history was thinned for drawing (see thinForChart: every
   * peak, trough, the first and the latest point are kept); absent when every point is here.
   */
  total?: number;
}

export type ToJobDetails = {
  overview: JobOverview;
  /** Every point known so far: the page replaces its charts with these. */
  metrics: { series: MetricSeries[] };
  /** Only the points logged since the last message, per metric; a new key starts a new chart. */
  metricPoints: { series: MetricSeries[] };
  /** A read failed; what is shown stays, and the page says so until the next good read. */
  loadError: { message: string } | null;
};

export type FromJobDetails = {
  refresh: null;
  showLogs: null;
  /** Add this job to the run comparison (opening it if none is open). */
  addToComparison: null;
  /** The page drew its charts: which, and how many points each has (tests and diagnostics read it). */
  rendered: { charts: Array<{ key: string; points: number }> };
};

export const jobDetailsMessageNames = {
  toWebview: { overview: true, metrics: true, metricPoints: true, loadError: true },
  fromWebview: { refresh: true, showLogs: true, addToComparison: true, rendered: true },
} as const satisfies ContractNames<ToJobDetails, FromJobDetails>;
