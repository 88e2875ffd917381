/** Copies blobs between Azurite and local folders for job snapshots, inputs and outputs. */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { StorageRuntime } from '../contracts';
import { parseBlobAddress } from './blobAddress';

/**
 * A client for a container URL. Loopback (path-style) URLs are used as they are; an Azure
 * host-style URL cannot be reached from the emulator, so its container is looked up in Azurite.
 */
export function containerClientFor(containerUrl: string, storage: StorageRuntime): ContainerClient {
  const credential = new StorageSharedKeyCredential(storage.accountName, storage.accountKey);
  const location = parseBlobAddress(containerUrl);
  if (!location) throw new Error(`Not a blob container URL: ${containerUrl}`);
  const sameHost = new URL(location.containerUrl).host === new URL(storage.blobEndpoint).host;
  const url = sameHost
    ? location.containerUrl
    : `${storage.blobEndpoint}/${encodeURIComponent(location.containerName)}`;
  return new ContainerClient(url, credential);
}

/**
 * Downloads every blob under `prefix` (a virtual folder) into `destDir`, keeping relative paths.
 * When `prefix` names a single blob instead, that blob is saved as `destDir/<its file name>`.
 * Returns the local files written.
 */
export async function downloadPrefix(container: ContainerClient, prefix: string, destDir: string): Promise<string[]> {
  mkdirSync(destDir, { recursive: true });
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  const folderPrefix = trimmed === '' ? '' : `${trimmed}/`;
  const written: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: folderPrefix })) {
    const relative = blob.name.slice(folderPrefix.length);
    if (relative === '' || relative.endsWith('/')) continue;
    const target = safeJoin(destDir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    await container.getBlobClient(blob.name).downloadToFile(target);
    written.push(target);
  }
  if (written.length === 0 && trimmed !== '') {
    const single = container.getBlobClient(trimmed);
    if (await single.exists()) {
      const target = path.join(destDir, path.posix.basename(trimmed));
      await single.downloadToFile(target);
      written.push(target);
    }
  }
  return written;
}

/** Uploads every file under `localDir` to `prefix/` in the container. Returns the blob names. */
export async function uploadFolder(container: ContainerClient, localDir: string, prefix: string): Promise<string[]> {
  const base = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  const uploaded: string[] = [];
  for (const file of listFiles(localDir)) {
    const relative = path.relative(localDir, file).split(path.sep).join('/');
    const blobName = base === '' ? relative : `${base}/${relative}`;
    await container.getBlockBlobClient(blobName).uploadFile(file);
    uploaded.push(blobName);
  }
  return uploaded;
}

function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listFiles(full));
    else files.push(full);
  }
  return files;
}

/** Joins a blob-relative path under `dir`, refusing names that would escape it ("../"). */
function safeJoin(dir: string, relative: string): string {
  const target = path.resolve(dir, ...relative.split('/'));
  const root = path.resolve(dir);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new Error(`Blob name escapes the destination folder: ${relative}`);
  }
  return target;
}
