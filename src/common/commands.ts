import * as vscode from 'vscode';
import { CommandId } from '../constants';
import { describeError } from '../core/errors';

/**
 * The one wrapper every command goes through: failures are logged with their detail and shown
 * to the user with a way to see more, instead of vanishing into the extension host log.
 */
export function registerCommand(
  id: CommandId,
  output: vscode.OutputChannel,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        return undefined;
      }
      const { message, detail } = describeError(error);
      output.appendLine(`[error] ${id}: ${message}`);
      if (detail) {
        output.appendLine(detail);
      }
      // Not awaited: a command must not hang until the user dismisses the message.
      void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => {
        if (choice) {
          output.show(true);
        }
      });
      return undefined;
    }
  });
}
