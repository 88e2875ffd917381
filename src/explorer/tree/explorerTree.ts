import vscode = require('vscode');
import { ErrorNode } from './infoNodes';
import type { TreeItemSpec } from './treeItem';
import type { TreeNode } from './treeNode';

/** The TreeDataProvider every Azure ML view uses; the root node decides what the view lists. */
export class ExplorerTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private root: TreeNode;
  /** Failures already reported, so a row drawn many times is logged once. */
  private readonly reportedErrors = new WeakSet<object>();

  constructor(
    private readonly createRoot: () => TreeNode,
    /** Told once about each failure the tree shows as an error row. */
    private readonly onErrorShown: (node: ErrorNode) => void,
  ) {
    this.root = createRoot();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toVsCodeTreeItem(node.getTreeItem());
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = await (node ?? this.root).getChildren();
    for (const child of children) {
      if (child instanceof ErrorNode && isObject(child.error) && !this.reportedErrors.has(child.error)) {
        this.reportedErrors.add(child.error);
        this.onErrorShown(child);
      }
    }
    return children;
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

  /** Top-level children, as the view gets them. */
  rootChildren(): Promise<TreeNode[]> {
    return this.getChildren(undefined);
  }

  /** Reads `node` (or the whole view) again, keeping what is shown until the new items arrive. */
  refresh(node?: TreeNode): void {
    (node ?? this.root).markStale();
    this.changed.fire(node === this.root ? undefined : node);
  }

  /** Starts the view over from a new root: what it shows depends on something that changed. */
  rebuild(): void {
    this.root = this.createRoot();
    this.changed.fire(undefined);
  }

  /** Re-render `node`'s children as they are now (after "Load more…" or a retry). */
  rerender(node: TreeNode | undefined): void {
    this.changed.fire(node === this.root ? undefined : node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

export function toVsCodeTreeItem(spec: TreeItemSpec): vscode.TreeItem {
  const collapsible = {
    none: vscode.TreeItemCollapsibleState.None,
    collapsed: vscode.TreeItemCollapsibleState.Collapsed,
    expanded: vscode.TreeItemCollapsibleState.Expanded,
  }[spec.collapsible ?? 'none'];
  const item = new vscode.TreeItem(spec.label, collapsible);
  item.id = spec.id;
  item.description = spec.description;
  item.tooltip = typeof spec.tooltip === 'object' ? new vscode.MarkdownString(spec.tooltip.markdown) : spec.tooltip;
  if (spec.icon) {
    item.iconPath = new vscode.ThemeIcon(
      spec.icon.id,
      spec.icon.color ? new vscode.ThemeColor(spec.icon.color) : undefined,
    );
  }
  item.contextValue = spec.contextValue;
  item.command = spec.command;
  return item;
}
