/**
 * The outer loop's trigger and run, recorded as tags on the model version they are for, so its status
 * survives a restart and shows wherever the model version does (the Models view, Azure ML studio).
 */
import type { CiProvider, CiRun, CiTriggerReceipt } from './ciRun';

export const OUTER_LOOP_TAGS = {
  provider: 'outerloop.provider',
  status: 'outerloop.status',
  runId: 'outerloop.runId',
  url: 'outerloop.url',
  triggeredAt: 'outerloop.triggeredAt',
  error: 'outerloop.error',
} as const;

/** Where the outer loop stands for a model version. */
export type OuterLoopStatus =
  'triggered' | 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped' | 'other' | 'triggerFailed';

const STATUSES: readonly OuterLoopStatus[] = [
  'triggered',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
  'other',
  'triggerFailed',
];
const PROVIDERS: readonly CiProvider[] = ['github', 'azure-devops'];
/** Tag values are short: the first sentence of an error is enough to say what happened. */
const MAX_ERROR_LENGTH = 250;

export interface OuterLoopRecord {
  provider: CiProvider;
  status: OuterLoopStatus;
  triggeredAt?: string;
  runId?: string;
  url?: string;
  error?: string;
}

/** Still going: worth following again after a restart. */
export function isUnfinished(record: OuterLoopRecord): boolean {
  return record.status === 'triggered' || record.status === 'queued' || record.status === 'running';
}

export function recordAfterTrigger(receipt: CiTriggerReceipt): OuterLoopRecord {
  return {
    provider: receipt.provider,
    status: 'triggered',
    triggeredAt: receipt.triggeredAt,
    ...(receipt.runId ? { runId: receipt.runId } : {}),
    ...(receipt.url ? { url: receipt.url } : {}),
  };
}

export function recordOfRun(run: CiRun, triggeredAt?: string): OuterLoopRecord {
  const status: OuterLoopStatus = run.state === 'completed' ? (run.result ?? 'other') : run.state;
  return {
    provider: run.provider,
    status,
    ...(triggeredAt ? { triggeredAt } : {}),
    runId: run.runId,
    url: run.url,
  };
}

export function recordOfFailure(provider: CiProvider, message: string, triggeredAt?: string): OuterLoopRecord {
  const first = message.split(/(?<=\.)\s/)[0] ?? message;
  return {
    provider,
    status: 'triggerFailed',
    ...(triggeredAt ? { triggeredAt } : {}),
    error: first.length > MAX_ERROR_LENGTH ? `${first.slice(0, MAX_ERROR_LENGTH - 1)}…` : first,
  };
}

/**
 * The tags to set on the model version. Every outer-loop key is present, empty where the record has no
 * value, so writing them over an earlier record leaves nothing of it behind.
 */
export function outerLoopTags(record: OuterLoopRecord): Record<string, string> {
  return {
    [OUTER_LOOP_TAGS.provider]: record.provider,
    [OUTER_LOOP_TAGS.status]: record.status,
    [OUTER_LOOP_TAGS.runId]: record.runId ?? '',
    [OUTER_LOOP_TAGS.url]: record.url ?? '',
    [OUTER_LOOP_TAGS.triggeredAt]: record.triggeredAt ?? '',
    [OUTER_LOOP_TAGS.error]: record.error ?? '',
  };
}

/** The record the tags hold; undefined when the outer loop never ran for this version or the tags are not ours. */
export function parseOuterLoopTags(tags: Record<string, string> | undefined): OuterLoopRecord | undefined {
  if (!tags) return undefined;
  const provider = tags[OUTER_LOOP_TAGS.provider] as CiProvider;
  const status = tags[OUTER_LOOP_TAGS.status] as OuterLoopStatus;
  if (!PROVIDERS.includes(provider) || !STATUSES.includes(status)) return undefined;
  const { [OUTER_LOOP_TAGS.runId]: runId, [OUTER_LOOP_TAGS.url]: url } = tags;
  const { [OUTER_LOOP_TAGS.triggeredAt]: triggeredAt, [OUTER_LOOP_TAGS.error]: error } = tags;
  const record: OuterLoopRecord = { provider, status };
  // A value someone edited by hand into something else is left out rather than trusted.
  if (runId && /^\d+$/.test(runId)) record.runId = runId;
  if (url && /^https:\/\//.test(url)) record.url = url;
  if (triggeredAt && !Number.isNaN(Date.parse(triggeredAt))) record.triggeredAt = triggeredAt;
  if (error) record.error = error;
  return record;
}
