/** The JobRuntime: starts and cancels job executions and routes run-history, log and MLflow requests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JobRuntime, RouteHandler, RuntimeContext } from '../contracts';
import { idKey, jobIdFor } from './armIds';
import { executeCommandJob, runFolder, STD_LOG_NAME } from './commandJob';
import { asString, ExecutionControl, jobStatusOf, setJobStatus, TERMINAL_STATUSES, type ExecutorEnv } from './jobState';
import { LogFileServer } from './logFiles';
import { MlflowRoutes } from './mlflow';
import { executePipelineJob } from './pipelineJob';
import { RunHistoryRoutes } from './runHistory';
import { RunQueryRoutes } from './runQueries';
import { RunRecords } from './runRecords';

/**
 * History given to a job that the emulator will not execute (seeded terminal jobs). Structurally
 * accepts the seeds' `SeededJobInfo` too (`stdLog`, `error` object, `parentJobName`).
 */
export interface SeededRunHistory {
  /** Text of user_logs/std_log.txt. */
  log?: string;
  /** Same as `log` (the seeds' field name). */
  stdLog?: string;
  /** Metric name → values, logged as steps 0, 1, 2... spread between start and end. */
  metrics?: Record<string, number[]>;
  params?: Record<string, string>;
  /** Defaults: an hour ago and start + 10 minutes. */
  startTimeUtc?: string;
  endTimeUtc?: string;
  /** Shown as the run's error (use for Failed jobs). A string means code "UserError". */
  error?: string | { code: string; message: string; componentName?: string };
  /** Name of the pipeline job this job is a step of; makes it appear in the parent's children. */
  parentJobName?: string;
}

export interface SeedableJobRuntime extends JobRuntime {
  /** Gives an existing job resource logs and metrics without running it. Call after the job is in the store. */
  seedRunHistory(jobId: string, history: SeededRunHistory): void;
}

/** Job types the emulator does not execute; they stay NotStarted with a warning on the run. */
const NOT_EXECUTED_WARNING = (jobType: string): string =>
  `The Azure ML emulator does not execute ${jobType} jobs; the job stays NotStarted.`;

interface Execution {
  control: ExecutionControl;
  done: Promise<void>;
}

export function createJobRuntime(ctx: RuntimeContext): SeedableJobRuntime {
  const records = new RunRecords();
  const env: ExecutorEnv = { ctx, records };
  const logs = new LogFileServer(ctx.origin, records);
  const history = new RunHistoryRoutes(ctx.origin, ctx.store, records, logs);
  const queries = new RunQueryRoutes(ctx.store, records, history, ctx.pageSize);
  const mlflow = new MlflowRoutes(ctx.store, records);
  const executions = new Map<string, Execution>();
  let stopped = false;
  const killJobsOnExit = (): void => {
    for (const execution of executions.values()) execution.control.killNow();
  };
  process.once('exit', killJobsOnExit);

  const start = (jobId: string): void => {
    if (stopped || executions.has(idKey(jobId))) return;
    const job = ctx.store.get(jobId);
    if (!job || job.properties.status !== 'NotStarted') return;
    const jobType = asString(job.properties.jobType) ?? 'Command';
    const record = records.ensure(jobId);
    const execute = jobType === 'Command' ? executeCommandJob : jobType === 'Pipeline' ? executePipelineJob : undefined;
    if (!execute) {
      record.warnings.push({ source: 'emulator', message: NOT_EXECUTED_WARNING(jobType) });
      return;
    }
    const control = new ExecutionControl();
    const done = execute(env, jobId, control)
      .then(() => undefined)
      .catch((error: unknown) => {
        // Executors turn failures into status Failed; anything reaching here is a runtime bug.
        record.error = { code: 'SystemError', message: error instanceof Error ? error.message : String(error) };
        setJobStatus(env, jobId, 'Failed');
      })
      .finally(() => executions.delete(idKey(jobId)));
    executions.set(idKey(jobId), { control, done });
  };

  const cancel = async (jobId: string): Promise<void> => {
    const execution = executions.get(idKey(jobId));
    if (execution) {
      if (!TERMINAL_STATUSES.has(jobStatusOf(ctx.store, jobId) ?? '')) setJobStatus(env, jobId, 'CancelRequested');
      execution.control.requestCancel();
      await execution.done;
      return;
    }
    const status = jobStatusOf(ctx.store, jobId);
    if (status !== undefined && !TERMINAL_STATUSES.has(status)) setJobStatus(env, jobId, 'Canceled');
  };

  const handle: RouteHandler = async (req, res, url, body) =>
    logs.handle(req, res, url) ||
    history.handle(req, res, url) ||
    queries.handle(req, res, url, body) ||
    mlflow.handle(req, res, url, body);

  const seedRunHistory = (jobId: string, seeded: SeededRunHistory): void => {
    if (!ctx.store.get(jobId)) throw new Error(`seedRunHistory: job ${jobId} is not in the store.`);
    const record = records.ensure(jobId);
    const start = seeded.startTimeUtc ?? new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const end = seeded.endTimeUtc ?? new Date(Date.parse(start) + 10 * 60 * 1000).toISOString();
    record.startTimeUtc = start;
    record.endTimeUtc = end;
    if (typeof seeded.error === 'string') record.error = { code: 'UserError', message: seeded.error };
    else if (seeded.error) {
      const { code, message, componentName } = seeded.error;
      record.error = { code, message, ...(componentName ? { componentName } : {}), time: end };
    }
    const log = seeded.log ?? seeded.stdLog;
    if (log !== undefined) {
      const logPath = path.join(runFolder(ctx.workDir, jobId, record.runId), ...STD_LOG_NAME.split('/'));
      mkdirSync(path.dirname(logPath), { recursive: true });
      writeFileSync(logPath, log);
      record.logFiles.set(STD_LOG_NAME, logPath);
    }
    const startMs = Date.parse(start);
    const spanMs = Math.max(Date.parse(end) - startMs, 0);
    for (const [key, values] of Object.entries(seeded.metrics ?? {})) {
      const spacing = values.length > 1 ? spanMs / (values.length - 1) : 0;
      values.forEach((value, step) =>
        records.addMetric(record, { key, value, step, timestamp: Math.round(startMs + step * spacing) }),
      );
    }
    for (const [key, value] of Object.entries(seeded.params ?? {})) record.params.set(key, value);
    if (seeded.parentJobName) {
      record.parentRunId = seeded.parentJobName;
      const parent = records.ensure(jobIdFor(record.workspace, seeded.parentJobName));
      if (!parent.childJobIds.some((id) => idKey(id) === idKey(jobId))) parent.childJobIds.push(jobId);
    }
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    process.removeListener('exit', killJobsOnExit);
    const running = [...executions.values()];
    for (const execution of running) execution.control.requestCancel();
    await Promise.all(running.map((e) => e.done));
  };

  return { start, cancel, handle, stop, seedRunHistory };
}
