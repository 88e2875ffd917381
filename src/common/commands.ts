import * as vscode from 'vscode';
import { CommandId } from '../constants';
import { classifyAzureError } from '../core/azure/azureErrors';
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
      const { detail } = describeError(error);
      const { message, action } = classifyAzureError(error);
      output.appendLine(`[error] ${id}: ${message}`);
      if (detail) {
        output.appendLine(detail);
      }
      const nextStep = action === 'signIn' ? 'Sign In' : action === 'openSettings' ? 'Open Settings' : undefined;
      // Not awaited: a command must not hang until the user dismisses the message.
      void vscode.window.showErrorMessage(message, ...(nextStep ? [nextStep] : []), 'Show Output').then((choice) => {
        if (choice === 'Sign In') void vscode.commands.executeCommand(CommandId.signIn);
        else if (choice === 'Open Settings')
          void vscode.commands.executeCommand('workbench.action.openSettings', 'azureml');
        else if (choice) output.show(true);
      });
      return undefined;
    }
  });
}
