import type { WorkspaceRef } from '../../core/azure/resourceIds';
import { PagedNode } from './pagedNode';
import type { TreeItemSpec } from './treeItem';
import type { TreeNode } from './treeNode';
import { hideWhenSignedOut, type ExplorerContext } from './viewContext';

/**
 * Invisible root of a view that lists the active workspace's items (Data, Jobs, Models). With no
 * active workspace, or signed out, it lists nothing and the view's welcome content says what to do.
 */
export abstract class WorkspaceRoot<T> extends PagedNode<T> {
  constructor(
    protected readonly context: ExplorerContext,
    protected readonly workspace: WorkspaceRef | undefined,
  ) {
    super(undefined);
  }

  getTreeItem(): TreeItemSpec {
    return { label: this.workspace?.name ?? '' };
  }

  /** The workspace, for fetches, which only run once getChildren has checked there is one. */
  protected get ws(): WorkspaceRef {
    if (!this.workspace) throw new Error('No active Azure ML workspace; pick one in the Workspaces view.');
    return this.workspace;
  }

  async getChildren(): Promise<TreeNode[]> {
    if (!this.workspace) return [];
    return hideWhenSignedOut(this.context, await super.getChildren());
  }
}
