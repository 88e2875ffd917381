import { ContextKey } from '../../constants';
import type { AzureMlArm } from '../../core/azure/armClient';
import { ErrorNode } from './infoNodes';
import type { TreeNode } from './treeNode';

/** What the explorer's nodes need from outside: Azure, and the context keys their views' welcomes read. */
export interface ExplorerContext {
  arm(): Promise<AzureMlArm>;
  /** Subscription ids the user chose to see; empty means all. */
  subscriptionFilter(): string[];
  contextKeys: { set(key: ContextKey, value: boolean): void };
}

/**
 * Signed out is not an error in a view: the view shows nothing, and its welcome content offers
 * Sign In. Anything else stays as the node it is.
 */
export function hideWhenSignedOut(context: ExplorerContext, children: TreeNode[]): TreeNode[] {
  const only = children.length === 1 ? children[0] : undefined;
  const signedOut = only instanceof ErrorNode && only.classified.kind === 'signedOut';
  context.contextKeys.set(ContextKey.signedOut, signedOut);
  return signedOut ? [] : children;
}
