// The jobs benchmark, run by scripts/bench.mjs as `node --require tsx/cjs test/bench/jobs/measure.ts` with
// NODE_EXTRA_CA_CERTS set to the emulator's certificate. It starts an emulator (demo seed) in this process and:
// - follows, with followJobLogs as the extension does, a command job whose log grows to 50 MiB in bursts of
//   timestamped lines, counting the bytes received, what re-reading the whole log at every poll would have
//   cost, and how long each line took from the job's write to onText;
// - uploads a generated 50 MiB code folder with uploadCode (cold), then uploads it again and PUTs a job with it.
// It prints one line of JSON (JobsBenchResults) on stdout; progress goes to stderr.
import { createCipheriv, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AzureMlArm } from '../../../src/core/azure/armClient';
import { followJobLogs, MAIN_LOG, type RangeReader } from '../../../src/core/azure/jobLogs';
import { workspaceId, type WorkspaceRef } from '../../../src/core/azure/resourceIds';
import { uploadCode } from '../../../src/core/jobs/upload';
import { armAgainst } from '../../unit/core/armAgainstEmulator';
import { startHarness, type Harness } from '../../unit/emulator/harness';

/** The job's log: LOG_LINES lines of LINE_BYTES bytes, written BURST_LINES at a time with a pause between. */
const LINE_BYTES = 1024;
const LOG_BYTES = 50 * 2 ** 20;
const LOG_LINES = LOG_BYTES / LINE_BYTES;
const BURST_LINES = 128;
const BURST_PAUSE_SECONDS = 0.05;
/** `$EPOCHREALTIME` is seconds and microseconds: 10 + 1 + 6 characters until 2286. */
const TIMESTAMP_CHARS = 17;

/** The generated code folder: CODE_FILES files of random bytes, CODE_BYTES in all, the same on every run. */
const CODE_FILES = 500;
const CODE_BYTES = 50 * 2 ** 20;
const CODE_SEED = 'azureml-inner-loop jobs bench';

export interface JobsBenchResults {
  readonly logFollow: {
    /** Size of the log once the job ended, read whole after following. */
    finalLogBytes: number;
    /** Body bytes the follower's range reads received. */
    bytesReceived: number;
    /** Range reads of the log (one per poll once the log exists). */
    logReads: number;
    /** What a follower that GETs the whole log at each of those polls would have received. */
    wholeLogPerPollBytes: number;
    /** Whether the followed text was the log, byte for byte. */
    textMatchesLog: boolean;
    followMs: number;
  };
  readonly latency: {
    /** Lines delivered by onText, each with its write-to-delivery time. */
    lines: number;
    medianMs: number;
    p90Ms: number;
    maxMs: number;
  };
  readonly resubmit: {
    files: number;
    totalBytes: number;
    cold: { uploadMs: number; bytesSent: number; storageBytes: number; storageRequests: number };
    warm: {
      uploaded: boolean;
      uploadMs: number;
      putMs: number;
      bytesSent: number;
      storageBytes: number;
      storageRequests: number;
    };
  };
}

/** A request in the emulator's blob request log. */
interface BlobRequest {
  method: string;
  path: string;
  comp: string;
  bytes: number;
}
/** The blob front keeps only its last this-many requests. */
const BLOB_REQUEST_LOG_LIMIT = 5000;

const progress = (message: string) => process.stderr.write(`jobs bench: ${message}\n`);

/** The nearest-rank percentile. */
const percentile = (values: readonly number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];

function commandJob(ws: WorkspaceRef, command: string, codeId?: string): { properties: Record<string, unknown> } {
  const wsId = workspaceId(ws);
  return {
    properties: {
      jobType: 'Command',
      command,
      experimentName: 'bench-jobs',
      environmentId: `${wsId}/environments/sklearn-env/versions/2`,
      computeId: `${wsId}/computes/cpu-cluster`,
      ...(codeId ? { codeId } : {}),
    },
  };
}

/** Bash that writes the log: each line starts with the time it was written, from bash itself (no fork per line). */
function logWritingCommand(): string {
  const padding = LINE_BYTES - TIMESTAMP_CHARS - 2;
  return [
    `pad=$(printf '%${padding}s' '' | tr ' ' '.')`,
    `for ((burst = 0; burst < ${LOG_LINES / BURST_LINES}; burst++)); do`,
    `  for ((line = 0; line < ${BURST_LINES}; line++)); do printf '%s %s\\n' "$EPOCHREALTIME" "$pad"; done`,
    `  sleep ${BURST_PAUSE_SECONDS}`,
    'done',
  ].join('\n');
}

async function measureLogFollow(
  arm: AzureMlArm,
  ws: WorkspaceRef,
): Promise<Pick<JobsBenchResults, 'logFollow' | 'latency'>> {
  const jobName = 'bench-log-follow';
  let bytesReceived = 0;
  let logReads = 0;
  let wholeLogPerPollBytes = 0;
  const countingReader: RangeReader = async (url, offset, abortSignal) => {
    const answer = await arm.readLogRange(url, offset, abortSignal);
    logReads += 1;
    bytesReceived += answer.body.length;
    // A range read from `offset` returns the log up to its current end, so the log's size at this poll is known.
    wholeLogPerPollBytes +=
      answer.status === 206 ? offset + answer.body.length : answer.status === 416 ? offset : answer.body.length;
    return answer;
  };

  const followedHash = createHash('sha256');
  const latencies: number[] = [];
  let unfinishedLine = '';
  const onText = (text: string): void => {
    const deliveredAt = Date.now();
    followedHash.update(text);
    const lines = (unfinishedLine + text).split('\n');
    unfinishedLine = lines.pop() ?? '';
    for (const line of lines) {
      // A locale may write the decimal separator as a comma.
      const writtenAt = Number(line.slice(0, line.indexOf(' ')).replace(',', '.')) * 1000;
      if (!Number.isFinite(writtenAt))
        throw new Error(`The log has a line without its write time: ${line.slice(0, 40)}`);
      latencies.push(deliveredAt - writtenAt);
    }
  };

  progress(`following a job that writes a ${LOG_BYTES / 2 ** 20} MiB log`);
  await arm.putJob(ws, jobName, commandJob(ws, logWritingCommand()));
  const start = performance.now();
  const result = await followJobLogs({
    history: arm.runHistory(ws),
    readRange: countingReader,
    runId: jobName,
    onText: (_source, text) => onText(text),
  });
  const followMs = performance.now() - start;
  if (result.status !== 'Completed') {
    throw new Error(`The log job ended ${result.status}: ${result.error?.message ?? result.tail.join('\n')}`);
  }

  const details = await arm.runHistory(ws).getRunDetails(jobName);
  const whole = await arm.readLogRange(details.logFiles[MAIN_LOG], 0);
  const textMatchesLog = createHash('sha256').update(whole.body).digest('hex') === followedHash.digest('hex');
  if (whole.body.length !== LOG_BYTES || latencies.length !== LOG_LINES) {
    throw new Error(
      `Expected a log of ${LOG_BYTES} bytes in ${LOG_LINES} lines; it has ${whole.body.length} bytes ` +
        `and ${latencies.length} lines were delivered`,
    );
  }
  progress(`followed ${latencies.length} lines in ${(followMs / 1000).toFixed(1)} s with ${logReads} log reads`);
  return {
    logFollow: {
      finalLogBytes: whole.body.length,
      bytesReceived,
      logReads,
      wholeLogPerPollBytes,
      textMatchesLog,
      followMs,
    },
    latency: {
      lines: latencies.length,
      medianMs: percentile(latencies, 50),
      p90Ms: percentile(latencies, 90),
      maxMs: Math.max(...latencies),
    },
  };
}

/** CODE_FILES files of different sizes under ten folders; the bytes are an AES-CTR key stream, fixed by the seed. */
function writeCodeFolder(root: string): string {
  const folder = path.join(root, 'src');
  const key = createHash('sha256').update(CODE_SEED).digest();
  const content = createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(CODE_BYTES));
  // Sizes from 1 to about 20 units, scaled to CODE_BYTES; the last file takes what rounding left.
  const weights = Array.from({ length: CODE_FILES }, (_, index) => 1 + content[index] / 13);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const sizes = weights.map((weight) => Math.floor((weight / totalWeight) * CODE_BYTES));
  sizes[CODE_FILES - 1] += CODE_BYTES - sizes.reduce((sum, size) => sum + size, 0);
  let offset = 0;
  sizes.forEach((size, index) => {
    const target = path.join(folder, `part-${index % 10}`, `shard-${String(index).padStart(3, '0')}.bin`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content.subarray(offset, offset + size));
    offset += size;
  });
  return folder;
}

/** The emulator's blob request log (every request its storage front passed on, oldest first). */
function blobRequests(origin: string): Promise<BlobRequest[]> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL('/_emulator/blob-requests', origin), (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          try {
            resolve((JSON.parse(text) as { requests: BlobRequest[] }).requests);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      })
      .on('error', reject);
  });
}

/** What reached storage while `run` ran: request count and request body bytes. */
async function storageTraffic<T>(
  origin: string,
  run: () => Promise<T>,
): Promise<{ value: T; requests: number; bytes: number }> {
  const before = (await blobRequests(origin)).length;
  const value = await run();
  const after = await blobRequests(origin);
  if (after.length >= BLOB_REQUEST_LOG_LIMIT) throw new Error('The blob request log overflowed; requests were lost');
  const sent = after.slice(before);
  return { value, requests: sent.length, bytes: sent.reduce((sum, request) => sum + request.bytes, 0) };
}

async function measureResubmit(harness: Harness, arm: AzureMlArm, ws: WorkspaceRef) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'azureml-bench-code-'));
  try {
    const folder = writeCodeFolder(root);
    const origin = harness.emulator.origin;
    progress(`uploading ${CODE_FILES} files, ${CODE_BYTES / 2 ** 20} MiB (cold)`);
    const cold = await storageTraffic(origin, async () => {
      const start = performance.now();
      const upload = await uploadCode(arm, ws, folder);
      return { upload, ms: performance.now() - start };
    });
    if (!cold.value.upload.uploaded) throw new Error('The cold upload found its content already in storage');

    progress('uploading the unchanged folder again and submitting a job with it');
    const warm = await storageTraffic(origin, async () => {
      const start = performance.now();
      const upload = await uploadCode(arm, ws, folder);
      const uploaded = performance.now();
      await arm.putJob(ws, 'bench-resubmit', commandJob(ws, 'ls -R | wc -l', upload.codeId));
      return { upload, uploadMs: uploaded - start, putMs: performance.now() - uploaded };
    });
    if (warm.value.upload.codeId !== cold.value.upload.codeId) {
      throw new Error('The second upload registered another code version for the same content');
    }
    // Its run would download the 50 MiB while the emulator stops.
    await arm.cancelJob(ws, 'bench-resubmit');
    return {
      files: CODE_FILES,
      totalBytes: cold.value.upload.snapshot.totalBytes,
      cold: {
        uploadMs: cold.value.ms,
        bytesSent: cold.value.upload.bytesSent,
        storageBytes: cold.bytes,
        storageRequests: cold.requests,
      },
      warm: {
        uploaded: warm.value.upload.uploaded,
        uploadMs: warm.value.uploadMs,
        putMs: warm.value.putMs,
        bytesSent: warm.value.upload.bytesSent,
        storageBytes: warm.bytes,
        storageRequests: warm.requests,
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  progress('starting the emulator (demo seed)');
  const harness = await startHarness({ seed: 'demo' });
  try {
    const arm = await armAgainst(harness);
    const ws: WorkspaceRef = {
      subscriptionId: harness.emulator.connection.subscriptionIds[0],
      resourceGroup: 'rg-ml-dev',
      name: 'mlw-vision-dev',
    };
    // The log first: the upload's cancelled job must not compete with the follower for the CPU.
    const logs = await measureLogFollow(arm, ws);
    const resubmit = await measureResubmit(harness, arm, ws);
    const results: JobsBenchResults = { ...logs, resubmit };
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    await harness.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`jobs bench failed: ${error instanceof Error ? (error.stack ?? error.message) : error}\n`);
    process.exit(1);
  },
);
