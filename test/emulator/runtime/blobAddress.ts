/**
 * Blob addresses as Azure Storage documents them, for the emulator alone: the double keeps its own copy
 * of these rules so that a mistake in the extension's code cannot be mirrored here and go unnoticed.
 *
 * - Azure serves blobs host-style: `{protocol}://{account}.blob.{endpointSuffix}/{container}/{path}`,
 *   where a datastore without `endpoint` or `protocol` means `core.windows.net` and `https`.
 * - Azurite serves them path-style: `http://127.0.0.1:{port}/{account}/{container}/{path}`; a datastore
 *   names it with an `endpoint` of `host:port` on the loopback interface.
 */

/** The fields of an AzureBlob datastore's `properties` that say where its container is. */
export interface BlobDatastoreAddress {
  accountName: string;
  containerName: string;
  /** Endpoint suffix such as `core.windows.net`, or `127.0.0.1:{port}` for Azurite. */
  endpoint?: string;
  protocol?: string;
}

/** A blob or container URL taken apart. */
export interface BlobAddress {
  accountName: string;
  containerName: string;
  /** Path inside the container without a leading slash; empty when the URL names the container. */
  blobPath: string;
  /** The container's URL: no trailing slash, no query. */
  containerUrl: string;
}

export const AZURE_BLOB_ENDPOINT_SUFFIX = 'core.windows.net';
export const AZURE_BLOB_PROTOCOL = 'https';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether `endpoint` is `host:port` on this machine, which is how a datastore points at Azurite. */
export function isLoopbackStorageEndpoint(endpoint: string): boolean {
  const text = endpoint.trim().toLowerCase();
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return false;
  return LOOPBACK_HOSTS.includes(text.slice(0, colon)) && /^\d{1,5}$/.test(text.slice(colon + 1));
}

/** The URL of a blob datastore's container: path-style for Azurite, host-style for Azure. */
export function blobContainerUrl(datastore: BlobDatastoreAddress): string {
  const endpoint = datastore.endpoint?.trim() || AZURE_BLOB_ENDPOINT_SUFFIX;
  const protocol = datastore.protocol?.trim() || AZURE_BLOB_PROTOCOL;
  const container = encodeURIComponent(datastore.containerName);
  if (isLoopbackStorageEndpoint(endpoint)) {
    return `${protocol}://${endpoint}/${encodeURIComponent(datastore.accountName)}/${container}`;
  }
  return `${protocol}://${datastore.accountName}.blob.${endpoint}/${container}`;
}

/**
 * Takes a blob or container URL of either style apart. Undefined for anything that is not one: no
 * container in the path, a host that is neither loopback nor `{account}.blob.{suffix}`, bad escapes.
 */
export function parseBlobAddress(url: string): BlobAddress | undefined {
  let parsed: URL;
  let segments: string[];
  try {
    parsed = new URL(url);
    segments = parsed.pathname
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const origin = `${parsed.protocol}//${parsed.host}`;

  if (isLoopbackStorageEndpoint(parsed.host)) {
    const [accountName, containerName, ...path] = segments;
    if (containerName === undefined) return undefined;
    return {
      accountName,
      containerName,
      blobPath: path.join('/'),
      containerUrl: `${origin}/${encodeURIComponent(accountName)}/${encodeURIComponent(containerName)}`,
    };
  }

  const [accountName, service, ...suffix] = parsed.hostname.split('.');
  if (service !== 'blob' || suffix.length === 0 || accountName === '') return undefined;
  const [containerName, ...path] = segments;
  if (containerName === undefined) return undefined;
  return {
    accountName,
    containerName,
    blobPath: path.join('/'),
    containerUrl: `${origin}/${encodeURIComponent(containerName)}`,
  };
}
