import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { RestError } from '@azure/core-rest-pipeline';
import { collect, SDK_API_VERSION, startHarness, type Harness } from './harness';

const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';

/** Raw GET that reports what actually arrived: status, declared length and received bytes, or the socket error. */
function rawGet(
  url: string,
  token: string,
): Promise<{ status?: number; declared?: number; received: number; error?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let received = 0;
      res.on('data', (chunk: Buffer) => (received += chunk.length));
      res.on('end', () =>
        resolve({ status: res.statusCode, declared: Number(res.headers['content-length']), received }),
      );
      res.on('error', (error) =>
        resolve({
          status: res.statusCode,
          declared: Number(res.headers['content-length']),
          received,
          error: error.message,
        }),
      );
      res.on('aborted', () =>
        resolve({
          status: res.statusCode,
          declared: Number(res.headers['content-length']),
          received,
          error: 'aborted',
        }),
      );
    });
    req.on('error', (error) => resolve({ received: 0, error: error.message }));
    req.end();
  });
}

describe('emulator: fault injection', function () {
  this.timeout(60_000);
  let h: Harness;
  let jobsUrl: string;
  before(async () => {
    h = await startHarness({ seed: 'demo' });
    jobsUrl = `${h.emulator.origin}/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/jobs?api-version=${SDK_API_VERSION}`;
  });
  afterEach(() => h.emulator.faults.clear());
  after(async () => h?.stop());

  it('is off by default', async () => {
    const result = await rawGet(jobsUrl, await h.token());
    assert.equal(result.status, 200);
  });

  it('status 429 with Retry-After: the SDK waits and retries to success', async () => {
    const token = await h.token();
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 });
    const raw = await fetch(jobsUrl, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(raw.status, 429);
    assert.equal(raw.headers.get('retry-after'), '1');
    assert.equal(((await raw.json()) as { error: { code: string } }).error.code, 'TooManyRequests');

    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    const jobs = await collect(h.client().jobs.list(RG, WS));
    assert.ok(jobs.length > 0);
    assert.ok(Date.now() - started >= 900, 'the SDK honoured Retry-After');
  });

  it('status 500 and 503 reach a client without retries', async () => {
    const client = h.client(undefined, { maxRetries: 0 });
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'status', status: 500 });
    const e500 = (await collect(client.jobs.list(RG, WS)).catch((e: unknown) => e)) as RestError;
    assert.equal(e500.statusCode, 500);
    h.emulator.faults.clear();
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'status', status: 503, retryAfterSeconds: 7 });
    const raw = await fetch(jobsUrl, { headers: { Authorization: `Bearer ${await h.token()}` } });
    assert.equal(raw.status, 503);
    assert.equal(raw.headers.get('retry-after'), '7');
  });

  it('reset destroys the connection', async () => {
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'reset', count: 1 });
    const result = await rawGet(jobsUrl, await h.token());
    assert.equal(result.status, undefined);
    assert.match(result.error ?? '', /socket hang up|ECONNRESET|disconnected/i);
  });

  it('latency delays the response', async () => {
    const token = await h.token();
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'latency', latencyMs: 800, count: 1 });
    const started = Date.now();
    const result = await rawGet(jobsUrl, token);
    assert.equal(result.status, 200);
    assert.ok(Date.now() - started >= 750, `took ${Date.now() - started} ms`);
  });

  it('truncate announces a Content-Length and sends less', async () => {
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'truncate', count: 1 });
    const result = await rawGet(jobsUrl, await h.token());
    assert.equal(result.status, 200);
    assert.ok((result.declared ?? 0) > 0);
    assert.ok(result.received < (result.declared ?? 0), `received ${result.received} of ${result.declared}`);
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'truncate' });
    const error = await collect(h.client(undefined, { maxRetries: 0 }).jobs.list(RG, WS)).catch((e: unknown) => e);
    assert.ok(error instanceof Error, 'the SDK sees a failure');
  });

  it('is controlled over HTTP without a token, and method filters apply', async () => {
    const admin = `${h.emulator.origin}/_emulator/faults`;
    const added = await fetch(admin, {
      method: 'POST',
      body: JSON.stringify({ pathPattern: '/jobs$', method: 'GET', kind: 'status', status: 500 }),
    });
    assert.equal(added.status, 201);
    const bad = await fetch(admin, {
      method: 'POST',
      body: JSON.stringify({ pathPattern: '/jobs$', kind: 'explode' }),
    });
    assert.equal(bad.status, 400);
    assert.equal((await rawGet(jobsUrl, await h.token())).status, 500);
    const cleared = await fetch(admin, { method: 'DELETE' });
    assert.equal(cleared.status, 204);
    assert.equal((await rawGet(jobsUrl, await h.token())).status, 200);
  });

  it('count limits how many requests are affected', async () => {
    const token = await h.token();
    h.emulator.faults.add({ pathPattern: '/jobs$', kind: 'status', status: 500, count: 2 });
    assert.equal((await rawGet(jobsUrl, token)).status, 500);
    assert.equal((await rawGet(jobsUrl, token)).status, 500);
    assert.equal((await rawGet(jobsUrl, token)).status, 200);
  });
});
