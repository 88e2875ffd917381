import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  optionsFromRemote,
  originInConfig,
  originRepository,
  parseRemoteUrl,
} from '../../../../src/core/scaffold/gitRemote';

describe("core/scaffold/gitRemote: the outer loop's repository from the folder's origin", () => {
  it('reads GitHub remotes in their https and ssh forms', () => {
    for (const url of [
      'https://github.com/contoso/taxi-fares.git',
      'https://github.com/contoso/taxi-fares',
      'https://someone@github.com/contoso/taxi-fares/',
      'git@github.com:contoso/taxi-fares.git',
      'ssh://git@github.com/contoso/taxi-fares.git',
      'ssh://git@github.com:22/contoso/taxi-fares',
    ]) {
      assert.deepEqual(parseRemoteUrl(url), { provider: 'github', owner: 'contoso', repo: 'taxi-fares' }, url);
    }
    assert.deepEqual(parseRemoteUrl('git@octocorp.ghe.com:data/models.git'), {
      provider: 'github',
      owner: 'data',
      repo: 'models',
    });
  });

  it('reads Azure DevOps remotes, new and legacy addresses, with the project name decoded', () => {
    const expected = {
      provider: 'azure-devops',
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'ML Ops',
      repo: 'fares',
    };
    for (const url of [
      'https://dev.azure.com/contoso/ML%20Ops/_git/fares',
      'https://contoso@dev.azure.com/contoso/ML%20Ops/_git/fares',
      'git@ssh.dev.azure.com:v3/contoso/ML%20Ops/fares',
    ]) {
      assert.deepEqual(parseRemoteUrl(url), expected, url);
    }
    const legacy = { ...expected, organizationUrl: 'https://contoso.visualstudio.com' };
    assert.deepEqual(parseRemoteUrl('https://contoso.visualstudio.com/ML%20Ops/_git/fares'), legacy);
    assert.deepEqual(parseRemoteUrl('https://contoso.visualstudio.com/DefaultCollection/ML%20Ops/_git/fares'), legacy);
    assert.deepEqual(parseRemoteUrl('contoso@vs-ssh.visualstudio.com:v3/contoso/ML%20Ops/fares'), legacy);
  });

  it('leaves alone what it cannot tell: other hosts, local paths, paths of another shape', () => {
    for (const url of [
      'https://gitlab.com/contoso/fares.git',
      'https://git.example.com/contoso/fares.git',
      '/srv/git/fares.git',
      'file:///srv/git/fares.git',
      'https://github.com/contoso',
      'https://github.com/contoso/fares/tree/main',
      'https://dev.azure.com/contoso/ML%20Ops/_build',
      'not a url',
    ]) {
      assert.equal(parseRemoteUrl(url), undefined, url);
    }
  });

  it("finds origin's url in a .git/config, whatever else it has", () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '[remote "upstream"]',
      '\turl = https://github.com/upstream/fares.git',
      '[remote "origin"]',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '\turl = git@github.com:contoso/fares.git',
      '[branch "main"]',
      '\tremote = origin',
    ].join('\n');
    assert.equal(originInConfig(config), 'git@github.com:contoso/fares.git');
    assert.equal(originInConfig('[core]\n\tbare = false\n'), undefined);
  });

  describe('in a real repository', () => {
    let root: string;
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'ignore' });
    beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'git-remote-'))));
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("reads the origin of the repository a new project's folder will be in, before that folder exists", async () => {
      git(root, 'init', '-q');
      git(root, 'remote', 'add', 'origin', 'https://github.com/contoso/fares.git');
      const project = join(root, 'projects', 'taxi');
      assert.deepEqual(await originRepository(project), { provider: 'github', owner: 'contoso', repo: 'fares' });
      assert.deepEqual(await optionsFromRemote(project), { githubOwner: 'contoso', githubRepo: 'fares' });
      git(root, 'remote', 'set-url', 'origin', 'https://dev.azure.com/contoso/ml/_git/fares');
      assert.deepEqual(await optionsFromRemote(project), {
        adoOrganizationUrl: 'https://dev.azure.com/contoso',
        adoProject: 'ml',
      });
    });

    it('gives nothing outside a repository, or for a repository without an origin', async () => {
      assert.deepEqual(await optionsFromRemote(join(root, 'new')), {});
      git(root, 'init', '-q');
      assert.equal(await originRepository(root), undefined);
    });

    it('reads .git/config when git cannot answer', async () => {
      // A .git folder git does not accept as a repository: only the file is there to read.
      mkdirSync(join(root, '.git'));
      writeFileSync(join(root, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:contoso/fares.git\n');
      assert.deepEqual(await originRepository(join(root, 'sub')), {
        provider: 'github',
        owner: 'contoso',
        repo: 'fares',
      });
    });
  });
});
