import { classifyCommonHttp } from './http';
import { firstLine, type ClassifiedError, type ErrorFields } from './kinds';

/** GitHub's REST API (github.com or a GitHub Enterprise Server). */
export function classifyGitHubError(fields: ErrorFields): ClassifiedError {
  const source = 'github';
  const detail = firstLine(fields.message);
  switch (fields.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        source,
        message: 'GitHub did not accept the token (HTTP 401). Sign in to GitHub again or store a new token.',
        action: 'signIn',
      };
    case 403:
      // GitHub answers 403 both for a missing scope and for an exhausted rate limit.
      if (/rate limit/i.test(fields.message)) {
        return { kind: 'throttled', source, message: `GitHub's rate limit is used up: ${detail}`, action: 'retry' };
      }
      return {
        kind: 'forbidden',
        source,
        message: `GitHub denied access (HTTP 403): ${detail}. The token needs the repo and workflow scopes.`,
        action: 'none',
      };
    case 404:
      return {
        kind: 'notFound',
        source,
        message: `GitHub found no such repository or workflow, or the token cannot see it (HTTP 404): ${detail}`,
        action: 'none',
      };
    case 422:
      return {
        kind: 'invalidInput',
        source,
        message: `GitHub rejected the request (HTTP 422): ${detail}`,
        action: 'none',
      };
  }
  return classifyCommonHttp(fields, source, 'GitHub');
}
