/**
 * Resolves the URIs Azure ML jobs use (datastore URIs, blob URLs, data asset references)
 * to a blob container and path, through the datastore resources in the ARM store.
 */
import type { ResourceStore } from '../contracts';
import { assetReferenceToId, workspaceId, type WorkspaceRef } from './armIds';
import { blobContainerUrl, parseBlobAddress } from './blobAddress';

export interface BlobPathRef {
  containerUrl: string;
  /** Path inside the container, no leading slash. */
  blobPath: string;
}

const DATASTORE_URI_PATTERN =
  /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/?(.*)$/i;

/** `azureml://datastores/{datastore}/paths/{path}`, the short form Azure ML writes for outputs. */
export function datastoreUri(datastoreName: string, blobPath: string): string {
  return `azureml://datastores/${datastoreName}/paths/${blobPath}`;
}

export function resolveDatastore(store: ResourceStore, ws: WorkspaceRef, datastoreName: string): string {
  const datastore = store.get(`${workspaceId(ws)}/datastores/${datastoreName}`);
  if (!datastore) throw new Error(`Datastore '${datastoreName}' was not found in workspace '${ws.workspaceName}'.`);
  const props = datastore.properties;
  if (typeof props.accountName !== 'string' || typeof props.containerName !== 'string') {
    throw new Error(`Datastore '${datastoreName}' is not an AzureBlob datastore with accountName and containerName.`);
  }
  return blobContainerUrl({
    accountName: props.accountName,
    containerName: props.containerName,
    endpoint: typeof props.endpoint === 'string' ? props.endpoint : undefined,
    protocol: typeof props.protocol === 'string' ? props.protocol : undefined,
  });
}

/** Resolves a job input/output URI or data asset reference to a container and path. */
export function resolveDataUri(store: ResourceStore, ws: WorkspaceRef, uri: string, depth = 0): BlobPathRef {
  if (depth > 3) throw new Error(`Data reference loops: ${uri}`);
  const datastoreMatch = DATASTORE_URI_PATTERN.exec(uri.trim());
  if (datastoreMatch) {
    return {
      containerUrl: resolveDatastore(store, ws, datastoreMatch[1]),
      blobPath: decodeURIComponent(datastoreMatch[2]).replace(/^\/+/, ''),
    };
  }
  if (/^https?:\/\//i.test(uri)) {
    const location = parseBlobAddress(uri);
    if (!location) throw new Error(`Not a blob URL: ${uri}`);
    return { containerUrl: location.containerUrl, blobPath: location.blobPath };
  }
  const asset = assetReferenceToId(uri, ws, 'data');
  if (asset) {
    const dataUri = dataVersionUri(store, asset);
    if (!dataUri) throw new Error(`Data asset '${uri}' was not found.`);
    return resolveDataUri(store, ws, dataUri, depth + 1);
  }
  throw new Error(`Unsupported data URI: ${uri}`);
}

function dataVersionUri(store: ResourceStore, asset: { id: string; latestOf?: string }): string | undefined {
  let versionId = asset.id;
  if (asset.latestOf) {
    const latest = store.get(asset.latestOf)?.properties.latestVersion;
    if (typeof latest !== 'string') return undefined;
    versionId = `${asset.latestOf}/versions/${latest}`;
  }
  const dataUri = store.get(versionId)?.properties.dataUri;
  return typeof dataUri === 'string' ? dataUri : undefined;
}
