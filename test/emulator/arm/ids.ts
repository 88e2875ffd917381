/** ARM resource ids and `type` values of Microsoft.MachineLearningServices, spelled as Azure does. */
export const PROVIDER = 'Microsoft.MachineLearningServices';
export const WORKSPACE_TYPE = `${PROVIDER}/workspaces`;

/** Collections directly under a workspace: URL segment → resource type suffix. */
export const WORKSPACE_COLLECTIONS = {
  jobs: 'jobs',
  data: 'data',
  models: 'models',
  environments: 'environments',
  components: 'components',
  codes: 'codes',
  datastores: 'datastores',
  computes: 'computes',
} as const;
export type WorkspaceCollection = keyof typeof WORKSPACE_COLLECTIONS;

export function subscriptionPath(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupPath(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function workspaceId(subscriptionId: string, resourceGroup: string, workspace: string): string {
  return `${resourceGroupPath(subscriptionId, resourceGroup)}/providers/${PROVIDER}/workspaces/${workspace}`;
}

export function childType(collection: WorkspaceCollection): string {
  return `${WORKSPACE_TYPE}/${collection}`;
}

export function versionType(collection: WorkspaceCollection): string {
  return `${WORKSPACE_TYPE}/${collection}/versions`;
}

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
}

/** Splits a workspace (or deeper) id into its parts; undefined if it is not under a workspace. */
export function parseWorkspaceId(id: string): WorkspaceRef | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)/i.exec(
      id,
    );
  return match ? { subscriptionId: match[1], resourceGroup: match[2], workspace: match[3] } : undefined;
}

/** Azure ML's MLflow tracking URI for a workspace, with the emulator's host in place of the region host. */
export function mlflowTrackingUri(origin: string, ws: WorkspaceRef): string {
  const host = new URL(origin).host;
  return `azureml://${host}/mlflow/v1.0${workspaceId(ws.subscriptionId, ws.resourceGroup, ws.workspace)}`;
}
