/** Job status bookkeeping shared by the command and pipeline executors. */
import type { ChildProcess } from 'node:child_process';
import type { ArmResource, ResourceStore, RuntimeContext } from '../contracts';
import type { RunRecords } from './runRecords';

export type JobStatus =
  'NotStarted' | 'Queued' | 'Running' | 'Finalizing' | 'CancelRequested' | 'Completed' | 'Failed' | 'Canceled';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set([
  'Completed',
  'Failed',
  'Canceled',
  'NotResponding',
  'Paused',
]);

export type TerminalStatus = 'Completed' | 'Failed' | 'Canceled';

/** What the executors need from the runtime. */
export interface ExecutorEnv {
  ctx: RuntimeContext;
  records: RunRecords;
}

/** Lets cancel() reach whatever is executing: a process, or the current step of a pipeline. */
export class ExecutionControl {
  cancelRequested = false;
  process?: ChildProcess;
  currentStep?: ExecutionControl;

  /** Synchronous last resort when the emulator process exits without stop(): no job outlives it. */
  killNow(): void {
    this.currentStep?.killNow();
    if (this.process?.pid !== undefined) signalGroup(this.process.pid, 'SIGKILL');
  }

  requestCancel(): void {
    this.cancelRequested = true;
    this.currentStep?.requestCancel();
    if (this.process) killProcessTree(this.process);
  }
}

/** Kills the process group started for a job (spawned detached, so it leads its own group). */
export function killProcessTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  signalGroup(pid, 'SIGTERM');
  const forceKill = setTimeout(() => signalGroup(pid, 'SIGKILL'), 2000);
  forceKill.unref();
  child.once('exit', () => clearTimeout(forceKill));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Re-reads the job and writes it back with `changes` applied to its properties (the ARM layer may have edited it meanwhile). */
export function updateJobProperties(
  store: ResourceStore,
  jobId: string,
  changes: Record<string, unknown>,
): ArmResource | undefined {
  const current = store.get(jobId);
  if (!current) return undefined;
  const now = new Date().toISOString();
  const updated: ArmResource = {
    ...current,
    properties: { ...current.properties, ...changes },
    systemData: { ...current.systemData, lastModifiedAt: now },
  };
  store.put(updated);
  return updated;
}

export function setJobStatus(env: ExecutorEnv, jobId: string, status: JobStatus): void {
  updateJobProperties(env.ctx.store, jobId, { status });
  const record = env.records.ensure(jobId);
  const now = new Date().toISOString();
  if (status === 'Running' && !record.startTimeUtc) record.startTimeUtc = now;
  if (TERMINAL_STATUSES.has(status) && !record.endTimeUtc) record.endTimeUtc = now;
}

export function jobStatusOf(store: ResourceStore, jobId: string): string | undefined {
  const status = store.get(jobId)?.properties.status;
  return typeof status === 'string' ? status : undefined;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
