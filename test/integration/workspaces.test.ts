import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID, NodeContext } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/explorer/tree/treeNode';
import { emulator } from './emulator';
import { asErrorNode, contextOf, descriptionOf, labelOf } from './tree';

describe('Workspaces view against the emulator', () => {
  let api: ExtensionApi;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  });

  afterEach(async () => {
    await emulator.clearFaults();
    await emulator.setPageSize(100);
    // Each test starts from an empty tree; a refresh would keep what earlier tests loaded.
    api.explorer.workspacesTree.rebuild();
  });

  async function subscriptions(): Promise<TreeNode[]> {
    return api.explorer.workspacesTree.rootChildren();
  }

  async function devSubscription(): Promise<TreeNode> {
    const found = (await subscriptions()).find((node) => labelOf(node) === 'Contoso ML Dev');
    assert.ok(found, 'the demo seed has a subscription named Contoso ML Dev');
    return found;
  }

  it('lists subscriptions, then workspaces with resource group and region, then Compute and Environments', async () => {
    assert.deepEqual((await subscriptions()).map(labelOf).sort(), ['Contoso ML Dev', 'Contoso ML Prod']);
    const workspaces = await (await devSubscription()).getChildren();
    assert.deepEqual(workspaces.map(labelOf).sort(), ['mlw-nlp-dev', 'mlw-vision-dev']);
    assert.match(descriptionOf(workspaces[0]), /^rg-ml-dev · \w+/);
    const [compute, environments] = await workspaces[0].getChildren();
    assert.equal(labelOf(compute), 'Compute');
    assert.ok((await compute.getChildren()).length > 0, 'the demo workspace has compute');
    assert.deepEqual((await environments.getChildren()).map(labelOf).sort(), ['pytorch-env', 'sklearn-env']);
  });

  it('shows one page at a time and ends the list with "Load more…" while the service has more', async () => {
    await emulator.setPageSize(1);
    const dev = await devSubscription();
    const firstPage = await dev.getChildren();
    assert.equal(firstPage.length, 2, `first page: ${firstPage.map(labelOf).join(', ')}`);
    assert.equal(contextOf(firstPage[1]), NodeContext.loadMore, 'a Load more node follows the first page');
    await vscode.commands.executeCommand(CommandId.loadMore, firstPage[1]);
    const both = await dev.getChildren();
    assert.deepEqual(both.map(labelOf), [labelOf(firstPage[0]), both.map(labelOf)[1]]);
    assert.deepEqual(both.map(labelOf).sort(), ['mlw-nlp-dev', 'mlw-vision-dev']);
  });

  it('turns a persistent 503 into an error node whose retry recovers, keeping what was shown', async () => {
    await emulator.addFault({ pathPattern: '/workspaces$', kind: 'status', status: 503, retryAfterSeconds: 0 });
    const dev = await devSubscription();
    const failed = await dev.getChildren();
    assert.equal(failed.length, 1);
    const error = asErrorNode(failed[0]);
    assert.equal(error.classified.kind, 'server');
    assert.match(labelOf(error), /HTTP 503/);
    assert.equal(error.getTreeItem().command?.command, CommandId.retry);
    await emulator.clearFaults();
    await vscode.commands.executeCommand(CommandId.retry, error);
    assert.deepEqual((await dev.getChildren()).map(labelOf).sort(), ['mlw-nlp-dev', 'mlw-vision-dev']);
  });

  it('rides out throttling: a 429 with Retry-After is retried and the list still arrives', async () => {
    await emulator.addFault({
      pathPattern: '/workspaces$',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      count: 1,
    });
    const workspaces = await (await devSubscription()).getChildren();
    assert.deepEqual(workspaces.map(labelOf).sort(), ['mlw-nlp-dev', 'mlw-vision-dev']);
  });

  it('reports a dropped connection as a network error with a retry', async () => {
    await emulator.addFault({ pathPattern: '/workspaces$', kind: 'reset' });
    const [node] = await (await devSubscription()).getChildren();
    const error = asErrorNode(node);
    assert.equal(error.classified.kind, 'network');
    assert.equal(error.classified.action, 'retry');
  });

  it('sets the active workspace from the tree, marks it and remembers it', async () => {
    const [workspace] = await (await devSubscription()).getChildren();
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, workspace);
    assert.equal(api.auth.activeWorkspace.current?.name, labelOf(workspace));
    assert.match(descriptionOf(workspace), /active$/);
    assert.equal(contextOf(workspace), NodeContext.activeWorkspace);
  });

  it('offers Sign In again when Azure no longer accepts the token (401)', async () => {
    await emulator.addFault({ pathPattern: '/workspaces$', kind: 'status', status: 401 });
    const error = asErrorNode((await (await devSubscription()).getChildren())[0]);
    assert.equal(error.classified.kind, 'unauthorized');
    assert.equal(error.getTreeItem().command?.command, CommandId.signIn);
  });

  it('names the missing permission when a role is missing (403)', async () => {
    const dev = (await devSubscription()) as unknown as { subscription: { subscriptionId: string } };
    await emulator.setAccess(dev.subscription.subscriptionId, false);
    try {
      const error = asErrorNode((await (await devSubscription()).getChildren())[0]);
      assert.equal(error.classified.kind, 'forbidden');
      assert.match(labelOf(error), /You lack the permission Microsoft\.MachineLearningServices\/workspaces\/read/);
    } finally {
      await emulator.restoreAccess();
    }
  });

  it('shows the no-subscription welcome when the subscription filter hides them all', async () => {
    const settings = vscode.workspace.getConfiguration('azureml');
    await settings.update('subscriptions', ['00000000-0000-0000-0000-000000000000'], true);
    try {
      assert.deepEqual(await subscriptions(), []);
    } finally {
      await settings.update('subscriptions', undefined, true);
    }
    assert.equal((await subscriptions()).length, 2);
  });

  it('names the setting to fix when the custom cloud endpoint is not HTTPS', async () => {
    const settings = vscode.workspace.getConfiguration('azureml');
    const endpoint = settings.get<string>('customCloud.armEndpoint');
    await settings.update('customCloud.armEndpoint', 'http://localhost:1', true);
    try {
      const error = asErrorNode((await subscriptions())[0]);
      assert.equal(error.classified.kind, 'settings');
      assert.match(labelOf(error), /azureml\.customCloud\.armEndpoint must use https/);
      assert.equal(error.getTreeItem().command?.command, 'workbench.action.openSettings');
    } finally {
      await settings.update('customCloud.armEndpoint', endpoint, true);
    }
  });
});
