/**
 * A job's local `code:` folder or local input, turned into something the job can use, the way
 * azure-ai-ml (behind `az ml`) does it, so either finds what the other uploaded:
 *
 * - Content goes to the datastore `workspaceblobstore` under `LocalUpload/{object hash}/{name}`, where
 *   `name` is the folder's (or file's) own name and the hash is the snapshot's MD5 (snapshot.ts).
 * - The first file of the upload (in path order) is its indicator: once every file is in, its
 *   metadata gets `upload_status=completed` plus the name and version of the asset it was uploaded
 *   for. Content whose indicator carries that mark exists; nothing is sent again and the recorded name
 *   and version are reused. Without the mark (an interrupted upload) the files are sent again, and
 *   blocks already in storage are not.
 * - Code becomes an anonymous code version: a new one is named with a random GUID and version 1; the
 *   content's own name and version are reused when it was already there.
 * - A local input becomes `azureml://datastores/workspaceblobstore/paths/LocalUpload/{hash}/{name}`.
 */
import { randomUUID } from 'node:crypto';
import type { AzureMlArm, CodeVersionInfo } from '../azure/armClient';
import type { DatastoreInfo } from '../azure/resources';
import type { WorkspaceRef } from '../azure/resourceIds';
import { CancelledError, fieldsOf } from '../errors/kinds';
import {
  BlobContainer,
  UploadError,
  type BlobContainerTarget,
  type BlobCredential,
  type BlobUploadItem,
  type TransferOptions,
} from './blobTransfer';
import { CONTENT_HASH_VERSION, takeSnapshot, type Snapshot } from './snapshot';

/** The datastore azure-ai-ml uploads local code and inputs to. */
export const DEFAULT_UPLOAD_DATASTORE = 'workspaceblobstore';
/** The folder of the datastore's container that local uploads go to. */
export const LOCAL_UPLOAD_FOLDER = 'LocalUpload';
/** Metadata on the indicator blob that says an upload completed. */
export const UPLOAD_STATUS_KEY = 'upload_status';
export const UPLOAD_STATUS_COMPLETED = 'completed';

/** What the upload needs of the ARM client. */
export type UploadArm = Pick<
  AzureMlArm,
  'getDatastore' | 'listDatastoreSecrets' | 'getCodeVersion' | 'createOrUpdateCodeVersion' | 'tokenCredential'
>;

export interface UploadOptions extends TransferOptions {
  /** The datastore to upload to; `workspaceblobstore` by default, as azure-ai-ml does. */
  datastoreName?: string;
  /**
   * Where the transfer sends requests for the datastore's container when not to the container's own
   * address (a proxy, a local storage emulator). Addresses recorded in Azure stay the container's own.
   */
  reachContainerAt?: (containerUrl: string) => string;
}

export interface UploadOutcome {
  snapshot: Snapshot;
  datastoreName: string;
  /** The container's address, by Azure's rule, from the datastore. */
  containerUrl: string;
  /** `LocalUpload/{hash}/{name}`: the uploaded folder, or the uploaded file. */
  blobPath: string;
  /** False when the content was already in storage, so nothing was sent. */
  uploaded: boolean;
  bytesSent: number;
  /** The asset name and version the content is recorded under (the indicator blob's metadata). */
  assetName: string;
  assetVersion: string;
}

export interface UploadedCode extends UploadOutcome {
  /** ARM id of the code version: what a job's `codeId` takes. */
  codeId: string;
  codeName: string;
  codeVersion: string;
  codeUri: string;
}

export interface UploadedInput extends UploadOutcome {
  /** `azureml://datastores/{datastore}/paths/LocalUpload/{hash}/{name}`: what a job input's `uri` takes. */
  uri: string;
}

/**
 * Uploads a local `code:` folder (or file) unless storage already has that content, then finds or
 * creates its anonymous code version. No code version is written when the upload fails.
 */
export async function uploadCode(
  arm: UploadArm,
  ws: WorkspaceRef,
  localPath: string,
  options: UploadOptions = {},
): Promise<UploadedCode> {
  const snapshot = await takeSnapshot(localPath);
  const outcome = await uploadSnapshot(arm, ws, snapshot, { name: randomUUID(), version: '1' }, options);
  // azure-ai-ml points a code version at a folder: the uploaded folder, or the one holding the uploaded file.
  const codeUri = snapshot.isFile
    ? `${outcome.containerUrl}/${LOCAL_UPLOAD_FOLDER}/${snapshot.objectHash}`
    : `${outcome.containerUrl}/${outcome.blobPath}`;
  let code: CodeVersionInfo | undefined;
  if (!outcome.uploaded) code = await arm.getCodeVersion(ws, outcome.assetName, outcome.assetVersion);
  if (options.abortSignal?.aborted) throw new CancelledError('The upload was cancelled.');
  code ??= await arm.createOrUpdateCodeVersion(ws, outcome.assetName, outcome.assetVersion, {
    codeUri,
    isAnonymous: true,
    properties: { hash_sha256: await snapshot.contentHash(), hash_version: CONTENT_HASH_VERSION },
  });
  return {
    ...outcome,
    codeId: code.id,
    codeName: code.name,
    codeVersion: code.version,
    codeUri: code.codeUri ?? codeUri,
  };
}

/** Uploads a local input folder or file unless storage already has that content; returns its datastore URI. */
export async function uploadLocalInput(
  arm: UploadArm,
  ws: WorkspaceRef,
  localPath: string,
  options: UploadOptions = {},
): Promise<UploadedInput> {
  return uploadInputSnapshot(arm, ws, await takeSnapshot(localPath), options);
}

/** uploadLocalInput for files already chosen and hashed (takeSnapshot, snapshotOfFiles). */
export async function uploadInputSnapshot(
  arm: UploadArm,
  ws: WorkspaceRef,
  snapshot: Snapshot,
  options: UploadOptions = {},
): Promise<UploadedInput> {
  // azure-ai-ml names an input's upload with a random GUID for both name and version.
  const outcome = await uploadSnapshot(arm, ws, snapshot, { name: randomUUID(), version: randomUUID() }, options);
  return { ...outcome, uri: `azureml://datastores/${outcome.datastoreName}/paths/${outcome.blobPath}` };
}

/** The blob path of each file: `LocalUpload/{hash}/{name}` for a file, with `/{relative path}` for a folder's. */
export function uploadItems(snapshot: Snapshot): BlobUploadItem[] {
  const base = `${LOCAL_UPLOAD_FOLDER}/${snapshot.objectHash}/${snapshot.name}`;
  return snapshot.files.map((file) => ({
    localPath: file.absolutePath,
    blobName: snapshot.isFile ? base : `${base}/${file.relativePath}`,
    size: file.size,
    label: file.relativePath,
  }));
}

async function uploadSnapshot(
  arm: UploadArm,
  ws: WorkspaceRef,
  snapshot: Snapshot,
  newAsset: { name: string; version: string },
  options: UploadOptions,
): Promise<UploadOutcome> {
  const datastoreName = options.datastoreName ?? DEFAULT_UPLOAD_DATASTORE;
  const datastore = await arm.getDatastore(ws, datastoreName);
  const containerUrl = blobContainerUrl(datastore);
  const target: BlobContainerTarget = {
    containerUrl: options.reachContainerAt?.(containerUrl) ?? containerUrl,
    credential: await blobCredential(arm, ws, datastore),
  };
  const container = await BlobContainer.open(target);
  const items = uploadItems(snapshot);
  const indicator = items[0].blobName;
  const blobPath = `${LOCAL_UPLOAD_FOLDER}/${snapshot.objectHash}/${snapshot.name}`;
  const common = { snapshot, datastoreName, containerUrl, blobPath };

  const metadata = await container.metadata(indicator, options.abortSignal);
  if (metadata?.[UPLOAD_STATUS_KEY] === UPLOAD_STATUS_COMPLETED && metadata.name) {
    return {
      ...common,
      uploaded: false,
      bytesSent: 0,
      assetName: metadata.name,
      assetVersion: metadata.version ?? newAsset.version,
    };
  }
  const result = await container.uploadFiles(items, options);
  // Only now is the content complete; the mark is what tells the next submit (ours or az ml's) so.
  await container.setMetadata(
    indicator,
    { [UPLOAD_STATUS_KEY]: UPLOAD_STATUS_COMPLETED, name: newAsset.name, version: newAsset.version },
    options.abortSignal,
  );
  return {
    ...common,
    uploaded: true,
    bytesSent: result.bytesSent,
    assetName: newAsset.name,
    assetVersion: newAsset.version,
  };
}

/** The fields of a blob datastore that say where its container is. */
export type BlobDatastoreAddress = Pick<DatastoreInfo, 'accountName' | 'container' | 'endpoint' | 'protocol'>;

/**
 * `{protocol}://{account}.blob.{endpoint}/{container}`, Azure's rule for a blob datastore, where a
 * datastore without `protocol` or `endpoint` means `https` and `core.windows.net`.
 */
export function blobContainerUrl(datastore: BlobDatastoreAddress): string {
  if (!datastore.accountName || !datastore.container) {
    throw new UploadError({
      message: 'The datastore names no storage account or container, so nothing can be uploaded to it.',
    });
  }
  const protocol = datastore.protocol?.trim() || 'https';
  const endpoint = datastore.endpoint?.trim() || 'core.windows.net';
  return `${protocol}://${datastore.accountName}.blob.${endpoint}/${datastore.container}`;
}

/**
 * The datastore's own secret when it has one (account key or SAS, from listSecrets), else the user's
 * Entra ID token for storage, as azure-ai-ml falls back to when the secret cannot be listed.
 */
async function blobCredential(arm: UploadArm, ws: WorkspaceRef, datastore: DatastoreInfo): Promise<BlobCredential> {
  if (datastore.datastoreType && datastore.datastoreType !== 'AzureBlob') {
    throw new UploadError({
      message: `Datastore ${datastore.name} is of type ${datastore.datastoreType}; local code and inputs are uploaded to a blob datastore (AzureBlob). Use workspaceblobstore.`,
    });
  }
  if (datastore.credentialsType === 'AccountKey' || datastore.credentialsType === 'Sas') {
    try {
      const secrets = await arm.listDatastoreSecrets(ws, datastore.name);
      if (secrets.secretsType === 'AccountKey' && secrets.key && datastore.accountName) {
        return { kind: 'accountKey', accountName: datastore.accountName, accountKey: secrets.key };
      }
      if (secrets.secretsType === 'Sas' && secrets.sasToken) return { kind: 'sas', sasToken: secrets.sasToken };
    } catch (error) {
      // Not allowed to read the secret (or none stored): the user's own access to storage may still do.
      if (fieldsOf(error).statusCode === undefined) throw error;
    }
  }
  return { kind: 'token', credential: arm.tokenCredential };
}
