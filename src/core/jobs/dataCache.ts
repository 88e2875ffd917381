/**
 * Data downloaded for this machine's use (Run Locally's inputs, a labeling project's items), kept below a project
 * at `.azureml/cache/`: a data asset version under `data/<workspace>/<asset>/<version>`, a datastore path under
 * `datastores/<hash>`. A folder counts only once its marker is written, last, so a download cut short is fetched
 * again rather than used half; a registered version never changes, so a complete one is never fetched again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkspaceRef } from '../azure/resourceIds';
import { downloadDataLocation, type DownloadArm, type DownloadOptions } from './download';

/** Written last into a cache folder: `{uri, localPath}` of a complete download. */
export const CACHE_MARKER = 'complete.json';

export function dataCacheRoot(projectRoot: string): string {
  return path.join(projectRoot, '.azureml', 'cache');
}

/** The cache folder of a data asset version below a project root. */
export function dataAssetCacheFolder(projectRoot: string, ws: WorkspaceRef, name: string, version: string): string {
  return path.join(dataCacheRoot(projectRoot), 'data', safeSegment(ws.name), safeSegment(name), safeSegment(version));
}

/** The local path of a complete download in `cacheFolder`, or undefined when there is none. */
export async function readCachedDownload(cacheFolder: string): Promise<string | undefined> {
  try {
    const marker = JSON.parse(await readFile(path.join(cacheFolder, CACHE_MARKER), 'utf8')) as { localPath?: unknown };
    if (typeof marker.localPath !== 'string') return undefined;
    const localPath = path.resolve(cacheFolder, marker.localPath);
    return existsSync(localPath) ? localPath : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads a datastore location afresh into `cacheFolder`/files, then marks the folder complete. */
export async function downloadIntoCache(
  arm: DownloadArm,
  ws: WorkspaceRef,
  uri: string,
  cacheFolder: string,
  options: DownloadOptions = {},
): Promise<{ localPath: string; files: number; bytes: number }> {
  await rm(cacheFolder, { recursive: true, force: true });
  const result = await downloadDataLocation(arm, ws, uri, path.join(cacheFolder, 'files'), options);
  await writeFile(
    path.join(cacheFolder, CACHE_MARKER),
    JSON.stringify({ uri, localPath: path.relative(cacheFolder, result.localPath) }),
  );
  return result;
}

/** Cached data and local runs are this machine's: a `.gitignore` keeps them out of commits unless the user says. */
export async function keepOutOfGit(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, '.gitignore'), '*\n', { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}

function safeSegment(text: string): string {
  return text.replace(/[^\w.-]/g, '_');
}
