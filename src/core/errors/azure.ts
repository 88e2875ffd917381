import { classifyCommonHttp } from './http';
import { firstLine, type ClassifiedError, type ErrorFields } from './kinds';

/** No Azure account is signed in yet: views show their welcome content with a Sign In button. Recognised by name. */
export class NotSignedInError extends Error {
  readonly source = 'azure';
  constructor() {
    super('You are not signed in to Azure. Run "Azure ML: Sign In".');
    this.name = 'NotSignedInError';
  }
}

/** Names @azure/identity gives its sign-in failures. */
export function isNotSignedIn(error: unknown): error is NotSignedInError {
  return (error as { name?: unknown } | null)?.name === 'NotSignedInError';
}

export const AZURE_CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

/** Azure Resource Manager and the Azure ML data plane (run history, MLflow, storage). */
export function classifyAzureError(fields: ErrorFields, error: unknown): ClassifiedError {
  const source = 'azure';
  if (isNotSignedIn(error)) {
    return { kind: 'signedOut', source, message: error.message, action: 'signIn' };
  }
  if (fields.name && AZURE_CREDENTIAL_ERRORS.has(fields.name)) {
    return {
      kind: 'unauthorized',
      source,
      message: `Azure sign-in failed: ${firstLine(fields.message)}`,
      action: 'signIn',
    };
  }
  switch (fields.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        source,
        message: 'Azure no longer accepts your sign-in (HTTP 401).',
        action: 'signIn',
      };
    case 403:
      return { kind: 'forbidden', source, message: describeForbidden(fields.message), action: 'none' };
    case 404:
      return { kind: 'notFound', source, message: `Not found in Azure: ${firstLine(fields.message)}`, action: 'retry' };
  }
  return classifyCommonHttp(fields, source, 'Azure');
}

/** ARM's AuthorizationFailed message names the action and scope; say them plainly. */
function describeForbidden(detail: string): string {
  const action = /perform action '([^']+)'/.exec(detail)?.[1];
  const scope = /over scope '([^']+)'/.exec(detail)?.[1];
  if (action) {
    return `You lack the permission ${action}${scope ? ` on ${scope}` : ''}. Ask an owner for a role that grants it (for example Reader or AzureML Data Scientist).`;
  }
  return `Azure denied access (HTTP 403): ${firstLine(detail)}`;
}
