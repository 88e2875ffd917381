import { firstLine, isNetworkFailure, type ClassifiedError, type ErrorFields } from './kinds';

/** Azure DevOps Services or Server (pipelines, repositories). */
export function classifyAzureDevOpsError(fields: ErrorFields): ClassifiedError {
  const source = 'azureDevOps';
  const detail = firstLine(fields.message);
  switch (fields.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        source,
        message: 'Azure DevOps did not accept the personal access token (HTTP 401). Store a new token.',
        action: 'signIn',
      };
    case 403:
      return {
        kind: 'forbidden',
        source,
        message: `Azure DevOps denied access (HTTP 403): ${detail}. The token needs the Build (read and execute) scope.`,
        action: 'none',
      };
    case 404:
      return {
        kind: 'notFound',
        source,
        message: `Azure DevOps found no such organization, project or pipeline (HTTP 404): ${detail}`,
        action: 'none',
      };
    case 429:
      return { kind: 'throttled', source, message: 'Azure DevOps is throttling requests (HTTP 429).', action: 'retry' };
  }
  if (fields.statusCode !== undefined && fields.statusCode >= 500) {
    return {
      kind: 'server',
      source,
      message: `Azure DevOps answered with HTTP ${fields.statusCode}: ${detail}`,
      action: 'retry',
    };
  }
  if (fields.statusCode !== undefined && fields.statusCode >= 400) {
    return {
      kind: 'invalidInput',
      source,
      message: `Azure DevOps rejected the request (HTTP ${fields.statusCode}): ${detail}`,
      action: 'none',
    };
  }
  if (isNetworkFailure(fields)) {
    return { kind: 'network', source, message: `Could not reach Azure DevOps: ${detail}`, action: 'retry' };
  }
  return { kind: 'other', source, message: detail, action: 'retry' };
}
