import type * as ml from '@azure/arm-machinelearning';
import * as vscode from 'vscode';
import type { AzureSession } from '../../auth/azureSession';
import { ContextKey, NodeContext } from '../../constants';
import type { Page, SubscriptionInfo } from '../../core/azure/armClient';
import { parseWorkspaceId, workspaceId, type WorkspaceRef } from '../../core/azure/resourceIds';
import type { StudioTarget } from '../../core/azure/studio';
import { FolderNode } from '../tree/folderNode';
import { MessageNode } from '../tree/infoNodes';
import { PagedNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { TreeNode } from '../tree/treeNode';
import { hideWhenSignedOut } from '../tree/viewRoot';

export interface WorkspaceContext {
  session: AzureSession;
  isActive(ws: WorkspaceRef): boolean;
}

/** Invisible root of the Workspaces view: the subscriptions the user can see. */
export class SubscriptionsRoot extends PagedNode<SubscriptionInfo> {
  protected readonly emptyMessage =
    'No subscriptions: this account has access to none, or the azureml.subscriptions filter hides them all.';

  constructor(private readonly context: WorkspaceContext) {
    super(undefined);
  }

  getTreeItem(): vscode.TreeItem {
    return new vscode.TreeItem('Subscriptions');
  }

  /** Signed out and no subscriptions show the view's welcome content, which says what to do next. */
  async getChildren(): Promise<TreeNode[]> {
    const children = hideWhenSignedOut(await super.getChildren());
    const none = children.length === 1 && children[0] instanceof MessageNode;
    void vscode.commands.executeCommand('setContext', ContextKey.noSubscriptions, none);
    return none ? [] : children;
  }

  protected async fetchPage(continuationToken: string | undefined): Promise<Page<SubscriptionInfo>> {
    const page = await (await this.context.session.getArm()).listSubscriptions(continuationToken);
    const filter = this.context.session.subscriptionFilter();
    return filter.length === 0 ? page : { ...page, items: page.items.filter((s) => filter.includes(s.subscriptionId)) };
  }

  protected toNode(subscription: SubscriptionInfo): TreeNode {
    return new SubscriptionNode(this, subscription, this.context);
  }
}

export class SubscriptionNode extends PagedNode<ml.Workspace> {
  protected readonly emptyMessage = 'No Azure ML workspaces in this subscription.';

  constructor(
    parent: TreeNode,
    readonly subscription: SubscriptionInfo,
    private readonly context: WorkspaceContext,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.subscription.displayName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `subscription:${this.subscription.subscriptionId}`;
    item.description = this.subscription.subscriptionId;
    item.iconPath = new vscode.ThemeIcon('key');
    return item;
  }

  protected async fetchPage(continuationToken: string | undefined): Promise<Page<ml.Workspace>> {
    return (await this.context.session.getArm()).listWorkspaces(this.subscription.subscriptionId, continuationToken);
  }

  protected toNode(workspace: ml.Workspace): TreeNode {
    return new WorkspaceNode(this, workspace, this.context);
  }
}

export class WorkspaceNode extends TreeNode implements ResourceItem {
  readonly ref: WorkspaceRef;

  constructor(
    parent: TreeNode,
    readonly workspace: ml.Workspace,
    private readonly context: WorkspaceContext,
  ) {
    super(parent);
    this.ref = parseWorkspaceId(workspace.id ?? '');
  }

  get resourceId(): string {
    return workspaceId(this.ref);
  }

  get studioTarget(): StudioTarget {
    return { kind: 'resource', id: this.resourceId };
  }

  getTreeItem(): vscode.TreeItem {
    const active = this.context.isActive(this.ref);
    const item = new vscode.TreeItem(this.ref.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `workspace:${this.resourceId.toLowerCase()}`;
    item.description = `${this.ref.resourceGroup} · ${this.workspace.location ?? ''}${active ? ' · active' : ''}`;
    item.tooltip = `${this.workspace.friendlyName ?? this.ref.name}\n${this.resourceId}`;
    item.iconPath = new vscode.ThemeIcon(active ? 'pass-filled' : 'beaker');
    item.contextValue = active ? NodeContext.activeWorkspace : NodeContext.workspace;
    return item;
  }

  getChildren(): TreeNode[] {
    const arm = () => this.context.session.getArm();
    return [
      new FolderNode(this, {
        label: 'Compute',
        icon: 'server',
        emptyMessage: 'No compute in this workspace.',
        fetch: async (token) => (await arm()).listComputes(this.ref, token),
        itemNode: (parent, compute: ml.ComputeResource) => new ComputeNode(parent, compute),
      }),
      new FolderNode(this, {
        label: 'Environments',
        icon: 'package',
        emptyMessage: 'No environments in this workspace.',
        fetch: async (token) => (await arm()).listEnvironments(this.ref, token),
        itemNode: (parent, environment: ml.EnvironmentContainer) => new EnvironmentNode(parent, environment),
      }),
    ];
  }
}

export class ComputeNode extends TreeNode implements ResourceItem {
  readonly resourceId: string;

  constructor(
    parent: TreeNode,
    readonly compute: ml.ComputeResource,
  ) {
    super(parent);
    this.resourceId = compute.id ?? '';
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.compute.name ?? '(unnamed)');
    const properties = this.compute.properties;
    item.description = [properties?.computeType, properties?.provisioningState].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('vm');
    item.contextValue = NodeContext.compute;
    return item;
  }
}

export class EnvironmentNode extends TreeNode implements ResourceItem {
  readonly resourceId: string;

  constructor(
    parent: TreeNode,
    readonly environment: ml.EnvironmentContainer,
  ) {
    super(parent);
    this.resourceId = environment.id ?? '';
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.environment.name ?? '(unnamed)');
    const latest = this.environment.properties?.latestVersion;
    item.description = latest ? `latest ${latest}` : undefined;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    item.contextValue = NodeContext.environment;
    return item;
  }
}
