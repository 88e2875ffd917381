import assert from 'node:assert/strict';
import { describeTokenAccount } from '../../../src/core/azure/account';

const jwt = (claims: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

describe('core/azure: who a token belongs to', () => {
  it('names a user by sign-in name and a service principal by application id, with the tenant', () => {
    assert.equal(describeTokenAccount(jwt({ upn: 'ada@contoso.com', tid: 't1' })), 'ada@contoso.com (tenant t1)');
    assert.equal(describeTokenAccount(jwt({ appid: 'app-1', tid: 't1' })), 'service principal app-1 (tenant t1)');
  });

  it('says nothing for a token it cannot read', () => {
    assert.equal(describeTokenAccount('opaque-token'), undefined);
    assert.equal(describeTokenAccount('a.%%%.c'), undefined);
  });
});
