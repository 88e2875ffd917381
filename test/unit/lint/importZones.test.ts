import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: repoRoot });

/** The import-zone messages lint gives `source` as if it were the file at `path`. */
async function zoneErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(repoRoot, path) });
  return result.messages
    .filter((message) => message.ruleId === '@typescript-eslint/no-restricted-imports')
    .map((message) => message.message);
}

describe('lint enforces the import zones', function () {
  this.timeout(60_000);

  it('keeps core free of vscode, the platform and every feature', async () => {
    assert.equal((await zoneErrors('src/core/azure/probe.ts', "import * as vscode from 'vscode';")).length, 1);
    assert.equal((await zoneErrors('src/core/probe.ts', "import { x } from '../platform/log';")).length, 1);
    assert.equal(
      (await zoneErrors('src/core/azure/probe.ts', "import { x } from '../../explorer/register';")).length,
      1,
    );
    assert.deepEqual(await zoneErrors('src/core/azure/probe.ts', "import { x } from '../errors/kinds';"), []);
  });

  it("keeps a feature out of another feature's folder, and lets it use core, platform and auth", async () => {
    assert.equal(
      (await zoneErrors('src/explorer/jobs/probe.ts', "import { x } from '../../labeling/store';")).length,
      1,
    );
    assert.equal((await zoneErrors('src/jobs/probe.ts', "import { x } from '../explorer/register';")).length, 1);
    const allowed = [
      "import { a } from '../../core/paging';",
      "import { b } from '../../platform/userInput';",
      "import { c } from '../../auth/azureSession';",
      "import { d } from '../tree/treeNode';",
    ].join('\n');
    assert.deepEqual(await zoneErrors('src/explorer/jobs/probe.ts', allowed), []);
  });

  it('keeps webview front ends to their contract: no vscode, no Node', async () => {
    const app = 'src/webviews/jobDetails/app/probe.ts';
    assert.equal((await zoneErrors(app, "import { readFile } from 'node:fs';")).length, 1);
    assert.equal((await zoneErrors(app, "import { readFile } from 'fs';")).length, 1);
    assert.equal((await zoneErrors(app, "import * as vscode from 'vscode';")).length, 1);
    assert.equal((await zoneErrors(app, "import { x } from '../../../core/paging';")).length, 1);
    assert.deepEqual(await zoneErrors(app, "import type { ToWebview } from '../contract';"), []);
    const contract = 'src/webviews/jobDetails/contract.ts';
    assert.equal((await zoneErrors(contract, "import { join } from 'node:path';")).length, 1);
    assert.equal((await zoneErrors(contract, "import type { Page } from '../../core/paging';")).length, 1);
    assert.deepEqual(await zoneErrors(contract, "import type { MessageMap } from '../messaging';"), []);
    assert.equal((await zoneErrors('src/webviews/app/probe.ts', "import * as vscode from 'vscode';")).length, 1);
  });

  it('keeps the CLI to core', async () => {
    assert.equal((await zoneErrors('src/cli/probe.ts', "import { x } from '../platform/settings';")).length, 1);
    assert.deepEqual(await zoneErrors('src/cli/probe.ts', "import { x } from '../core/paging';"), []);
  });

  it('imports Azure SDK, yaml and .lazy values only where they are bundles of their own; types anywhere', async () => {
    assert.equal(
      (
        await zoneErrors(
          'src/explorer/probe.ts',
          "import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';",
        )
      ).length,
      1,
    );
    assert.equal((await zoneErrors('src/core/azure/probe.ts', "import { stringify } from 'yaml';")).length, 1);
    assert.deepEqual(
      await zoneErrors('src/core/azure/probe.ts', "import type * as ml from '@azure/arm-machinelearning';"),
      [],
    );
    assert.equal(
      (await zoneErrors('src/explorer/probe.ts', "import { showDetails } from './actions.lazy';")).length,
      1,
    );
    assert.deepEqual(await zoneErrors('src/explorer/probe.ts', "type A = typeof import('./actions.lazy');"), []);
  });

  it('imports Octokit values only in its lazy bundle entry; types anywhere', async () => {
    assert.equal(
      (await zoneErrors('src/core/outerLoop/probe.ts', "import { Octokit } from '@octokit/rest';")).length,
      1,
    );
    assert.deepEqual(
      await zoneErrors('src/core/outerLoop/probe.ts', "import type { Octokit } from '@octokit/rest';"),
      [],
    );
    assert.deepEqual(await zoneErrors('src/core/lazy/octokit.ts', "export { Octokit } from '@octokit/rest';"), []);
  });

  it('imports azure-devops-node-api values only in its lazy bundle entry; types anywhere', async () => {
    for (const source of [
      "import { WebApi } from 'azure-devops-node-api';",
      "import { WebApi } from 'azure-devops-node-api/WebApi';",
      "import { RunState } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';",
    ]) {
      assert.equal((await zoneErrors('src/core/outerLoop/probe.ts', source)).length, 1, source);
    }
    assert.deepEqual(
      await zoneErrors(
        'src/core/outerLoop/probe.ts',
        "import type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';",
      ),
      [],
    );
    assert.deepEqual(
      await zoneErrors('src/core/lazy/azureDevOpsApi.ts', "export { WebApi } from 'azure-devops-node-api/WebApi';"),
      [],
    );
  });

  it('keeps the emulator and the CI doubles from importing the code they double', async () => {
    assert.equal(
      (await zoneErrors('test/emulator/runtime/probe.ts', "import { x } from '../../../src/core/azure/resourceIds';"))
        .length,
      1,
    );
    assert.equal(
      (await zoneErrors('test/doubles/github/probe.ts', "import { x } from '../../../src/core/outerLoop/github';"))
        .length,
      1,
    );
  });
});
