import { CloudSettingsError } from './cloud';
import { CredentialSettingsError } from './credentials';

/** No account is signed in yet: views show their welcome content with a Sign In button. */
export class NotSignedInError extends Error {
  constructor() {
    super('You are not signed in to Azure. Run "Azure ML: Sign In".');
    this.name = 'NotSignedInError';
  }
}

/** What went wrong, in the terms a view needs to pick its message and its way forward. */
export type AzureErrorKind =
  'signedOut' | 'settings' | 'unauthorized' | 'forbidden' | 'notFound' | 'throttled' | 'network' | 'server' | 'other';

export interface ClassifiedError {
  kind: AzureErrorKind;
  /** One sentence for the user. */
  message: string;
  /** The next step offered next to the message. */
  action: 'signIn' | 'retry' | 'openSettings' | 'none';
}

interface RestLikeError {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'REQUEST_SEND_ERROR',
]);

/** Sorts any error from the Azure clients into a kind with a message that says what to do. */
export function classifyAzureError(error: unknown): ClassifiedError {
  if (error instanceof CloudSettingsError || error instanceof CredentialSettingsError) {
    return { kind: 'settings', message: error.message, action: 'openSettings' };
  }
  if (error instanceof NotSignedInError) {
    return { kind: 'signedOut', message: error.message, action: 'signIn' };
  }
  const rest = (typeof error === 'object' && error !== null ? error : {}) as RestLikeError;
  const detail = rest.message ?? String(error);
  if (rest.name === 'CredentialUnavailableError' || rest.name === 'AuthenticationError') {
    return { kind: 'unauthorized', message: `Sign-in failed: ${firstLine(detail)}`, action: 'signIn' };
  }
  switch (rest.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        message: 'Your Azure sign-in is no longer accepted. Sign in again.',
        action: 'signIn',
      };
    case 403:
      return { kind: 'forbidden', message: describeForbidden(detail), action: 'none' };
    case 404:
      return { kind: 'notFound', message: `Not found: ${firstLine(detail)}`, action: 'retry' };
    case 429:
      return {
        kind: 'throttled',
        message: 'Azure is throttling requests (HTTP 429) and retries ran out. Try again shortly.',
        action: 'retry',
      };
  }
  if (rest.statusCode !== undefined && rest.statusCode >= 500) {
    return {
      kind: 'server',
      message: `Azure answered with HTTP ${rest.statusCode}: ${firstLine(detail)}`,
      action: 'retry',
    };
  }
  if ((rest.code && networkCodes.has(rest.code)) || /socket hang up|network|ECONN|ETIMEDOUT|aborted/i.test(detail)) {
    return { kind: 'network', message: `Could not reach Azure: ${firstLine(detail)}`, action: 'retry' };
  }
  return { kind: 'other', message: firstLine(detail), action: 'retry' };
}

/** ARM's AuthorizationFailed message names the action and scope; say them plainly. */
function describeForbidden(detail: string): string {
  const action = /perform action '([^']+)'/.exec(detail)?.[1];
  const scope = /over scope '([^']+)'/.exec(detail)?.[1];
  if (action) {
    return `You lack the permission ${action}${scope ? ` on ${scope}` : ''}. Ask an owner for a role that grants it (for example Reader or AzureML Data Scientist).`;
  }
  return `Access denied (HTTP 403): ${firstLine(detail)}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}
