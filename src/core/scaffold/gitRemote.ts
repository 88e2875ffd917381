/**
 * The repository a folder's `origin` remote points at, for the outer loop's settings: a GitHub owner and
 * repository, or an Azure DevOps organization and project. Read with `git remote get-url origin` (which
 * follows `insteadOf` rewrites and worktrees); without git, from the nearest `.git/config` above the folder.
 */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ScaffoldOptions } from './options';

export type RemoteRepository =
  | { provider: 'github'; owner: string; repo: string }
  | { provider: 'azure-devops'; organizationUrl: string; project: string; repo: string };

/** The origin of the repository holding `folder` (or its nearest existing parent); undefined when there is none we know. */
export async function originRepository(folder: string): Promise<RemoteRepository | undefined> {
  const existing = await nearestExisting(resolve(folder));
  if (!existing) return undefined;
  const url = (await gitOriginUrl(existing)) ?? (await configOriginUrl(existing));
  return url ? parseRemoteUrl(url) : undefined;
}

/**
 * GitHub (github.com, or an enterprise's `<name>.ghe.com`) and Azure DevOps remotes, in their https and
 * ssh forms. Other hosts are left alone: a GitHub Enterprise Server cannot be told from any other git server.
 */
export function parseRemoteUrl(url: string): RemoteRepository | undefined {
  const text = url.trim();
  let host: string;
  let path: string;
  if (text.includes('://')) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      return undefined;
    }
    host = parsed.hostname;
    path = parsed.pathname;
  } else {
    // scp-like ssh: git@github.com:owner/repo.git, git@ssh.dev.azure.com:v3/org/project/repo
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(.+)$/.exec(text);
    if (!scp) return undefined;
    [host, path] = [scp[1], scp[2]];
  }
  host = host.toLowerCase();
  const parts = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/')
    .map(decodePart);
  if (parts.some((part) => part === undefined || part === '')) return undefined;
  const segments = parts as string[];
  if (host === 'github.com' || host.endsWith('.ghe.com')) {
    if (segments.length !== 2) return undefined;
    return { provider: 'github', owner: segments[0], repo: segments[1] };
  }
  if (host === 'dev.azure.com' && segments.length === 4 && segments[2] === '_git') {
    return azureDevOps(`https://dev.azure.com/${segments[0]}`, segments[1], segments[3]);
  }
  if (host === 'ssh.dev.azure.com' && segments.length === 4 && segments[0] === 'v3') {
    return azureDevOps(`https://dev.azure.com/${segments[1]}`, segments[2], segments[3]);
  }
  const legacy = /^([^.]+)\.visualstudio\.com$/.exec(host);
  if (legacy) {
    // https://org.visualstudio.com/[DefaultCollection/]project/_git/repo
    const rest = segments[0] === 'DefaultCollection' ? segments.slice(1) : segments;
    if (rest.length === 3 && rest[1] === '_git') return azureDevOps(`https://${host}`, rest[0], rest[2]);
  }
  const legacySsh = /^vs-ssh\.visualstudio\.com$/.exec(host);
  if (legacySsh && segments.length === 4 && segments[0] === 'v3') {
    return azureDevOps(`https://${segments[1]}.visualstudio.com`, segments[2], segments[3]);
  }
  return undefined;
}

function azureDevOps(organizationUrl: string, project: string, repo: string): RemoteRepository {
  return { provider: 'azure-devops', organizationUrl, project, repo };
}

function decodePart(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

async function nearestExisting(folder: string): Promise<string | undefined> {
  for (let current = folder; ; current = dirname(current)) {
    if (await isDirectory(current)) return current;
    if (dirname(current) === current) return undefined;
  }
}

function gitOriginUrl(cwd: string): Promise<string | undefined> {
  return new Promise((resolveUrl) => {
    execFile('git', ['remote', 'get-url', 'origin'], { cwd, timeout: 15_000 }, (error, stdout) =>
      resolveUrl(error ? undefined : stdout.trim() || undefined),
    );
  });
}

/** The origin's url in the nearest `.git/config` above `folder` (git missing from the machine). */
async function configOriginUrl(folder: string): Promise<string | undefined> {
  for (let current = folder; ; current = dirname(current)) {
    const text = await readFile(join(current, '.git', 'config'), 'utf8').catch(() => undefined);
    if (text !== undefined) return originInConfig(text);
    if (dirname(current) === current) return undefined;
  }
}

export function originInConfig(config: string): string | undefined {
  let inOrigin = false;
  for (const line of config.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (section) {
      inOrigin = /^remote\s+"origin"$/.test(section[1]);
      continue;
    }
    const url = inOrigin ? /^\s*url\s*=\s*(.+?)\s*$/.exec(line) : null;
    if (url) return url[1].replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * What a new project in `folder` takes from its repository's origin: the GitHub owner and repository, or
 * the Azure DevOps organization and project, so its outer-loop settings need nothing filled in by hand.
 */
export async function optionsFromRemote(
  folder: string,
): Promise<Pick<Partial<ScaffoldOptions>, 'githubOwner' | 'githubRepo' | 'adoOrganizationUrl' | 'adoProject'>> {
  const remote = await originRepository(folder);
  if (remote?.provider === 'github') return { githubOwner: remote.owner, githubRepo: remote.repo };
  if (remote?.provider === 'azure-devops') {
    return { adoOrganizationUrl: remote.organizationUrl, adoProject: remote.project };
  }
  return {};
}
