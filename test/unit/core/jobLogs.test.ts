import assert from 'node:assert/strict';
import type { AzureMlArm } from '../../../src/core/azure/armClient';
import { followJobLogs, LogTail, type LogSource } from '../../../src/core/azure/jobLogs';
import { workspaceId, type WorkspaceRef } from '../../../src/core/azure/resourceIds';
import { isCancellation } from '../../../src/core/errors/kinds';
import { startHarness, type Harness } from '../emulator/harness';
import { armAgainst } from './armAgainstEmulator';

describe('core/azure: LogTail', () => {
  /** A log that grows between reads, served by range the way storage serves it. */
  function growingLog(): { append(bytes: Buffer): void; tail: LogTail; requests: number[] } {
    let content = Buffer.alloc(0);
    const requests: number[] = [];
    const tail = new LogTail(async (_url, offset) => {
      requests.push(offset);
      if (offset >= content.length) return { status: 416, body: Buffer.alloc(0) };
      return { status: 206, body: content.subarray(offset) };
    });
    return { append: (bytes) => (content = Buffer.concat([content, bytes])), tail, requests };
  }

  it('reads only the bytes added since the last read', async () => {
    const log = growingLog();
    log.append(Buffer.from('one\n'));
    assert.equal(await log.tail.next('u'), 'one\n');
    assert.equal(await log.tail.next('u'), '');
    log.append(Buffer.from('two\n'));
    assert.equal(await log.tail.next('u'), 'two\n');
    assert.deepEqual(log.requests, [0, 4, 4]);
    assert.equal(log.tail.bytesReceived, 8);
  });

  it('keeps a character that a read splits in two whole', async () => {
    const log = growingLog();
    const euro = Buffer.from('€'); // three bytes
    log.append(Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]));
    assert.equal(await log.tail.next('u'), 'a');
    log.append(euro.subarray(1));
    assert.equal(await log.tail.next('u'), '€');
  });

  it('skips what it already has when the server ignores the range', async () => {
    let content = 'first\n';
    const tail = new LogTail(async () => ({ status: 200, body: Buffer.from(content) }));
    assert.equal(await tail.next('u'), 'first\n');
    content += 'second\n';
    assert.equal(await tail.next('u'), 'second\n');
  });
});

describe('core/azure: following a job log against the emulator', function () {
  this.timeout(120_000);
  let h: Harness;
  let arm: AzureMlArm;
  let ws: WorkspaceRef;

  before(async () => {
    h = await startHarness({ seed: 'demo' });
    arm = await armAgainst(h);
    ws = {
      subscriptionId: h.emulator.connection.subscriptionIds[0],
      resourceGroup: 'rg-ml-dev',
      name: 'mlw-vision-dev',
    };
  });
  after(async () => h?.stop());

  async function submit(name: string, command: string): Promise<void> {
    const wsId = workspaceId(ws);
    await arm.putJob(ws, name, {
      properties: {
        jobType: 'Command',
        command,
        experimentName: 'log-follow',
        environmentId: `${wsId}/environments/sklearn-env/versions/2`,
        computeId: `${wsId}/computes/cpu-cluster`,
      },
    });
  }

  it('streams a growing log to the end, receiving each byte once', async () => {
    await submit('follow-ok', 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.4; done');
    const chunks: string[] = [];
    const statuses: string[] = [];
    const result = await followJobLogs({
      history: arm.runHistory(ws),
      readRange: arm.readLogRange,
      runId: 'follow-ok',
      intervalMs: { min: 200, max: 400 },
      onText: (_source, text) => chunks.push(text),
      onStatus: (status) => statuses.push(status),
    });
    assert.equal(result.status, 'Completed');
    const text = chunks.join('');
    assert.match(text, /line 1\n[\s\S]*line 6\n/);
    assert.ok(chunks.length >= 2, `the log arrived in ${chunks.length} piece(s), so it was not followed while growing`);
    assert.equal(result.bytesReceived, Buffer.byteLength(text), 'every byte of the log was received exactly once');
    assert.equal(statuses.at(-1), 'Completed');
  });

  it('ends a failed job with its error and the tail of its log', async () => {
    await submit('follow-fail', 'echo "loading data"; echo "ValueError: bad column" >&2; exit 3');
    const result = await followJobLogs({
      history: arm.runHistory(ws),
      readRange: arm.readLogRange,
      runId: 'follow-fail',
      intervalMs: { min: 200, max: 400 },
      onText: () => undefined,
    });
    assert.equal(result.status, 'Failed');
    assert.ok(result.error?.message, 'run history gives the failure a message');
    assert.deepEqual(result.tail.slice(-2), ['loading data', 'ValueError: bad column']);
  });

  it('stops quietly when cancelled', async () => {
    await submit('follow-cancel', 'sleep 30');
    const controller = new AbortController();
    const following = followJobLogs({
      history: arm.runHistory(ws),
      readRange: arm.readLogRange,
      runId: 'follow-cancel',
      intervalMs: { min: 200, max: 400 },
      onText: () => undefined,
      onStatus: () => controller.abort(),
      abortSignal: controller.signal,
    });
    await assert.rejects(following, (error) => isCancellation(error));
    await arm.cancelJob(ws, 'follow-cancel');
  });

  it('follows each pipeline step under its name', async () => {
    const wsId = workspaceId(ws);
    await arm.putJob(ws, 'follow-pipeline', {
      properties: {
        jobType: 'Pipeline',
        experimentName: 'log-follow',
        computeId: `${wsId}/computes/cpu-cluster`,
        jobs: {
          prep: {
            type: 'command',
            command: 'echo preparing',
            environmentId: `${wsId}/environments/sklearn-env/versions/2`,
          },
        },
      },
    });
    const sources: Array<LogSource & { text: string }> = [];
    const result = await followJobLogs({
      history: arm.runHistory(ws),
      readRange: arm.readLogRange,
      runId: 'follow-pipeline',
      intervalMs: { min: 200, max: 400 },
      onText: (source, text) => sources.push({ ...source, text }),
    });
    assert.equal(result.status, 'Completed');
    assert.ok(
      sources.some((s) => s.step === 'prep' && s.text.includes('preparing')),
      JSON.stringify(sources),
    );
  });
});
