import * as vscode from 'vscode';
import { AzureSession } from './auth/azureSession';
import { registerCommand } from './common/commands';
import { RootDisposable } from './common/rootDisposable';
import { CommandId, OUTPUT_CHANNEL_NAME, ViewId } from './constants';
import { ActiveWorkspace } from './explorer/activeWorkspace';
import { pickWorkspace } from './explorer/pickWorkspace';
import { PlaceholderTree } from './explorer/placeholderTree';
import { ExplorerTree } from './explorer/tree/explorerTree';
import { ErrorNode, LoadMoreNode } from './explorer/tree/infoNodes';
import { PagedNode } from './explorer/tree/pagedNode';
import type { TreeNode } from './explorer/tree/treeNode';
import { SubscriptionsRoot, WorkspaceNode } from './explorer/workspaces/workspaceNodes';

let root: RootDisposable | undefined;

/** What activate returns: lets tests reach the live instance without a fake vscode module. */
export interface ExtensionApi {
  readonly output: vscode.OutputChannel;
  readonly workspacesTree: ExplorerTree;
  readonly activeWorkspace: ActiveWorkspace;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  root = new RootDisposable();
  context.subscriptions.push(root);
  const track = root.track.bind(root);

  const output = track(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME));
  const session = track(new AzureSession());
  const activeWorkspace = track(new ActiveWorkspace(context.workspaceState));

  const workspacesTree = track(
    new ExplorerTree(() => new SubscriptionsRoot({ session, isActive: (ws) => activeWorkspace.isActive(ws) })),
  );
  track(vscode.window.createTreeView(ViewId.workspaces, { treeDataProvider: workspacesTree, showCollapseAll: true }));
  track(session.onDidChange(() => workspacesTree.refresh()));
  track(activeWorkspace.onDidChange(() => workspacesTree.rerender(undefined)));

  for (const viewId of [ViewId.data, ViewId.jobs, ViewId.models]) {
    track(vscode.window.createTreeView(viewId, { treeDataProvider: new PlaceholderTree() }));
  }

  const command = (id: CommandId, handler: (...args: never[]) => unknown) =>
    track(registerCommand(id, output, handler as (...args: unknown[]) => unknown));

  command(CommandId.showOutput, () => output.show());
  command(CommandId.signIn, () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Signing in to Azure…' }, () =>
      session.signIn(),
    ),
  );
  command(CommandId.refresh, (node?: TreeNode) => workspacesTree.refresh(node));
  command(CommandId.loadMore, async (node: LoadMoreNode) => {
    const parent = node.parent;
    if (!(parent instanceof PagedNode)) return;
    await vscode.window.withProgress({ location: { viewId: ViewId.workspaces } }, () => parent.loadNextPage());
    workspacesTree.rerender(parent);
  });
  command(CommandId.retry, async (node: ErrorNode) => {
    await vscode.window.withProgress({ location: { viewId: ViewId.workspaces } }, () => node.retry());
    workspacesTree.rerender(node.parent);
  });
  command(CommandId.setActiveWorkspace, (node: WorkspaceNode) => activeWorkspace.set(node.ref));
  command(CommandId.pickActiveWorkspace, async () => {
    const picked = await pickWorkspace(session);
    if (picked) await activeWorkspace.set(picked);
  });
  command(CommandId.copyResourceId, async (node: WorkspaceNode) => {
    await vscode.env.clipboard.writeText(node.resourceId);
    void vscode.window.setStatusBarMessage(`Copied ${node.resourceId}`, 3000);
  });

  return { output, workspacesTree, activeWorkspace };
}

export function deactivate(): void {
  root?.dispose();
  root = undefined;
}
