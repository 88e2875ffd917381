import * as vscode from 'vscode';
import { CommandId, NodeContext } from '../../constants';
import { classifyAzureError, type ClassifiedError } from '../../core/azure/azureErrors';
import { TreeNode } from './treeNode';

/** A line of text in place of items: an empty list, or a hint. */
export class MessageNode extends TreeNode {
  constructor(
    parent: TreeNode | undefined,
    private readonly message: string,
  ) {
    super(parent);
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message);
    item.iconPath = new vscode.ThemeIcon('info');
    return item;
  }
}

/** A failed load, shown where its items would be, with the way forward as its click action. */
export class ErrorNode extends TreeNode {
  readonly classified: ClassifiedError;

  constructor(
    parent: TreeNode | undefined,
    error: unknown,
    /** Called by the retry command; the tree refreshes the parent afterwards. */
    readonly retry: () => Promise<void>,
  ) {
    super(parent);
    this.classified = classifyAzureError(error);
  }

  getTreeItem(): vscode.TreeItem {
    const { message, action } = this.classified;
    const item = new vscode.TreeItem(message);
    item.tooltip = message;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    item.contextValue = NodeContext.retryable;
    if (action === 'signIn') {
      item.description = 'Sign in again';
      item.command = { command: CommandId.signIn, title: 'Sign In' };
    } else if (action === 'openSettings') {
      item.description = 'Open settings';
      item.command = { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['azureml'] };
    } else if (action === 'retry') {
      item.description = 'Retry';
      item.command = { command: CommandId.retry, title: 'Retry', arguments: [this] };
    }
    return item;
  }
}

/** The last item of a list while the service has more pages. */
export class LoadMoreNode extends TreeNode {
  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…');
    item.iconPath = new vscode.ThemeIcon('more');
    item.contextValue = NodeContext.loadMore;
    item.command = { command: CommandId.loadMore, title: 'Load More', arguments: [this] };
    return item;
  }
}
