/**
 * The HTTPS front of the emulator's blob storage, so that clients reach it the way they reach Azure:
 * host-style, `https://{account}.blob.core.localhost:{port}/{container}/{blob}`, where `core.localhost:{port}`
 * plays the storage endpoint suffix (`core.windows.net` on Azure; Azure's Python storage client finds the
 * account name only in hosts of the form `{account}.blob.core.*`). Path-style requests,
 * `https://localhost:{port}/{account}/{container}/{blob}`, are accepted too.
 *
 * Every request is passed on to Azurite unchanged but for its Host: a host-style request keeps its
 * `{account}.blob.core.localhost` host, from which Azurite takes the account (its production-style URLs), so a
 * Shared Key signature the client computed over `/{account}/{container}/{blob}` still verifies there.
 *
 * `*.localhost` resolves to loopback through Debian's libnss-myhostname; the front listens on both
 * 127.0.0.1 and ::1 because resolvers answer ::1 first.
 */
import { request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface BlobFrontOptions {
  /** Azurite's path-style account URL, e.g. http://127.0.0.1:10000/devstoreaccount1 */
  azuriteAccountUrl: string;
  cert: Buffer;
  key: Buffer;
  /** The emulator's injected faults (503s, dropped connections), applied before a request is passed on. */
  faults?: { apply(req: IncomingMessage, res: ServerResponse, url: URL): Promise<'handled' | 'continue'> };
}

/** One request the front passed on, as the admin route reports it. */
export interface BlobRequestRecord {
  method: string;
  style: 'host' | 'path';
  accountName: string;
  /** Path inside the account: `/{container}/{blob}`, still URL-encoded, without the query. */
  path: string;
  /** The `comp` query parameter (`block`, `blocklist`, `list`...), or empty. */
  comp: string;
  status: number;
  /** Bytes of the request body, from its Content-Length (what the client sent). */
  bytes: number;
}

export interface BlobFront {
  port: number;
  /** Path-style account URL on the front: https://localhost:{port}/{account} */
  blobEndpoint: string;
  /** What a datastore's `endpoint` (the storage suffix) is for this front: core.localhost:{port} */
  endpointSuffix: string;
  /** Every request passed on so far, oldest first (at most the last MAX_RECORDS). */
  requests(): BlobRequestRecord[];
  stop(): Promise<void>;
}

/** Admin route on the front: GET lists the requests seen (tests count blob uploads with it). */
export const BLOB_REQUESTS_PATH = '/_emulator/blob-requests';

const MAX_RECORDS = 5000;
/** Storage account names are 3-24 lower-case letters and digits. */
const HOST_STYLE_PATTERN = /^([a-z0-9]{3,24})\.blob\.core\.localhost$/;

export async function startBlobFront(options: BlobFrontOptions): Promise<BlobFront> {
  const azurite = new URL(options.azuriteAccountUrl);
  const accountName = decodeURIComponent(azurite.pathname.replace(/^\/+|\/+$/g, ''));
  const agent = new Agent({ keepAlive: true });
  const records: BlobRequestRecord[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://front.invalid');
    if (url.pathname === BLOB_REQUESTS_PATH) {
      sendJson(res, req.method === 'GET' ? 200 : 405, req.method === 'GET' ? { requests: records } : {});
      return;
    }
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const hostStyle = HOST_STYLE_PATTERN.exec(hostname);
    const record: BlobRequestRecord = {
      method: req.method ?? 'GET',
      style: hostStyle ? 'host' : 'path',
      accountName: hostStyle ? hostStyle[1] : decodeURIComponent(url.pathname.split('/')[1] ?? ''),
      path: hostStyle ? url.pathname : url.pathname.replace(/^\/[^/]*/, '') || '/',
      comp: url.searchParams.get('comp') ?? '',
      status: 0,
      bytes: Number(req.headers['content-length'] ?? 0) || 0,
    };
    void forward(record, hostStyle ? hostname : undefined, req, res, url);
  };

  const forward = async (
    record: BlobRequestRecord,
    hostStyleName: string | undefined,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ): Promise<void> => {
    if (options.faults && (await options.faults.apply(req, res, url)) === 'handled') return;
    const hostname = hostStyleName;
    const hostStyle = hostStyleName !== undefined;
    const upstream = httpRequest(
      {
        host: azurite.hostname,
        port: azurite.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: hostStyle ? hostname : azurite.host },
        agent,
      },
      (answer) => {
        record.status = answer.statusCode ?? 502;
        res.writeHead(record.status, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      record.status = 502;
      if (!res.headersSent) sendJson(res, 502, { error: `Blob storage is unreachable: ${error.message}` });
      else res.destroy();
    });
    records.push(record);
    if (records.length > MAX_RECORDS) records.shift();
    req.pipe(upstream);
  };

  const servers: Server[] = [];
  const tls = { cert: options.cert, key: options.key };
  const first = createServer(tls, handle);
  await listen(first, 0, '127.0.0.1');
  servers.push(first);
  const port = (first.address() as AddressInfo).port;
  // Best effort: a machine without IPv6 loopback resolves *.localhost to 127.0.0.1 only.
  const second = createServer(tls, handle);
  try {
    await listen(second, port, '::1');
    servers.push(second);
  } catch {
    second.close();
  }

  return {
    port,
    blobEndpoint: `https://localhost:${port}/${encodeURIComponent(accountName)}`,
    endpointSuffix: `core.localhost:${port}`,
    requests: () => [...records],
    stop: async () => {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      agent.destroy();
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}
