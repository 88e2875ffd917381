import * as vscode from 'vscode';
import { registerCommand } from './common/commands';
import { RootDisposable } from './common/rootDisposable';
import { CommandId, OUTPUT_CHANNEL_NAME, ViewId } from './constants';
import { PlaceholderTree } from './explorer/placeholderTree';

let root: RootDisposable | undefined;

/** What activate returns: lets tests reach the live instance without a fake vscode module. */
export interface ExtensionApi {
  readonly output: vscode.OutputChannel;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  root = new RootDisposable();
  context.subscriptions.push(root);

  const output = root.track(vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME));

  for (const viewId of Object.values(ViewId)) {
    root.track(vscode.window.createTreeView(viewId, { treeDataProvider: new PlaceholderTree() }));
  }

  root.track(registerCommand(CommandId.showOutput, output, () => output.show()));

  return { output };
}

export function deactivate(): void {
  root?.dispose();
  root = undefined;
}
