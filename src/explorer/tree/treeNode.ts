import type { TreeItemSpec } from './treeItem';

/** One kind of item in an Azure ML tree: each kind is its own class. */
export abstract class TreeNode {
  constructor(public readonly parent: TreeNode | undefined) {}

  abstract getTreeItem(): TreeItemSpec;

  getChildren(): Promise<TreeNode[]> | TreeNode[] {
    return [];
  }

  /** Stable identity within its tree (also the TreeItem id); undefined for transient rows. */
  get id(): string | undefined {
    return undefined;
  }

  /** What this node loaded is out of date: read it again when next shown, keeping it visible until then. */
  markStale(): void {}

  /**
   * A refresh brought `fresh`, a new node for the same item: take its data and stay in the tree,
   * so expansion, loaded children and watchers survive. False when the node cannot.
   */
  adopt(_fresh: TreeNode): boolean {
    return false;
  }
}

/** A node that shows one item which a refresh can replace with a fresher copy. */
export abstract class ItemNode<T> extends TreeNode {
  constructor(
    parent: TreeNode | undefined,
    public item: T,
  ) {
    super(parent);
  }

  adopt(fresh: TreeNode): boolean {
    if (fresh.constructor !== this.constructor) return false;
    this.item = (fresh as ItemNode<T>).item;
    return true;
  }
}
