/**
 * Which token the GitHub client sends: one the user stored for the outer loop wins (it was chosen on
 * purpose, and it is the only way to reach a GitHub Enterprise Server), else VS Code's own GitHub
 * sign-in, looked up without prompting. With neither, the error says both ways to provide one; the
 * prompt to sign in is the user's to start (the failure's Sign In to GitHub button), never a trigger's.
 */
import { NO_GITHUB_TOKEN } from '../errors/github';
import { ServiceError } from '../errors/kinds';
import type { GitHubCiSettings } from './ciSettings';

export interface GitHubTokenSources {
  /** The token kept in SecretStorage by Set Outer Loop Token, if any. */
  stored(): Promise<string | undefined>;
  /** VS Code's GitHub session, asked for silently; undefined when there is none or no provider answers. */
  session(): Promise<string | undefined>;
}

export async function resolveGitHubToken(
  settings: Pick<GitHubCiSettings, 'baseUrl'>,
  sources: GitHubTokenSources,
): Promise<string> {
  const stored = await sources.stored();
  if (stored) return stored;
  if (settings.baseUrl && !isGitHubDotCom(settings.baseUrl)) {
    throw new ServiceError({
      source: 'github',
      code: NO_GITHUB_TOKEN,
      message: `No GitHub token is stored for ${settings.baseUrl}: VS Code's GitHub sign-in is for github.com only. Run "Azure ML: Set Outer Loop Token…" with a token that can run the workflow.`,
    });
  }
  const session = await sources.session();
  if (session) return session;
  throw new ServiceError({
    source: 'github',
    code: NO_GITHUB_TOKEN,
    message:
      'Not signed in to GitHub: VS Code has no GitHub session and no token is stored. Sign in to GitHub (the Accounts menu, or Sign In to GitHub here), or run "Azure ML: Set Outer Loop Token…".',
  });
}

function isGitHubDotCom(baseUrl: string): boolean {
  return new URL(baseUrl).hostname === 'api.github.com';
}
