import { CommandId, NodeContext } from '../../constants';
import { classifyError } from '../../core/errors/classify';
import type { ClassifiedError } from '../../core/errors/kinds';
import type { TreeItemSpec } from './treeItem';
import { TreeNode } from './treeNode';

/** A line of text in place of items: an empty list, or a hint. */
export class MessageNode extends TreeNode {
  constructor(
    parent: TreeNode | undefined,
    private readonly message: string,
  ) {
    super(parent);
  }

  getTreeItem(): TreeItemSpec {
    return { label: this.message, icon: { id: 'info' } };
  }
}

const LABEL_LENGTH = 120;

/**
 * A failed load, shown where its items would be (after the items kept from before), with the way
 * forward as its click action and inline button. The row shows the first sentence; the tooltip and
 * the log have the whole message.
 */
export class ErrorNode extends TreeNode {
  readonly classified: ClassifiedError;

  constructor(
    parent: TreeNode | undefined,
    readonly error: unknown,
    /** Called by the retry command; the tree re-renders the parent afterwards. */
    readonly retry: () => Promise<void>,
  ) {
    super(parent);
    this.classified = classifyError(error);
  }

  getTreeItem(): TreeItemSpec {
    const { message, action, setting } = this.classified;
    const item: TreeItemSpec = {
      label: firstSentence(message),
      icon: { id: 'error', color: 'list.errorForeground' },
    };
    switch (action) {
      case 'retry':
        item.contextValue = NodeContext.errorRetry;
        item.command = { command: CommandId.retry, title: 'Retry', arguments: [this] };
        item.tooltip = `${message}\n\nClick to try again.`;
        break;
      case 'signIn':
        item.contextValue = NodeContext.errorSignIn;
        item.command = { command: CommandId.signIn, title: 'Sign In' };
        item.tooltip = `${message}\n\nClick to sign in.`;
        break;
      case 'openSettings':
        item.contextValue = NodeContext.errorSettings;
        item.command = {
          command: 'workbench.action.openSettings',
          title: 'Open Settings',
          arguments: [setting ?? 'azureml'],
        };
        item.tooltip = `${message}\n\nClick to open ${setting ?? 'the Azure ML settings'}.`;
        break;
      default:
        item.contextValue = NodeContext.error;
        item.command = { command: CommandId.showOutput, title: 'Show Output' };
        item.tooltip = `${message}\n\nClick to see it in the Azure ML output.`;
    }
    return item;
  }
}

/** The first sentence of a message, cut to a row's length; the rest is in the tooltip. */
function firstSentence(message: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
  return sentence.length <= LABEL_LENGTH ? sentence : `${sentence.slice(0, LABEL_LENGTH - 1).trimEnd()}…`;
}

/** The last item of a list while the service has more pages. */
export class LoadMoreNode extends TreeNode {
  getTreeItem(): TreeItemSpec {
    return {
      label: 'Load more…',
      icon: { id: 'more' },
      contextValue: NodeContext.loadMore,
      command: { command: CommandId.loadMore, title: 'Load More', arguments: [this] },
    };
  }
}
