import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { StorageRuntime } from '../../emulator/contracts';
import {
  blobContainerUrl,
  emulatorDatastoreProperties,
  isLoopbackStorageEndpoint,
  parseBlobAddress,
  startStorage,
  WORKSPACE_BLOBSTORE_CONTAINER,
} from '../../emulator/runtime';

describe("emulator: blob addresses (Azure's host style, Azurite's path style)", () => {
  it('builds host-style container URLs for Azure endpoints, https and core.windows.net by default', () => {
    assert.equal(
      blobContainerUrl({ accountName: 'acct', containerName: 'data', endpoint: 'core.windows.net', protocol: 'https' }),
      'https://acct.blob.core.windows.net/data',
    );
    assert.equal(
      blobContainerUrl({
        accountName: 'acct',
        containerName: 'data',
        endpoint: 'core.chinacloudapi.cn',
        protocol: 'https',
      }),
      'https://acct.blob.core.chinacloudapi.cn/data',
    );
    assert.equal(
      blobContainerUrl({ accountName: 'acct', containerName: 'data' }),
      'https://acct.blob.core.windows.net/data',
    );
    assert.equal(
      blobContainerUrl({ accountName: 'acct', containerName: 'data', endpoint: ' ', protocol: '' }),
      'https://acct.blob.core.windows.net/data',
      'blank fields mean the defaults too',
    );
  });

  it('builds path-style container URLs for loopback host:port endpoints', () => {
    assert.equal(
      blobContainerUrl({
        accountName: 'devstoreaccount1',
        containerName: 'c1',
        endpoint: '127.0.0.1:10000',
        protocol: 'http',
      }),
      'http://127.0.0.1:10000/devstoreaccount1/c1',
    );
    assert.ok(isLoopbackStorageEndpoint('localhost:10000'));
    assert.ok(isLoopbackStorageEndpoint('[::1]:10000'));
    assert.ok(!isLoopbackStorageEndpoint('core.windows.net'));
    assert.ok(!isLoopbackStorageEndpoint('127.0.0.1'), 'Azurite always has a port');
    assert.ok(!isLoopbackStorageEndpoint('127.0.0.2:10000'));
    assert.ok(!isLoopbackStorageEndpoint('127.0.0.1:http'));
  });

  it('takes both URL styles apart into account, container and path', () => {
    assert.deepEqual(parseBlobAddress('https://acct.blob.core.windows.net/c/LocalUpload/abc/src'), {
      accountName: 'acct',
      containerName: 'c',
      blobPath: 'LocalUpload/abc/src',
      containerUrl: 'https://acct.blob.core.windows.net/c',
    });
    assert.deepEqual(parseBlobAddress('http://127.0.0.1:10000/devstoreaccount1/c/a/b%20c.txt?sv=x'), {
      accountName: 'devstoreaccount1',
      containerName: 'c',
      blobPath: 'a/b c.txt',
      containerUrl: 'http://127.0.0.1:10000/devstoreaccount1/c',
    });
    assert.deepEqual(parseBlobAddress('https://acct.blob.core.windows.net/c/'), {
      accountName: 'acct',
      containerName: 'c',
      blobPath: '',
      containerUrl: 'https://acct.blob.core.windows.net/c',
    });
  });

  it('refuses URLs that name no container or are not blob addresses', () => {
    assert.equal(parseBlobAddress('http://127.0.0.1:10000/devstoreaccount1'), undefined);
    assert.equal(parseBlobAddress('https://acct.blob.core.windows.net/'), undefined);
    assert.equal(parseBlobAddress('https://example.com/c/file.csv'), undefined);
    assert.equal(parseBlobAddress('https://acct.file.core.windows.net/share/file.csv'), undefined);
    assert.equal(parseBlobAddress('azureml://datastores/workspaceblobstore/paths/a.csv'), undefined);
    assert.equal(parseBlobAddress('https://acct.blob.core.windows.net/c/%E0%A4%A'), undefined);
    assert.equal(parseBlobAddress('not a url'), undefined);
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

  it("accepts uploads with the account key at its datastore's container URL", async () => {
    const props = emulatorDatastoreProperties(storage);
    assert.equal(props.protocol, 'http');
    assert.match(props.endpoint, /^127\.0\.0\.1:\d+$/);
    const containerUrl = blobContainerUrl(props);
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
