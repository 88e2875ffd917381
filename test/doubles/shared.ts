/**
 * What the CI service doubles share: a loopback HTTPS server with the emulator's certificate (clients
 * trust it through NODE_EXTRA_CA_CERTS), faults consumed in order per route, and the record of requests
 * that broke the contract. Nothing here comes from src/: a double must be able to disagree with the code.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureCertificate } from '../emulator/certificate';

export interface DoubleRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface DoubleResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is a string (sent as it is) or undefined (no body). */
  body?: unknown;
}

/** A request the double refused because it does not follow the published contract. */
export interface Violation {
  method: string;
  path: string;
  /** The operation it was taken for, where one matched. */
  operation?: string;
  problems: string[];
}

/** One injected failure: an error status with the service's own body, or a connection dropped without a reply. */
export type Fault =
  { kind: 'status'; status: number; message?: string; headers?: Record<string, string> } | { kind: 'reset' };

/** Faults per route name, each used once, in the order they were added. */
export class FaultQueue {
  private readonly queues = new Map<string, Fault[]>();

  add(route: string, ...faults: Fault[]): void {
    this.queues.set(route, [...(this.queues.get(route) ?? []), ...faults]);
  }

  take(route: string): Fault | undefined {
    const queue = this.queues.get(route);
    const fault = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(route);
    return fault;
  }

  pending(): Record<string, Fault[]> {
    return Object.fromEntries(this.queues);
  }

  clear(): void {
    this.queues.clear();
  }
}

export function parseFault(value: unknown): Fault {
  const fault = value as Partial<Fault> & { status?: unknown };
  if (fault?.kind === 'reset') return { kind: 'reset' };
  if (fault?.kind === 'status' && typeof fault.status === 'number' && fault.status >= 400 && fault.status <= 599) {
    return fault as Fault;
  }
  throw new Error('A fault is {"kind":"reset"} or {"kind":"status","status":400..599,"message"?,"headers"?}.');
}

export interface LoopbackServer {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Serves `handle` on 127.0.0.1 over HTTPS, with the certificate of `certificateDir` (the emulator's state
 * folder; `.emulator/` by default). A handler that answers undefined drops the connection (a
 * reset); one that throws answers 500, so a bug in the double shows as a server error, not a hang.
 */
export async function startLoopbackHttps(
  handle: (request: DoubleRequest) => Promise<DoubleResponse | undefined>,
  port = 0,
  certificateDir?: string,
): Promise<LoopbackServer> {
  const { certPath, keyPath } = ensureCertificate(certificateDir);
  const server: Server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    void serve(req, res, handle);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: DoubleRequest) => Promise<DoubleResponse | undefined>,
): Promise<void> {
  let response: DoubleResponse | undefined;
  try {
    const body = await readBody(req);
    response = await handle({
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'https://double.invalid'),
      headers: req.headers,
      body,
    });
  } catch (error) {
    response = { status: 500, body: { message: `The double failed: ${(error as Error).message}` } };
  }
  if (!response) {
    req.socket.destroy();
    return;
  }
  const text =
    response.body === undefined
      ? ''
      : typeof response.body === 'string'
        ? response.body
        : JSON.stringify(response.body);
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(text), ...response.headers };
  if (text && response.headers?.['content-type'] === undefined && typeof response.body !== 'string') {
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
