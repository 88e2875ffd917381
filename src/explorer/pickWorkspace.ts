import type { AzureSession } from '../auth/azureSession';
import type { ActiveWorkspace } from '../auth/activeWorkspace';
import { isBack, type PickItem, type UserInput } from '../platform/userInput';
import type { WorkspaceRef } from '../core/azure/resourceIds';
import { CancelledError } from '../core/errors/kinds';

/**
 * The workspaces in the first page of every visible subscription, as pick items: the active one
 * first and marked.
 */
export async function workspacePicks(
  session: AzureSession,
  activeWorkspace: ActiveWorkspace,
  cancellation: { isCancellationRequested: boolean },
): Promise<PickItem<WorkspaceRef>[]> {
  const arm = await session.getArm();
  const filter = session.subscriptionFilter();
  const subscriptions = (await arm.listSubscriptions()).items.filter(
    (s) => filter.length === 0 || filter.includes(s.subscriptionId),
  );
  const items: PickItem<WorkspaceRef>[] = [];
  for (const subscription of subscriptions) {
    if (cancellation.isCancellationRequested) throw new CancelledError();
    for (const workspace of (await arm.listWorkspaces(subscription.subscriptionId)).items) {
      const active = activeWorkspace.isActive(workspace.ref);
      items.push({
        label: active ? `$(pass-filled) ${workspace.ref.name}` : workspace.ref.name,
        description: [workspace.ref.resourceGroup, workspace.location, active && 'active'].filter(Boolean).join(' · '),
        detail: subscription.displayName,
        value: workspace.ref,
        picked: active,
      });
    }
  }
  return items.sort((a, b) => Number(b.picked ?? false) - Number(a.picked ?? false));
}

export async function pickWorkspace(input: UserInput, items: PickItem<WorkspaceRef>[]): Promise<WorkspaceRef> {
  const picked = await input.pick({
    title: 'Active Azure ML workspace',
    placeholder: 'The workspace the Data, Jobs and Models views show',
    items,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (isBack(picked)) throw new CancelledError();
  return picked;
}
