/**
 * Hands a registered candidate to the outer loop: trigger the CI run, find it, follow it until it ends,
 * and record each change on the model version (candidateTags.ts), so the Models view shows it and a
 * restart loses nothing. The model version is never touched otherwise: a failed trigger leaves it
 * registered, and triggering again needs no new registration.
 */
import {
  followRun,
  waitForRun,
  type CiRun,
  type CiTriggerReceipt,
  type ModelVersionRef,
  type OuterLoopClient,
  type PollOptions,
} from '../outerLoop/ciRun';
import { recordAfterTrigger, recordOfFailure, recordOfRun, type OuterLoopRecord } from '../outerLoop/candidateTags';
import { classifyError } from '../errors/classify';

export interface HandOffOptions extends PollOptions {
  /** Writes the record onto the model version. A failure to write is reported through `onRecordFailed`. */
  record(record: OuterLoopRecord): Promise<void>;
  onRecordFailed?(error: unknown): void;
  /** The run is known: its page can be offered. */
  onRunFound?(run: CiRun): void;
  onUpdate?(run: CiRun): void;
  /** How long a dispatched run may take to appear. */
  findTimeoutMs?: number;
}

export interface HandOffOutcome {
  run: CiRun;
  record: OuterLoopRecord;
}

/** Triggers, finds and follows the run; throws the trigger's or the following's error after recording it. */
export async function handOff(
  client: OuterLoopClient,
  model: ModelVersionRef,
  options: HandOffOptions,
): Promise<HandOffOutcome> {
  const save = serialWriter(options);
  let receipt: CiTriggerReceipt;
  try {
    receipt = await client.trigger(model, options.signal);
  } catch (error) {
    if (classifyError(error).kind !== 'cancelled') {
      await save(recordOfFailure(client.provider, classifyError(error).message));
    }
    throw error;
  }
  await save(recordAfterTrigger(receipt));
  const found = await waitForRun(client, receipt, { ...pollOf(options), timeoutMs: options.findTimeoutMs });
  return follow(client, found, receipt.triggeredAt, options, save);
}

/**
 * Follows the run a model version's record names (one a closed VS Code was following) to its end,
 * recording as the hand-off does; nothing is triggered. A trigger recorded before its run was found is
 * matched to its run the way a fresh trigger is: the runs since it, the one naming this model version.
 */
export async function followRecorded(
  client: OuterLoopClient,
  model: ModelVersionRef,
  recorded: Pick<OuterLoopRecord, 'runId' | 'triggeredAt'>,
  options: HandOffOptions,
): Promise<HandOffOutcome> {
  const { runId, triggeredAt } = recorded;
  let run: CiRun;
  if (runId) run = await client.getRun(runId, options.signal);
  else if (triggeredAt) {
    const receipt: CiTriggerReceipt = { provider: client.provider, triggeredAt, model, runsBefore: [] };
    run = await waitForRun(client, receipt, { ...pollOf(options), timeoutMs: options.findTimeoutMs });
  } else {
    throw new Error(`${model.name}:${model.version} has no outer loop run recorded to follow.`);
  }
  return follow(client, run, triggeredAt, options, serialWriter(options));
}

async function follow(
  client: OuterLoopClient,
  found: CiRun,
  triggeredAt: string | undefined,
  options: HandOffOptions,
  save: (record: OuterLoopRecord) => Promise<void>,
): Promise<HandOffOutcome> {
  options.onRunFound?.(found);
  let last = recordOfRun(found, triggeredAt);
  await save(last);
  const finished =
    found.state === 'completed'
      ? found
      : await followRun(client, found.runId, {
          ...pollOf(options),
          onUpdate: (run) => {
            options.onUpdate?.(run);
            const next = recordOfRun(run, triggeredAt);
            if (next.status !== last.status) {
              last = next;
              void save(next);
            }
          },
        });
  const record = recordOfRun(finished, triggeredAt);
  await save(record);
  return { run: finished, record };
}

/** Writes one after another, so an earlier status can never land after a later one. */
function serialWriter(options: HandOffOptions): (record: OuterLoopRecord) => Promise<void> {
  let writing = Promise.resolve();
  return (record) =>
    (writing = writing.then(async () => {
      try {
        await options.record(record);
      } catch (error) {
        // The run goes on whether or not its status could be written; the next change tries again.
        options.onRecordFailed?.(error);
      }
    }));
}

function pollOf(options: HandOffOptions): PollOptions {
  return {
    intervalMs: options.intervalMs,
    maxIntervalMs: options.maxIntervalMs,
    signal: options.signal,
    sleep: options.sleep,
  };
}
