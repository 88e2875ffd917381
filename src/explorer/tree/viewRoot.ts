import * as vscode from 'vscode';
import { ContextKey } from '../../constants';
import { ErrorNode } from './infoNodes';
import type { TreeNode } from './treeNode';

/**
 * Signed out is not an error in a view: the view shows nothing, and its welcome content offers
 * Sign In. Anything else stays as the node it is.
 */
export function hideWhenSignedOut(children: TreeNode[]): TreeNode[] {
  const only = children.length === 1 ? children[0] : undefined;
  const signedOut = only instanceof ErrorNode && only.classified.kind === 'signedOut';
  void vscode.commands.executeCommand('setContext', ContextKey.signedOut, signedOut);
  return signedOut ? [] : children;
}
