/** Small helpers shared by every route: body reading and JSON/ARM-error responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // ARM stamps every response with correlation ids; clients log them.
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Length': 0, 'x-ms-request-id': randomUUID(), ...headers });
  res.end();
}

/** ARM's error envelope: `{ error: { code, message } }`. */
export function sendArmError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/** Thrown by handlers to end the request with an ARM error. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra members of the `error` object (innerError, details...). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The Azure ML resource provider's not-found error for resources inside a workspace. */
export function notFound(what: string): ArmError {
  return new ArmError(404, 'UserError', `${what} could not be found.`, {}, { innerError: { code: 'NotFoundError' } });
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw new ArmError(400, 'BadRequest', 'The request body is empty.');
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new ArmError(400, 'BadRequest', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
