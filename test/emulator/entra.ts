/**
 * The slice of Entra ID (login.microsoftonline.com) that MSAL's client-credentials flow uses:
 * OpenID discovery, signing keys and the v2.0 token endpoint.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { RouteHandler } from './contracts';
import type { Directory } from './principals';
import { ARM_AUDIENCE, type TokenIssuer } from './tokens';
import { sendJson } from './http';

export function createEntraHandler(directory: Directory, issuer: TokenIssuer, origin: () => string): RouteHandler {
  const acceptedScopes = (): Set<string> =>
    new Set([
      `${ARM_AUDIENCE}/.default`,
      `${ARM_AUDIENCE}//.default`,
      'https://management.core.windows.net//.default',
      'https://management.core.windows.net/.default',
      // The SDK asks for `${endpoint}/.default` when pointed at another endpoint, as for sovereign clouds.
      `${origin()}/.default`,
      `${origin()}//.default`,
    ]);

  return async (req, res, url, body) => {
    const match =
      /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/token)$/.exec(
        url.pathname,
      );
    if (!match) return false;
    const [, tenant, route] = match;
    if (tenant.toLowerCase() !== directory.tenantId.toLowerCase()) {
      sendAadError(
        res,
        400,
        'invalid_tenant',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
      return true;
    }
    const authority = `${origin()}/${directory.tenantId}`;
    if (route.startsWith('v2.0') && req.method === 'GET') {
      sendJson(res, 200, {
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${authority}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${authority}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${origin()}/oidc/userinfo`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'oid', 'tid', 'ver'],
        tenant_region_scope: 'WW',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      });
      return true;
    }
    if (route.startsWith('discovery') && req.method === 'GET') {
      sendJson(res, 200, issuer.jwks());
      return true;
    }
    if (route.startsWith('oauth2') && req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      const basic = parseBasicAuth(req.headers.authorization);
      const clientId = form.get('client_id') ?? basic?.user ?? '';
      const secret = form.get('client_secret') ?? basic?.password ?? '';
      const grantType = form.get('grant_type');
      if (grantType !== 'client_credentials') {
        sendAadError(
          res,
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grantType ?? ''}'.`,
        );
        return true;
      }
      const principal = directory.byClientId(clientId);
      if (!principal) {
        sendAadError(
          res,
          400,
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${directory.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
        );
        return true;
      }
      if (secret !== principal.secret) {
        sendAadError(
          res,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
        return true;
      }
      const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s.length > 0);
      const accepted = acceptedScopes();
      const resourceScopes = scopes.filter((s) => !['openid', 'profile', 'offline_access'].includes(s));
      if (resourceScopes.length !== 1 || !accepted.has(resourceScopes[0])) {
        sendAadError(
          res,
          400,
          'invalid_resource',
          500011,
          `The resource principal named ${resourceScopes.join(' ') || '(none)'} was not found in the tenant named ${directory.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
        );
        return true;
      }
      const { token, expiresIn } = issuer.issue(principal.clientId, principal.objectId);
      sendJson(res, 200, {
        token_type: 'Bearer',
        expires_in: expiresIn,
        ext_expires_in: expiresIn,
        access_token: token,
      });
      return true;
    }
    return false;
  };
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decodeURIComponent(decoded.slice(0, colon)), password: decodeURIComponent(decoded.slice(colon + 1)) };
}

/** AADSTS error shape as returned by login.microsoftonline.com. */
function sendAadError(res: ServerResponse, status: number, error: string, code: number, description: string): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  sendJson(res, status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}
