/**
 * The commit and branch a candidate was registered from, and whether the working tree had changes that
 * commit does not hold. Read with the `git` command, which knows packed refs, worktrees and submodules.
 */
import { execFile } from 'node:child_process';

export interface GitState {
  commit: string;
  /** Undefined on a detached HEAD. */
  branch?: string;
  uncommittedChanges: boolean;
}

/** The state of the repository holding `folder`; undefined when it is not in one, has no commit yet, or git is missing. */
export async function readGitState(folder: string): Promise<GitState | undefined> {
  const commit = await git(folder, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (!commit) return undefined;
  const branch = await git(folder, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  // Untracked files count too: a new script the job ran is not in the commit either.
  const status = await git(folder, ['status', '--porcelain']);
  return { commit, ...(branch ? { branch } : {}), uncommittedChanges: (status ?? '') !== '' };
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 15_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim());
    });
  });
}
