import * as vscode from 'vscode';
import { AzureSession } from './auth/azureSession';
import { registerCommand } from './common/commands';
import { RootDisposable } from './common/rootDisposable';
import { CommandId, DETAILS_SCHEME, OUTPUT_CHANNEL_NAME, Setting, SettingSection, ViewId } from './constants';
import { assetReference } from './core/azure/azMlShape';
import { STATUS_GROUPS, type StatusGroup } from './core/azure/runHistory';
import { studioUrl, type StudioTarget } from './core/azure/studio';
import { ActiveWorkspace } from './explorer/activeWorkspace';
import { DataRoot } from './explorer/data/dataNodes';
import { DetailsDocuments } from './explorer/details/detailsDocuments';
import { JobFilterState } from './explorer/jobs/jobFilter';
import { ExperimentsRoot, type JobsContext } from './explorer/jobs/jobNodes';
import { JobsPoller } from './explorer/jobs/jobsPoller';
import { ModelsRoot } from './explorer/models/modelNodes';
import { pickWorkspace } from './explorer/pickWorkspace';
import { ExplorerTree } from './explorer/tree/explorerTree';
import { ErrorNode, LoadMoreNode } from './explorer/tree/infoNodes';
import { PagedNode } from './explorer/tree/pagedNode';
import { isResourceItem, type ResourceItem } from './explorer/tree/resourceNode';
import { TreeNode } from './explorer/tree/treeNode';
import { SubscriptionsRoot, WorkspaceNode } from './explorer/workspaces/workspaceNodes';

let root: RootDisposable | undefined;

/** What activate returns: lets tests reach the live instance without a fake vscode module. */
export interface ExtensionApi {
  readonly output: vscode.OutputChannel;
  readonly workspacesTree: ExplorerTree;
  readonly dataTree: ExplorerTree;
  readonly jobsTree: ExplorerTree;
  readonly modelsTree: ExplorerTree;
  readonly jobsPoller: JobsPoller;
  readonly activeWorkspace: ActiveWorkspace;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  root = new RootDisposable();
  context.subscriptions.push(root);
  const track = root.track.bind(root);

  const output = track(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME));
  const session = track(new AzureSession());
  const activeWorkspace = track(new ActiveWorkspace(context.workspaceState));
  const jobFilter = track(new JobFilterState(context.workspaceState));
  const details = track(new DetailsDocuments(session));
  track(vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details));

  const workspacesTree = track(
    new ExplorerTree(() => new SubscriptionsRoot({ session, isActive: (ws) => activeWorkspace.isActive(ws) })),
  );
  const dataTree = track(new ExplorerTree(() => new DataRoot(session, activeWorkspace.current)));
  const modelsTree = track(new ExplorerTree(() => new ModelsRoot(session, activeWorkspace.current)));

  const jobsPoller = track(
    new JobsPoller(
      () => 1000 * Math.max(1, vscode.workspace.getConfiguration(SettingSection).get(Setting.jobsRefreshSeconds, 10)),
      (node) => {
        jobsTree.rerender(node);
        details.refreshResource(node.resourceId);
      },
      (error) => output.appendLine(`[warning] refreshing a running job failed: ${String(error)}`),
    ),
  );
  const jobsContext: JobsContext = {
    runHistory: async (ws) => (await session.getArm()).runHistory(ws),
    filter: () => jobFilter.current,
    watch: (node) => jobsPoller.watch(node),
  };
  const jobsTree = track(
    new ExplorerTree(() => {
      jobsPoller.clear();
      return new ExperimentsRoot(session, activeWorkspace.current, jobsContext);
    }),
  );
  const treesByView = new Map<ViewId, ExplorerTree>([
    [ViewId.workspaces, workspacesTree],
    [ViewId.data, dataTree],
    [ViewId.jobs, jobsTree],
    [ViewId.models, modelsTree],
  ]);
  const trees = [...treesByView.values()];
  const treeViews = new Map(
    [...treesByView].map(([id, tree]) => [
      id,
      track(vscode.window.createTreeView(id, { treeDataProvider: tree, showCollapseAll: true })),
    ]),
  );
  const jobsView = treeViews.get(ViewId.jobs)!;
  jobsView.description = jobFilter.describe();

  const refreshWorkspaceViews = () => [dataTree, jobsTree, modelsTree].forEach((tree) => tree.refresh());
  track(session.onDidChange(() => trees.forEach((tree) => tree.refresh())));
  track(
    activeWorkspace.onDidChange(() => {
      workspacesTree.rerender(undefined);
      refreshWorkspaceViews();
    }),
  );
  track(
    jobFilter.onDidChange(() => {
      jobsView.description = jobFilter.describe();
      jobsTree.refresh();
    }),
  );

  const treeOf = (node: TreeNode) => trees.find((tree) => tree.contains(node));
  const viewOf = (node: TreeNode): ViewId | undefined => [...treesByView].find(([, tree]) => tree.contains(node))?.[0];
  const command = (id: CommandId, handler: (...args: never[]) => unknown) =>
    track(registerCommand(id, output, handler as (...args: unknown[]) => unknown));
  const requireResource = (node: unknown): ResourceItem => {
    if (!isResourceItem(node)) throw new Error('Run this command from an item in the Azure ML views.');
    return node;
  };
  const copy = async (text: string) => {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
    return text;
  };

  command(CommandId.showOutput, () => output.show());
  command(CommandId.signIn, () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Signing in to Azure…' }, () =>
      session.signIn(),
    ),
  );
  command(CommandId.refresh, (target?: TreeNode | vscode.Uri) => {
    if (target instanceof vscode.Uri) details.refresh(target);
    else if (target instanceof TreeNode) treeOf(target)?.refresh(target);
    else trees.forEach((tree) => tree.refresh());
  });
  command(CommandId.loadMore, async (node: LoadMoreNode) => {
    const parent = node.parent;
    if (!(parent instanceof PagedNode)) return;
    await vscode.window.withProgress({ location: { viewId: viewOf(parent) ?? ViewId.workspaces } }, () =>
      parent.loadNextPage(),
    );
    treeOf(parent)?.rerender(parent);
  });
  command(CommandId.retry, async (node: ErrorNode) => {
    await vscode.window.withProgress({ location: { viewId: viewOf(node) ?? ViewId.workspaces } }, () => node.retry());
    if (node.parent) treeOf(node.parent)?.rerender(node.parent);
  });
  command(CommandId.setActiveWorkspace, (node: WorkspaceNode) => activeWorkspace.set(node.ref));
  command(CommandId.pickActiveWorkspace, async () => {
    const picked = await pickWorkspace(session);
    if (picked) await activeWorkspace.set(picked);
  });
  command(CommandId.copyResourceId, (node: unknown) => copy(requireResource(node).resourceId));
  command(CommandId.copyAssetReference, (node: unknown) => {
    const reference = assetReference(requireResource(node).resourceId);
    if (!reference) throw new Error('Only data assets, models and environments have an azureml: reference.');
    return copy(reference);
  });
  command(CommandId.openInStudio, (node: unknown) => {
    const target = (node as { studioTarget?: StudioTarget } | undefined)?.studioTarget;
    if (!target) throw new Error('Azure ML studio has no page for this item.');
    const url = studioUrl(session.cloud(), target);
    // Not awaited: in a browser-hosted VS Code the promise waits on the user's answer to a prompt.
    void vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  });
  command(CommandId.showDetails, async (node: unknown) => {
    const document = await vscode.workspace.openTextDocument(DetailsDocuments.uriFor(requireResource(node).resourceId));
    await vscode.languages.setTextDocumentLanguage(document, 'yaml');
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  });
  command(CommandId.filterJobsByStatus, async (statuses?: StatusGroup[]) => {
    if (!statuses) {
      const current = new Set(jobFilter.current.statuses ?? []);
      const picked = await vscode.window.showQuickPick(
        (Object.keys(STATUS_GROUPS) as StatusGroup[]).map((group) => ({
          label: group,
          description: STATUS_GROUPS[group].join(', '),
          picked: current.has(group),
        })),
        { canPickMany: true, title: 'Show jobs with status', placeHolder: 'Pick none to show every status' },
      );
      if (!picked) return;
      statuses = picked.map((item) => item.label);
    }
    await jobFilter.update({ statuses });
  });
  command(CommandId.filterJobsByText, async (text?: string) => {
    text ??= await vscode.window.showInputBox({
      title: 'Filter jobs by name',
      prompt: 'Jobs whose display name or job name contains this text (any case); empty shows all.',
      value: jobFilter.current.text ?? '',
    });
    if (text !== undefined) await jobFilter.update({ text });
  });
  command(CommandId.clearJobFilters, () => jobFilter.clear());

  return { output, workspacesTree, dataTree, jobsTree, modelsTree, jobsPoller, activeWorkspace };
}

export function deactivate(): void {
  root?.dispose();
  root = undefined;
}
