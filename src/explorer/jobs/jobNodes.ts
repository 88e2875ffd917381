import * as vscode from 'vscode';
import { NodeContext } from '../../constants';
import type { Page } from '../../core/azure/armClient';
import { workspaceId, type WorkspaceRef } from '../../core/azure/resourceIds';
import {
  formatDuration,
  isActiveStatus,
  type ExperimentInfo,
  type RunFilter,
  type RunHistory,
  type RunInfo,
} from '../../core/azure/runHistory';
import type { StudioTarget } from '../../core/azure/studio';
import { formatDate } from '../tree/format';
import { PagedNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import type { TreeNode } from '../tree/treeNode';
import { WorkspaceRoot } from '../tree/workspaceRoot';

export interface JobsContext {
  runHistory(workspace: WorkspaceRef): Promise<RunHistory>;
  filter(): RunFilter;
  /** Every job node shown goes here, so live ones refresh by themselves. */
  watch(node: JobNode): void;
}

/** Jobs view: the active workspace's experiments, most recently used first. */
export class ExperimentsRoot extends WorkspaceRoot<ExperimentInfo> {
  protected readonly emptyMessage = 'No experiments in this workspace yet. Submit a job to start one.';

  constructor(
    session: ConstructorParameters<typeof WorkspaceRoot>[0],
    workspace: WorkspaceRef | undefined,
    private readonly jobs: JobsContext,
  ) {
    super(session, workspace);
  }

  protected async fetchPage(token: string | undefined): Promise<Page<ExperimentInfo>> {
    return (await this.jobs.runHistory(this.ws)).listExperiments(token);
  }

  protected toNode(experiment: ExperimentInfo): TreeNode {
    return new ExperimentNode(this, this.ws, experiment, this.jobs);
  }
}

export class ExperimentNode extends PagedNode<RunInfo> {
  readonly studioTarget: StudioTarget;

  constructor(
    parent: TreeNode,
    readonly workspace: WorkspaceRef,
    readonly experiment: ExperimentInfo,
    private readonly jobs: JobsContext,
  ) {
    super(parent);
    this.studioTarget = { kind: 'experiment', workspace, experimentId: experiment.experimentId };
  }

  protected get emptyMessage(): string {
    return this.jobs.filter().statuses || this.jobs.filter().text
      ? 'No jobs in this experiment match the filter.'
      : 'No jobs in this experiment.';
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.experiment.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `experiment:${this.experiment.experimentId}`;
    const latest = this.experiment.latestCreatedRunCreatedUtc;
    item.description = latest ? `last run ${formatDate(latest)}` : undefined;
    item.iconPath = new vscode.ThemeIcon('beaker');
    item.contextValue = NodeContext.experiment;
    return item;
  }

  protected async fetchPage(token: string | undefined): Promise<Page<RunInfo>> {
    return (await this.jobs.runHistory(this.workspace)).listRuns(this.experiment.name, this.jobs.filter(), token);
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
export class JobNode extends PagedNode<RunInfo> implements ResourceItem {
  protected readonly emptyMessage = 'This pipeline has no steps yet.';

  constructor(
    parent: TreeNode,
    readonly workspace: WorkspaceRef,
    public run: RunInfo,
    private readonly jobs: JobsContext,
  ) {
    super(parent);
    jobs.watch(this);
  }

  get resourceId(): string {
    return `${workspaceId(this.workspace)}/jobs/${this.run.runId}`;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'run', workspace: this.workspace, runId: this.run.runId };
  }

  get isPipeline(): boolean {
    return this.run.runType === 'azureml.PipelineRun';
  }

  get isActive(): boolean {
    return isActiveStatus(this.run.status);
  }

  /** Reads the run again; true when what the tree shows about it changed. */
  async reload(): Promise<boolean> {
    const fresh = await (await this.jobs.runHistory(this.workspace)).getRun(this.run.runId);
    const changed = fresh.status !== this.run.status || fresh.endTimeUtc !== this.run.endTimeUtc;
    this.run = fresh;
    // A pipeline grows steps while it runs; its children are read again on the next expansion.
    if (changed && this.isPipeline) this.reset();
    return changed;
  }

  getTreeItem(): vscode.TreeItem {
    const run = this.run;
    const item = new vscode.TreeItem(
      run.displayName ?? run.runId,
      this.isPipeline ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `job:${workspaceId(this.workspace).toLowerCase()}/${run.runId}`;
    const duration = formatDuration(run);
    item.description = [run.status, duration, run.target].filter(Boolean).join(' · ');
    const [icon, color] = STATUS_ICONS[run.status] ?? ['clock'];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = new vscode.MarkdownString(
      [
        `**${run.displayName ?? run.runId}** (\`${run.runId}\`)`,
        `Status: ${run.status}${this.isPipeline ? ' · pipeline' : ''}`,
        run.target ? `Compute: ${run.target}` : '',
        run.startTimeUtc ? `Started: ${formatDate(run.startTimeUtc)}` : '',
        duration ? `Duration: ${duration}` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.contextValue = NodeContext.job;
    return item;
  }

  protected async fetchPage(token: string | undefined): Promise<Page<RunInfo>> {
    return (await this.jobs.runHistory(this.workspace)).listChildRuns(this.run.runId, token);
  }

  protected toNode(run: RunInfo): TreeNode {
    return new JobNode(this, this.workspace, run, this.jobs);
  }
}
