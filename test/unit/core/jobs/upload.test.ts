import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { AzureMlArm } from '../../../../src/core/azure/armClient';
import type { WorkspaceRef } from '../../../../src/core/azure/resourceIds';
import { isCancellation } from '../../../../src/core/errors/kinds';
import { blocksOf, UploadError } from '../../../../src/core/jobs/blobTransfer';
import { takeSnapshot } from '../../../../src/core/jobs/snapshot';
import {
  blobContainerUrl,
  uploadCode,
  uploadLocalInput,
  type UploadArm,
  type UploadOptions,
} from '../../../../src/core/jobs/upload';
import { DEMO_WORKSPACES } from '../../../emulator/seeds/demo';
import { startHarness, type Harness } from '../../emulator/harness';
import { armAgainst } from '../armAgainstEmulator';

const DEMO = DEMO_WORKSPACES.vision;
const ws: WorkspaceRef = {
  subscriptionId: DEMO.subscriptionId,
  resourceGroup: DEMO.resourceGroup,
  name: DEMO.workspace,
};

/** One request that reached storage through the proxy: its method, `comp` and the status it got. */
interface SeenRequest {
  method: string;
  comp: string;
  /** Bytes in the request body. */
  length: number;
  status?: number;
}

/**
 * Sits in front of the emulator's blob storage, whose traffic does not pass the emulator's fault
 * injection: records every request, and drops the connection of those `dropWhen` picks, with no
 * response at all, as a failing network does.
 */
class StorageProxy {
  readonly seen: SeenRequest[] = [];
  dropWhen: (request: SeenRequest) => boolean = () => false;
  private server!: http.Server;
  origin = '';

  constructor(private readonly upstream: URL) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      const seen: SeenRequest = {
        method: req.method ?? '',
        comp: url.searchParams.get('comp') ?? '',
        length: Number(req.headers['content-length'] ?? 0),
      };
      this.seen.push(seen);
      if (this.dropWhen(seen)) {
        req.socket.destroy();
        return;
      }
      const forward = https.request(
        {
          host: this.upstream.hostname,
          port: this.upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.upstream.host },
        },
        (upstream) => {
          seen.status = upstream.statusCode;
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  clear(): void {
    this.seen.length = 0;
    this.dropWhen = () => false;
  }

  /** Put Block requests that storage accepted. */
  stagedBlocks(): SeenRequest[] {
    return this.seen.filter((r) => r.method === 'PUT' && r.comp === 'block' && r.status === 201);
  }
}

/** A request in the emulator's blob request log. */
interface BlobRequest {
  method: string;
  style: 'host' | 'path';
  path: string;
  comp: string;
  status: number;
}

/** The ARM client, counting code version writes. */
function countingArm(arm: AzureMlArm): UploadArm & { codeVersionWrites: number } {
  const counting = {
    codeVersionWrites: 0,
    getDatastore: arm.getDatastore.bind(arm),
    listDatastoreSecrets: arm.listDatastoreSecrets.bind(arm),
    getCodeVersion: arm.getCodeVersion.bind(arm),
    createOrUpdateCodeVersion: (...args: Parameters<AzureMlArm['createOrUpdateCodeVersion']>) => {
      counting.codeVersionWrites += 1;
      return arm.createOrUpdateCodeVersion(...args);
    },
    tokenCredential: arm.tokenCredential,
  };
  return counting;
}

function folderWith(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'aml-upload-'));
  const folder = path.join(root, 'src');
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(folder, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return folder;
}

/** Bytes that differ block to block, so a block sent to the wrong offset cannot go unnoticed. */
function patterned(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed * 7 + (i >> 10)) & 0xff;
  return bytes;
}

describe('core/jobs/upload: the datastore address', () => {
  it("builds the container URL by Azure's rule, defaulting to https and core.windows.net", () => {
    assert.equal(
      blobContainerUrl({ accountName: 'acct', container: 'azureml-blobstore-1' }),
      'https://acct.blob.core.windows.net/azureml-blobstore-1',
    );
    assert.equal(
      blobContainerUrl({ accountName: 'acct', container: 'c', endpoint: 'core.chinacloudapi.cn', protocol: 'https' }),
      'https://acct.blob.core.chinacloudapi.cn/c',
    );
    assert.equal(
      blobContainerUrl({ accountName: 'dev', container: 'c', endpoint: 'localhost:10443', protocol: 'https' }),
      'https://dev.blob.localhost:10443/c',
    );
    assert.throws(() => blobContainerUrl({ accountName: 'acct' }), UploadError);
  });

  it('gives every block of a file an id of the same length, fixed by offset and length', () => {
    const blocks = blocksOf(10, 4);
    assert.deepEqual(
      blocks.map((b) => [b.offset, b.length]),
      [
        [0, 4],
        [4, 4],
        [8, 2],
      ],
    );
    assert.equal(new Set(blocks.map((b) => b.id.length)).size, 1);
    assert.deepEqual(blocksOf(10, 4), blocks);
    assert.equal(blocksOf(0, 4).length, 0);
    // Never more than Azure's 50,000 blocks per blob: the block size grows instead.
    assert.equal(blocksOf(200_000, 1).length, 50_000);
  });
});

describe('core/jobs/upload: against the emulator and its Azurite', function () {
  this.timeout(120_000);
  let h: Harness;
  let arm: ReturnType<typeof countingArm>;
  let proxy: StorageProxy;
  let storage: ContainerClient;
  let options: UploadOptions;
  let viaProxy: UploadOptions;
  let datastoreAccount: string;
  let datastoreEndpoint: string;
  let datastoreContainer: string;
  const folders: string[] = [];
  const folder = (files: Record<string, string | Buffer>) => {
    const created = folderWith(files);
    folders.push(path.dirname(created));
    return created;
  };

  before(async () => {
    h = await startHarness({ seed: 'demo' });
    const core = await armAgainst(h);
    arm = countingArm(core);
    const blobEndpoint = new URL(h.emulator.connection.blobEndpoint);
    const datastore = await core.getDatastore(ws, 'workspaceblobstore');
    const { key } = await core.listDatastoreSecrets(ws, 'workspaceblobstore');
    datastoreAccount = datastore.accountName ?? '';
    datastoreEndpoint = datastore.endpoint ?? '';
    datastoreContainer = datastore.container ?? '';
    storage = new ContainerClient(
      `${h.emulator.connection.blobEndpoint}/${datastore.container ?? ''}`,
      new StorageSharedKeyCredential(datastore.accountName ?? '', key ?? ''),
    );
    proxy = new StorageProxy(blobEndpoint);
    await proxy.start();
    options = { concurrency: 3 };
    // Through the proxy, to drop connections; Azure still records the datastore's own address.
    viaProxy = {
      ...options,
      reachContainerAt: (containerUrl) =>
        `${proxy.origin}${blobEndpoint.pathname}/${new URL(containerUrl).pathname.split('/').pop() ?? ''}`,
    };
  });

  /** What reached the emulator's blob storage since `since` (its request log), for blobs under `hash`. */
  async function storageRequests(hash: string, since = 0): Promise<BlobRequest[]> {
    const url = new URL('/_emulator/blob-requests', h.emulator.connection.blobEndpoint);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(url, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    const { requests } = JSON.parse(body) as { requests: BlobRequest[] };
    return requests.slice(since).filter((r) => decodeURIComponent(r.path).includes(hash));
  }
  const requestCount = async () => (await storageRequests('')).length;

  after(async () => {
    await proxy?.stop();
    await h?.stop();
    folders.forEach((created) => rmSync(created, { recursive: true, force: true }));
  });

  beforeEach(() => {
    proxy.clear();
    arm.codeVersionWrites = 0;
  });

  const blobText = async (name: string) => (await storage.getBlobClient(name).downloadToBuffer()).toString('utf8');

  it('sends every file on the first upload, marks it complete, and creates an anonymous code version', async () => {
    const code = folder({
      '.amlignore': 'outputs/\n',
      'train.py': 'print("train")',
      'pkg/util.py': 'X = 1',
      'pkg/__init__.py': '',
      'outputs/o.bin': 'junk',
    });
    const snapshot = await takeSnapshot(code);
    const since = await requestCount();
    const result = await uploadCode(arm, ws, code, options);

    assert.equal(result.uploaded, true);
    // Storage was reached at the datastore's own address, host-style as on Azure.
    const requests = await storageRequests(snapshot.objectHash, since);
    assert.ok(requests.length > 0 && requests.every((r) => r.style === 'host'));
    assert.equal(result.containerUrl, `https://${datastoreAccount}.blob.${datastoreEndpoint}/${datastoreContainer}`);
    assert.equal(result.bytesSent, snapshot.totalBytes);
    const prefix = `LocalUpload/${snapshot.objectHash}/src`;
    assert.equal(result.blobPath, prefix);
    const stored: string[] = [];
    for await (const blob of storage.listBlobsFlat({ prefix: `${prefix}/` })) stored.push(blob.name);
    assert.deepEqual(stored.sort(), [
      `${prefix}/.amlignore`,
      `${prefix}/pkg/__init__.py`,
      `${prefix}/pkg/util.py`,
      `${prefix}/train.py`,
    ]);
    assert.equal(await blobText(`${prefix}/pkg/__init__.py`), '');
    assert.equal(await blobText(`${prefix}/train.py`), 'print("train")');
    assert.equal(await blobText(`${prefix}/pkg/util.py`), 'X = 1');

    // The first file in path order carries the mark that the next submit, ours or az ml's, looks for.
    const indicator = await storage.getBlobClient(`${prefix}/.amlignore`).getProperties();
    assert.deepEqual(indicator.metadata, { upload_status: 'completed', name: result.codeName, version: '1' });

    assert.match(result.codeName, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(result.codeVersion, '1');
    assert.match(result.codeId, new RegExp(`/workspaces/${ws.name}/codes/${result.codeName}/versions/1$`, 'i'));
    const version = await h.client(ws.subscriptionId).codeVersions.get(ws.resourceGroup, ws.name, result.codeName, '1');
    assert.equal(version.properties.isAnonymous, true);
    assert.equal(version.properties.codeUri, `${result.containerUrl}/${prefix}`);
    assert.deepEqual(version.properties.properties, {
      hash_sha256: await snapshot.contentHash(),
      hash_version: '202208',
    });
    assert.equal(arm.codeVersionWrites, 1);
  });

  it('uploads nothing the second time: it only asks whether the content is there', async () => {
    const code = folder({ 'main.py': 'print(2)', 'data/cfg.json': '{"a":1}' });
    const first = await uploadCode(arm, ws, code, options);
    arm.codeVersionWrites = 0;
    const since = await requestCount();

    const second = await uploadCode(arm, ws, code, options);
    assert.equal(second.uploaded, false);
    assert.equal(second.bytesSent, 0);
    // One Get Blob Properties of the indicator blob: no block, no block list, no metadata written.
    assert.deepEqual(
      (await storageRequests(first.snapshot.objectHash, since)).map((r) => [r.method, r.comp, r.status]),
      [['HEAD', '', 200]],
    );
    assert.equal(second.codeId, first.codeId);
    assert.equal(arm.codeVersionWrites, 0);
  });

  it('uploads again under a new hash when one file changed', async () => {
    const code = folder({ 'main.py': 'v1', 'other.py': 'same' });
    const first = await uploadCode(arm, ws, code, options);
    writeFileSync(path.join(code, 'main.py'), 'v2');
    const since = await requestCount();

    const second = await uploadCode(arm, ws, code, options);
    assert.equal(second.uploaded, true);
    assert.notEqual(second.snapshot.objectHash, first.snapshot.objectHash);
    assert.notEqual(second.codeId, first.codeId);
    assert.equal(await blobText(`${second.blobPath}/main.py`), 'v2');
    const written = await storageRequests(second.snapshot.objectHash, since);
    assert.equal(written.filter((r) => r.method === 'PUT' && r.comp === 'blocklist').length, 2);
  });

  it('turns a local input into an azureml:// datastore URI, uploaded once', async () => {
    const data = folder({ 'iris.csv': 'a,b\n1,2\n' });
    const first = await uploadLocalInput(arm, ws, path.join(data, 'iris.csv'), options);
    assert.equal(
      first.uri,
      `azureml://datastores/workspaceblobstore/paths/LocalUpload/${first.snapshot.objectHash}/iris.csv`,
    );
    assert.equal(await blobText(first.blobPath), 'a,b\n1,2\n');
    const metadata = (await storage.getBlobClient(first.blobPath).getProperties()).metadata ?? {};
    assert.equal(metadata.upload_status, 'completed');
    assert.match(metadata.version, /^[0-9a-f-]{36}$/);

    const since = await requestCount();
    const second = await uploadLocalInput(arm, ws, path.join(data, 'iris.csv'), options);
    assert.equal(second.uri, first.uri);
    assert.equal(second.uploaded, false);
    const writes = (await storageRequests(first.snapshot.objectHash, since)).filter((r) => r.method === 'PUT');
    assert.deepEqual(writes, []);
    assert.equal(arm.codeVersionWrites, 0);
  });

  it('reports progress in bytes, and stops when cancelled, registering nothing', async () => {
    const code = folder({ 'weights.bin': patterned(512 * 1024, 1) });
    const since = await requestCount();
    const controller = new AbortController();
    const progress: number[] = [];
    await assert.rejects(
      uploadCode(arm, ws, code, {
        ...options,
        blockSize: 16 * 1024,
        concurrency: 1,
        abortSignal: controller.signal,
        onProgress: (p) => {
          progress.push(p.bytesDone);
          assert.equal(p.bytesTotal, 512 * 1024);
          if (p.bytesDone >= 64 * 1024) controller.abort();
        },
      }),
      (error: unknown) => isCancellation(error),
    );
    assert.ok(progress.length >= 4);
    const { objectHash } = await takeSnapshot(code);
    const writes = (await storageRequests(objectHash, since)).filter((r) => r.method === 'PUT');
    const blocks = writes.filter((r) => r.comp === 'block');
    assert.ok(blocks.length >= 4 && blocks.length < 32, `sent ${blocks.length} of 32 blocks`);
    assert.deepEqual(
      writes.filter((r) => r.comp !== 'block'),
      [],
    );
    assert.equal(arm.codeVersionWrites, 0);
  });

  it('retries a block whose connection dropped, sending every other block once', async () => {
    const content = patterned(256 * 1024, 2);
    const code = folder({ 'model.bin': content });
    let blockPuts = 0;
    proxy.dropWhen = (r) => r.method === 'PUT' && r.comp === 'block' && ++blockPuts === 3;

    const result = await uploadCode(arm, ws, code, { ...viaProxy, blockSize: 32 * 1024 });
    assert.equal(result.uploaded, true);
    const dropped = proxy.seen.filter((r) => r.method === 'PUT' && r.comp === 'block' && r.status === undefined);
    assert.equal(dropped.length, 1);
    assert.equal(proxy.stagedBlocks().length, 8);
    assert.ok((await storage.getBlobClient(`${result.blobPath}/model.bin`).downloadToBuffer()).equals(content));
  });

  it('fails clearly when storage stays unreachable, then resumes without resending staged blocks', async () => {
    const big = patterned(384 * 1024, 3);
    const code = folder({ 'a.bin': big, 'b.txt': 'small' });
    let accepted = 0;
    // Storage takes five blocks, then every connection drops: more failures than the retry policy rides out.
    proxy.dropWhen = (r) => r.method === 'PUT' && r.comp === 'block' && ++accepted > 5;
    const uploadOptions = { ...viaProxy, blockSize: 32 * 1024, concurrency: 2 };

    await assert.rejects(uploadCode(arm, ws, code, uploadOptions), (error: unknown) => {
      assert.ok(error instanceof UploadError, String(error));
      assert.match(error.message, /^Uploading (a\.bin|b\.txt) failed\./);
      assert.match(error.message, /submit again: what was sent is kept/);
      return true;
    });
    assert.equal(arm.codeVersionWrites, 0);
    const stagedBefore = proxy.stagedBlocks().length;
    const stagedBytes = proxy.stagedBlocks().reduce((sum, r) => sum + r.length, 0);
    assert.equal(stagedBefore, 5);

    proxy.clear();
    const result = await uploadCode(arm, ws, code, uploadOptions);
    assert.equal(result.uploaded, true);
    // 12 blocks of a.bin and 1 of b.txt in all; the five already staged are not sent again.
    assert.equal(proxy.stagedBlocks().length, 13 - stagedBefore);
    assert.equal(result.bytesSent, big.length + 'small'.length - stagedBytes);
    assert.ok((await storage.getBlobClient(`${result.blobPath}/a.bin`).downloadToBuffer()).equals(big));
    assert.equal(await blobText(`${result.blobPath}/b.txt`), 'small');
    assert.equal(arm.codeVersionWrites, 1);
  });
});
