import { classifyCommonHttp } from './http';
import { firstLine, sentence, type ClassifiedError, type ErrorFields } from './kinds';

/** Azure DevOps Services or Server (pipelines, repositories), worded for Azure DevOps and its ways forward. */
export function classifyAzureDevOpsError(fields: ErrorFields): ClassifiedError {
  const source = 'azureDevOps';
  const detail = firstLine(fields.message);
  switch (fields.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        source,
        message:
          'Azure DevOps did not accept the personal access token (HTTP 401): it has expired, been revoked, or belongs to another organization. Store a new token.',
        action: 'signIn',
      };
    case 403:
      return {
        kind: 'forbidden',
        source,
        message: `Azure DevOps denied access (HTTP 403): ${sentence(detail)} The token needs the Build (read and execute) scope.`,
        action: 'none',
      };
    case 404:
      return {
        kind: 'notFound',
        source,
        message: `Azure DevOps found no such organization, project or pipeline (HTTP 404): ${sentence(detail)} Check them in Configure Outer Loop.`,
        action: 'none',
      };
    case 400:
      if (/unexpected parameter/i.test(detail)) {
        return {
          kind: 'invalidInput',
          source,
          message: `The pipeline does not declare the parameters the outer loop sends (HTTP 400: ${detail}). Add model_name and model_version under parameters: in its YAML.`,
          action: 'none',
        };
      }
      if (/resolve the reference/i.test(detail)) {
        return {
          kind: 'invalidInput',
          source,
          message: `The branch to run the pipeline on does not exist (HTTP 400: ${detail}). Fix the branch in Configure Outer Loop.`,
          action: 'none',
        };
      }
  }
  return classifyCommonHttp(fields, source, 'Azure DevOps');
}
