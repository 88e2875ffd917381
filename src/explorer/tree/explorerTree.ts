import * as vscode from 'vscode';
import { PagedNode } from './pagedNode';
import type { TreeNode } from './treeNode';

/** The TreeDataProvider every Azure ML view uses; the root node decides what the view lists. */
export class ExplorerTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private root: TreeNode;

  constructor(private readonly createRoot: () => TreeNode) {
    this.root = createRoot();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.getTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> | TreeNode[] {
    return (node ?? this.root).getChildren();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent === this.root ? undefined : node.parent;
  }

  /** Whether `node` belongs to this tree as it is now (not to one it replaced). */
  contains(node: TreeNode): boolean {
    let top = node;
    while (top.parent) top = top.parent;
    return top === this.root;
  }

  /** Top-level children, for tests and pickers. */
  rootChildren(): Promise<TreeNode[]> | TreeNode[] {
    return this.root.getChildren();
  }

  /** Reload `node` from its first page, or the whole view when no node is given. */
  refresh(node?: TreeNode): void {
    if (!node || node === this.root) {
      this.root = this.createRoot();
      this.changed.fire(undefined);
      return;
    }
    if (node instanceof PagedNode) node.reset();
    this.changed.fire(node);
  }

  /** Re-render `node`'s children as they are now (after "Load more…" or a retry). */
  rerender(node: TreeNode | undefined): void {
    this.changed.fire(node === this.root ? undefined : node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
