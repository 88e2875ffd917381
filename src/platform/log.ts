import vscode = require('vscode');
import { OUTPUT_CHANNEL_NAME } from '../constants';

export interface LogEntry {
  level: 'info' | 'warning' | 'error';
  text: string;
}

/**
 * The "Azure ML" output channel, created with its first line (or when shown), so activation does not
 * pay for it. Every line also goes out as an event, which tests read.
 */
export class Log implements vscode.Disposable {
  private created: vscode.OutputChannel | undefined;
  private readonly written = new vscode.EventEmitter<LogEntry>();
  readonly onDidWrite = this.written.event;

  private get channel(): vscode.OutputChannel {
    this.created ??= vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME);
    return this.created;
  }

  get name(): string {
    return this.channel.name;
  }

  info(text: string): void {
    this.write({ level: 'info', text });
  }

  warn(text: string): void {
    this.write({ level: 'warning', text });
  }

  error(text: string): void {
    this.write({ level: 'error', text });
  }

  show(): void {
    this.channel.show(true);
  }

  private write(entry: LogEntry): void {
    const time = new Date().toISOString().slice(11, 19);
    this.channel.appendLine(`${time} [${entry.level}] ${entry.text}`);
    this.written.fire(entry);
  }

  dispose(): void {
    this.created?.dispose();
    this.written.dispose();
  }
}
