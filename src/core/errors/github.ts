import { classifyCommonHttp } from './http';
import { firstLine, sentence, type ClassifiedError, type ErrorFields } from './kinds';

/** The code of a GitHub error raised before any request: there was no token to send. */
export const NO_GITHUB_TOKEN = 'NoGitHubToken';

/** GitHub's REST API (github.com or a GitHub Enterprise Server), worded for GitHub and its ways forward. */
export function classifyGitHubError(fields: ErrorFields): ClassifiedError {
  const source = 'github';
  const detail = firstLine(fields.message);
  // No token to send: GitHub was never asked, so this is about signing in to GitHub, never to Azure.
  if (fields.code === NO_GITHUB_TOKEN) return { kind: 'signedOut', source, message: fields.message, action: 'none' };
  switch (fields.statusCode) {
    case 401:
      return {
        kind: 'unauthorized',
        source,
        message:
          'GitHub rejected the token (HTTP 401): it has expired or been revoked. Sign in to GitHub again or store a new token.',
        action: 'signIn',
      };
    case 403:
      // GitHub answers 403 both for an exhausted rate limit and for a token without the permission.
      if (fields.code === 'RateLimited' || /rate limit/i.test(fields.message)) {
        return {
          kind: 'throttled',
          source,
          message: `GitHub's rate limit is used up (${detail}). Try again when it resets, within the hour.`,
          action: 'retry',
        };
      }
      return {
        kind: 'forbidden',
        source,
        message: `GitHub refused the request (HTTP 403): ${sentence(detail)} The token needs to run workflows: the repo and workflow scopes (classic), or Actions read and write on the repository (fine-grained).`,
        action: 'none',
      };
    case 404:
      return {
        kind: 'notFound',
        source,
        message: `GitHub found no such workflow, or the token cannot see the repository (HTTP 404: ${detail}). Check the owner, repository and workflow file in Configure Outer Loop, and that the token has access to the repository.`,
        action: 'none',
      };
    case 422:
      return { kind: 'invalidInput', source, message: describeUnprocessable(detail), action: 'none' };
  }
  return classifyCommonHttp(fields, source, 'GitHub');
}

/** GitHub's 422 says which part of a dispatch it could not accept; say what to change. */
function describeUnprocessable(detail: string): string {
  if (/does not have 'workflow_dispatch' trigger/i.test(detail)) {
    return 'The workflow has no workflow_dispatch trigger (HTTP 422). Add `on: workflow_dispatch` with the inputs model_name and model_version to it, or choose repository_dispatch in Configure Outer Loop.';
  }
  if (/unexpected inputs/i.test(detail)) {
    return `The workflow does not accept the inputs sent (HTTP 422: ${detail}). Declare model_name and model_version under on.workflow_dispatch.inputs.`;
  }
  if (/required input/i.test(detail)) {
    return `The workflow requires an input the outer loop does not send (HTTP 422: ${detail}). Give it a default, or make it optional.`;
  }
  if (/no ref found/i.test(detail)) {
    return `The branch or tag to run the workflow on does not exist (HTTP 422: ${detail}). Fix the ref in Configure Outer Loop.`;
  }
  return `GitHub did not accept the request (HTTP 422): ${detail}`;
}
