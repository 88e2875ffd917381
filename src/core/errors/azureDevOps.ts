import { classifyCommonHttp } from './http';
import { firstLine, type ClassifiedError, type ErrorFields } from './kinds';

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
  }
  return classifyCommonHttp(fields, source, 'Azure DevOps');
}
