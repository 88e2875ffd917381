/**
 * Microsoft's own Python client, azure-ai-ml (Debian's python3-azure, the engine of `az ml`), against the
 * emulator, unchanged: test/python/aml_client_check.py lists, submits, streams, re-submits and registers,
 * one `PASS <step>` line per step. Also the blob storage front those clients upload through.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { BLOB_REQUESTS_PATH, type BlobRequestRecord } from '../../emulator/blobFront';
import { AZURITE_ACCOUNT_KEY, WORKSPACE_ARTIFACTSTORE_CONTAINER } from '../../emulator/runtime';
import { startHarness, type Harness } from './harness';

type Host = typeof import('../../../scripts/lib/vscodeHost.mjs', { with: { 'resolution-mode': 'import' } });

/** Debian's interpreter, where python3-azure installs; the python3 first on PATH may be another one. */
const DEBIAN_PYTHON = '/usr/bin/python3';
const SCRIPT = path.resolve(__dirname, '..', '..', 'python', 'aml_client_check.py');
const RG = 'rg-ml-dev';
const WS = 'mlw-vision-dev';
const STEPS = [
  'list-workspaces',
  'default-datastore',
  'list-data',
  'list-models',
  'list-environments',
  'list-computes',
  'submit-job',
  'stream-job',
  'resubmit-same-code',
  'register-model',
  'register-data',
];
/** Installing the packages on a fresh machine takes minutes; once they are there this is instant. */
const INSTALL_TIMEOUT_MS = 600_000;

/**
 * Installs the Debian packages named (all of the Python client test's when none are) as `npm test` installs
 * Chromium for the host, or throws with the apt-get line to run.
 */
async function ensurePackages(purpose: string, names?: string[]): Promise<void> {
  const host: Host = await import('../../../scripts/lib/vscodeHost.mjs');
  const wanted = host.pythonClientPackages.filter((pkg) => !names || names.includes(pkg.name));
  host.ensureSystemPackages(wanted, purpose);
}

function frontOrigin(h: Harness): string {
  return new URL(h.emulator.connection.blobEndpoint).origin;
}

/** The `{account}.blob.{suffix}` account URL a client builds from the emulator's datastore. */
function hostStyleAccountUrl(h: Harness): string {
  const front = new URL(h.emulator.connection.blobEndpoint);
  return `https://devstoreaccount1.blob.core.localhost:${front.port}`;
}

async function blobRequests(h: Harness): Promise<BlobRequestRecord[]> {
  const answer = await fetch(`${frontOrigin(h)}${BLOB_REQUESTS_PATH}`);
  assert.equal(answer.status, 200);
  return ((await answer.json()) as { requests: BlobRequestRecord[] }).requests;
}

describe('emulator: HTTPS blob front', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    await ensurePackages('Host-style blob addresses (*.localhost)', ['libnss-myhostname']);
    h = await startHarness({ seed: 'demo' });
  });
  after(async () => h?.stop());

  it("serves a certificate that covers the front's host-style names", () => {
    const cert = new X509Certificate(readFileSync(h.emulator.connection.caCertPath));
    assert.equal(cert.checkHost('devstoreaccount1.blob.core.localhost'), '*.blob.core.localhost');
    assert.equal(cert.checkHost('devstoreaccount1.blob.core.windows.net'), undefined);
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  });

  it('has blob datastores advertise https and the front as their endpoint suffix', async () => {
    const wsId = `/subscriptions/${h.emulator.connection.subscriptionIds[0]}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
    const answer = await fetch(`${h.emulator.origin}${wsId}/datastores/workspaceblobstore?api-version=2023-04-01`, {
      headers: { Authorization: `Bearer ${await h.token()}` },
    });
    assert.equal(answer.status, 200);
    const { properties } = (await answer.json()) as { properties: Record<string, unknown> };
    assert.equal(properties.protocol, 'https');
    assert.equal(properties.endpoint, `core.localhost:${new URL(h.emulator.connection.blobEndpoint).port}`);
    assert.equal(properties.accountName, 'devstoreaccount1');
  });

  it('accepts Shared Key uploads host-style and serves the same blob path-style', async () => {
    const credential = new StorageSharedKeyCredential('devstoreaccount1', AZURITE_ACCOUNT_KEY);
    const hostStyle = new BlobServiceClient(hostStyleAccountUrl(h), credential);
    const blobName = `front/${Date.now()}.txt`;
    await hostStyle.getContainerClient(WORKSPACE_ARTIFACTSTORE_CONTAINER).getBlockBlobClient(blobName).upload('hi', 2);

    const pathStyle = new BlobServiceClient(h.emulator.connection.blobEndpoint, credential);
    assert.match(h.emulator.connection.blobEndpoint, /^https:\/\/localhost:\d+\/devstoreaccount1$/);
    const downloaded = await pathStyle
      .getContainerClient(WORKSPACE_ARTIFACTSTORE_CONTAINER)
      .getBlobClient(blobName)
      .downloadToBuffer();
    assert.equal(downloaded.toString(), 'hi');

    const [upload, ...reads] = (await blobRequests(h)).filter((r) => r.path.endsWith(blobName));
    assert.deepEqual(
      [upload.method, upload.style, upload.accountName, upload.status],
      ['PUT', 'host', 'devstoreaccount1', 201],
    );
    assert.ok(reads.some((r) => r.method === 'GET'));
    for (const read of reads)
      assert.deepEqual([read.style, read.accountName, read.status < 300], ['path', 'devstoreaccount1', true]);
  });

  it('rejects a host-style request signed with a wrong key', async () => {
    const wrongKey = Buffer.from('not the account key').toString('base64');
    const client = new BlobServiceClient(
      hostStyleAccountUrl(h),
      new StorageSharedKeyCredential('devstoreaccount1', wrongKey),
    );
    await assert.rejects(
      client
        .getContainerClient(WORKSPACE_ARTIFACTSTORE_CONTAINER)
        .getBlockBlobClient('front/denied.txt')
        .upload('x', 1),
      (error: { statusCode?: number }) => error.statusCode === 403,
    );
  });
});

describe('emulator: Microsoft azure-ai-ml 1.4.0 (python3-azure) end to end', function () {
  this.timeout(120_000);
  let h: Harness;
  let workDir: string;
  let stdout = '';
  let stderr = '';
  let exitCode: number | null = null;

  before(async function () {
    this.timeout(INSTALL_TIMEOUT_MS);
    // Fails here, with the apt-get line, when the packages are missing and cannot be installed.
    await ensurePackages("The test with Microsoft's Python client");
    h = await startHarness({ seed: 'demo' });
    workDir = mkdtempSync(path.join(os.tmpdir(), 'aml-python-client-'));
    const connectionFile = path.join(workDir, 'connection.json');
    writeFileSync(connectionFile, JSON.stringify(h.emulator.connection));
    // Asynchronous on purpose: the emulator serves the script from this very process.
    await new Promise<void>((resolve) => {
      const child = execFile(
        DEBIAN_PYTHON,
        [SCRIPT, connectionFile],
        { cwd: workDir, timeout: 100_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
        (error, out, err) => {
          stdout = out;
          stderr = err;
          exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
          resolve();
        },
      );
      child.stdin?.end();
    });
  });
  after(async () => {
    await h?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  function stepLine(name: string): string {
    const lines = stdout.split('\n');
    const line = lines.find((l) => l.startsWith(`PASS ${name}:`) || l.startsWith(`FAIL ${name}:`));
    const context = `stdout:\n${stdout}\nstderr (last lines):\n${stderr.split('\n').slice(-25).join('\n')}`;
    assert.ok(line, `Step ${name} did not run.\n${context}`);
    assert.ok(line.startsWith('PASS'), `${line}\n${context}`);
    return line;
  }

  for (const name of STEPS) {
    it(`passes step ${name}`, () => {
      stepLine(name);
    });
  }

  it('uploads the local code once: the re-submission reuses its code asset and PUTs no blob', () => {
    const first = /code (\S+), (\d+) blob PUTs/.exec(stepLine('submit-job'));
    assert.ok(first, 'submit-job names its code asset and upload count');
    assert.ok(Number(first[2]) > 0, 'the first submission uploaded the code');
    const again = stepLine('resubmit-same-code');
    assert.ok(again.includes(`reuses ${first[1]}`), again);
    assert.ok(again.endsWith('blobUploads=0'), again);
  });

  it('streams the job to completion and exits 0 after every step', () => {
    assert.match(stepLine('stream-job'), / Completed, \d+ lines streamed$/);
    assert.equal(exitCode, 0, `exit code ${String(exitCode)}\n${stderr.split('\n').slice(-25).join('\n')}`);
    assert.ok(stdout.includes('ALL STEPS PASSED'));
  });
});
