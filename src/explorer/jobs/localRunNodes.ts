import * as path from 'node:path';
import { NodeContext } from '../../constants';
import { formatDuration } from '../../core/azure/jobStatus';
import type { LocalRunRecord, LocalStepRecord } from '../../core/localRuns/types';
import { ErrorNode, MessageNode } from '../tree/infoNodes';
import { formatDate, joinParts, markdownLines, type TreeItemSpec } from '../tree/treeItem';
import { TreeNode } from '../tree/treeNode';

/** A run folder under a project's `.azureml/local-runs`, with its record or why it could not be read. */
export interface LocalRunEntry {
  runDir: string;
  record?: LocalRunRecord;
  error?: string;
}

export interface LocalRunsContext {
  /** Every local run of the open folders, newest first. */
  listLocalRuns(): Promise<LocalRunEntry[]>;
}

const STATUS_ICONS: Record<string, [icon: string, color?: string]> = {
  Completed: ['pass', 'testing.iconPassed'],
  Failed: ['error', 'testing.iconFailed'],
  Canceled: ['circle-slash'],
  Running: ['sync~spin', 'charts.blue'],
  NotStarted: ['circle-large-outline'],
};

/** "Local Runs" at the top of the Jobs view: runs of job YAML on this machine, kept in the project's folder. */
export class LocalRunsNode extends TreeNode {
  constructor(
    parent: TreeNode | undefined,
    private readonly entries: LocalRunEntry[],
  ) {
    super(parent);
  }

  get id(): string {
    return 'local-runs';
  }

  getTreeItem(): TreeItemSpec {
    const running = this.entries.filter((entry) => entry.record?.status === 'Running').length;
    return {
      label: 'Local Runs',
      id: this.id,
      description: joinParts(
        `${this.entries.length} ${this.entries.length === 1 ? 'run' : 'runs'}`,
        running > 0 && `${running} running`,
      ),
      tooltip: 'Job YAML run on this machine with Run Locally; kept under .azureml/local-runs in your folder.',
      icon: { id: 'device-desktop' },
      contextValue: NodeContext.localRuns,
      collapsible: 'collapsed',
    };
  }

  getChildren(): TreeNode[] {
    return this.entries.map((entry) =>
      entry.record
        ? new LocalRunNode(this, entry.runDir, entry.record)
        : new BrokenLocalRunNode(this, entry.runDir, entry.error ?? 'unreadable'),
    );
  }
}

/**
 * The Local Runs row, read afresh each time the view lists its top level; nothing when there are no local runs,
 * and an error row (retried by listing again) when they cannot be listed.
 */
export async function localRunsRow(parent: TreeNode, context: LocalRunsContext): Promise<TreeNode | undefined> {
  try {
    const entries = await context.listLocalRuns();
    return entries.length > 0 ? new LocalRunsNode(parent, entries) : undefined;
  } catch (error) {
    return new ErrorNode(parent, error, async () => undefined);
  }
}

export class LocalRunNode extends TreeNode {
  constructor(
    parent: TreeNode,
    readonly runDir: string,
    readonly record: LocalRunRecord,
  ) {
    super(parent);
  }

  get id(): string {
    return `local-run:${this.runDir}`;
  }

  get isActive(): boolean {
    return this.record.status === 'Running';
  }

  getTreeItem(now = Date.now()): TreeItemSpec {
    const run = this.record;
    const [icon, color] = STATUS_ICONS[run.status] ?? ['clock'];
    const duration = formatDuration({ startTimeUtc: run.createdUtc, endTimeUtc: run.endTimeUtc }, now);
    const pipeline = run.jobType === 'pipeline';
    return {
      label: run.displayName ?? run.runName,
      id: this.id,
      description: joinParts(run.status, duration, pipeline && `${run.steps.length} steps`),
      icon: { id: icon, color },
      tooltip: markdownLines(
        `**${run.displayName ?? run.runName}** (\`${run.runName}\`)`,
        `Status: ${run.status}${pipeline ? ' · pipeline' : ''}`,
        `From: ${run.yamlPath}`,
        `Started: ${formatDate(run.createdUtc)}`,
        duration && `Duration: ${duration}`,
        run.error && `Error: ${run.error}`,
      ),
      contextValue: this.isActive ? NodeContext.activeLocalRun : NodeContext.localRun,
      collapsible: pipeline ? 'collapsed' : 'none',
    };
  }

  getChildren(): TreeNode[] {
    if (this.record.jobType !== 'pipeline') return [];
    return this.record.steps.map((step) => new LocalStepNode(this, step));
  }
}

export class LocalStepNode extends TreeNode {
  constructor(
    readonly parent: LocalRunNode,
    readonly step: LocalStepRecord,
  ) {
    super(parent);
  }

  get runDir(): string {
    return this.parent.runDir;
  }

  get id(): string {
    return `${this.parent.id}/${this.step.name}`;
  }

  getTreeItem(now = Date.now()): TreeItemSpec {
    const step = this.step;
    const [icon, color] = STATUS_ICONS[step.status] ?? ['clock'];
    const duration = formatDuration(step, now);
    return {
      label: step.name,
      id: this.id,
      description: joinParts(step.status === 'NotStarted' ? 'Not started' : step.status, duration),
      icon: { id: icon, color },
      tooltip: markdownLines(
        `**${step.name}**`,
        step.command && `\`${step.command}\``,
        step.exitCode !== undefined && `Exit code: ${step.exitCode}`,
        step.error && `Error: ${step.error}`,
      ),
      contextValue: NodeContext.localRunStep,
    };
  }
}

/** A run folder whose record cannot be read: said on the row, and the folder is left as it is. */
class BrokenLocalRunNode extends MessageNode {
  constructor(
    parent: TreeNode,
    readonly runDir: string,
    private readonly reason: string,
  ) {
    super(parent, `${path.basename(runDir)}: ${reason}`);
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: path.basename(this.runDir),
      description: 'cannot be read',
      tooltip: `${this.runDir}: ${this.reason}`,
      icon: { id: 'warning', color: 'problemsWarningIcon.foreground' },
      contextValue: NodeContext.brokenLocalRun,
    };
  }
}
