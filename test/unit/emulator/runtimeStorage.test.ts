import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { datastoreContainerUrl, isLoopbackEndpoint, parseBlobUrl } from '../../../src/core/azure/blobUrl';
import type { StorageRuntime } from '../../emulator/contracts';
import { emulatorDatastoreProperties, startStorage, WORKSPACE_BLOBSTORE_CONTAINER } from '../../emulator/runtime';

describe('blob datastore URLs', () => {
  it('builds host-style URLs for Azure endpoints', () => {
    assert.equal(
      datastoreContainerUrl({
        accountName: 'acct',
        containerName: 'data',
        endpoint: 'core.windows.net',
        protocol: 'https',
      }),
      'https://acct.blob.core.windows.net/data',
    );
    assert.equal(
      datastoreContainerUrl({
        accountName: 'acct',
        containerName: 'data',
        endpoint: 'core.chinacloudapi.cn',
        protocol: 'https',
      }),
      'https://acct.blob.core.chinacloudapi.cn/data',
    );
    assert.equal(
      datastoreContainerUrl({ accountName: 'acct', containerName: 'data' }),
      'https://acct.blob.core.windows.net/data',
    );
  });

  it('builds path-style URLs for loopback emulator endpoints', () => {
    assert.equal(
      datastoreContainerUrl({
        accountName: 'devstoreaccount1',
        containerName: 'c1',
        endpoint: '127.0.0.1:10000',
        protocol: 'http',
      }),
      'http://127.0.0.1:10000/devstoreaccount1/c1',
    );
    assert.ok(isLoopbackEndpoint('localhost:10000'));
    assert.ok(!isLoopbackEndpoint('core.windows.net'));
    assert.ok(!isLoopbackEndpoint('127.0.0.1'));
  });

  it('parses both URL styles back into account, container and path', () => {
    assert.deepEqual(parseBlobUrl('https://acct.blob.core.windows.net/c/LocalUpload/abc/src'), {
      accountName: 'acct',
      containerName: 'c',
      blobPath: 'LocalUpload/abc/src',
      containerUrl: 'https://acct.blob.core.windows.net/c',
    });
    assert.deepEqual(parseBlobUrl('http://127.0.0.1:10000/devstoreaccount1/c/a/b.txt'), {
      accountName: 'devstoreaccount1',
      containerName: 'c',
      blobPath: 'a/b.txt',
      containerUrl: 'http://127.0.0.1:10000/devstoreaccount1/c',
    });
    assert.equal(parseBlobUrl('http://127.0.0.1:10000/devstoreaccount1'), undefined);
  });
});

describe('emulator storage (real Azurite)', function () {
  this.timeout(60_000);
  let workDir: string;
  let storage: StorageRuntime;

  before(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'aml-storage-test-'));
    storage = await startStorage(workDir);
  });

  after(async () => {
    await storage?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('accepts uploads with the account key at the datastore URL the extension computes', async () => {
    const props = emulatorDatastoreProperties(storage);
    assert.equal(props.protocol, 'http');
    assert.match(props.endpoint, /^127\.0\.0\.1:\d+$/);
    const containerUrl = datastoreContainerUrl(props);
    assert.equal(containerUrl, `${storage.blobEndpoint}/${WORKSPACE_BLOBSTORE_CONTAINER}`);

    const service = new BlobServiceClient(
      storage.blobEndpoint,
      new StorageSharedKeyCredential(storage.accountName, storage.accountKey),
    );
    const container = service.getContainerClient(props.containerName);
    await container.getBlockBlobClient('folder/hello.txt').upload('hello azurite', 13);
    const listed: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'folder/' })) listed.push(blob.name);
    assert.deepEqual(listed, ['folder/hello.txt']);
    assert.equal((await container.getBlobClient('folder/hello.txt').downloadToBuffer()).toString(), 'hello azurite');
  });

  it('rejects requests signed with a wrong key', async () => {
    const wrongKey = Buffer.from('not the key').toString('base64');
    const service = new BlobServiceClient(
      storage.blobEndpoint,
      new StorageSharedKeyCredential(storage.accountName, wrongKey),
    );
    await assert.rejects(
      service.getContainerClient(WORKSPACE_BLOBSTORE_CONTAINER).getBlockBlobClient('x.txt').upload('x', 1),
      (error: { statusCode?: number }) => error.statusCode === 403,
    );
  });

  it('stops Azurite so the port no longer accepts connections', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aml-storage-stop-'));
    try {
      const second = await startStorage(dir);
      const url = `${second.blobEndpoint}?comp=list`;
      await second.stop();
      await assert.rejects(fetch(url));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
