export type JsonObject = Record<string, unknown>;

/**
 * A response body as a JSON object. A cut-off or non-JSON body is an error that says so, never an
 * empty result; an empty body is an empty object (204s and bodiless 200s).
 */
export function parseJsonBody(text: string | undefined, what: string): JsonObject {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new MalformedResponseError(`${what} sent a response that is not JSON (cut off?): ${text.slice(0, 200)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedResponseError(`${what} sent JSON that is not an object: ${text.slice(0, 200)}`);
  }
  return parsed as JsonObject;
}

export class MalformedResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedResponseError';
  }
}

/**
 * The code and message of an error response, in whichever shape the service uses: ARM and Azure
 * data planes (`{error: {code, message}}`), GitHub (`{message}`), Azure DevOps (`{message, typeKey}`).
 * Undefined when the body is not JSON (a gateway's HTML page): the status still tells what happened.
 */
export function parseErrorBody(text: string | undefined): { code?: string; message?: string } | undefined {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const outer = body as JsonObject;
  const inner = typeof outer.error === 'object' && outer.error !== null ? (outer.error as JsonObject) : outer;
  const text_ = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    code: text_(inner.code) ?? text_(outer.typeKey) ?? text_(outer.code),
    message: text_(inner.message) ?? text_(outer.message),
  };
}

export function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
