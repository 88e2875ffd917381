import assert from 'node:assert/strict';
import { classifyError } from '../../../../src/core/errors/classify';
import { resolveGitHubToken, type GitHubTokenSources } from '../../../../src/core/outerLoop/gitHubToken';

/** Token sources that say what they hold and count how often the session was asked for. */
function sources(stored: string | undefined, session: string | undefined) {
  const asked = { session: 0 };
  const tokenSources: GitHubTokenSources = {
    stored: async () => stored,
    session: async () => {
      asked.session += 1;
      return session;
    },
  };
  return { tokenSources, asked };
}

describe("core/outerLoop/gitHubToken: the stored token, else VS Code's GitHub session", () => {
  it('sends the stored token without asking VS Code for its session', async () => {
    const { tokenSources, asked } = sources('ghp_stored', 'gho_session');
    assert.equal(await resolveGitHubToken({}, tokenSources), 'ghp_stored');
    assert.equal(asked.session, 0);
  });

  it("falls back to VS Code's GitHub session for github.com, given or implied", async () => {
    for (const baseUrl of [undefined, 'https://api.github.com']) {
      const { tokenSources, asked } = sources(undefined, 'gho_session');
      assert.equal(await resolveGitHubToken({ baseUrl }, tokenSources), 'gho_session');
      assert.equal(asked.session, 1);
    }
  });

  it('with neither, fails as signed out of GitHub, saying both ways to provide a token', async () => {
    const { tokenSources } = sources(undefined, undefined);
    const error = await resolveGitHubToken({}, tokenSources).then(
      () => assert.fail('resolved without a token'),
      (failure: unknown) => failure,
    );
    const classified = classifyError(error);
    assert.equal(classified.kind, 'signedOut');
    assert.equal(classified.source, 'github');
    assert.equal(classified.action, 'none', 'no Azure sign-in is offered');
    assert.match(classified.message, /Not signed in to GitHub/);
    assert.match(classified.message, /Sign in to GitHub .*"Azure ML: Set Outer Loop Token…"/);
  });

  it('never asks the github.com session for another GitHub host, and says a token must be stored for it', async () => {
    const { tokenSources, asked } = sources(undefined, 'gho_session');
    const baseUrl = 'https://github.example.com/api/v3';
    await assert.rejects(resolveGitHubToken({ baseUrl }, tokenSources), (error: unknown) => {
      const classified = classifyError(error);
      assert.equal(classified.kind, 'signedOut');
      assert.match(classified.message, /No GitHub token is stored for https:\/\/github\.example\.com\/api\/v3/);
      assert.match(classified.message, /Set Outer Loop Token/);
      return true;
    });
    assert.equal(asked.session, 0);
    const { tokenSources: withStored } = sources('ghp_enterprise', undefined);
    assert.equal(await resolveGitHubToken({ baseUrl }, withStored), 'ghp_enterprise');
  });
});
