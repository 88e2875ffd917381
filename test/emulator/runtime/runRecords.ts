/**
 * What run history and MLflow know about a job beyond its ARM resource: times, log files,
 * metrics, params, tags, error, and the parent/child links of pipeline steps.
 */
import { idKey, lastSegment, parseWorkspace, type WorkspaceRef } from './armIds';

export interface MetricPoint {
  key: string;
  value: number;
  /** Milliseconds since the epoch, as MLflow stores it. */
  timestamp: number;
  step: number;
}

export interface RunError {
  code: string;
  message: string;
  /** The part of the service that reported the failure, e.g. "CommonRuntime" for the job's own process. */
  componentName?: string;
  /** When the failure was recorded; defaults to the run's end. */
  time?: string;
}

export interface RunRecord {
  jobId: string;
  runId: string;
  workspace: WorkspaceRef;
  createdUtc: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  /** Log name (e.g. "user_logs/std_log.txt") → absolute local file. */
  logFiles: Map<string, string>;
  metrics: Map<string, MetricPoint[]>;
  params: Map<string, string>;
  tags: Map<string, string>;
  error?: RunError;
  warnings: { source: string; message: string }[];
  parentRunId?: string;
  /** ARM ids of child jobs (pipeline steps), in creation order. */
  childJobIds: string[];
}

export class RunRecords {
  private readonly records = new Map<string, RunRecord>();

  get(jobId: string): RunRecord | undefined {
    return this.records.get(idKey(jobId));
  }

  /** The record of `jobId`, created empty on first use. */
  ensure(jobId: string): RunRecord {
    const existing = this.get(jobId);
    if (existing) return existing;
    const workspace = parseWorkspace(jobId);
    if (!workspace) throw new Error(`Not a workspace job id: ${jobId}`);
    const record: RunRecord = {
      jobId,
      runId: lastSegment(jobId),
      workspace,
      createdUtc: new Date().toISOString(),
      logFiles: new Map(),
      metrics: new Map(),
      params: new Map(),
      tags: new Map(),
      warnings: [],
      childJobIds: [],
    };
    this.records.set(idKey(jobId), record);
    return record;
  }

  addMetric(record: RunRecord, point: MetricPoint): void {
    const history = record.metrics.get(point.key) ?? [];
    history.push(point);
    record.metrics.set(point.key, history);
  }
}
