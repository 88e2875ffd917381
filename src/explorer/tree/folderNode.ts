import type { Page } from '../../core/paging';
import { PagedNode } from './pagedNode';
import type { TreeItemSpec } from './treeItem';
import type { TreeNode } from './treeNode';

export interface FolderSpec<T> {
  label: string;
  icon: string;
  emptyMessage: string;
  fetch: (continuationToken: string | undefined) => Promise<Page<T>>;
  itemNode: (parent: TreeNode, item: T) => TreeNode;
}

/** A labelled group (Compute, Environments, Datastores…) whose items come one page at a time. */
export class FolderNode<T> extends PagedNode<T> {
  protected readonly emptyMessage: string;

  constructor(
    parent: TreeNode | undefined,
    private readonly spec: FolderSpec<T>,
  ) {
    super(parent);
    this.emptyMessage = spec.emptyMessage;
  }

  get id(): string {
    return `${this.parent?.id ?? ''}/folder:${this.spec.label}`;
  }

  getTreeItem(): TreeItemSpec {
    return { label: this.spec.label, id: this.id, icon: { id: this.spec.icon }, collapsible: 'collapsed' };
  }

  protected fetchPage(token: string | undefined): Promise<Page<T>> {
    return this.spec.fetch(token);
  }

  protected toNode(item: T): TreeNode {
    return this.spec.itemNode(this, item);
  }
}
