/**
 * The error model every feature shares: what went wrong (a kind) and the way forward, worded for the
 * service it came from. Domain classifiers (azure.ts, github.ts, …) produce it; the platform shows it.
 */

/** The services and sources an error can come from; each has its own classifier and wording. */
export type ErrorSource = 'azure' | 'github' | 'azureDevOps' | 'fileSystem' | 'yaml' | 'http' | 'unknown';

export type ErrorKind =
  | 'cancelled'
  | 'signedOut'
  | 'settings'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'invalidInput'
  | 'throttled'
  | 'network'
  | 'server'
  | 'other';

/** The next step offered beside the message. */
export type WayForward = 'retry' | 'signIn' | 'openSettings' | 'none';

export interface ClassifiedError {
  kind: ErrorKind;
  source: ErrorSource;
  /** What happened and what to do, in plain words; may be several sentences. */
  message: string;
  action: WayForward;
  /** The setting to open, for `openSettings`. */
  setting?: string;
}

/** A failed call to a service, tagged with the service so it is worded for that service. */
export class ServiceError extends Error {
  readonly source: ErrorSource;
  readonly statusCode?: number;
  readonly code?: string;

  constructor(options: { source: ErrorSource; message: string; statusCode?: number; code?: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'ServiceError';
    this.source = options.source;
    this.statusCode = options.statusCode;
    this.code = options.code;
  }
}

/**
 * A setting holds a value that cannot work; the message names the setting to fix. Recognised by name
 * (isSettingsError), because the lazily loaded bundles carry their own copy of this class.
 */
export class SettingsError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

export function isSettingsError(error: unknown): error is SettingsError {
  return (error as { name?: unknown } | null)?.name === 'SettingsError';
}

/** The user backed out (dismissed a prompt, refused consent): not an error, nothing to show. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/**
 * Recognises cancellation however it was thrown: ours, VS Code's CancellationError (name "Canceled",
 * which loses its class when it crosses the extension host boundary), an AbortError, or VS Code's
 * authentication prompt refused by the user.
 */
export function isCancellation(error: unknown): boolean {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
  };
  if (name === 'Canceled' || name === 'CancelledError' || name === 'AbortError' || name === 'CancellationError')
    return true;
  return typeof message === 'string' && /^(Canceled|Cancelled|User did not consent to login\.?)$/i.test(message.trim());
}

export const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR',
]);

/** The fields error objects of HTTP clients (Azure SDK, Octokit, azure-devops-node-api, Node) carry. */
export interface ErrorFields {
  name?: string;
  message: string;
  code?: string;
  statusCode?: number;
  source?: ErrorSource;
}

export function fieldsOf(error: unknown): ErrorFields {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const raw = error as Record<string, unknown>;
  const status = raw.statusCode ?? raw.status;
  return {
    name: typeof raw.name === 'string' ? raw.name : undefined,
    message: typeof raw.message === 'string' && raw.message ? raw.message : String(error),
    code: typeof raw.code === 'string' ? raw.code : undefined,
    statusCode: typeof status === 'number' ? status : undefined,
    source: typeof raw.source === 'string' ? (raw.source as ErrorSource) : undefined,
  };
}

export function isNetworkFailure(fields: ErrorFields): boolean {
  return (
    (fields.code !== undefined && NETWORK_ERROR_CODES.has(fields.code)) ||
    /socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|network error|fetch failed/i.test(fields.message)
  );
}

export function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** The text as a sentence: ends with a full stop (or other end mark) exactly once. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
