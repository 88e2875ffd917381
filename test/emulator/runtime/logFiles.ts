/**
 * Serves job log files the way Azure hands them out: a plain GET of a URL whose query carries a
 * SAS-like signature (no Authorization header), with HTTP Range support so clients can tail.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunRecords } from './runRecords';
import { jobIdFor } from './armIds';

const LOG_ROUTE =
  /^\/runlogs\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/workspaces\/([^/]+)\/runs\/([^/]+)\/(.+)$/i;
const SAS_VERSION = '2021-08-06';
const VALIDITY_MS = 24 * 60 * 60 * 1000;

export class LogFileServer {
  private readonly secret = randomBytes(32);

  constructor(
    private readonly origin: string,
    private readonly records: RunRecords,
  ) {}

  /** A signed URL for one log of a run, valid for a day. */
  urlFor(subscriptionId: string, resourceGroup: string, workspaceName: string, runId: string, logName: string): string {
    const path = `/runlogs/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/workspaces/${workspaceName}/runs/${runId}/${logName}`;
    const expiry = new Date(Date.now() + VALIDITY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = new URLSearchParams({ sv: SAS_VERSION, sr: 'b', sp: 'r', se: expiry, sig: this.sign(path, expiry) });
    return `${this.origin}${encodeURI(path)}?${query.toString()}`;
  }

  /** Handles GET/HEAD of a log URL; false when the path is not a log route. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const path = decodeURI(url.pathname);
    const match = LOG_ROUTE.exec(path);
    if (!match) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendStorageError(res, 405, 'UnsupportedHttpVerb', "The resource doesn't support the specified HTTP verb.");
      return true;
    }
    const expiry = url.searchParams.get('se') ?? '';
    const signature = url.searchParams.get('sig') ?? '';
    if (!this.verify(path, expiry, signature) || Date.parse(expiry) < Date.now()) {
      sendStorageError(
        res,
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the signature is correct and not expired.',
      );
      return true;
    }
    const [, subscriptionId, resourceGroup, workspaceName, runId, logName] = match;
    const jobId = jobIdFor({ subscriptionId, resourceGroup, workspaceName }, runId);
    const file = this.records.get(jobId)?.logFiles.get(logName);
    if (!file) {
      sendStorageError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
      return true;
    }
    serveFileWithRange(req, res, file);
    return true;
  }

  private sign(path: string, expiry: string): string {
    return createHmac('sha256', this.secret).update(`${path.toLowerCase()}\n${expiry}`).digest('base64');
  }

  private verify(path: string, expiry: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(path, expiry));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function serveFileWithRange(req: IncomingMessage, res: ServerResponse, file: string): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    sendStorageError(res, 404, 'BlobNotFound', 'The specified blob does not exist.');
    return;
  }
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Accept-Ranges': 'bytes',
    'x-ms-blob-type': 'AppendBlob',
  };
  const range = parseRange(req.headers.range);
  if (range === 'invalid') {
    writeWhole();
    return;
  }
  if (range) {
    const start = range.start;
    if (start >= size) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
      res.end();
      return;
    }
    const end = Math.min(range.end ?? size - 1, size - 1);
    res.writeHead(206, {
      ...headers,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file, { start, end }).pipe(res);
    return;
  }
  writeWhole();

  function writeWhole(): void {
    res.writeHead(200, { ...headers, 'Content-Length': String(size) });
    if (req.method === 'HEAD' || size === 0) res.end();
    else createReadStream(file, { start: 0, end: size - 1 }).pipe(res);
  }
}

/** `bytes=N-` or `bytes=N-M`; anything else (including multi-range) is served whole, as storage does. */
function parseRange(header: string | undefined): { start: number; end?: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d+)-(\d*)$/.exec(header.trim());
  if (!match) return 'invalid';
  const start = Number(match[1]);
  const end = match[2] === '' ? undefined : Number(match[2]);
  if (end !== undefined && end < start) return 'invalid';
  return { start, end };
}

function sendStorageError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-ms-error-code': code,
  });
  res.end(body);
}
