import type * as ml from '@azure/arm-machinelearning';
import * as vscode from 'vscode';
import { NodeContext } from '../../constants';
import type { Page } from '../../core/azure/armClient';
import { FolderNode } from '../tree/folderNode';
import { formatDate } from '../tree/format';
import { PagedNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { TreeNode } from '../tree/treeNode';
import { WorkspaceRoot } from '../tree/workspaceRoot';

/** Data view: the active workspace's datastores (one folder), then its data assets. */
export class DataRoot extends WorkspaceRoot<ml.DataContainer> {
  protected readonly emptyMessage = 'No data assets in this workspace yet.';

  private datastores: FolderNode<ml.Datastore> | undefined;

  async getChildren(): Promise<TreeNode[]> {
    const assets = await super.getChildren();
    const workspace = this.workspace;
    if (assets.length === 0 || !workspace) return assets;
    this.datastores ??= new FolderNode(this, {
      label: 'Datastores',
      icon: 'database',
      emptyMessage: 'No datastores in this workspace.',
      fetch: async (token) => (await this.session.getArm()).listDatastores(workspace, token),
      itemNode: (parent, datastore: ml.Datastore) => new DatastoreNode(parent, datastore),
    });
    return [this.datastores, ...assets];
  }

  protected async fetchPage(token: string | undefined): Promise<Page<ml.DataContainer>> {
    return (await this.session.getArm()).listDataAssets(this.ws, token);
  }

  protected toNode(container: ml.DataContainer): TreeNode {
    const ws = this.ws;
    return new DataAssetNode(this, container, async (token) =>
      (await this.session.getArm()).listDataVersions(ws, container.name ?? '', token),
    );
  }
}

export class DataAssetNode extends PagedNode<ml.DataVersionBase> implements ResourceItem {
  protected readonly emptyMessage = 'This data asset has no versions.';
  readonly resourceId: string;

  constructor(
    parent: TreeNode,
    readonly container: ml.DataContainer,
    private readonly fetchVersions: (token: string | undefined) => Promise<Page<ml.DataVersionBase>>,
  ) {
    super(parent);
    this.resourceId = container.id ?? '';
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.container.name ?? '(unnamed)', vscode.TreeItemCollapsibleState.Collapsed);
    const properties = this.container.properties;
    item.description = [properties?.dataType, properties?.latestVersion && `latest ${properties.latestVersion}`]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon('table');
    item.contextValue = NodeContext.dataAsset;
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<Page<ml.DataVersionBase>> {
    return this.fetchVersions(token);
  }

  protected toNode(version: ml.DataVersionBase): TreeNode {
    return new DataVersionNode(this, version);
  }
}

export class DataVersionNode extends TreeNode implements ResourceItem {
  readonly resourceId: string;

  constructor(
    parent: DataAssetNode,
    readonly version: ml.DataVersionBase,
  ) {
    super(parent);
    this.resourceId = version.id ?? '';
  }

  get studioTarget() {
    return { kind: 'resource', id: this.resourceId } as const;
  }

  getTreeItem(): vscode.TreeItem {
    const properties = this.version.properties;
    const item = new vscode.TreeItem(`version ${this.version.name ?? '?'}`);
    const created = this.version.systemData?.createdAt;
    item.description = [properties?.dataType, created && formatDate(created), properties?.dataUri]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [
        `**${(this.parent as DataAssetNode).container.name}:${this.version.name}** (${properties?.dataType ?? 'data'})`,
        `Path: \`${properties?.dataUri ?? ''}\``,
        created ? `Created: ${formatDate(created)}` : '',
        properties?.description ?? '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(
      properties?.dataType === 'uri_file' ? 'file' : properties?.dataType === 'mltable' ? 'table' : 'folder',
    );
    item.contextValue = NodeContext.dataVersion;
    return item;
  }
}

export class DatastoreNode extends TreeNode implements ResourceItem {
  readonly resourceId: string;

  constructor(
    parent: TreeNode,
    readonly datastore: ml.Datastore,
  ) {
    super(parent);
    this.resourceId = datastore.id ?? '';
  }

  getTreeItem(): vscode.TreeItem {
    // The SDK types datastores as a union; these are the fields the blob, file and lake kinds share.
    const properties = (this.datastore.properties ?? {}) as unknown as Record<string, string | boolean | undefined>;
    const item = new vscode.TreeItem(this.datastore.name ?? '(unnamed)');
    const location = [
      properties.accountName,
      properties.containerName ?? properties.fileShareName ?? properties.filesystem,
    ]
      .filter(Boolean)
      .join('/');
    item.description = [properties.datastoreType, location, properties.isDefault ? 'default' : undefined]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon('database');
    item.contextValue = NodeContext.datastore;
    return item;
  }
}
