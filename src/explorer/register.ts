import vscode = require('vscode');
import { CommandId, ContextKey, DETAILS_SCHEME, ViewId } from '../constants';
import type { StatusGroup } from '../core/azure/jobStatus';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import type { Services } from '../services';
import { DataAssetNode, DataRoot, DataVersionNode } from './data/dataNodes';
import { DetailsDocuments } from './details/detailsDocuments';
import { JobFilterState } from './jobs/jobFilter';
import { ExperimentNode, ExperimentsRoot, JobNode, type JobsContext } from './jobs/jobNodes';
import { JobsPoller } from './jobs/jobsPoller';
import type { LocalRunEntry } from './jobs/localRunNodes';
import { listLocalRuns, localRunsRoot } from '../core/localRuns/runStore';
import { ModelsRoot, type ModelsContext } from './models/modelNodes';
import { ExplorerTree } from './tree/explorerTree';
import { ErrorNode, LoadMoreNode } from './tree/infoNodes';
import { PagedNode } from './tree/pagedNode';
import { TreeNode } from './tree/treeNode';
import type { ExplorerContext } from './tree/viewContext';
import { SubscriptionsRoot, WorkspaceNode } from './workspaces/workspaceNodes';

type ExplorerActions = typeof import('./actions.lazy');
/** What the commands do, loaded on the first one: drawing the trees needs none of it. */
const actions = (): ExplorerActions => require('./actions.lazy') as ExplorerActions;

/** What integration tests and benchmarks reach of the explorer. */
export interface ExplorerTestHandle {
  readonly workspacesTree: ExplorerTree;
  readonly dataTree: ExplorerTree;
  readonly jobsTree: ExplorerTree;
  readonly modelsTree: ExplorerTree;
  readonly jobsPoller: JobsPoller;
}

/** The four Azure ML views, their item actions and the read-only details documents. */
export function registerExplorer(services: Services): ExplorerTestHandle {
  const { track, commands, session, activeWorkspace, contextKeys, errors, settings, userInput } = services;
  const state = services.extensionContext.workspaceState;
  const jobFilter = track(new JobFilterState(state, contextKeys));
  const details = track(new DetailsDocuments(session, errors));
  track(vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details));

  const context: ExplorerContext = {
    arm: () => session.getArm(),
    subscriptionFilter: () => session.subscriptionFilter(),
    contextKeys,
  };
  // An error row is logged once, without a toast: the row itself shows it.
  const logShown = (node: ErrorNode) => errors.logError('Azure ML views', node.classified, node.error);
  const tree = (createRoot: () => TreeNode) => track(new ExplorerTree(createRoot, logShown));

  const workspacesTree = tree(
    () => new SubscriptionsRoot({ ...context, isActive: (ws) => activeWorkspace.isActive(ws) }),
  );
  const dataTree = tree(() => new DataRoot(context, activeWorkspace.current));
  const modelsContext: ModelsContext = {
    ...context,
    // The candidate feature follows those runs; it loads only when a listed version has one going on.
    outerLoopGoingOn: (ws, versions) =>
      void vscode.commands.executeCommand(
        CommandId.resumeOuterLoopRuns,
        versions.map((version) => ({ workspace: ws, name: version.modelName, version: version.version })),
      ),
  };
  const modelsTree = tree(() => new ModelsRoot(modelsContext, activeWorkspace.current));
  const jobsPoller = track(
    new JobsPoller(() => 1000 * Math.max(1, settings.get('jobs.refreshIntervalSeconds')), {
      polled: (node) => {
        jobsTree.rerender(node);
        details.refreshResource(node.resourceId);
      },
      tick: (node) => jobsTree.rerender(node),
      failed: (error) => errors.report(error, 'Refreshing a running job', { suppressDisplay: true }),
    }),
  );
  const jobsContext: JobsContext = {
    ...context,
    runHistory: async (ws) => (await session.getArm()).runHistory(ws),
    filter: () => jobFilter.current,
    watch: (node) => jobsPoller.watch(node),
    listLocalRuns: () => {
      watchLocalRuns();
      return listOpenFoldersLocalRuns();
    },
  };
  // Runs changed by another window or on disk redraw the view too; watched from the first listing, not at activation.
  let localRunsWatcher: vscode.FileSystemWatcher | undefined;
  const watchLocalRuns = () => {
    if (localRunsWatcher) return;
    localRunsWatcher = track(vscode.workspace.createFileSystemWatcher(`**/${LOCAL_RUN_RECORDS_GLOB}`));
    let redraw: NodeJS.Timeout | undefined;
    const redrawSoon = () => {
      clearTimeout(redraw);
      redraw = setTimeout(() => jobsTree.rerender(undefined), 300);
    };
    localRunsWatcher.onDidCreate(redrawSoon);
    localRunsWatcher.onDidChange(redrawSoon);
    localRunsWatcher.onDidDelete(redrawSoon);
    track({ dispose: () => clearTimeout(redraw) });
  };
  const jobsTree = tree(() => {
    jobsPoller.clear();
    return new ExperimentsRoot(jobsContext, activeWorkspace.current);
  });

  const treesByView = new Map<ViewId, ExplorerTree>([
    [ViewId.workspaces, workspacesTree],
    [ViewId.data, dataTree],
    [ViewId.jobs, jobsTree],
    [ViewId.models, modelsTree],
  ]);
  const trees = [...treesByView.values()];
  let jobsView: vscode.TreeView<TreeNode> | undefined;
  let dataView: vscode.TreeView<TreeNode> | undefined;
  for (const [id, provider] of treesByView) {
    // Several job rows can be selected at once, to compare them.
    const view = track(
      vscode.window.createTreeView(id, {
        treeDataProvider: provider,
        showCollapseAll: true,
        canSelectMany: id === ViewId.jobs,
      }),
    );
    if (id === ViewId.data) dataView = view;
    if (id === ViewId.jobs) {
      jobsView = view;
      // A new view has no description; sending none at activation would be a message to the window for nothing.
      const filtered = jobFilter.describe();
      if (filtered) view.description = filtered;
      commands.registerEvent('Job filter change', jobFilter.onDidChange, () => {
        view.description = jobFilter.describe();
        jobsTree.rebuild();
      });
    }
  }
  const treeOf = (node: TreeNode) => trees.find((candidate) => candidate.contains(node));
  const viewOf = (node: TreeNode) => [...treesByView].find(([, candidate]) => candidate.contains(node))?.[0];

  const updateStudioAvailable = () => {
    let available = false;
    try {
      available = session.cloud().studioUrl !== undefined;
    } catch {
      // A broken cloud setting shows as an error row with Open Settings; studio is simply unavailable.
    }
    contextKeys.set(ContextKey.studioAvailable, available);
  };
  updateStudioAvailable();
  commands.registerEvent('Sign-in change', session.onDidChange, () => {
    updateStudioAvailable();
    trees.forEach((candidate) => candidate.rebuild());
  });
  commands.registerEvent('Active workspace change', activeWorkspace.onDidChange, () => {
    workspacesTree.rerender(undefined);
    [dataTree, jobsTree, modelsTree].forEach((candidate) => candidate.rebuild());
  });

  // A view's title action: VS Code hands it the view's selected row, if any, which names the view to reload.
  commands.register(CommandId.refreshView, (_call, selected?: unknown) => {
    const tree = selected instanceof TreeNode ? treeOf(selected) : undefined;
    (tree ? [tree] : trees).forEach((candidate) => candidate.refresh());
  });
  commands.register(CommandId.refresh, (_call, target?: TreeNode | vscode.Uri) => {
    if (target instanceof vscode.Uri) details.refresh(target);
    else if (target instanceof TreeNode) treeOf(target)?.refresh(target);
    else trees.forEach((candidate) => candidate.refresh());
  });
  commands.register(CommandId.loadMore, async (_call, node: LoadMoreNode) => {
    const parent = node.parent;
    if (!(parent instanceof PagedNode)) return;
    await vscode.window.withProgress({ location: { viewId: viewOf(parent) ?? ViewId.workspaces } }, () =>
      parent.loadNextPage(),
    );
    treeOf(parent)?.rerender(parent);
  });
  commands.register(CommandId.retry, async (_call, node: ErrorNode) => {
    await vscode.window.withProgress({ location: { viewId: viewOf(node) ?? ViewId.workspaces } }, () => node.retry());
    if (node.parent) treeOf(node.parent)?.rerender(node.parent);
  });
  commands.register(CommandId.setActiveWorkspace, (_call, node: WorkspaceNode) => activeWorkspace.set(node.ref));
  commands.register(CommandId.pickActiveWorkspace, async () => {
    const { workspacePicks, pickWorkspace } = actions();
    const items = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Listing Azure ML workspaces…', cancellable: true },
      (_progress, cancellation) => workspacePicks(session, activeWorkspace, cancellation),
    );
    if (items.length === 0) {
      void vscode.window.showInformationMessage('No Azure ML workspaces were found in your subscriptions.');
      return undefined;
    }
    const picked = await pickWorkspace(userInput, items);
    await activeWorkspace.set(picked);
    return picked;
  });

  commands.register(CommandId.copyResourceId, (_call, node: unknown) => actions().copyResourceId(node));
  commands.register(CommandId.copyAssetReference, (_call, node: unknown) => actions().copyAssetReference(node));
  commands.register(CommandId.openInStudio, (_call, node: unknown) => actions().openInStudio(session, node));
  commands.register(CommandId.showDetails, (_call, node: unknown) => actions().showDetails(node));
  commands.register(CommandId.filterJobsByStatus, async (_call, statuses?: StatusGroup[]) => {
    statuses ??= await actions().askStatusGroups(userInput, jobFilter.current.statuses ?? []);
    if (statuses) await jobFilter.update({ statuses });
  });
  commands.register(CommandId.filterJobsByText, async (_call, text?: string) => {
    text ??= await actions().askFilterText(userInput, jobFilter.current.text ?? '');
    if (text !== undefined) await jobFilter.update({ text });
  });
  commands.register(CommandId.clearJobFilters, () => jobFilter.clear());
  // Another feature created a job: show it selected, reading its experiment afresh.
  commands.register(CommandId.revealJob, async (_call, target: { experimentName: string; jobName: string }) => {
    jobsTree.refresh();
    const experiment = (await jobsTree.rootChildren()).find(
      (node) => node instanceof ExperimentNode && node.name === target.experimentName,
    );
    if (!experiment) return false;
    jobsTree.refresh(experiment);
    const job = (await jobsTree.getChildren(experiment)).find(
      (node) => node instanceof JobNode && node.run.runId === target.jobName,
    );
    if (!job) return false;
    // Selecting is a courtesy: a hidden view cannot reveal, and that is no failure to tell anyone about.
    if (jobsView?.visible) {
      await Promise.resolve(jobsView.reveal(job, { select: true, focus: false })).catch((error: unknown) =>
        services.log.warn(`Could not select job ${target.jobName} in the Jobs view: ${String(error)}`),
      );
    }
    return true;
  });
  // Another feature registered a data asset version in the active workspace: list it afresh and show it selected.
  commands.register(
    CommandId.revealDataVersion,
    async (_call, target: { workspace: WorkspaceRef; assetName: string; version: string }) => {
      const current = activeWorkspace.current;
      if (!current || workspaceId(current).toLowerCase() !== workspaceId(target.workspace).toLowerCase()) return false;
      dataTree.refresh();
      const asset = await findPaged(
        () => dataTree.rootChildren(),
        (node) => node instanceof DataAssetNode && node.item.name === target.assetName,
      );
      if (!asset) return false;
      dataTree.refresh(asset);
      const version = await findPaged(
        () => dataTree.getChildren(asset),
        (node) => node instanceof DataVersionNode && node.item.version === target.version,
      );
      if (!version) return false;
      // The user asked for this registration, so the Data view is brought into sight for it.
      await Promise.resolve(dataView?.reveal(version, { select: true, focus: false, expand: true })).catch(
        (error: unknown) =>
          services.log.warn(
            `Could not select ${target.assetName}:${target.version} in the Data view: ${String(error)}`,
          ),
      );
      return true;
    },
  );
  // The Local Runs row is listed afresh with the view's top level: a run's change redraws that level only.
  commands.register(CommandId.refreshLocalRuns, () => jobsTree.rerender(undefined));
  return { workspacesTree, dataTree, jobsTree, modelsTree, jobsPoller };
}

/** The first row `accept` takes, loading further pages ("Load more…") until it shows or the list ends. */
async function findPaged(
  list: () => Promise<TreeNode[]>,
  accept: (node: TreeNode) => boolean,
  maxPages = 20,
): Promise<TreeNode | undefined> {
  for (let page = 0; page < maxPages; page++) {
    const children = await list();
    const found = children.find(accept);
    if (found) return found;
    const more = children.find((node): node is LoadMoreNode => node instanceof LoadMoreNode);
    if (!(more?.parent instanceof PagedNode)) return undefined;
    await more.parent.loadNextPage();
  }
  return undefined;
}

/** Where Run Locally keeps its runs, relative to a project folder. */
const LOCAL_RUN_RECORDS_GLOB = '.azureml/local-runs/*/run.json';

/** The local runs of every open folder, newest first. */
async function listOpenFoldersLocalRuns(): Promise<LocalRunEntry[]> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  const lists = await Promise.all(folders.map((folder) => listLocalRuns(localRunsRoot(folder.uri.fsPath))));
  return lists.flat().sort((a, b) => (b.record?.createdUtc ?? '').localeCompare(a.record?.createdUtc ?? ''));
}
