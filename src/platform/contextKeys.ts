import vscode = require('vscode');
import type { ContextKey } from '../constants';

/** The context keys `when` clauses read. Set only on change; the last value can be read back. */
export class ContextKeys {
  private readonly values = new Map<ContextKey, boolean>();

  set(key: ContextKey, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: ContextKey): boolean | undefined {
    return this.values.get(key);
  }
}
