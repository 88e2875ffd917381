import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..');

describe('npm run package', function () {
  this.timeout(120_000);

  it('prints one line, the VSIX and its size, not the file list', () => {
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      result.stdout.trim().split('\n'),
      [result.stdout.trim().match(/^Packaged \S*azureml-inner-loop\.vsix \(\d+ KB\)$/)?.[0]],
      result.stdout,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /extension\/(dist|media|package\.json)/, 'no file listing');
  });
});
