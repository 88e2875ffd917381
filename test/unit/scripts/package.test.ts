import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

describe('npm run package', function () {
  this.timeout(120_000);
  let result: SpawnSyncReturns<string>;

  before(() => {
    result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
  });

  it('prints one line, the VSIX and its size, not the file list', () => {
    assert.deepEqual(
      result.stdout.trim().split('\n'),
      [result.stdout.trim().match(/^Packaged \S*azureml-inner-loop\.vsix \(\d+ KB\)$/)?.[0]],
      result.stdout,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /extension\/(dist|media|package\.json)/, 'no file listing');
  });

  it('keeps the Azure SDK, Octokit, the Azure DevOps client, the Azure clients, yaml and command bodies out of what activation loads', () => {
    const read = (name: string) => readFileSync(join(repoRoot, 'dist', name), 'utf8');
    // Activation loads the entry and the bundle the entry compiles.
    const extension = read('extension.js') + read('activation.js');
    // Text that only the libraries themselves carry.
    assert.match(read('yaml.js'), /Nested mappings are not allowed/);
    assert.doesNotMatch(extension, /Nested mappings are not allowed/);
    assert.match(read('azure-sdk.js'), /AzureMachineLearningWorkspaces/);
    assert.match(read('azure-clients.js'), /history\/v1\.0/);
    assert.doesNotMatch(extension, /AzureMachineLearningWorkspaces|history\/v1\.0/);
    // What commands do once invoked (copying, prompts, the sign-in flow) loads with the first of them.
    assert.match(read('explorer-actions.js'), /Copied /);
    assert.match(read('quick-input.js'), /createQuickPick/);
    assert.match(read('sign-in.js'), /Signing in to Azure/);
    assert.doesNotMatch(extension, /Copied |createQuickPick|Signing in to Azure/);
    // GitHub's client loads with the outer loop's first trigger.
    assert.match(read('octokit.js'), /octokit-rest\.js/);
    assert.doesNotMatch(extension, /octokit-rest\.js/);
    // So does Azure DevOps' client, which the outer loop's bundle requires rather than carrying a copy of.
    assert.match(read('azure-devops-api.js'), /azure-devops-node-api/);
    assert.doesNotMatch(extension, /azure-devops-node-api/);
    assert.doesNotMatch(read('candidate.js'), /azure-devops-node-api/);
    assert.match(read('candidate.js'), /require\("\.\/azure-devops-api\.js"\)/);
  });
});
