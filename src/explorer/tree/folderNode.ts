import * as vscode from 'vscode';
import type { Page } from '../../core/azure/armClient';
import { PagedNode } from './pagedNode';
import type { TreeNode } from './treeNode';

export interface FolderSpec<T> {
  label: string;
  icon: string;
  emptyMessage: string;
  fetch: (continuationToken: string | undefined) => Promise<Page<T>>;
  itemNode: (parent: TreeNode, item: T) => TreeNode;
  expanded?: boolean;
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

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(
      this.spec.label,
      this.spec.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.iconPath = new vscode.ThemeIcon(this.spec.icon);
    return item;
  }

  protected fetchPage(token: string | undefined): Promise<Page<T>> {
    return this.spec.fetch(token);
  }

  protected toNode(item: T): TreeNode {
    return this.spec.itemNode(this, item);
  }
}
