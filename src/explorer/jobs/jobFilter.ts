import vscode = require('vscode');
import { ContextKey } from '../../constants';
import type { RunFilter } from '../../core/azure/runHistory';
import type { ContextKeys } from '../../platform/contextKeys';

const STATE_KEY = 'azureml.jobFilter';

/** The Jobs view's status and text filter, remembered per VS Code workspace. */
export class JobFilterState implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunFilter>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly contextKeys: ContextKeys,
  ) {
    this.updateContext();
  }

  get current(): RunFilter {
    return this.state.get<RunFilter>(STATE_KEY) ?? {};
  }

  async update(change: Partial<RunFilter>): Promise<void> {
    const next = { ...this.current, ...change };
    if (!next.statuses?.length) delete next.statuses;
    if (!next.text?.trim()) delete next.text;
    await this.state.update(STATE_KEY, next);
    this.updateContext();
    this.changed.fire(next);
  }

  clear(): Promise<void> {
    return this.update({ statuses: [], text: '' });
  }

  /** "Failed, Active · "lr"": shown as the view's description while a filter is on. */
  describe(): string | undefined {
    const { statuses, text } = this.current;
    const parts = [statuses?.join(', '), text && `"${text}"`].filter(Boolean);
    return parts.length ? `Filter: ${parts.join(' · ')}` : undefined;
  }

  private updateContext(): void {
    this.contextKeys.set(ContextKey.jobsFiltered, this.describe() !== undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
