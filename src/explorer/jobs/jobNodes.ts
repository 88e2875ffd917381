import { NodeContext } from '../../constants';
import { formatDuration, isActiveStatus } from '../../core/azure/jobStatus';
import { idKey, workspaceId, type WorkspaceRef } from '../../core/azure/resourceIds';
import type { ExperimentInfo, RunFilter, RunHistory, RunInfo } from '../../core/azure/runHistory';
import type { StudioTarget } from '../../core/azure/studio';
import type { Page } from '../../core/paging';
import type { WatchTarget } from '../../core/watch';
import { PagedItemNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { formatDate, joinParts, markdownLines, type TreeItemSpec } from '../tree/treeItem';
import type { TreeNode } from '../tree/treeNode';
import type { ExplorerContext } from '../tree/viewContext';
import { WorkspaceRoot } from '../tree/workspaceRoot';
import { localRunsRow, type LocalRunsContext } from './localRunNodes';

export interface JobsContext extends ExplorerContext, LocalRunsContext {
  runHistory(workspace: WorkspaceRef): Promise<RunHistory>;
  filter(): RunFilter;
  /** Every job row shown goes here, so live ones refresh by themselves. */
  watch(node: JobNode): void;
}

/** Jobs view: the runs on this machine, then the active workspace's experiments, most recently used first. */
export class ExperimentsRoot extends WorkspaceRoot<ExperimentInfo> {
  protected readonly emptyMessage = 'No experiments in this workspace yet. Submit a job to start one.';

  constructor(
    protected readonly context: JobsContext,
    workspace: WorkspaceRef | undefined,
  ) {
    super(context, workspace);
  }

  async getChildren(): Promise<TreeNode[]> {
    // Local runs need no workspace or sign-in; without them the view stays empty and shows its welcome.
    const [local, experiments] = await Promise.all([localRunsRow(this, this.context), super.getChildren()]);
    return local ? [local, ...experiments] : experiments;
  }

  protected async fetchPage(token: string | undefined): Promise<Page<ExperimentInfo>> {
    return (await this.context.runHistory(this.ws)).listExperiments(token);
  }

  protected toNode(experiment: ExperimentInfo): TreeNode {
    return new ExperimentNode(this, this.ws, experiment, this.context);
  }
}

/** Children of an experiment or a pipeline: jobs, which are watched once they are shown. */
async function watchShownJobs(children: TreeNode[], jobs: JobsContext): Promise<TreeNode[]> {
  for (const child of children) if (child instanceof JobNode) jobs.watch(child);
  return children;
}

export class ExperimentNode extends PagedItemNode<ExperimentInfo, RunInfo> {
  constructor(
    parent: TreeNode,
    readonly workspace: WorkspaceRef,
    experiment: ExperimentInfo,
    private readonly jobs: JobsContext,
  ) {
    super(parent, experiment);
  }

  get name(): string {
    return this.item.name;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'experiment', workspace: this.workspace, experimentId: this.item.experimentId };
  }

  get id(): string {
    return `experiment:${idKey(workspaceId(this.workspace))}/${this.item.experimentId}`;
  }

  protected get emptyMessage(): string {
    const { statuses, text } = this.jobs.filter();
    return statuses || text ? 'No jobs in this experiment match the filter.' : 'No jobs in this experiment.';
  }

  getTreeItem(): TreeItemSpec {
    const latest = this.item.latestCreatedRunCreatedUtc;
    return {
      label: this.item.name,
      id: this.id,
      description: latest ? `last run ${formatDate(latest)}` : undefined,
      icon: { id: 'beaker' },
      contextValue: NodeContext.experiment,
      collapsible: 'collapsed',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    return watchShownJobs(await super.getChildren(), this.jobs);
  }

  protected async fetchPage(token: string | undefined): Promise<Page<RunInfo>> {
    return (await this.jobs.runHistory(this.workspace)).listRuns(this.item.name, this.jobs.filter(), token);
  }

  protected toNode(run: RunInfo): TreeNode {
    return new JobNode(this, this.workspace, run, this.jobs);
  }
}

const STATUS_ICONS: Record<string, [icon: string, color?: string]> = {
  Completed: ['pass', 'testing.iconPassed'],
  Failed: ['error', 'testing.iconFailed'],
  NotResponding: ['warning', 'testing.iconFailed'],
  Canceled: ['circle-slash'],
  CancelRequested: ['loading~spin'],
  Running: ['sync~spin', 'charts.blue'],
  Finalizing: ['sync~spin', 'charts.blue'],
};

/** A job (run); pipeline jobs expand to their steps. */
export class JobNode extends PagedItemNode<RunInfo, RunInfo> implements ResourceItem, WatchTarget {
  protected readonly emptyMessage = 'This pipeline has no steps yet.';

  constructor(
    parent: TreeNode,
    readonly workspace: WorkspaceRef,
    run: RunInfo,
    private readonly jobs: JobsContext,
  ) {
    super(parent, run);
  }

  get run(): RunInfo {
    return this.item;
  }

  get resourceId(): string {
    return `${workspaceId(this.workspace)}/jobs/${this.item.runId}`;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'run', workspace: this.workspace, runId: this.item.runId };
  }

  get id(): string {
    return `job:${idKey(this.resourceId)}`;
  }

  get isPipeline(): boolean {
    return this.item.runType === 'azureml.PipelineRun';
  }

  get isActive(): boolean {
    return isActiveStatus(this.item.status);
  }

  /** Reads the run again; says whether what the row shows changed and whether it can still change. */
  async poll(): Promise<{ changed: boolean; finished: boolean }> {
    const fresh = await (await this.jobs.runHistory(this.workspace)).getRun(this.item.runId);
    const changed = fresh.status !== this.item.status || fresh.endTimeUtc !== this.item.endTimeUtc;
    this.item = fresh;
    // A pipeline grows steps while it runs; its children are read again on the next expansion.
    if (changed && this.isPipeline) this.markStale();
    return { changed, finished: !this.isActive };
  }

  getTreeItem(now = Date.now()): TreeItemSpec {
    const run = this.item;
    const duration = formatDuration(run, now);
    const [icon, color] = STATUS_ICONS[run.status] ?? ['clock'];
    return {
      label: run.displayName ?? run.runId,
      id: this.id,
      description: joinParts(run.status, duration, run.target),
      icon: { id: icon, color },
      tooltip: markdownLines(
        `**${run.displayName ?? run.runId}** (\`${run.runId}\`)`,
        `Status: ${run.status}${this.isPipeline ? ' · pipeline' : ''}`,
        run.target && `Compute: ${run.target}`,
        run.startTimeUtc && `Started: ${formatDate(run.startTimeUtc)}`,
        duration && `Duration: ${duration}`,
      ),
      // Only a top-level job can be cancelled; a step goes with its pipeline.
      contextValue: this.isActive && !run.parentRunId ? NodeContext.activeJob : NodeContext.job,
      collapsible: this.isPipeline ? 'collapsed' : 'none',
    };
  }

  async getChildren(): Promise<TreeNode[]> {
    return watchShownJobs(await super.getChildren(), this.jobs);
  }

  protected async fetchPage(token: string | undefined): Promise<Page<RunInfo>> {
    return (await this.jobs.runHistory(this.workspace)).listChildRuns(this.item.runId, token);
  }

  protected toNode(run: RunInfo): TreeNode {
    return new JobNode(this, this.workspace, run, this.jobs);
  }
}
