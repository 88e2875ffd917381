import type * as ml from '@azure/arm-machinelearning';
import * as vscode from 'vscode';
import type { AzureSession } from '../../auth/azureSession';
import { NodeContext } from '../../constants';
import type { Page, SubscriptionInfo } from '../../core/azure/armClient';
import { parseWorkspaceId, workspaceId, type WorkspaceRef } from '../../core/azure/resourceIds';
import { ErrorNode } from '../tree/infoNodes';
import { PagedNode } from '../tree/pagedNode';
import { TreeNode } from '../tree/treeNode';

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

  /** Signed out is not an error here: the view's welcome content offers Sign In instead. */
  async getChildren(): Promise<TreeNode[]> {
    const children = await super.getChildren();
    const only = children.length === 1 ? children[0] : undefined;
    return only instanceof ErrorNode && only.classified.kind === 'signedOut' ? [] : children;
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

export class WorkspaceNode extends TreeNode {
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
      new WorkspaceListNode(
        this,
        'Compute',
        'server',
        'No compute in this workspace.',
        async (token) => (await arm()).listComputes(this.ref, token),
        (parent, compute: ml.ComputeResource) => new ComputeNode(parent, compute),
      ),
      new WorkspaceListNode(
        this,
        'Environments',
        'package',
        'No environments in this workspace.',
        async (token) => (await arm()).listEnvironments(this.ref, token),
        (parent, environment: ml.EnvironmentContainer) => new EnvironmentNode(parent, environment),
      ),
    ];
  }
}

/** A folder under a workspace (Compute, Environments) whose items come one page at a time. */
export class WorkspaceListNode<T> extends PagedNode<T> {
  constructor(
    workspace: WorkspaceNode,
    private readonly label: string,
    private readonly icon: string,
    protected readonly emptyMessage: string,
    private readonly fetch: (token: string | undefined) => Promise<Page<T>>,
    private readonly itemNode: (parent: TreeNode, item: T) => TreeNode,
  ) {
    super(workspace);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<Page<T>> {
    return this.fetch(token);
  }

  protected toNode(item: T): TreeNode {
    return this.itemNode(this, item);
  }
}

export class ComputeNode extends TreeNode {
  constructor(
    parent: TreeNode,
    readonly compute: ml.ComputeResource,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.compute.name ?? '(unnamed)');
    const properties = this.compute.properties;
    item.description = [properties?.computeType, properties?.provisioningState].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('vm');
    return item;
  }
}

export class EnvironmentNode extends TreeNode {
  constructor(
    parent: TreeNode,
    readonly environment: ml.EnvironmentContainer,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.environment.name ?? '(unnamed)');
    const latest = this.environment.properties?.latestVersion;
    item.description = latest ? `latest ${latest}` : undefined;
    item.iconPath = new vscode.ThemeIcon('symbol-namespace');
    return item;
  }
}
