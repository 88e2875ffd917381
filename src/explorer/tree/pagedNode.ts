import type { Page } from '../../core/azure/armClient';
import { ErrorNode, LoadMoreNode, MessageNode } from './infoNodes';
import { TreeNode } from './treeNode';

/**
 * A node whose children come from a paged list: the first page shows as soon as it arrives, each
 * further page only when the user asks for it through "Load more…". A failed page becomes an error
 * node with a retry, and the items already shown stay.
 */
export abstract class PagedNode<T> extends TreeNode {
  private readonly loaded: TreeNode[] = [];
  private continuationToken: string | undefined;
  private firstPageRequested = false;
  private lastError: unknown;
  /** The page being fetched; callers that arrive meanwhile wait for it instead of seeing a half-loaded list. */
  private loading: Promise<void> | undefined;
  /** Bumped by reset, so a page that arrives after it is dropped rather than mixed into the new list. */
  private generation = 0;

  protected abstract fetchPage(continuationToken: string | undefined): Promise<Page<T>>;
  protected abstract toNode(item: T): TreeNode;
  protected abstract readonly emptyMessage: string;

  async getChildren(): Promise<TreeNode[]> {
    if (!this.firstPageRequested) await this.loadNextPage();
    else if (this.loading) await this.loading;
    const nodes = [...this.loaded];
    if (this.lastError !== undefined) {
      nodes.push(new ErrorNode(this, this.lastError, () => this.loadNextPage()));
    } else if (this.continuationToken) {
      nodes.push(new LoadMoreNode(this));
    } else if (nodes.length === 0) {
      nodes.push(new MessageNode(this, this.emptyMessage));
    }
    return nodes;
  }

  /** Fetches the next page; errors are kept and shown as a node, never thrown into the tree. */
  loadNextPage(): Promise<void> {
    this.firstPageRequested = true;
    this.loading ??= this.fetchNextPage().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async fetchNextPage(): Promise<void> {
    const generation = this.generation;
    try {
      const page = await this.fetchPage(this.continuationToken);
      if (generation !== this.generation) return;
      this.loaded.push(...page.items.map((item) => this.toNode(item)));
      this.continuationToken = page.continuationToken;
      this.lastError = undefined;
    } catch (error) {
      if (generation === this.generation) this.lastError = error;
    }
  }

  /** Forget everything; the next expansion starts again from the first page. */
  reset(): void {
    this.generation++;
    this.loaded.length = 0;
    this.continuationToken = undefined;
    this.firstPageRequested = false;
    this.lastError = undefined;
    this.loading = undefined;
  }
}
