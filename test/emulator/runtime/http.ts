/** Response helpers shared by the runtime's routes. */
import type { IncomingMessage } from 'node:http';

export { sendJson } from '../http';

/** True when the request carries `Authorization: Bearer <something>`; the token itself is not checked. */
export function hasBearerToken(req: IncomingMessage): boolean {
  const header = req.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+\S+/i.test(header);
}

/** Parses a JSON request body into an object; undefined when it is not a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
