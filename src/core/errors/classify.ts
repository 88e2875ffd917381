import { AZURE_CREDENTIAL_ERRORS, classifyAzureError, isNotSignedIn } from './azure';
import { classifyAzureDevOpsError } from './azureDevOps';
import { classifyFileSystemError, isFileSystemError } from './fileSystem';
import { classifyGitHubError } from './github';
import { classifyCommonHttp } from './http';
import { fieldsOf, firstLine, isCancellation, isSettingsError, type ClassifiedError, type ErrorFields } from './kinds';
import { classifyYamlError, isYamlError } from './yaml';

/**
 * Any error, sorted into a kind with a way forward, worded for the service it came from. Errors of
 * our own clients carry their source (ServiceError); errors without one are worded neutrally, so a
 * 401 from some other service is never mistaken for an Azure sign-in problem.
 */
export function classifyError(error: unknown): ClassifiedError {
  if (isCancellation(error)) return { kind: 'cancelled', source: 'unknown', message: 'Cancelled.', action: 'none' };
  if (isSettingsError(error)) {
    return {
      kind: 'settings',
      source: 'unknown',
      message: error.message,
      action: 'openSettings',
      setting: error.setting,
    };
  }
  if (isFileSystemError(error)) return classifyFileSystemError(error);
  if (isYamlError(error)) return classifyYamlError(error);
  const fields = fieldsOf(error);
  if (isNotSignedIn(error) || (fields.name && AZURE_CREDENTIAL_ERRORS.has(fields.name))) {
    return classifyAzureError(fields, error);
  }
  switch (fields.source) {
    case 'azure':
      return classifyAzureError(fields, error);
    case 'github':
      return classifyGitHubError(fields);
    case 'azureDevOps':
      return classifyAzureDevOpsError(fields);
  }
  return classifyUnknownSource(fields);
}

/** Neutral wording for an error whose service is not known: no sign-in to offer, no service to name. */
function classifyUnknownSource(fields: ErrorFields): ClassifiedError {
  const status = fields.statusCode;
  if (status === 401 || status === 403) {
    return {
      kind: status === 401 ? 'unauthorized' : 'forbidden',
      source: 'unknown',
      message: `The service refused the request (HTTP ${status}): ${firstLine(fields.message)}`,
      action: 'none',
    };
  }
  return classifyCommonHttp(fields, 'unknown', 'The service');
}
