import type { Page } from '../../core/paging';
import { ErrorNode, LoadMoreNode, MessageNode } from './infoNodes';
import { TreeNode } from './treeNode';

type LoadKind = 'next' | 'refresh';

/**
 * A node whose children come from a paged list: the first page shows as soon as it arrives, each
 * further page only when the user asks for it through "Load more…". A refresh reads the first page
 * again and keeps the nodes of items it still lists (with their own loaded children); a failed
 * load, first page, next page or refresh, becomes an error row after the items already shown.
 */
export abstract class PagedNode<T> extends TreeNode {
  private loaded: TreeNode[] = [];
  private continuationToken: string | undefined;
  private requested = false;
  private stale = false;
  private failure: { error: unknown; during: LoadKind } | undefined;
  /** The load in flight; callers that arrive meanwhile wait for it instead of seeing a half-loaded list. */
  private loading: Promise<void> | undefined;

  protected abstract fetchPage(continuationToken: string | undefined): Promise<Page<T>>;
  protected abstract toNode(item: T): TreeNode;
  protected abstract readonly emptyMessage: string;

  async getChildren(): Promise<TreeNode[]> {
    if (!this.requested) void this.loadNextPage();
    else if (this.stale) void this.refresh();
    if (this.loading) await this.loading;
    const nodes = [...this.loaded];
    if (this.failure) {
      nodes.push(new ErrorNode(this, this.failure.error, () => this.retry()));
    } else if (this.continuationToken) {
      nodes.push(new LoadMoreNode(this));
    } else if (nodes.length === 0) {
      nodes.push(new MessageNode(this, this.emptyMessage));
    }
    return nodes;
  }

  /** Fetches the next page (the first, before any); failures are kept and shown as a row, never thrown. */
  loadNextPage(): Promise<void> {
    this.requested = true;
    return this.load('next', async () => {
      const page = await this.fetchPage(this.continuationToken);
      this.loaded.push(...page.items.map((item) => this.toNode(item)));
      this.continuationToken = page.continuationToken;
    });
  }

  /** Reads the first page again now; on failure what was shown stays, with the error after it. */
  refresh(): Promise<void> {
    this.requested = true;
    this.stale = false;
    return this.load('refresh', async () => {
      const page = await this.fetchPage(undefined);
      const previous = new Map<string, TreeNode>();
      for (const node of this.loaded) if (node.id) previous.set(node.id, node);
      this.loaded = page.items.map((item) => {
        const fresh = this.toNode(item);
        const kept = fresh.id ? previous.get(fresh.id) : undefined;
        return kept?.adopt(fresh) ? kept : fresh;
      });
      this.continuationToken = page.continuationToken;
    });
  }

  /** Tries again what failed. */
  retry(): Promise<void> {
    return this.failure?.during === 'refresh' ? this.refresh() : this.loadNextPage();
  }

  /** The next expansion reads the first page again; every loaded descendant is out of date too. */
  markStale(): void {
    if (!this.requested) return;
    this.stale = true;
    for (const node of this.loaded) node.markStale();
  }

  private load(kind: LoadKind, task: () => Promise<void>): Promise<void> {
    // Two clicks on "Load more…" load one page; a refresh waits for what is in flight, then runs.
    if (this.loading && kind === 'next') return this.loading;
    const run = (this.loading ?? Promise.resolve()).then(async () => {
      try {
        await task();
        this.failure = undefined;
      } catch (error) {
        this.failure = { error, during: kind };
      }
    });
    const tracked: Promise<void> = run.finally(() => {
      if (this.loading === tracked) this.loading = undefined;
    });
    this.loading = tracked;
    return tracked;
  }
}

/** A paged node that shows one item, which a refresh can replace with a fresher copy. */
export abstract class PagedItemNode<I, T> extends PagedNode<T> {
  constructor(
    parent: TreeNode | undefined,
    public item: I,
  ) {
    super(parent);
  }

  adopt(fresh: TreeNode): boolean {
    if (fresh.constructor !== this.constructor) return false;
    this.item = (fresh as PagedItemNode<I, T>).item;
    this.markStale();
    return true;
  }
}
