import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID, ViewContainerId, ViewId } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import { eventually } from './tree';

interface Manifest {
  contributes: {
    commands: { command: string; category: string }[];
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string }[];
  };
}

describe('extension activation', () => {
  const extension = () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in the host`);
    return found;
  };

  it('activates and returns its API', async () => {
    const api = await extension().activate();
    assert.equal(extension().isActive, true);
    assert.equal(api.platform.log.name, 'Azure ML');
  });

  it('keeps the activation bundle compiled in its global storage, for the next start to load', async () => {
    const api = (await extension().activate()) as ExtensionApi;
    const cacheFolder = join(api.platform.globalStorage.fsPath, 'code-cache');
    const cacheFiles = () => {
      try {
        return readdirSync(cacheFolder);
      } catch {
        return [];
      }
    };
    // Written some seconds after activation, once the first views have drawn.
    const files = await eventually(cacheFiles, (names) => names.length > 0);
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^activation\.js\.[0-9a-f]{16}\.code-cache$/);
  });

  it('registers every command it contributes, all in the Azure ML category', async () => {
    await extension().activate();
    const manifest = extension().packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(CommandId).sort());
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'Azure ML'));
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of contributed) {
      assert.ok(registered.has(command), `${command} is contributed but not registered`);
    }
  });

  it('contributes the four views, each with a welcome text, and they can be focused', async () => {
    const manifest = extension().packageJSON as Manifest;
    const views = manifest.contributes.views[ViewContainerId].map((v) => `${v.id}:${v.name}`);
    assert.deepEqual(views, [
      `${ViewId.workspaces}:Workspaces`,
      `${ViewId.data}:Data`,
      `${ViewId.jobs}:Jobs`,
      `${ViewId.models}:Models`,
    ]);
    const welcomed = new Set(manifest.contributes.viewsWelcome.map((w) => w.view));
    for (const viewId of Object.values(ViewId)) {
      assert.ok(welcomed.has(viewId), `${viewId} has no welcome content`);
      // VS Code registers `<view>.focus` only for views it created; executing it opens the container.
      await vscode.commands.executeCommand(`${viewId}.focus`);
    }
  });
});
