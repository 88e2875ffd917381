/**
 * Who a token was issued to, in words: a user's sign-in name, or a service principal's application
 * id. Read from the token's claims (a JWT's middle part); nothing is verified, it is only shown.
 */
export function describeTokenAccount(accessToken: string): string | undefined {
  const claims = readClaims(accessToken);
  if (!claims) return undefined;
  const text = (key: string) => (typeof claims[key] === 'string' && claims[key] ? (claims[key] as string) : undefined);
  const user = text('upn') ?? text('preferred_username') ?? text('unique_name') ?? text('email');
  const tenant = text('tid');
  if (user) return tenant ? `${user} (tenant ${tenant})` : user;
  const app = text('appid') ?? text('azp');
  if (app) return `service principal ${app}${tenant ? ` (tenant ${tenant})` : ''}`;
  return undefined;
}

function readClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
