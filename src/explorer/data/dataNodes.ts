import { NodeContext } from '../../constants';
import type { DataAssetInfo, DatastoreInfo, DataVersionInfo } from '../../core/azure/resources';
import { idKey } from '../../core/azure/resourceIds';
import type { StudioTarget } from '../../core/azure/studio';
import type { Page } from '../../core/paging';
import { FolderNode } from '../tree/folderNode';
import { PagedItemNode } from '../tree/pagedNode';
import type { ResourceItem } from '../tree/resourceNode';
import { formatDate, joinParts, markdownLines, type TreeItemSpec } from '../tree/treeItem';
import { ItemNode, type TreeNode } from '../tree/treeNode';
import { WorkspaceRoot } from '../tree/workspaceRoot';

/** Data view: the active workspace's datastores (one folder), then its data assets. */
export class DataRoot extends WorkspaceRoot<DataAssetInfo> {
  protected readonly emptyMessage = 'No data assets in this workspace yet.';

  private datastores: FolderNode<DatastoreInfo> | undefined;

  async getChildren(): Promise<TreeNode[]> {
    const assets = await super.getChildren();
    const workspace = this.workspace;
    if (assets.length === 0 || !workspace) return assets;
    this.datastores ??= new FolderNode(this, {
      label: 'Datastores',
      icon: 'database',
      emptyMessage: 'No datastores in this workspace.',
      fetch: async (token) => (await this.context.arm()).listDatastores(workspace, token),
      itemNode: (parent, datastore: DatastoreInfo) => new DatastoreNode(parent, datastore),
    });
    return [this.datastores, ...assets];
  }

  markStale(): void {
    super.markStale();
    this.datastores?.markStale();
  }

  protected async fetchPage(token: string | undefined): Promise<Page<DataAssetInfo>> {
    return (await this.context.arm()).listDataAssets(this.ws, token);
  }

  protected toNode(asset: DataAssetInfo): TreeNode {
    const ws = this.ws;
    return new DataAssetNode(this, asset, async (token) =>
      (await this.context.arm()).listDataVersions(ws, asset.name, token),
    );
  }
}

export class DataAssetNode extends PagedItemNode<DataAssetInfo, DataVersionInfo> implements ResourceItem {
  protected readonly emptyMessage = 'This data asset has no versions.';

  constructor(
    parent: TreeNode,
    asset: DataAssetInfo,
    private readonly fetchVersions: (token: string | undefined) => Promise<Page<DataVersionInfo>>,
  ) {
    super(parent, asset);
  }

  get resourceId(): string {
    return this.item.id;
  }

  get id(): string {
    return `data:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    return {
      label: this.item.name,
      id: this.id,
      description: joinParts(this.item.dataType, this.item.latestVersion && `latest ${this.item.latestVersion}`),
      icon: { id: 'table' },
      contextValue: NodeContext.dataAsset,
      collapsible: 'collapsed',
    };
  }

  protected fetchPage(token: string | undefined): Promise<Page<DataVersionInfo>> {
    return this.fetchVersions(token);
  }

  protected toNode(version: DataVersionInfo): TreeNode {
    return new DataVersionNode(this, version);
  }
}

const DATA_TYPE_ICONS: Record<string, string> = { uri_file: 'file', mltable: 'table' };

export class DataVersionNode extends ItemNode<DataVersionInfo> implements ResourceItem {
  get resourceId(): string {
    return this.item.id;
  }

  get studioTarget(): StudioTarget {
    return { kind: 'resource', id: this.resourceId };
  }

  get id(): string {
    return `dataVersion:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    const version = this.item;
    return {
      label: `version ${version.version}`,
      id: this.id,
      description: joinParts(version.dataType, version.createdAt && formatDate(version.createdAt), version.path),
      tooltip: markdownLines(
        `**${version.assetName}:${version.version}** (${version.dataType ?? 'data'})`,
        `Path: \`${version.path ?? ''}\``,
        version.createdAt && `Created: ${formatDate(version.createdAt)}`,
        version.description,
      ),
      icon: { id: DATA_TYPE_ICONS[version.dataType ?? ''] ?? 'folder' },
      contextValue: NodeContext.dataVersion,
    };
  }
}

export class DatastoreNode extends ItemNode<DatastoreInfo> implements ResourceItem {
  get resourceId(): string {
    return this.item.id;
  }

  get id(): string {
    return `datastore:${idKey(this.resourceId)}`;
  }

  getTreeItem(): TreeItemSpec {
    const store = this.item;
    return {
      label: store.name,
      id: this.id,
      description: joinParts(
        store.datastoreType,
        [store.accountName, store.container].filter(Boolean).join('/'),
        store.isDefault && 'default',
      ),
      icon: { id: 'database' },
      contextValue: NodeContext.datastore,
    };
  }
}
