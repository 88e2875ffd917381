/** The three parts that locate a workspace in ARM. */
export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const workspaceIdPattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)/i;

/** Reads the workspace out of any id at or below a workspace. */
export function parseWorkspaceId(id: string): WorkspaceRef {
  const match = workspaceIdPattern.exec(id);
  if (!match) throw new Error(`Not an Azure ML workspace resource id: ${id}`);
  return { subscriptionId: match[1], resourceGroup: match[2], name: match[3] };
}

export function workspaceId(ws: WorkspaceRef): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}`;
}
