import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId, ContextKey, EXTENSION_ID, NodeContext, SettingSection } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import { scriptedInput } from '../support/scriptedInput';
import { asErrorNode, childNamed, contextOf, descriptionOf, eventually, labelOf } from './tree';

describe('platform: sign-in, prompts, settings and context keys', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });

  it('says who is signed in when Sign In runs while signed in', async () => {
    const result = await vscode.commands.executeCommand<{ account: string; alreadySignedIn: boolean }>(
      CommandId.signIn,
    );
    assert.equal(result.alreadySignedIn, true);
    assert.match(result.account, new RegExp(`^service principal ${process.env.AZURE_CLIENT_ID} \\(tenant `));
  });

  it('marks the active workspace in the workspace picker and switches to the one picked', async () => {
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    const input = scriptedInput([{ pick: 'mlw-nlp-dev' }]);
    const restore = api.platform.useUserInput(input);
    try {
      await vscode.commands.executeCommand(CommandId.pickActiveWorkspace);
    } finally {
      restore();
    }
    const [first, ...others] = input.prompts[0].items!;
    assert.equal(first.label, '$(pass-filled) mlw-vision-dev', 'the current workspace comes first, marked');
    assert.equal(first.picked, true);
    assert.match(first.description ?? '', /active$/);
    assert.ok(others.every((item) => !item.picked && !/active/.test(item.description ?? '')));
    assert.equal(api.auth.activeWorkspace.current?.name, 'mlw-nlp-dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
  });

  it('offers status groups without repeating a name, and filters by the ones picked', async () => {
    const input = scriptedInput([{ pickMany: ['Failed'] }]);
    const restore = api.platform.useUserInput(input);
    try {
      await vscode.commands.executeCommand(CommandId.filterJobsByStatus);
      const items = input.prompts[0].items!;
      for (const item of items) {
        assert.doesNotMatch(item.description ?? '', new RegExp(`\\b${item.label}\\b`), `"${item.label}" twice`);
      }
      assert.deepEqual(
        items.map((item) => [item.label, item.description]),
        [
          ['Active', 'NotStarted, Queued, Preparing, Provisioning, Starting, Running, Finalizing, CancelRequested'],
          ['Completed', undefined],
          ['Failed', 'also NotResponding'],
          ['Canceled', undefined],
        ],
      );
      assert.equal(api.platform.contextKeys.get(ContextKey.jobsFiltered), true);
    } finally {
      restore();
      await vscode.commands.executeCommand(CommandId.clearJobFilters);
    }
    assert.equal(api.platform.contextKeys.get(ContextKey.jobsFiltered), false);
  });

  it('offers "Open in Azure ML Studio" only where the cloud has a studio', async () => {
    const settings = vscode.workspace.getConfiguration(SettingSection);
    assert.equal(api.platform.contextKeys.get(ContextKey.studioAvailable), false, 'the emulator cloud has no studio');
    await settings.update('customCloud.studioUrl', 'https://studio.contoso.test', true);
    try {
      await eventually(
        () => api.platform.contextKeys.get(ContextKey.studioAvailable),
        (available) => available === true,
        5000,
      );
    } finally {
      await settings.update('customCloud.studioUrl', undefined, true);
    }
    await eventually(
      () => api.platform.contextKeys.get(ContextKey.studioAvailable),
      (available) => available === false,
      5000,
    );
  });

  it('names the setting to fix when a setting has the wrong type', async () => {
    const settings = vscode.workspace.getConfiguration(SettingSection);
    await settings.update('subscriptions', 'not-a-list', true);
    try {
      const error = asErrorNode((await api.explorer.workspacesTree.rootChildren())[0]);
      assert.equal(error.classified.kind, 'settings');
      assert.match(labelOf(error), /azureml\.subscriptions must be a list of strings/);
      assert.equal(contextOf(error), NodeContext.errorSettings);
      assert.deepEqual(error.getTreeItem().command?.arguments, ['azureml.subscriptions']);
    } finally {
      await settings.update('subscriptions', undefined, true);
    }
    assert.equal((await api.explorer.workspacesTree.rootChildren()).length, 2);
  });

  it('ticks a running job’s duration between polls', async () => {
    const settings = vscode.workspace.getConfiguration(SettingSection);
    // Polls far apart, so any change seen within a few seconds is the local clock.
    await settings.update('jobs.refreshIntervalSeconds', 60, true);
    try {
      // The NLP workspace's live job runs for an hour.
      const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
      await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-nlp-dev'));
      let running: { description: string } | undefined;
      for (const experiment of await api.explorer.jobsTree.rootChildren()) {
        for (const job of await api.explorer.jobsTree.getChildren(experiment)) {
          const item = api.explorer.jobsTree.getTreeItem(job);
          if (String(item.description).startsWith('Running')) running = { description: descriptionOf(job) };
          if (running) {
            const first = running.description;
            await eventually(
              () => descriptionOf(job),
              (text) => text !== first,
              5000,
            );
            assert.ok(api.explorer.jobsPoller.nextPollInMs > 10_000, 'no poll happened meanwhile');
            return;
          }
        }
      }
      assert.fail('the demo seed has a job running for an hour');
    } finally {
      await settings.update('jobs.refreshIntervalSeconds', undefined, true);
      const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
      await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    }
  });
});
