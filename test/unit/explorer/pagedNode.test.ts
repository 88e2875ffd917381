import assert from 'node:assert/strict';
import { CommandId, NodeContext } from '../../../src/constants';
import { ServiceError } from '../../../src/core/errors/kinds';
import type { Page } from '../../../src/core/paging';
import { ErrorNode } from '../../../src/explorer/tree/infoNodes';
import { PagedNode } from '../../../src/explorer/tree/pagedNode';
import type { TreeItemSpec } from '../../../src/explorer/tree/treeItem';
import { ItemNode, type TreeNode } from '../../../src/explorer/tree/treeNode';

class Row extends ItemNode<string> {
  get id(): string {
    return `row:${this.item.split('@')[0]}`;
  }
  getTreeItem(): TreeItemSpec {
    return { label: this.item, id: this.id };
  }
}

/** A list whose pages a test scripts: each fetch takes the next answer (a page or an error). */
class ScriptedList extends PagedNode<string> {
  protected readonly emptyMessage = 'Nothing here.';
  readonly requests: (string | undefined)[] = [];
  constructor(private readonly answers: (Page<string> | Error)[]) {
    super(undefined);
  }
  getTreeItem(): TreeItemSpec {
    return { label: 'list' };
  }
  protected async fetchPage(token: string | undefined): Promise<Page<string>> {
    this.requests.push(token);
    const answer = this.answers.shift();
    if (!answer) throw new Error('no scripted page left');
    if (answer instanceof Error) throw answer;
    return answer;
  }
  protected toNode(item: string): TreeNode {
    return new Row(this, item);
  }
}

const labels = (nodes: TreeNode[]) => nodes.map((node) => node.getTreeItem().label);
const unavailable = () => new ServiceError({ source: 'azure', statusCode: 503, message: 'Service Unavailable' });

describe('explorer/tree: paged lists', () => {
  it('shows the first page with "Load more…", and appends the next page on request', async () => {
    const list = new ScriptedList([{ items: ['a', 'b'], continuationToken: 't1' }, { items: ['c'] }]);
    assert.deepEqual(labels(await list.getChildren()), ['a', 'b', 'Load more…']);
    await Promise.all([list.loadNextPage(), list.loadNextPage()]);
    assert.deepEqual(labels(await list.getChildren()), ['a', 'b', 'c']);
    assert.deepEqual(list.requests, [undefined, 't1'], 'two clicks on Load more load one page');
  });

  it('says so when the list is empty', async () => {
    assert.deepEqual(labels(await new ScriptedList([{ items: [] }]).getChildren()), ['Nothing here.']);
  });

  it('keeps what was shown through a failed refresh, with the error after it, and Retry refreshes again', async () => {
    const list = new ScriptedList([{ items: ['a@1', 'b@1'] }, unavailable(), { items: ['a@2', 'c@1'] }]);
    const [a] = await list.getChildren();
    list.markStale();
    const afterFailure = await list.getChildren();
    assert.deepEqual(labels(afterFailure.slice(0, 2)), ['a@1', 'b@1']);
    const error = afterFailure[2] as ErrorNode;
    assert.ok(error instanceof ErrorNode);
    assert.equal(error.getTreeItem().command?.command, CommandId.retry);
    await error.retry();
    const recovered = await list.getChildren();
    assert.deepEqual(labels(recovered), ['a@2', 'c@1']);
    assert.equal(recovered[0], a, 'the node of an item still listed is kept, with its fresher data');
    assert.deepEqual(list.requests, [undefined, undefined, undefined], 'a refresh reads the first page');
  });

  it('keeps the items already shown when a later page fails, and retries that page', async () => {
    const list = new ScriptedList([{ items: ['a'], continuationToken: 't1' }, unavailable(), { items: ['b'] }]);
    await list.getChildren();
    await list.loadNextPage();
    const children = await list.getChildren();
    assert.deepEqual(labels(children).slice(0, 1), ['a']);
    await (children[1] as ErrorNode).retry();
    assert.deepEqual(labels(await list.getChildren()), ['a', 'b']);
    assert.deepEqual(list.requests, [undefined, 't1', 't1']);
  });
});

describe('explorer/tree: error rows', () => {
  const row = (error: unknown) => new ErrorNode(undefined, error, async () => undefined).getTreeItem();

  it('shows the first sentence, puts the whole message in the tooltip, and says the way forward once', () => {
    const forbidden = row(
      new ServiceError({
        source: 'azure',
        statusCode: 403,
        message:
          "The client 'x' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read' over scope '/subscriptions/s1' or the scope is invalid.",
      }),
    );
    assert.equal(
      forbidden.label,
      'You lack the permission Microsoft.MachineLearningServices/workspaces/read on /subscriptions/s1.',
    );
    assert.match(String(forbidden.tooltip), /Ask an owner for a role/);
    assert.equal(forbidden.description, undefined);
    assert.equal(forbidden.contextValue, NodeContext.error);

    const signedOut = row(new ServiceError({ source: 'azure', statusCode: 401, message: 'expired' }));
    assert.equal(signedOut.contextValue, NodeContext.errorSignIn, 'no Retry button on a row whose way is Sign In');
    assert.equal(signedOut.command?.command, CommandId.signIn);
    const words = `${signedOut.label} ${signedOut.description ?? ''}`.toLowerCase();
    assert.equal(words.split('sign in').length - 1 <= 1, true, `"sign in" once: ${words}`);
  });

  it('cuts a long first sentence, and keeps it whole in the tooltip', () => {
    const long = `Azure answered with HTTP 500: ${'x'.repeat(300)}`;
    const item = row(new ServiceError({ source: 'azure', statusCode: 500, message: long.slice(30) }));
    assert.ok(item.label.length <= 120 && item.label.endsWith('…'));
    assert.ok(String(item.tooltip).includes('x'.repeat(300)));
  });
});
