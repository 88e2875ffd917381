import type * as vscode from 'vscode';
import { CommandId } from '../constants';
import { CommandRegistry } from './commands';
import { ContextKeys } from './contextKeys';
import { ErrorReporter } from './errorReporter';
import { Log } from './log';
import type { RootDisposable } from './rootDisposable';
import { Settings } from './settings';
import { createdOnFirstUse, SwitchableUserInput, type UserInput } from './userInput';

type QuickInputModule = typeof import('./vscodeUserInput.lazy');

/** The VS Code plumbing every feature uses; domain-neutral. */
export interface Platform {
  readonly extensionContext: vscode.ExtensionContext;
  /** Hands a registration to the root disposable, which releases it on deactivate. */
  track<T extends vscode.Disposable>(disposable: T): T;
  readonly log: Log;
  readonly errors: ErrorReporter;
  readonly commands: CommandRegistry;
  readonly settings: Settings;
  readonly contextKeys: ContextKeys;
  readonly userInput: UserInput;
}

/** What integration tests reach of the platform. */
export interface PlatformTestHandle {
  readonly log: Log;
  readonly errors: ErrorReporter;
  readonly contextKeys: ContextKeys;
  /** Answers prompts with `input` until the returned function is called. */
  useUserInput(input: UserInput): () => void;
  /** The extension's log folder (under the session's logs), which tests search for secrets. */
  readonly logFolder: vscode.Uri;
  /** The extension's global storage, where the entry keeps the activation bundle's code cache. */
  readonly globalStorage: vscode.Uri;
}

export function createPlatform(
  extensionContext: vscode.ExtensionContext,
  root: RootDisposable,
): { platform: Platform; testHandle: PlatformTestHandle } {
  const track = root.track.bind(root);
  const log = track(new Log());
  const errors = track(new ErrorReporter(log, { azure: CommandId.signIn }));
  // Read from the manifest on the first failure, not at activation.
  let titles: Map<string, string> | undefined;
  const titleOf = (id: string) => {
    titles ??= new Map(
      ((extensionContext.extension.packageJSON as Manifest).contributes?.commands ?? []).map((c) => [
        c.command,
        `${c.category}: ${c.title}`,
      ]),
    );
    return titles.get(id) ?? id;
  };
  const userInput = new SwitchableUserInput(
    createdOnFirstUse(() => new (require('./vscodeUserInput.lazy') as QuickInputModule).VsCodeUserInput()),
  );
  const platform: Platform = {
    extensionContext,
    track,
    log,
    errors,
    commands: new CommandRegistry(errors, track, titleOf),
    settings: new Settings(),
    contextKeys: new ContextKeys(),
    userInput,
  };
  platform.commands.register(CommandId.showOutput, () => log.show());
  return {
    platform,
    testHandle: {
      log,
      errors,
      contextKeys: platform.contextKeys,
      useUserInput: (input) => userInput.use(input),
      logFolder: extensionContext.logUri,
      globalStorage: extensionContext.globalStorageUri,
    },
  };
}

interface Manifest {
  contributes?: { commands?: { command: string; title: string; category: string }[] };
}
