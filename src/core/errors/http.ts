import { firstLine, isNetworkFailure, type ClassifiedError, type ErrorFields, type ErrorSource } from './kinds';

/**
 * What every HTTP service has in common, worded with the service's name: throttling, server errors,
 * a refused request, a network failure. Each service's classifier handles its own statuses first.
 */
export function classifyCommonHttp(fields: ErrorFields, source: ErrorSource, serviceName: string): ClassifiedError {
  const detail = firstLine(fields.message);
  const status = fields.statusCode;
  if (status === 429) {
    return {
      kind: 'throttled',
      source,
      message: `${serviceName} is throttling requests (HTTP 429) and retries ran out. Try again shortly.`,
      action: 'retry',
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: 'server',
      source,
      message: `${serviceName} answered with HTTP ${status}: ${detail}`,
      action: 'retry',
    };
  }
  if (status !== undefined && status >= 400) {
    return {
      kind: 'invalidInput',
      source,
      message: `${serviceName} refused the request (HTTP ${status}): ${detail}`,
      action: 'none',
    };
  }
  if (isNetworkFailure(fields)) {
    return { kind: 'network', source, message: `Could not reach ${serviceName}: ${detail}`, action: 'retry' };
  }
  return { kind: 'other', source, message: detail, action: source === 'unknown' ? 'none' : 'retry' };
}
