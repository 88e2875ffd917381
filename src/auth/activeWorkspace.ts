import vscode = require('vscode');
import { CommandId, ContextKey } from '../constants';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import type { ContextKeys } from '../platform/contextKeys';

const STATE_KEY = 'azureml.activeWorkspace';

/**
 * The workspace the Data, Jobs and Models views show. Kept in workspaceState, so each VS Code
 * workspace folder remembers its own, and shown in the status bar with a picker to change it.
 */
export class ActiveWorkspace implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceRef | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly statusBar = vscode.window.createStatusBarItem(
    'azureml.activeWorkspace',
    vscode.StatusBarAlignment.Left,
    50,
  );

  constructor(
    private readonly state: vscode.Memento,
    private readonly contextKeys: ContextKeys,
  ) {
    this.statusBar.name = 'Azure ML Workspace';
    this.statusBar.command = CommandId.pickActiveWorkspace;
    this.render();
  }

  get current(): WorkspaceRef | undefined {
    return this.state.get<WorkspaceRef>(STATE_KEY);
  }

  isActive(ws: WorkspaceRef): boolean {
    const current = this.current;
    return !!current && workspaceId(current).toLowerCase() === workspaceId(ws).toLowerCase();
  }

  async set(ws: WorkspaceRef | undefined): Promise<void> {
    await this.state.update(STATE_KEY, ws);
    this.render();
    this.changed.fire(ws);
  }

  private render(): void {
    const current = this.current;
    this.contextKeys.set(ContextKey.hasActiveWorkspace, !!current);
    this.statusBar.text = `$(beaker) ${current ? current.name : 'No Azure ML workspace'}`;
    this.statusBar.tooltip = current
      ? `Active Azure ML workspace: ${current.name} (${current.resourceGroup})\nClick to change`
      : 'Pick the Azure ML workspace the Data, Jobs and Models views show';
    this.statusBar.show();
  }

  dispose(): void {
    this.statusBar.dispose();
    this.changed.dispose();
  }
}
