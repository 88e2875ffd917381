/** ARM's two gates: a valid bearer token (401) and a role on the subscription (403). */
import { ArmError } from '../http';
import type { Principal } from '../principals';
import type { ArmContext } from './context';

export function authenticate(ctx: ArmContext, authorization: string | undefined): Principal {
  // ARM's challenge names the authority that issues its tokens.
  const challenge = (description: string): Record<string, string> => ({
    'WWW-Authenticate': `Bearer authorization_uri="${ctx.origin}/${ctx.directory.tenantId}", error="invalid_token", error_description="${description}"`,
  });
  if (!authorization) {
    throw new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      challenge("The authentication failed because of missing 'Authorization' header."),
    );
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) {
    throw new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      challenge("The authentication failed because of invalid 'Authorization' header."),
    );
  }
  const result = ctx.issuer.verify(match[1]);
  if (!result.ok) {
    throw new ArmError(
      401,
      result.code,
      result.message,
      challenge(
        result.code === 'ExpiredAuthenticationToken'
          ? 'The access token expiry UTC time is earlier than current UTC time.'
          : 'The access token is invalid.',
      ),
    );
  }
  const principal = ctx.directory.byObjectId(result.claims.oid);
  if (!principal)
    throw new ArmError(
      401,
      'InvalidAuthenticationToken',
      'The access token is invalid.',
      challenge('The access token is invalid.'),
    );
  return principal;
}

/**
 * 404 for a subscription that does not exist, 403 for one the principal holds no role on, and 403 below
 * the subscription itself where its role was removed there (`deniedSubscriptions`).
 */
export function authorize(
  ctx: ArmContext,
  principal: Principal,
  subscriptionId: string,
  action: string,
  scope: string,
): void {
  const key = subscriptionId.toLowerCase();
  const known = ctx.subscriptions.some((s) => s.subscriptionId.toLowerCase() === key);
  const belowSubscription = scope.toLowerCase() !== `/subscriptions/${key}`;
  const denied = belowSubscription && principal.deniedSubscriptions.has(key);
  if (!principal.subscriptions.has(key) || denied) {
    if (!known)
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    throw new ArmError(
      403,
      'AuthorizationFailed',
      `The client '${principal.clientId}' with object id '${principal.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (!known)
    throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}
