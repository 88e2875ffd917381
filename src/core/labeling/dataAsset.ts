/**
 * An Azure ML data asset version as the source of a labeling project: its files are downloaded once into
 * `.azureml/cache/data/<workspace>/<asset>/<version>/files` (the cache Run Locally uses too, with the same
 * completion marker, so either finds what the other downloaded), and, for an mltable, its `paths` say which
 * of them are items. A version never changes once registered, so a complete download is never fetched again.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AzureMlArm } from '../azure/armClient';
import { workspaceId, type WorkspaceRef } from '../azure/resourceIds';
import {
  dataAssetCacheFolder,
  dataCacheRoot,
  downloadIntoCache,
  keepOutOfGit,
  readCachedDownload,
} from '../jobs/dataCache';
import { parseDatastoreUri, type DownloadArm, type DownloadOptions } from '../jobs/download';
import { loadYaml } from '../lazy/load';
import { MlTablePathError, filesNamedByMlTable, mlTablePaths } from './mltablePaths';
import { IMAGE_EXTENSIONS, TABLE_EXTENSIONS, TEXT_EXTENSIONS, type MlTablePath } from './model';

/** The data types a labeling project can take its items from. */
export const LABELING_DATA_TYPES = ['uri_folder', 'uri_file', 'mltable'] as const;
export type LabelingDataType = (typeof LABELING_DATA_TYPES)[number];

export type DataAssetArm = DownloadArm & Pick<AzureMlArm, 'getResource'>;

export interface FetchedDataAsset {
  name: string;
  version: string;
  /** ARM id of the version. */
  assetId: string;
  dataType: LabelingDataType;
  dataUri: string;
  /** The folder whose files are the items (absolute). */
  folder: string;
  /** Where that folder is in storage. */
  datastore: string;
  datastorePath: string;
  /** For an mltable: its paths, relative to `folder`. */
  paths?: MlTablePath[];
  /** Item files (relative to `folder`) for the task's kind of items: images, or .txt files. */
  itemCount: number;
  /**
   * For a text task: the CSV and JSON Lines files (relative to `folder`, `/` separators, sorted) whose rows can be
   * the items instead, one column of one of them; empty for an image task.
   */
  tableFiles: string[];
  /** False when the cache already held the version. */
  downloaded: boolean;
}

export class DataAssetSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataAssetSourceError';
  }
}

/**
 * Downloads the version's files into its cache folder below `projectRoot` (unless they are there already)
 * and works out which of them are items for an image or a text task. Throws DataAssetSourceError when the
 * asset is of another type or holds no items.
 */
export async function fetchDataAsset(
  arm: DataAssetArm,
  ws: WorkspaceRef,
  name: string,
  version: string,
  projectRoot: string,
  imageItems: boolean,
  options: DownloadOptions = {},
): Promise<FetchedDataAsset> {
  const assetId = `${workspaceId(ws)}/data/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
  const resource = await arm.getResource(assetId);
  const properties = (resource.properties ?? {}) as { dataType?: unknown; dataUri?: unknown };
  const dataType = String(properties.dataType ?? '').toLowerCase() as LabelingDataType;
  if (!(LABELING_DATA_TYPES as readonly string[]).includes(dataType))
    throw new DataAssetSourceError(
      `${name}:${version} is of type ${String(properties.dataType)}; a labeling project takes uri_folder, uri_file or mltable data.`,
    );
  if (typeof properties.dataUri !== 'string' || !properties.dataUri)
    throw new DataAssetSourceError(`${name}:${version} has no data location (dataUri).`);
  const dataUri = properties.dataUri;
  const location = parseDatastoreUri(dataUri, ws);

  const cacheFolder = dataAssetCacheFolder(projectRoot, ws, name, version);
  const filesFolder = path.join(cacheFolder, 'files');
  let localPath = await readCachedDownload(cacheFolder);
  const downloaded = localPath === undefined;
  if (localPath === undefined) {
    await keepOutOfGit(dataCacheRoot(projectRoot));
    localPath = (await downloadIntoCache(arm, ws, dataUri, cacheFolder, options)).localPath;
  }
  // A uri_file is one file: its folder holds it, and the datastore path is the file's folder.
  const isFile = localPath !== filesFolder && localPath !== cacheFolder;
  const folder = isFile ? path.dirname(localPath) : localPath;
  const storedPath = location.path.replace(/\/+$/, '');
  const datastorePath = isFile ? path.posix.dirname(storedPath).replace(/^\.$/, '') : storedPath;

  let paths: MlTablePath[] | undefined;
  if (dataType === 'mltable') {
    const mltableFile = path.join(folder, 'MLTable');
    if (!existsSync(mltableFile))
      throw new DataAssetSourceError(
        `${name}:${version} is an mltable, but its folder (${dataUri}) has no MLTable file.`,
      );
    const { parse } = await loadYaml();
    try {
      paths = mlTablePaths(parse(await readFile(mltableFile, 'utf8')), {
        datastore: location.datastore,
        path: storedPath,
      });
    } catch (error) {
      if (error instanceof MlTablePathError) throw new DataAssetSourceError(`${name}:${version}: ${error.message}`);
      throw new DataAssetSourceError(
        `The MLTable file of ${name}:${version} cannot be read: ${(error as Error).message}`,
      );
    }
  }
  const allFiles = await listRelativeFiles(folder);
  const withExtension = (extensions: readonly string[]) => {
    const found = allFiles.filter((file) => extensions.includes(path.extname(file).toLowerCase()));
    return paths ? filesNamedByMlTable(found, paths) : found;
  };
  const files = withExtension(imageItems ? IMAGE_EXTENSIONS : TEXT_EXTENSIONS);
  const tableFiles = imageItems ? [] : withExtension(TABLE_EXTENSIONS).sort();
  if (files.length === 0 && tableFiles.length === 0)
    throw new DataAssetSourceError(
      `${name}:${version} holds no ${imageItems ? `images (${IMAGE_EXTENSIONS.join(', ')})` : '.txt, .csv or .jsonl files'}${paths ? ' among the files its MLTable names' : ''}; choose another data asset or version.`,
    );
  return {
    name,
    version,
    assetId,
    dataType,
    dataUri,
    folder,
    datastore: location.datastore,
    datastorePath,
    ...(paths ? { paths } : {}),
    itemCount: files.length,
    tableFiles,
    downloaded,
  };
}

/** Every file below `root`, as `/`-separated relative paths; hidden entries are left out, as the items are. */
async function listRelativeFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) await walk(path.join(folder, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) found.push(`${prefix}${entry.name}`);
    }
  };
  await walk(root, '');
  return found;
}
