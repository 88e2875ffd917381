import { CancelledError } from '../errors/kinds';
import type { HttpClient } from '../http/httpClient';
import { isActiveStatus } from './jobStatus';
import type { RunDetails, RunError, RunInfo } from './runHistory';
import type { Page } from '../paging';

/** The log a job's own code writes to; other logs are read on demand. */
export const MAIN_LOG = 'user_logs/std_log.txt';

/** Reads bytes of a log from `offset` on: 206 with the new bytes, 416 when there are none, 200 if the range was ignored. */
export type RangeReader = (
  url: string,
  offset: number,
  abortSignal?: AbortSignal,
) => Promise<{ status: number; body: Buffer }>;

/** Log URLs carry their own signature, so the client sends no token; a 416 means "nothing new yet". */
export function rangeReaderOver(http: HttpClient): RangeReader {
  return async (url, offset, abortSignal) => {
    try {
      return await http.bytes({ method: 'GET', url, headers: { range: `bytes=${offset}-` }, abortSignal });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 416) return { status: 416, body: Buffer.alloc(0) };
      throw error;
    }
  };
}

/**
 * One log file read from where the last read stopped, so following a log costs its size once and not
 * once per poll. Text is decoded as a stream: a character split between two reads comes out whole.
 */
export class LogTail {
  private offset = 0;
  private readonly decoder = new TextDecoder('utf-8');
  /** Bytes received for this log, for the benchmark's bytes-per-log-byte figure. */
  bytesReceived = 0;

  constructor(private readonly readRange: RangeReader) {}

  /** The text added since the last call; empty when nothing was added. The URL may change between calls (signatures expire). */
  async next(url: string, abortSignal?: AbortSignal): Promise<string> {
    const { status, body } = await this.readRange(url, this.offset, abortSignal);
    this.bytesReceived += body.length;
    if (status === 416) return '';
    // A server that ignores Range sends the whole file: skip what was already shown.
    const fresh = status === 206 ? body : body.subarray(Math.min(this.offset, body.length));
    this.offset += fresh.length;
    return this.decoder.decode(fresh, { stream: true });
  }
}

export interface LogSource {
  runId: string;
  /** The pipeline step's name; undefined for the job itself. */
  step?: string;
  logName: string;
}

export interface FollowOptions {
  history: {
    getRunDetails(runId: string, abortSignal?: AbortSignal): Promise<RunDetails>;
    listChildRuns(runId: string, continuationToken?: string): Promise<Page<RunInfo>>;
  };
  readRange: RangeReader;
  runId: string;
  /** Which log of each run to follow; the job's own output by default. */
  logName?: string;
  onText(source: LogSource, text: string): void;
  /** Called when the job's status changes, and once with the first status read. */
  onStatus?(status: string): void;
  abortSignal?: AbortSignal;
  /** Poll interval: the shortest while output flows, growing to the longest while it does not. */
  intervalMs?: { min: number; max: number };
  /** Waits between polls; tests pass their own clock. */
  sleep?: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
}

export interface FollowResult {
  status: string;
  error?: RunError;
  /** The last lines of the followed log (the failing step's for a pipeline), for a failure message. */
  tail: string[];
  bytesReceived: number;
}

const TAIL_LINES = 20;

/**
 * Follows a job's log until the job ends: each poll reads the run's details (for status and fresh log
 * URLs) and only the bytes added to each log since the last poll. A pipeline's steps are followed as
 * they start, each under its step name.
 */
export async function followJobLogs(options: FollowOptions): Promise<FollowResult> {
  const logName = options.logName ?? MAIN_LOG;
  const interval = options.intervalMs ?? { min: 1000, max: 5000 };
  const sleep = options.sleep ?? delay;
  const tails = new Map<string, LogTail>();
  const lastLines = new Map<string, string[]>();
  let lastStatus: string | undefined;
  let wait = interval.min;

  const readLog = async (source: LogSource, url: string | undefined): Promise<boolean> => {
    if (!url) return false;
    let tail = tails.get(source.runId);
    if (!tail) tails.set(source.runId, (tail = new LogTail(options.readRange)));
    const text = await tail.next(url, options.abortSignal);
    if (!text) return false;
    const lines = lastLines.get(source.runId) ?? [];
    lines.push(...text.split('\n'));
    lastLines.set(source.runId, lines.slice(-TAIL_LINES - 1));
    options.onText(source, text);
    return true;
  };

  for (;;) {
    throwIfAborted(options.abortSignal);
    const details = await options.history.getRunDetails(options.runId, options.abortSignal);
    // A running status is told before the log it explains; a final one after the last lines.
    const reportStatus = () => {
      if (details.status === lastStatus) return;
      lastStatus = details.status;
      options.onStatus?.(details.status);
    };
    if (isActiveStatus(details.status)) reportStatus();
    let grew = await readLog({ runId: options.runId, logName }, details.logFiles[logName]);
    const steps = logName in details.logFiles ? [] : await stepsOf(options, options.runId);
    let failedStep: string | undefined;
    for (const step of steps) {
      const stepDetails = await options.history.getRunDetails(step.runId, options.abortSignal);
      const stepGrew = await readLog(
        { runId: step.runId, step: step.displayName ?? step.runId, logName },
        stepDetails.logFiles[logName],
      );
      grew = stepGrew || grew;
      if (stepDetails.status === 'Failed') failedStep = step.runId;
    }
    if (!isActiveStatus(details.status)) {
      reportStatus();
      const tailOf = failedStep ?? options.runId;
      return {
        status: details.status,
        error: details.error,
        tail: (lastLines.get(tailOf) ?? []).join('\n').trimEnd().split('\n').slice(-TAIL_LINES),
        bytesReceived: [...tails.values()].reduce((sum, tail) => sum + tail.bytesReceived, 0),
      };
    }
    wait = grew ? interval.min : Math.min(interval.max, Math.round(wait * 1.5));
    await sleep(wait, options.abortSignal);
  }
}

async function stepsOf(options: FollowOptions, runId: string): Promise<RunInfo[]> {
  const steps: RunInfo[] = [];
  let token: string | undefined;
  do {
    const page = await options.history.listChildRuns(runId, token);
    steps.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return steps;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

function delay(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    abortSignal?.addEventListener('abort', onAbort, { once: true });
  });
}
