import { ContextKey, NodeContext } from '../../constants';
import type { ComputeInfo, EnvironmentInfo, SubscriptionInfo, WorkspaceInfo } from '../../core/azure/resources';
import { idKey, type WorkspaceRef } from '../../core/azure/resourceIds';
import type { StudioTarget } from '../../core/azure/studio';
import { filterPage, type Page } from '../../core/paging';
import { FolderNode } from '../tree/folderNode';
import { MessageNode } from '../tree/infoNodes';
import { PagedItemNode, PagedNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { joinParts, type TreeItemSpec } from '../tree/treeItem';
import { ItemNode, TreeNode } from '../tree/treeNode';
import { hideWhenSignedOut, type ExplorerContext } from '../tree/viewContext';

export interface WorkspacesContext extends ExplorerContext {
  isActive(ws: WorkspaceRef): boolean;
}

/** Invisible root of the Workspaces view: the subscriptions the user can see. */
export class SubscriptionsRoot extends PagedNode<SubscriptionInfo> {
  protected readonly emptyMessage =
    'No subscriptions: this account has access to none, or the azureml.subscriptions filter hides them all.';

  constructor(private readonly context: WorkspacesContext) {
    super(undefined);
  }

  getTreeItem(): TreeItemSpec {
    return { label: 'Subscriptions' };
  }

  /** Signed out and no subscriptions show the view's welcome content, which says what to do next. */
  async getChildren(): Promise<TreeNode[]> {
    const children = hideWhenSignedOut(this.context, await super.getChildren());
    const none = children.length === 1 && children[0] instanceof MessageNode;
    this.context.contextKeys.set(ContextKey.noSubscriptions, none);
    return none ? [] : children;
  }

  protected async fetchPage(continuationToken: string | undefined): Promise<Page<SubscriptionInfo>> {
    const page = await (await this.context.arm()).listSubscriptions(continuationToken);
    const filter = this.context.subscriptionFilter();
    return filter.length === 0 ? page : filterPage(page, (s) => filter.includes(s.subscriptionId));
  }

  protected toNode(subscription: SubscriptionInfo): TreeNode {
    return new SubscriptionNode(this, subscription, this.context);
  }
}

export class SubscriptionNode extends PagedItemNode<SubscriptionInfo, WorkspaceInfo> {
  protected readonly emptyMessage = 'No Azure ML workspaces in this subscription.';

  constructor(
    parent: TreeNode,
    subscription: SubscriptionInfo,
    private readonly context: WorkspacesContext,
  ) {
    super(parent, subscription);
  }

  get subscription(): SubscriptionInfo {
    return this.item;
  }

  get id(): string {
    return `subscription:${this.item.subscriptionId}`;
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: this.item.displayName,
      id: this.id,
      description: this.item.subscriptionId,
      icon: { id: 'key' },
      collapsible: 'collapsed',
    };
  }

  protected async fetchPage(continuationToken: string | undefined): Promise<Page<WorkspaceInfo>> {
    return (await this.context.arm()).listWorkspaces(this.item.subscriptionId, continuationToken);
  }

  protected toNode(workspace: WorkspaceInfo): TreeNode {
    return new WorkspaceNode(this, workspace, this.context);
  }
}

export class WorkspaceNode extends ItemNode<WorkspaceInfo> implements ResourceItem {
  /** Created once, so what they loaded survives a re-render of the workspace. */
  private folders: TreeNode[] | undefined;

  constructor(
    parent: TreeNode,
    workspace: WorkspaceInfo,
    private readonly context: WorkspacesContext,
  ) {
    super(parent, workspace);
  }

  get ref(): WorkspaceRef {
    return this.item.ref;
  }

  get resourceId(): string {
    return this.item.id;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'resource', id: this.resourceId };
  }

  get id(): string {
    return `workspace:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    const active = this.context.isActive(this.ref);
    return {
      label: this.ref.name,
      id: this.id,
      description: joinParts(this.ref.resourceGroup, this.item.location, active && 'active'),
      tooltip: `${this.item.friendlyName ?? this.ref.name}\n${this.resourceId}`,
      icon: { id: active ? 'pass-filled' : 'beaker' },
      contextValue: active ? NodeContext.activeWorkspace : NodeContext.workspace,
      collapsible: 'collapsed',
    };
  }

  getChildren(): TreeNode[] {
    const arm = () => this.context.arm();
    this.folders ??= [
      new FolderNode(this, {
        label: 'Compute',
        icon: 'server',
        emptyMessage: 'No compute in this workspace.',
        fetch: async (token) => (await arm()).listComputes(this.ref, token),
        itemNode: (parent, compute: ComputeInfo) => new ComputeNode(parent, compute),
      }),
      new FolderNode(this, {
        label: 'Environments',
        icon: 'package',
        emptyMessage: 'No environments in this workspace.',
        fetch: async (token) => (await arm()).listEnvironments(this.ref, token),
        itemNode: (parent, environment: EnvironmentInfo) => new EnvironmentNode(parent, environment),
      }),
    ];
    return this.folders;
  }

  markStale(): void {
    for (const folder of this.folders ?? []) folder.markStale();
  }

  adopt(fresh: TreeNode): boolean {
    const adopted = super.adopt(fresh);
    if (adopted) this.markStale();
    return adopted;
  }
}

export class ComputeNode extends ItemNode<ComputeInfo> implements ResourceItem {
  get resourceId(): string {
    return this.item.id;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'resource', id: this.resourceId };
  }

  get id(): string {
    return `compute:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: this.item.name,
      id: this.id,
      description: joinParts(this.item.computeType, this.item.provisioningState),
      icon: { id: 'vm' },
      contextValue: NodeContext.compute,
    };
  }
}

export class EnvironmentNode extends ItemNode<EnvironmentInfo> implements ResourceItem {
  get resourceId(): string {
    return this.item.id;
  }

  get id(): string {
    return `environment:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: this.item.name,
      id: this.id,
      description: this.item.latestVersion ? `latest ${this.item.latestVersion}` : undefined,
      icon: { id: 'symbol-namespace' },
      contextValue: NodeContext.environment,
    };
  }
}
