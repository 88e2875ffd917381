/**
 * Starts a real Azurite blob service as a child process and creates the containers the
 * workspace datastores point at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { StorageRuntime } from '../contracts';

/** Azurite's well-known development account (public, documented by Azurite). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Container of the `workspaceblobstore` datastore; Azure names it azureml-blobstore-{workspace guid}. */
export const WORKSPACE_BLOBSTORE_CONTAINER = 'azureml-blobstore-00000000-0000-4000-8000-000000000000';
/** Container of the `workspaceartifactstore` datastore. */
export const WORKSPACE_ARTIFACTSTORE_CONTAINER = 'azureml';
/** Name of the workspace's default datastore, where job outputs go. */
export const DEFAULT_DATASTORE_NAME = 'workspaceblobstore';

const STARTUP_TIMEOUT_MS = 20_000;
const LISTENING_PATTERN = /listens on (http:\/\/[^\s]+)/;

/** The datastore `properties` the ARM seed must use so that blobContainerUrl() resolves to Azurite. */
export function emulatorDatastoreProperties(
  storage: StorageRuntime,
  containerName: string = WORKSPACE_BLOBSTORE_CONTAINER,
): { datastoreType: 'AzureBlob'; accountName: string; containerName: string; endpoint: string; protocol: string } {
  const url = new URL(storage.blobEndpoint);
  return {
    datastoreType: 'AzureBlob',
    accountName: storage.accountName,
    containerName,
    endpoint: storage.hostStyle?.endpointSuffix ?? url.host,
    protocol: storage.hostStyle?.protocol ?? url.protocol.replace(':', ''),
  };
}

export async function startStorage(workDir: string): Promise<StorageRuntime> {
  const location = path.join(workDir, 'azurite');
  mkdirSync(location, { recursive: true });
  const azuriteBlobMain = require.resolve('azurite/dist/src/blob/main.js');
  const child = spawn(
    process.execPath,
    [
      azuriteBlobMain,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--location',
      location,
      '--skipApiVersionCheck',
      '--loose',
      '--disableTelemetry',
      // No --disableProductStyleUrl: the blob front (test/emulator/blobFront.ts) passes host-style requests on
      // with their `{account}.blob.core.localhost` host, which Azurite reads the account from. Requests to the
      // IP address stay path-style.
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // If the emulator process dies without calling stop(), do not leave Azurite behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let blobServiceUrl: string;
  try {
    blobServiceUrl = await waitForListening(child);
  } catch (error) {
    child.kill('SIGKILL');
    process.removeListener('exit', killOnExit);
    throw error;
  }
  const blobEndpoint = `${blobServiceUrl.replace(/\/$/, '')}/${AZURITE_ACCOUNT_NAME}`;

  const service = new BlobServiceClient(
    blobEndpoint,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT_NAME, AZURITE_ACCOUNT_KEY),
  );
  for (const container of [WORKSPACE_BLOBSTORE_CONTAINER, WORKSPACE_ARTIFACTSTORE_CONTAINER]) {
    await service.getContainerClient(container).createIfNotExists();
  }

  return {
    blobEndpoint,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

/** Writes seeded files into the account, creating their containers as needed. */
export async function uploadBlobs(
  storage: StorageRuntime,
  blobs: ReadonlyArray<{ containerName: string; blobPath: string; content: string | Buffer }>,
): Promise<void> {
  const service = new BlobServiceClient(
    storage.blobEndpoint,
    new StorageSharedKeyCredential(storage.accountName, storage.accountKey),
  );
  const ready = new Set<string>();
  for (const blob of blobs) {
    const container = service.getContainerClient(blob.containerName);
    if (!ready.has(blob.containerName)) {
      await container.createIfNotExists();
      ready.add(blob.containerName);
    }
    await container.getBlockBlobClient(blob.blobPath).upload(blob.content, Buffer.byteLength(blob.content));
  }
}

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)),
      STARTUP_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING_PATTERN.exec(output);
      if (match) {
        clearTimeout(timer);
        // Keep draining the pipes so Azurite never blocks on a full buffer.
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(forceKill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
