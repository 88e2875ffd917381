/** Small helpers for Azure ML ARM ids (compared case-insensitively, as ARM does). */

export const JOB_TYPE = 'Microsoft.MachineLearningServices/workspaces/jobs';

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

const WORKSPACE_ID_PATTERN =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)/i;

export function workspaceId(ws: WorkspaceRef): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspaceName}`;
}

/** The workspace an ARM id (job, code version, datastore...) belongs to. */
export function parseWorkspace(armId: string): WorkspaceRef | undefined {
  const match = WORKSPACE_ID_PATTERN.exec(armId);
  if (!match) return undefined;
  return { subscriptionId: match[1], resourceGroup: match[2], workspaceName: match[3] };
}

export function jobIdFor(ws: WorkspaceRef, jobName: string): string {
  return `${workspaceId(ws)}/jobs/${jobName}`;
}

/** Last segment of an ARM id. */
export function lastSegment(armId: string): string {
  const parts = armId.split('/').filter((p) => p.length > 0);
  return parts[parts.length - 1] ?? '';
}

/** Lower-cased id used as a map key. */
export function idKey(armId: string): string {
  return armId.toLowerCase().replace(/\/+$/, '');
}

/**
 * Turns an asset reference into an ARM id inside `ws`: accepts ARM ids, `azureml:/subscriptions/...`,
 * `azureml:name:version` and `azureml:name@latest` (the forms Azure ML accepts for code, data, components).
 */
export function assetReferenceToId(
  reference: string,
  ws: WorkspaceRef,
  assetSegment: 'codes' | 'data' | 'components' | 'environments',
): { id: string; latestOf?: string } | undefined {
  let ref = reference.trim();
  if (ref.toLowerCase().startsWith('azureml:')) ref = ref.slice('azureml:'.length);
  if (ref.startsWith('/subscriptions/')) return { id: ref };
  const atLatest = /^([^:@/]+)@latest$/.exec(ref);
  if (atLatest) return { id: '', latestOf: `${workspaceId(ws)}/${assetSegment}/${atLatest[1]}` };
  const nameVersion = /^([^:@/]+):([^:@/]+)$/.exec(ref);
  if (nameVersion) return { id: `${workspaceId(ws)}/${assetSegment}/${nameVersion[1]}/versions/${nameVersion[2]}` };
  return undefined;
}
