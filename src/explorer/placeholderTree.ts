import * as vscode from 'vscode';

/**
 * A tree with no items yet: the view shows its `viewsWelcome` content, which tells the user
 * the next step. Real providers replace these one view at a time.
 */
export class PlaceholderTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
