import { NodeContext } from '../../constants';
import { describeTags, isCandidate } from '../../core/azure/models';
import type { AssetInfo, ModelVersionInfo } from '../../core/azure/resources';
import { idKey, type WorkspaceRef } from '../../core/azure/resourceIds';
import type { StudioTarget } from '../../core/azure/studio';
import {
  isUnfinished,
  OUTER_LOOP_TAGS,
  parseOuterLoopTags,
  type OuterLoopRecord,
} from '../../core/outerLoop/candidateTags';
import type { Page } from '../../core/paging';
import { PagedItemNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { formatDate, joinParts, markdownLines, type TreeItemSpec } from '../tree/treeItem';
import { ItemNode, type TreeNode } from '../tree/treeNode';
import type { ExplorerContext } from '../tree/viewContext';
import { WorkspaceRoot } from '../tree/workspaceRoot';

export interface ModelsContext extends ExplorerContext {
  /** Versions just listed whose outer-loop run is recorded as going on: their runs are followed again. */
  outerLoopGoingOn(ws: WorkspaceRef, versions: ModelVersionInfo[]): void;
}

/** Models view: the active workspace's registered models, then their versions, newest first. */
export class ModelsRoot extends WorkspaceRoot<AssetInfo> {
  protected readonly emptyMessage = 'No registered models in this workspace yet.';

  constructor(
    protected readonly context: ModelsContext,
    workspace: WorkspaceRef | undefined,
  ) {
    super(context, workspace);
  }

  protected async fetchPage(token: string | undefined): Promise<Page<AssetInfo>> {
    return (await this.context.arm()).listModels(this.ws, token);
  }

  protected toNode(model: AssetInfo): TreeNode {
    const ws = this.ws;
    return new ModelNode(this, model, async (token) => {
      const page = await (await this.context.arm()).listModelVersions(ws, model.name, token);
      const goingOn = page.items.filter((version) => {
        const record = parseOuterLoopTags(version.tags);
        return record !== undefined && isUnfinished(record);
      });
      if (goingOn.length > 0) this.context.outerLoopGoingOn(ws, goingOn);
      return page;
    });
  }
}

export class ModelNode extends PagedItemNode<AssetInfo, ModelVersionInfo> implements ResourceItem {
  protected readonly emptyMessage = 'This model has no versions.';

  constructor(
    parent: TreeNode,
    model: AssetInfo,
    private readonly fetchVersions: (token: string | undefined) => Promise<Page<ModelVersionInfo>>,
  ) {
    super(parent, model);
  }

  get resourceId(): string {
    return this.item.id;
  }

  get id(): string {
    return `model:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: this.item.name,
      id: this.id,
      description: this.item.latestVersion ? `latest ${this.item.latestVersion}` : undefined,
      icon: { id: 'symbol-class' },
      contextValue: NodeContext.model,
      collapsible: 'collapsed',
    };
  }

  protected fetchPage(token: string | undefined): Promise<Page<ModelVersionInfo>> {
    return this.fetchVersions(token);
  }

  protected toNode(version: ModelVersionInfo): TreeNode {
    return new ModelVersionNode(this, version);
  }
}

export class ModelVersionNode extends ItemNode<ModelVersionInfo> implements ResourceItem {
  get resourceId(): string {
    return this.item.id;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'resource', id: this.resourceId };
  }

  get id(): string {
    return `modelVersion:${idKey(this.resourceId)}`;
  }

  get isCandidate(): boolean {
    return isCandidate(this.item.tags);
  }

  getTreeItem(): TreeItemSpec {
    const version = this.item;
    const candidate = this.isCandidate;
    // The candidate mark already says stage=candidate; the other tags still show.
    const outerLoop = parseOuterLoopTags(version.tags);
    const ownTags = withoutOuterLoopTags(version.tags);
    const tags = describeTags(ownTags, { omitCandidate: candidate }).join(', ');
    return {
      label: `version ${version.version}`,
      id: this.id,
      description: joinParts(
        candidate && 'candidate',
        outerLoop && `outer loop ${OUTER_LOOP_WORDS[outerLoop.status]}`,
        version.modelType,
        tags,
        version.jobName && `from job ${version.jobName}`,
      ),
      tooltip: markdownLines(
        `**${version.modelName}:${version.version}**${candidate ? ' — candidate for the outer loop' : ''}`,
        `Type: ${version.modelType ?? 'unknown'}`,
        version.jobName && `Source job: \`${version.jobName}\``,
        outerLoop && outerLoopLine(outerLoop),
        `Tags: ${describeTags(ownTags).join(', ') || 'none'}`,
        version.createdAt && `Created: ${formatDate(version.createdAt)}`,
        version.path && `Path: \`${version.path}\``,
      ),
      icon: outerLoop
        ? OUTER_LOOP_ICONS[outerLoop.status]
        : candidate
          ? { id: 'star-full', color: 'charts.yellow' }
          : { id: 'symbol-constant' },
      contextValue: candidate ? NodeContext.candidateModelVersion : NodeContext.modelVersion,
    };
  }
}

/** The outer loop's status as the row says it. */
const OUTER_LOOP_WORDS: Record<OuterLoopRecord['status'], string> = {
  triggered: 'triggered',
  queued: 'queued',
  running: 'in progress',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
  other: 'ended',
  triggerFailed: 'not started',
};

const OUTER_LOOP_ICONS: Record<OuterLoopRecord['status'], { id: string; color?: string }> = {
  triggered: { id: 'clock', color: 'charts.yellow' },
  queued: { id: 'clock', color: 'charts.yellow' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass-filled', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash' },
  skipped: { id: 'circle-slash' },
  other: { id: 'question' },
  triggerFailed: { id: 'warning', color: 'list.warningForeground' },
};

function outerLoopLine(record: OuterLoopRecord): string {
  const service = record.provider === 'github' ? 'GitHub Actions' : 'Azure Pipelines';
  const run = record.runId ? (record.url ? `[run ${record.runId}](${record.url})` : `run ${record.runId}`) : undefined;
  return joinParts(`Outer loop (${service}): ${OUTER_LOOP_WORDS[record.status]}`, run, record.error);
}

function withoutOuterLoopTags(tags: Record<string, string>): Record<string, string> {
  const ours = new Set<string>(Object.values(OUTER_LOOP_TAGS));
  return Object.fromEntries(Object.entries(tags).filter(([key]) => !ours.has(key)));
}
