/**
 * Blob URLs for Azure ML datastores. Azure serves blobs host-style
 * (https://{account}.blob.{suffix}/{container}); storage emulators such as Azurite serve them
 * path-style (http://127.0.0.1:10000/{account}/{container}). A datastore whose `endpoint` is a
 * loopback host with a port is treated as an emulator. Pure functions: no `vscode` import.
 */

/** The fields of an AzureBlob datastore (`properties` of a datastore resource) that locate its container. */
export interface BlobDatastoreFields {
  accountName: string;
  containerName: string;
  /** Storage endpoint suffix, e.g. "core.windows.net"; or "127.0.0.1:10000" for a local emulator. */
  endpoint?: string;
  /** "https" for Azure; emulators usually use "http". */
  protocol?: string;
}

/** A blob URL split into its parts. */
export interface BlobLocation {
  accountName: string;
  containerName: string;
  /** Path inside the container, without a leading slash; "" for the container itself. */
  blobPath: string;
  /** URL of the container (no trailing slash, no query). */
  containerUrl: string;
}

const DEFAULT_ENDPOINT = 'core.windows.net';
const DEFAULT_PROTOCOL = 'https';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for `host:port` endpoints that point at this machine, i.e. a storage emulator. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(endpoint.trim());
  return match !== null && LOOPBACK_HOSTS.has(match[1].toLowerCase());
}

/** The container URL of a blob datastore, host-style for Azure and path-style for a local emulator. */
export function datastoreContainerUrl(datastore: BlobDatastoreFields): string {
  const endpoint = (datastore.endpoint ?? DEFAULT_ENDPOINT).trim() || DEFAULT_ENDPOINT;
  const protocol = (datastore.protocol ?? DEFAULT_PROTOCOL).trim() || DEFAULT_PROTOCOL;
  const container = encodeURIComponent(datastore.containerName);
  if (isLoopbackEndpoint(endpoint)) {
    return `${protocol}://${endpoint}/${encodeURIComponent(datastore.accountName)}/${container}`;
  }
  return `${protocol}://${datastore.accountName}.blob.${endpoint}/${container}`;
}

/**
 * Splits a blob or container URL (either style) into account, container and path.
 * Returns undefined when the URL has no container segment.
 */
export function parseBlobUrl(url: string): BlobLocation | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const segments = parsed.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  const origin = `${parsed.protocol}//${parsed.host}`;
  if (isLoopbackEndpoint(parsed.host)) {
    if (segments.length < 2) return undefined;
    const [accountName, containerName, ...rest] = segments;
    return {
      accountName,
      containerName,
      blobPath: rest.join('/'),
      containerUrl: `${origin}/${encodeURIComponent(accountName)}/${encodeURIComponent(containerName)}`,
    };
  }
  if (segments.length < 1) return undefined;
  const [containerName, ...rest] = segments;
  return {
    accountName: parsed.hostname.split('.')[0],
    containerName,
    blobPath: rest.join('/'),
    containerUrl: `${origin}/${encodeURIComponent(containerName)}`,
  };
}
