// Reading the extension's trees the way the UI does: labels, descriptions and contextValues.
import assert from 'node:assert/strict';
import { NodeContext } from '../../src/constants';
import type { ErrorNode } from '../../src/explorer/tree/infoNodes';
import type { TreeNode } from '../../src/explorer/tree/treeNode';

export const labelOf = (node: TreeNode) => String(node.getTreeItem().label);
export const descriptionOf = (node: TreeNode) => String(node.getTreeItem().description ?? '');
// The tests' bundle has its own copies of the node classes, so nodes are told apart as the UI's menus do.
export const contextOf = (node: TreeNode) => node.getTreeItem().contextValue;
/** A job row, running (which can be cancelled) or not. */
export const isJobRow = (node: TreeNode) =>
  contextOf(node) === NodeContext.job || contextOf(node) === NodeContext.activeJob;

const ERROR_CONTEXTS = new Set<string | undefined>([
  NodeContext.errorRetry,
  NodeContext.errorSignIn,
  NodeContext.errorSettings,
  NodeContext.error,
]);

export function asErrorNode(node: TreeNode | undefined): ErrorNode {
  assert.ok(node, 'expected an error node, got nothing');
  assert.ok(ERROR_CONTEXTS.has(contextOf(node)), `expected an error node, got "${labelOf(node)}"`);
  return node as ErrorNode;
}

export async function childNamed(parent: { getChildren(): Promise<TreeNode[]> | TreeNode[] }, label: string) {
  const children = await parent.getChildren();
  const found = children.find((node) => labelOf(node) === label);
  assert.ok(found, `no "${label}" among ${children.map(labelOf).join(', ')}`);
  return found;
}

/** Polls `read` until `accept` holds; the last value is in the failure message. */
export async function eventually<T>(read: () => Promise<T> | T, accept: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline)
      assert.fail(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}
