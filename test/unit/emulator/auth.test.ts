import assert from 'node:assert/strict';
import { ClientSecretCredential } from '@azure/identity';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { RestError } from '@azure/core-rest-pipeline';
import { collect, SDK_API_VERSION, startHarness, type Harness } from './harness';

describe('emulator: Entra ID and ARM authorization', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ seed: 'demo' });
  });
  after(async () => h?.stop());

  const workspacesUrl = (): string =>
    `${h.emulator.origin}/subscriptions/${h.emulator.connection.subscriptionIds[0]}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${SDK_API_VERSION}`;

  it('serves OpenID configuration for the tenant', async () => {
    const c = h.emulator.connection;
    const res = await fetch(`${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, string>;
    assert.equal(doc.token_endpoint, `${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token`);
    assert.ok(doc.jwks_uri.endsWith('/discovery/v2.0/keys'));
  });

  it('issues an RS256 JWT for ARM through ClientSecretCredential', async () => {
    const token = await h.credential.getToken('https://management.azure.com/.default');
    const [header, payload] = token.token
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    assert.equal(header.alg, 'RS256');
    assert.equal(payload.aud, 'https://management.azure.com');
    assert.equal(payload.tid, h.emulator.connection.tenantId);
    assert.equal(payload.appid, h.emulator.connection.clientId);
    assert.ok(typeof payload.oid === 'string');
    const lifetime = (payload.exp as number) - (payload.iat as number);
    assert.equal(lifetime, 3600);
    assert.ok(token.expiresOnTimestamp > Date.now() + 50 * 60_000);
  });

  it('rejects a wrong client secret with an AADSTS error (401)', async () => {
    const c = h.emulator.connection;
    const res = await fetch(`${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: c.clientId,
        client_secret: 'wrong',
        scope: 'https://management.azure.com/.default',
      }),
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: string; error_description: string; error_codes: number[] };
    assert.equal(body.error, 'invalid_client');
    assert.match(body.error_description, /^AADSTS7000215:/);
    assert.deepEqual(body.error_codes, [7000215]);

    const bad = new ClientSecretCredential(c.tenantId, c.clientId, 'wrong', {
      authorityHost: c.authorityHost,
      disableInstanceDiscovery: true,
    });
    await assert.rejects(bad.getToken('https://management.azure.com/.default'), /AADSTS7000215/);
  });

  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const res = await fetch(workspacesUrl());
    assert.equal(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer authorization_uri="[^"]+", error="invalid_token"/);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'AuthenticationFailed');
  });

  it('answers 401 for a forged or tampered token', async () => {
    const token = await h.token();
    const [header, payload] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, oid: 'someone-else' })).toString('base64url')}.${token.split('.')[2]}`;
    const res = await fetch(workspacesUrl(), { headers: { Authorization: `Bearer ${forged}` } });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'InvalidAuthenticationToken');
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('accepts a valid token', async () => {
    const res = await fetch(workspacesUrl(), { headers: { Authorization: `Bearer ${await h.token()}` } });
    assert.equal(res.status, 200);
  });

  it('answers 403 AuthorizationFailed to a principal without a role on the subscription', async () => {
    const c = h.emulator.connection;
    const client = new AzureMachineLearningWorkspaces(h.restrictedCredential, c.subscriptionIds[0], {
      endpoint: c.armEndpoint,
    });
    const error = (await collect(client.jobs.list('rg-ml-dev', 'mlw-vision-dev')).then(
      () => assert.fail('expected 403'),
      (e: unknown) => e,
    )) as RestError & { code?: string };
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'AuthorizationFailed');
    assert.match(
      error.message,
      new RegExp(
        `The client '${c.restrictedClientId}' with object id '[0-9a-f-]+' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/jobs/read' over scope '/subscriptions/${c.subscriptionIds[0]}/resourceGroups/rg-ml-dev/`,
      ),
    );
  });

  it('lists no subscriptions for the restricted principal and all seeded ones for the main principal', async () => {
    const c = h.emulator.connection;
    const list = async (token: string): Promise<Array<Record<string, string>>> => {
      const res = await fetch(`${c.armEndpoint}/subscriptions?api-version=2022-12-01`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { value: Array<Record<string, string>> }).value;
    };
    const main = await list(await h.token());
    assert.deepEqual(main.map((s) => s.subscriptionId).sort(), [...c.subscriptionIds].sort());
    for (const s of main) {
      assert.equal(s.id, `/subscriptions/${s.subscriptionId}`);
      assert.equal(s.state, 'Enabled');
      assert.equal(s.tenantId, c.tenantId);
      assert.ok(s.displayName.length > 0);
    }
    const restricted = await list(
      (await h.restrictedCredential.getToken('https://management.azure.com/.default')).token,
    );
    assert.deepEqual(restricted, []);
  });

  describe('PUT/DELETE /_emulator/access', () => {
    const access = (method: string, body?: unknown): Promise<Response> =>
      fetch(`${h.emulator.origin}/_emulator/access`, {
        method,
        body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
      });
    afterEach(async () => {
      await access('DELETE');
    });

    it('revokes the main principal on one subscription: still listed, its resources 403, until restored', async () => {
      const c = h.emulator.connection;
      const [revoked, other] = c.subscriptionIds;
      const token = await h.token();
      const get = (path: string) => fetch(`${c.armEndpoint}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      const workspacesOf = (subscriptionId: string) =>
        get(
          `/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${SDK_API_VERSION}`,
        );
      assert.equal((await workspacesOf(revoked)).status, 200);

      const put = await access('PUT', { subscriptionId: revoked.toUpperCase(), granted: false });
      assert.equal(put.status, 200);
      assert.deepEqual(await put.json(), { subscriptionId: revoked, granted: false });

      const listed = await get('/subscriptions?api-version=2022-12-01');
      const listedIds = ((await listed.json()) as { value: Array<{ subscriptionId: string }> }).value.map(
        (s) => s.subscriptionId,
      );
      assert.ok(listedIds.includes(revoked), 'a role removed below the subscription scope keeps it listed');
      assert.equal((await get(`/subscriptions/${revoked}?api-version=2022-12-01`)).status, 200);

      const forbidden = await workspacesOf(revoked);
      assert.equal(forbidden.status, 403);
      const error = ((await forbidden.json()) as { error: { code: string; message: string } }).error;
      assert.equal(error.code, 'AuthorizationFailed');
      assert.match(
        error.message,
        new RegExp(
          `^The client '${c.clientId}' with object id '[0-9a-f-]+' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/${revoked}/providers/Microsoft.MachineLearningServices/workspaces'`,
        ),
      );
      const sdkError = (await collect(h.client(revoked).jobs.list('rg-ml-dev', 'mlw-vision-dev')).then(
        () => assert.fail('expected 403'),
        (e: unknown) => e,
      )) as RestError & { code?: string };
      assert.equal(sdkError.statusCode, 403);
      assert.equal(sdkError.code, 'AuthorizationFailed');
      assert.equal((await workspacesOf(other)).status, 200, 'other subscriptions are untouched');

      assert.equal((await access('PUT', { subscriptionId: revoked, granted: true })).status, 200);
      assert.equal((await workspacesOf(revoked)).status, 200);

      assert.equal((await access('PUT', { subscriptionId: revoked, granted: false })).status, 200);
      assert.equal((await workspacesOf(revoked)).status, 403);
      assert.equal((await access('DELETE')).status, 204);
      assert.equal((await workspacesOf(revoked)).status, 200);
    });

    it('answers 400 to a bad body or a subscription the seed does not have, 405 to other methods', async () => {
      const subscriptionId = h.emulator.connection.subscriptionIds[0];
      for (const body of [
        'not json',
        { subscriptionId },
        { subscriptionId, granted: 'no' },
        { subscriptionId: 42, granted: false },
        { subscriptionId: '00000000-0000-0000-0000-000000000000', granted: false },
      ]) {
        const res = await access('PUT', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'BadRequest');
      }
      assert.equal((await access('GET')).status, 405);
      const res = await fetch(
        `${h.emulator.origin}/subscriptions/${subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=${SDK_API_VERSION}`,
        { headers: { Authorization: `Bearer ${await h.token()}` } },
      );
      assert.equal(res.status, 200, 'a rejected request changes nothing');
    });
  });

  it('rejects a request without api-version like ARM', async () => {
    const res = await fetch(workspacesUrl().replace(/\?api-version=.*$/, ''), {
      headers: { Authorization: `Bearer ${await h.token()}` },
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'MissingApiVersionParameter');
  });

  it('rejects an unknown api-version and accepts newer real ones', async () => {
    const auth = { headers: { Authorization: `Bearer ${await h.token()}` } };
    const bad = await fetch(workspacesUrl().replace(SDK_API_VERSION, '2001-01-01'), auth);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'NoRegisteredProviderFound');
    const newer = await fetch(workspacesUrl().replace(SDK_API_VERSION, '2025-09-01'), auth);
    assert.equal(newer.status, 200);
  });

  it('answers unknown routes with a 404 in ARM error shape', async () => {
    const c = h.emulator.connection;
    const res = await fetch(
      `${c.armEndpoint}/subscriptions/${c.subscriptionIds[0]}/resourceGroups/rg-ml-dev/providers/Microsoft.MachineLearningServices/workspaces/mlw-vision-dev/nonsense?api-version=${SDK_API_VERSION}`,
      { headers: { Authorization: `Bearer ${await h.token()}` } },
    );
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.ok(body.error.code && body.error.message);
  });
});
