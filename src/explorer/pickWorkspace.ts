import * as vscode from 'vscode';
import type { AzureSession } from '../auth/azureSession';
import { parseWorkspaceId, type WorkspaceRef } from '../core/azure/resourceIds';

interface WorkspacePick extends vscode.QuickPickItem {
  ref: WorkspaceRef;
}

/** Quick pick of the workspaces in the first page of every visible subscription. */
export async function pickWorkspace(session: AzureSession): Promise<WorkspaceRef | undefined> {
  const picks = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Listing Azure ML workspaces…', cancellable: true },
    async (_progress, cancellation) => {
      const arm = await session.getArm();
      const filter = session.subscriptionFilter();
      const subscriptions = (await arm.listSubscriptions()).items.filter(
        (s) => filter.length === 0 || filter.includes(s.subscriptionId),
      );
      const items: WorkspacePick[] = [];
      for (const subscription of subscriptions) {
        if (cancellation.isCancellationRequested) throw new vscode.CancellationError();
        for (const workspace of (await arm.listWorkspaces(subscription.subscriptionId)).items) {
          const ref = parseWorkspaceId(workspace.id ?? '');
          items.push({
            label: ref.name,
            description: `${ref.resourceGroup} · ${workspace.location ?? ''}`,
            detail: subscription.displayName,
            ref,
          });
        }
      }
      return items;
    },
  );
  if (picks.length === 0) {
    void vscode.window.showInformationMessage('No Azure ML workspaces were found in your subscriptions.');
    return undefined;
  }
  return (
    await vscode.window.showQuickPick(picks, {
      placeHolder: 'Azure ML workspace for the Data, Jobs and Models views',
      matchOnDescription: true,
      matchOnDetail: true,
    })
  )?.ref;
}
