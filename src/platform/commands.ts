import vscode = require('vscode');
import type { CommandId } from '../constants';
import type { ErrorHandling, ErrorReporter } from './errorReporter';

/** Handed to every command and event handler: what it may say about its own failure. */
export interface CallContext {
  readonly errorHandling: ErrorHandling;
}

// Command arguments come from VS Code (menus, keybindings, executeCommand) untyped; each handler says what it takes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (call: CallContext, ...args: any[]) => unknown;

/**
 * The one wrapper for commands and event handlers: a failure is reported once (classified, logged,
 * shown with its way forward, a Retry for commands that can be run again), never lost in the
 * extension host log, and never thrown back at VS Code.
 */
export class CommandRegistry {
  constructor(
    private readonly reporter: ErrorReporter,
    private readonly track: <T extends vscode.Disposable>(disposable: T) => T,
    /** A command's title from the manifest, so log lines and messages name what the user ran. */
    private readonly titleOf: (id: CommandId) => string,
  ) {}

  register(id: CommandId, handler: CommandHandler): void {
    this.track(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        const call: CallContext = { errorHandling: {} };
        try {
          return await handler(call, ...args);
        } catch (error) {
          this.reporter.report(error, this.titleOf(id), call.errorHandling, () =>
            vscode.commands.executeCommand(id, ...args),
          );
          return undefined;
        }
      }),
    );
  }

  /** Subscribes `handler` to `event` with the same error handling; `name` says what failed in the log. */
  registerEvent<T>(name: string, event: vscode.Event<T>, handler: (call: CallContext, value: T) => unknown): void {
    this.track(
      event(async (value) => {
        const call: CallContext = { errorHandling: {} };
        try {
          await handler(call, value);
        } catch (error) {
          this.reporter.report(error, name, call.errorHandling);
        }
      }),
    );
  }
}
