/**
 * What the outer loop's CI clients have in common: trigger a run for a registered model version, find
 * the run the trigger started, and read it again until it ends. GitHub Actions and Azure DevOps each
 * implement OuterLoopClient; the loops below (find, follow) are shared.
 */
import { classifyError } from '../errors/classify';
import { ServiceError, type ErrorSource } from '../errors/kinds';

export type CiProvider = 'github' | 'azure-devops';

/** The model version the outer loop is asked to test and deploy. */
export interface ModelVersionRef {
  name: string;
  version: string;
}

export type CiRunState = 'queued' | 'running' | 'completed';
export type CiRunResult = 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'other';

export interface CiJob {
  name: string;
  state: CiRunState;
  result?: CiRunResult;
  url?: string;
}

export interface CiRun {
  provider: CiProvider;
  runId: string;
  /** The run's page for people (GitHub's html_url, Azure DevOps' web link). */
  url: string;
  state: CiRunState;
  /** Set once the run completed. */
  result?: CiRunResult;
  /** The service's own words for the state and result (`in_progress`, `timed_out`, `inProgress`…). */
  serviceStatus: string;
  serviceResult?: string;
  /** The run's jobs, where the service lists them with the run (GitHub). */
  jobs: CiJob[];
}

/** What a trigger left to go on: the run itself when the service says which it is, else when it was asked for. */
export interface CiTriggerReceipt {
  provider: CiProvider;
  /** When the service accepted the trigger, by the service's clock (its Date header) where it sends one. */
  triggeredAt: string;
  model: ModelVersionRef;
  runId?: string;
  url?: string;
  /** Runs that already existed when the trigger was sent: never the one it started. */
  runsBefore?: string[];
}

export interface OuterLoopClient {
  readonly provider: CiProvider;
  /** The service's name in messages ("GitHub", "Azure DevOps"). */
  readonly serviceName: string;
  /** Where runs are listed, for a person to look when no run can be found. */
  readonly runsPageUrl: string;
  trigger(model: ModelVersionRef, signal?: AbortSignal): Promise<CiTriggerReceipt>;
  /** One look for the run a trigger started; undefined while it has not appeared. */
  findRun(receipt: CiTriggerReceipt, signal?: AbortSignal): Promise<CiRun | undefined>;
  getRun(runId: string, signal?: AbortSignal): Promise<CiRun>;
}

export interface PollOptions {
  /** First wait between reads; it grows while nothing changes. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  /** Injected by tests to run without waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * The run a trigger started. GitHub creates a dispatched run a few seconds after answering, so this
 * looks again until it appears or `timeoutMs` passes; then it says where to look instead.
 */
export async function waitForRun(
  client: OuterLoopClient,
  receipt: CiTriggerReceipt,
  options: PollOptions & { timeoutMs?: number } = {},
): Promise<CiRun> {
  if (receipt.runId) return client.getRun(receipt.runId, options.signal);
  const sleep = options.sleep ?? delay;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let waitMs = options.intervalMs ?? 2_000;
  for (;;) {
    const run = await client.findRun(receipt, options.signal);
    if (run) return run;
    if (Date.now() + waitMs > deadline) break;
    await sleep(waitMs, options.signal);
    waitMs = Math.min(waitMs * 1.5, options.maxIntervalMs ?? 10_000);
  }
  throw new ServiceError({
    source: sourceOf(client.provider),
    code: 'RunNotFound',
    message:
      `${client.serviceName} accepted the trigger, but no run it started appeared within ${Math.round(timeoutMs / 1000)} seconds. ` +
      `Check that the workflow or pipeline listens for this trigger, and look at ${client.runsPageUrl}.`,
  });
}

/** Reads the run again until it completes, calling `onUpdate` whenever its state, result or jobs change. */
export async function followRun(
  client: OuterLoopClient,
  runId: string,
  options: PollOptions & { onUpdate?: (run: CiRun) => void } = {},
): Promise<CiRun> {
  const sleep = options.sleep ?? delay;
  const baseMs = options.intervalMs ?? 5_000;
  const maxMs = options.maxIntervalMs ?? 60_000;
  let waitMs = baseMs;
  let last: string | undefined;
  let failures = 0;
  for (;;) {
    let run: CiRun;
    try {
      run = await client.getRun(runId, options.signal);
      failures = 0;
    } catch (error) {
      // A dropped connection or a passing server error does not end the following; a few in a row do.
      if (!isTransient(error) || ++failures > MAX_TRANSIENT_FAILURES) throw error;
      waitMs = Math.min(waitMs * 2, maxMs);
      await sleep(waitMs, options.signal);
      continue;
    }
    const fingerprint = JSON.stringify([run.state, run.result, run.jobs]);
    const changed = fingerprint !== last;
    if (changed) options.onUpdate?.(run);
    last = fingerprint;
    if (run.state === 'completed') return run;
    waitMs = changed ? baseMs : Math.min(waitMs * 1.5, maxMs);
    await sleep(waitMs, options.signal);
  }
}

/** Failures in a row that following a run rides out before it gives up. */
const MAX_TRANSIENT_FAILURES = 3;

function isTransient(error: unknown): boolean {
  const kind = classifyError(error).kind;
  return kind === 'network' || kind === 'server' || kind === 'throttled';
}

export function sourceOf(provider: CiProvider): ErrorSource {
  return provider === 'github' ? 'github' : 'azureDevOps';
}

/** Waits `ms`, or rejects with an AbortError as soon as `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}
