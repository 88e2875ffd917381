/** RS256 access tokens signed with a key generated at start, so tokens die with the emulator. */
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';

export const ARM_AUDIENCE = 'https://management.azure.com';
const TOKEN_LIFETIME_SECONDS = 3600;

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  appid: string;
  appidacr: string;
  idp: string;
  oid: string;
  sub: string;
  tid: string;
  uti: string;
  ver: string;
}

export type VerifyResult =
  | { ok: true; claims: AccessTokenClaims }
  | { ok: false; code: 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken'; message: string };

export class TokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly keyId = randomUUID();

  constructor(private readonly tenantId: string) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.publicKey = createPublicKey(pair.privateKey);
  }

  /** ARM access tokens are v1 tokens: issuer is sts.windows.net, `appid` names the client. */
  get issuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  issue(
    clientId: string,
    objectId: string,
    lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  ): { token: string; expiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const claims: AccessTokenClaims = {
      aud: ARM_AUDIENCE,
      iss: this.issuer,
      iat: now,
      nbf: now - 300,
      exp: now + lifetimeSeconds,
      appid: clientId,
      appidacr: '1',
      idp: this.issuer,
      oid: objectId,
      sub: objectId,
      tid: this.tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.keyId, x5t: this.keyId };
    const signingInput = `${encodeSegment(header)}.${encodeSegment(claims)}`;
    const signature = sign('RSA-SHA256', Buffer.from(signingInput), this.privateKey).toString('base64url');
    return { token: `${signingInput}.${signature}`, expiresIn: lifetimeSeconds };
  }

  verify(token: string): VerifyResult {
    const invalid: VerifyResult = {
      ok: false,
      code: 'InvalidAuthenticationToken',
      message: 'The access token is invalid.',
    };
    const parts = token.split('.');
    if (parts.length !== 3) return invalid;
    const [headerPart, payloadPart, signaturePart] = parts;
    const signatureOk = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      this.publicKey,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signatureOk) return invalid;
    let claims: AccessTokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as AccessTokenClaims;
    } catch {
      return invalid;
    }
    if (claims.tid !== this.tenantId || claims.iss !== this.issuer) return invalid;
    if (claims.aud.replace(/\/$/, '') !== ARM_AUDIENCE) {
      return {
        ok: false,
        code: 'InvalidAuthenticationToken',
        message: `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.azure.com/'.`,
      };
    }
    const now = Math.floor(Date.now() / 1000);
    if (claims.exp <= now) {
      return {
        ok: false,
        code: 'ExpiredAuthenticationToken',
        message: `The access token expiry UTC time '${new Date(claims.exp * 1000).toUTCString()}' is earlier than current UTC time '${new Date().toUTCString()}'.`,
      };
    }
    return { ok: true, claims };
  }

  /** Public key as a JWK, served from the jwks_uri of the OpenID configuration. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return {
      keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, x5t: this.keyId, n: jwk.n, e: jwk.e, issuer: this.issuer }],
    };
  }
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
