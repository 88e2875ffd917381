import type * as ml from '@azure/arm-machinelearning';
import * as vscode from 'vscode';
import { NodeContext } from '../../constants';
import type { Page } from '../../core/azure/armClient';
import { formatDate } from '../tree/format';
import { PagedNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { TreeNode } from '../tree/treeNode';
import { WorkspaceRoot } from '../tree/workspaceRoot';

/** The tag MLOps v2 uses to mark a version for the outer loop to test and deploy. */
export const CANDIDATE_TAG = { key: 'stage', value: 'candidate' } as const;

/** Models view: the active workspace's registered models, then their versions, newest first. */
export class ModelsRoot extends WorkspaceRoot<ml.ModelContainer> {
  protected readonly emptyMessage = 'No registered models in this workspace yet.';

  protected async fetchPage(token: string | undefined): Promise<Page<ml.ModelContainer>> {
    return (await this.session.getArm()).listModels(this.ws, token);
  }

  protected toNode(container: ml.ModelContainer): TreeNode {
    const ws = this.ws;
    return new ModelNode(this, container, async (token) =>
      (await this.session.getArm()).listModelVersions(ws, container.name ?? '', token),
    );
  }
}

export class ModelNode extends PagedNode<ml.ModelVersion> implements ResourceItem {
  protected readonly emptyMessage = 'This model has no versions.';
  readonly resourceId: string;

  constructor(
    parent: TreeNode,
    readonly container: ml.ModelContainer,
    private readonly fetchVersions: (token: string | undefined) => Promise<Page<ml.ModelVersion>>,
  ) {
    super(parent);
    this.resourceId = container.id ?? '';
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.container.name ?? '(unnamed)', vscode.TreeItemCollapsibleState.Collapsed);
    const latest = this.container.properties?.latestVersion;
    item.description = latest ? `latest ${latest}` : undefined;
    item.iconPath = new vscode.ThemeIcon('symbol-class');
    item.contextValue = NodeContext.model;
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<Page<ml.ModelVersion>> {
    return this.fetchVersions(token);
  }

  protected toNode(version: ml.ModelVersion): TreeNode {
    return new ModelVersionNode(this, version);
  }
}

export class ModelVersionNode extends TreeNode implements ResourceItem {
  readonly resourceId: string;

  constructor(
    parent: ModelNode,
    readonly version: ml.ModelVersion,
  ) {
    super(parent);
    this.resourceId = version.id ?? '';
  }

  get studioTarget() {
    return { kind: 'resource', id: this.resourceId } as const;
  }

  get isCandidate(): boolean {
    return this.version.properties?.tags?.[CANDIDATE_TAG.key] === CANDIDATE_TAG.value;
  }

  getTreeItem(): vscode.TreeItem {
    const properties = this.version.properties;
    const tags = Object.entries(properties?.tags ?? {}).map(([key, value]) => `${key}=${value}`);
    const item = new vscode.TreeItem(`version ${this.version.name ?? '?'}`);
    item.description = [
      this.isCandidate ? 'candidate' : undefined,
      properties?.modelType,
      tags.join(', '),
      properties?.jobName && `from job ${properties.jobName}`,
    ]
      .filter(Boolean)
      .join(' · ');
    const created = this.version.systemData?.createdAt;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${(this.parent as ModelNode).container.name}:${this.version.name}**${this.isCandidate ? ' — candidate for the outer loop' : ''}`,
        `Type: ${properties?.modelType ?? 'unknown'}`,
        properties?.jobName ? `Source job: \`${properties.jobName}\`` : '',
        tags.length ? `Tags: ${tags.join(', ')}` : '',
        created ? `Created: ${formatDate(created)}` : '',
        properties?.modelUri ? `Path: \`${properties.modelUri}\`` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = this.isCandidate
      ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
      : new vscode.ThemeIcon('symbol-constant');
    item.contextValue = this.isCandidate ? NodeContext.candidateModelVersion : NodeContext.modelVersion;
    return item;
  }
}
