/**
 * Register Labeled Data: a project's labels as `mltable` data asset versions of a workspace, in the shapes the
 * computer-vision and NLP scaffolds train from (AutoML JSON Lines, CSV with a `label` column, CoNLL, each in an
 * MLTable folder; with a validation share, a training and a validation asset).
 *
 * - The item files of an image project are uploaded to the workspace's default datastore the way local job
 *   inputs are (`LocalUpload/<hash>/images/…`: hashed, sent once, resumed after a dropped connection), and the
 *   export's `image_url`s point at them. A project whose items are a data asset of the same workspace points
 *   at the asset's own files instead, so nothing is sent twice.
 * - Each MLTable folder is uploaded the same way and registered as the next free version of its asset, tagged
 *   with the folder's content hash. A version with that tag is reused: registering unchanged labels again (or
 *   retrying after a failure) creates no second version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AzureMlArm } from '../azure/armClient';
import type { DataVersionInfo } from '../azure/resources';
import { workspaceId, type WorkspaceRef } from '../azure/resourceIds';
import { CancelledError } from '../errors/kinds';
import type { TransferProgress } from '../jobs/blobTransfer';
import { snapshotOfFiles, takeSnapshot } from '../jobs/snapshot';
import { uploadInputSnapshot, type UploadArm, type UploadOptions } from '../jobs/upload';
import { readPages } from '../paging';
import { exportAutoMlImages, type ImageUrlStyle } from './export/automlImages';
import { writeExportFiles, type ExportInput, type ExportResult } from './export/common';
import { exportConll } from './export/conll';
import { exportTextCsv } from './export/textCsv';
import { isImageTask, isLabeled, type LabelProject } from './model';
import type { SplitOptions } from './split';

/** Tags a registered version carries, read back to recognise the same content. */
export const LABELED_DATA_TAGS = {
  /** SHA-256 of the uploaded MLTable folder (the snapshot content hash), which names the item files' upload too. */
  contentHash: 'labeling.content.sha256',
  /** The project file's name. */
  project: 'labeling.project',
  /** The data asset version the items came from, when they did. */
  source: 'labeling.source',
} as const;

/** The folder below LocalUpload/<hash>/ that an image project's items are uploaded as. */
export const ITEMS_UPLOAD_NAME = 'images';

/** Versions read when looking for one with the same content: the newest, where a repeat would be. */
const VERSIONS_CHECKED = 200;

export type RegisterArm = UploadArm &
  Pick<AzureMlArm, 'listDatastores' | 'listDataVersions' | 'nextVersion' | 'putAssetVersion'>;

export interface RegisterPlan {
  /** The project file's name (for the tag and descriptions). */
  projectName: string;
  /** The (training) asset. */
  assetName: string;
  /** The validation asset, with a split. */
  validationAssetName?: string;
  split?: SplitOptions;
  description?: string;
}

export type RegisterPhase =
  | { kind: 'uploadingItems'; progress: TransferProgress }
  | { kind: 'uploadingTable'; assetName: string; progress: TransferProgress }
  | { kind: 'registering'; assetName: string };

export interface RegisterOptions extends Pick<UploadOptions, 'abortSignal' | 'reachContainerAt' | 'concurrency'> {
  onPhase?: (phase: RegisterPhase) => void;
}

export interface RegisteredVersion {
  assetName: string;
  version: string;
  /** ARM id of the version. */
  id: string;
  dataUri: string;
  contentHash: string;
  /** False when a version with this content was there already and is reused. */
  created: boolean;
  role: 'training' | 'validation' | 'all';
}

export interface RegisterOutcome {
  datastore: string;
  versions: RegisteredVersion[];
  exported: number;
  skipped: ExportResult['skipped'];
  /** Where `image_url`s point (image projects), the uploaded items or the source asset's files. */
  imageUrl?: ImageUrlStyle;
  /** Bytes sent to storage, items and tables together (0 when everything was there). */
  bytesSent: number;
}

export class RegisterRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegisterRefusal';
  }
}

/** The workspace's default datastore: the one marked so, else `workspaceblobstore`, as azure-ai-ml falls back. */
export async function defaultDatastoreName(arm: Pick<AzureMlArm, 'listDatastores'>, ws: WorkspaceRef): Promise<string> {
  let token: string | undefined;
  do {
    const page = await arm.listDatastores(ws, token);
    const found = page.items.find((datastore) => datastore.isDefault);
    if (found) return found.name;
    token = page.continuationToken;
  } while (token);
  return 'workspaceblobstore';
}

/** Whether two ARM ids name resources of the same workspace. */
export function sameWorkspace(id: string, ws: WorkspaceRef): boolean {
  return id.toLowerCase().startsWith(`${workspaceId(ws).toLowerCase()}/`);
}

/**
 * Where an image project's `image_url`s point without uploading: the source asset's own files when it is a
 * data asset of `ws`; undefined when the items must be uploaded.
 */
export function sourceImageUrl(project: LabelProject, ws: WorkspaceRef): ImageUrlStyle | undefined {
  const source = project.source;
  if (source.kind !== 'dataAsset' || !source.datastore || source.datastorePath === undefined) return undefined;
  if (!source.assetId || !sameWorkspace(source.assetId, ws)) return undefined;
  return { kind: 'datastore', datastore: source.datastore, path: source.datastorePath };
}

/** The version of the asset tagged with this content hash, if any. */
export function versionWithContent(
  versions: readonly DataVersionInfo[],
  contentHash: string,
): DataVersionInfo | undefined {
  return versions.find(
    (version) => version.dataType === 'mltable' && version.tags?.[LABELED_DATA_TAGS.contentHash] === contentHash,
  );
}

/** The MLTable's own data files, as azure-ai-ml records them (`referencedUris`): its `paths`, relative. */
function referencedFiles(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((name) => name !== 'MLTable').map((name) => `./${name}`);
}

/** Exports, uploads and registers; see the module comment. Nothing is registered when an upload fails. */
export async function registerLabeledData(
  arm: RegisterArm,
  ws: WorkspaceRef,
  input: ExportInput,
  plan: RegisterPlan,
  options: RegisterOptions = {},
): Promise<RegisterOutcome> {
  const { project } = input;
  const labeledCount = input.annotations.filter((record) => isLabeled(record, project.task)).length;
  if (labeledCount === 0) throw new RegisterRefusal('Nothing is labeled yet: label some items first.');
  const datastore = await defaultDatastoreName(arm, ws);
  const uploadOptions: UploadOptions = {
    datastoreName: datastore,
    abortSignal: options.abortSignal,
    reachContainerAt: options.reachContainerAt,
    concurrency: options.concurrency,
  };
  let bytesSent = 0;

  let imageUrl: ImageUrlStyle | undefined;
  if (isImageTask(project.task)) {
    imageUrl = sourceImageUrl(project, ws);
    if (!imageUrl) {
      const files = input.items.filter((item) => item.absolutePath);
      const snapshot = await snapshotOfFiles(
        ITEMS_UPLOAD_NAME,
        files.map((item) => ({ absolutePath: item.absolutePath as string, relativePath: item.id })),
      );
      const uploaded = await uploadInputSnapshot(arm, ws, snapshot, {
        ...uploadOptions,
        onProgress: (progress) => options.onPhase?.({ kind: 'uploadingItems', progress }),
      });
      bytesSent += uploaded.bytesSent;
      imageUrl = { kind: 'datastore', datastore: uploaded.datastoreName, path: uploaded.blobPath };
    }
  }

  const staging = await mkdtemp(path.join(tmpdir(), 'azureml-labeled-'));
  try {
    const result = await exportFor(input, imageUrl, plan.split, staging);
    if (result.exported === 0)
      throw new RegisterRefusal(
        `None of the ${labeledCount} labeled items could be exported${result.skipped[0] ? ` (first: ${result.skipped[0].item}, ${result.skipped[0].reason})` : ''}.`,
      );
    const parts = partsOf(result.files, plan);
    for (const part of parts) {
      if (!part.files.has(part.dataFile) || part.files.get(part.dataFile) === '')
        throw new RegisterRefusal(
          `The ${part.role} share would be empty: label more items, or register with a ${part.role === 'validation' ? 'larger' : 'smaller'} validation share.`,
        );
    }
    const versions: RegisteredVersion[] = [];
    for (const part of parts) {
      throwIfAborted(options.abortSignal);
      const folder = path.join(staging, 'upload', part.role, part.assetName);
      await writeExportFiles(folder, part.files);
      const snapshot = await takeSnapshot(folder);
      const uploaded = await uploadInputSnapshot(arm, ws, snapshot, {
        ...uploadOptions,
        onProgress: (progress) => options.onPhase?.({ kind: 'uploadingTable', assetName: part.assetName, progress }),
      });
      bytesSent += uploaded.bytesSent;
      const contentHash = await snapshot.contentHash();
      throwIfAborted(options.abortSignal);
      options.onPhase?.({ kind: 'registering', assetName: part.assetName });
      const dataUri = `${uploaded.uri}/`;
      const existing = versionWithContent(await dataVersions(arm, ws, part.assetName), contentHash);
      if (existing) {
        versions.push({
          assetName: part.assetName,
          version: existing.version,
          id: existing.id,
          dataUri: existing.path ?? dataUri,
          contentHash,
          created: false,
          role: part.role,
        });
        continue;
      }
      const version = await arm.nextVersion(ws, 'data', part.assetName);
      throwIfAborted(options.abortSignal);
      // The version is fixed before the PUT, and a PUT of it sent again addresses the same version.
      const id = await arm.putAssetVersion(ws, 'data', part.assetName, version, {
        dataType: 'mltable',
        dataUri,
        referencedUris: referencedFiles(part.files),
        description:
          plan.description ?? `Labels of ${plan.projectName}${part.role === 'all' ? '' : ` (${part.role})`}.`,
        tags: {
          [LABELED_DATA_TAGS.contentHash]: contentHash,
          [LABELED_DATA_TAGS.project]: plan.projectName,
          ...(project.source.kind === 'dataAsset'
            ? { [LABELED_DATA_TAGS.source]: `azureml:${project.source.name}:${project.source.version}` }
            : {}),
        },
      });
      versions.push({ assetName: part.assetName, version, id, dataUri, contentHash, created: true, role: part.role });
    }
    return { datastore, versions, exported: result.exported, skipped: result.skipped, imageUrl, bytesSent };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function exportFor(
  input: ExportInput,
  imageUrl: ImageUrlStyle | undefined,
  split: SplitOptions | undefined,
  exportFolder: string,
): Promise<ExportResult> {
  const task = input.project.task;
  if (isImageTask(task)) return exportAutoMlImages(input, { exportFolder, imageUrl, split });
  if (task === 'text-ner') return exportConll(input, { split });
  // The exporter's `labels` column is what the text-classification scaffold's AutoML step names as its target.
  return exportTextCsv(input, { split });
}

interface Part {
  role: RegisteredVersion['role'];
  assetName: string;
  /** Relative path in the MLTable folder → content. */
  files: Map<string, string>;
  /** The part's data file (the one its MLTable names). */
  dataFile: string;
}

/** The export's files grouped by MLTable folder, each with the asset it is registered as. */
function partsOf(files: ReadonlyMap<string, string>, plan: RegisterPlan): Part[] {
  const groups = new Map<string, Map<string, string>>();
  for (const [name, content] of files) {
    const slash = name.indexOf('/');
    const folder = slash < 0 ? '' : name.slice(0, slash);
    const inside = slash < 0 ? name : name.slice(slash + 1);
    if (!groups.has(folder)) groups.set(folder, new Map());
    groups.get(folder)!.set(inside, content);
  }
  const roles: Array<{ folder: string; role: Part['role']; assetName: string }> = plan.split
    ? [
        { folder: 'training-mltable-folder', role: 'training', assetName: plan.assetName },
        {
          folder: 'validation-mltable-folder',
          role: 'validation',
          assetName: plan.validationAssetName ?? `${plan.assetName}-validation`,
        },
      ]
    : [{ folder: '', role: 'all', assetName: plan.assetName }];
  return roles.map(({ folder, role, assetName }) => {
    const partFiles = groups.get(folder) ?? new Map<string, string>();
    const dataFile = [...partFiles.keys()].find((name) => name !== 'MLTable') ?? '';
    return { role, assetName, files: partFiles, dataFile };
  });
}

/** The asset's newest versions, none when the asset does not exist yet. */
async function dataVersions(arm: RegisterArm, ws: WorkspaceRef, name: string): Promise<DataVersionInfo[]> {
  const read = (token?: string) => arm.listDataVersions(ws, name, token);
  return (await readPages(read, { maxItems: VERSIONS_CHECKED, notFoundIsEmpty: true })).items;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('Register Labeled Data was cancelled.');
}
