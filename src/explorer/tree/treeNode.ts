import type * as vscode from 'vscode';

/** One kind of item in an Azure ML tree: each kind is its own class. */
export abstract class TreeNode {
  constructor(public readonly parent: TreeNode | undefined) {}
  abstract getTreeItem(): vscode.TreeItem;
  getChildren(): Promise<TreeNode[]> | TreeNode[] {
    return [];
  }
}
