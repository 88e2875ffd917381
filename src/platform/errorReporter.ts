import vscode = require('vscode');
import { errorDetail } from '../core/errors/describe';
import { classifyError } from '../core/errors/classify';
import type { ClassifiedError, ErrorSource } from '../core/errors/kinds';
import type { Log } from './log';

export interface ErrorButton {
  title: string;
  run(): unknown;
}

/** What a command or event handler may say about its own failure, per call. */
export interface ErrorHandling {
  /** Log only: for failures the caller shows in place (a tree row, a document). */
  suppressDisplay?: boolean;
  /** Replaces the classified message in the notification (the log keeps both). */
  message?: string;
  /** Offered before the way forward and "Show Output". */
  buttons?: ErrorButton[];
}

export interface ReportedError {
  where: string;
  classified: ClassifiedError;
  shown: boolean;
  /** What the notification said: the caller's own wording, else the classified message. */
  message: string;
  /** Titles of the buttons the caller added before the way forward. */
  buttons: string[];
}

/**
 * The one place errors become what the user sees: classified for their service, logged once without
 * stack noise, shown with the way forward as buttons. Cancellation is not an error: nothing happens.
 */
export class ErrorReporter implements vscode.Disposable {
  private readonly reported = new vscode.EventEmitter<ReportedError>();
  readonly onDidReport = this.reported.event;

  constructor(
    private readonly log: Log,
    /** The command that signs in to each service, for the Sign In button. */
    private readonly signInCommands: Partial<Record<ErrorSource, string>>,
  ) {}

  report(error: unknown, where: string, handling: ErrorHandling = {}, retry?: () => unknown): ClassifiedError {
    const classified = classifyError(error);
    if (classified.kind === 'cancelled') return classified;
    this.logError(where, classified, error);
    const shown = !handling.suppressDisplay;
    if (shown) this.show(handling.message ?? classified.message, classified, handling.buttons ?? [], retry);
    this.reported.fire({
      where,
      classified,
      shown,
      message: handling.message ?? classified.message,
      buttons: (handling.buttons ?? []).map((button) => button.title),
    });
    return classified;
  }

  /** The log line for a failure shown elsewhere (a tree row); once per failure, as the caller decides. */
  logError(where: string, classified: ClassifiedError, error: unknown): void {
    const detail = errorDetail(error);
    // A stack only where it helps: an error nobody classified is a bug to report.
    const stack = classified.kind === 'other' && error instanceof Error ? error.stack : undefined;
    this.log.error(
      [`${where}: ${classified.message}`, detail && `  ${detail.replace(/\n/g, '\n  ')}`, stack]
        .filter(Boolean)
        .join('\n'),
    );
  }

  private show(message: string, classified: ClassifiedError, extra: ErrorButton[], retry?: () => unknown): void {
    const buttons: ErrorButton[] = [...extra, ...this.wayForward(classified, retry)];
    buttons.push({ title: 'Show Output', run: () => this.log.show() });
    // Not awaited: a command must not hang until the user dismisses the message.
    void vscode.window.showErrorMessage(message, ...buttons.map((button) => button.title)).then((choice) => {
      void buttons.find((button) => button.title === choice)?.run();
    });
  }

  private wayForward(classified: ClassifiedError, retry?: () => unknown): ErrorButton[] {
    switch (classified.action) {
      case 'signIn': {
        const command = this.signInCommands[classified.source];
        return command ? [{ title: 'Sign In', run: () => vscode.commands.executeCommand(command) }] : [];
      }
      case 'openSettings':
        return [
          {
            title: 'Open Settings',
            run: () => vscode.commands.executeCommand('workbench.action.openSettings', classified.setting ?? 'azureml'),
          },
        ];
      case 'retry':
        return retry ? [{ title: 'Retry', run: retry }] : [];
      default:
        return [];
    }
  }

  dispose(): void {
    this.reported.dispose();
  }
}
