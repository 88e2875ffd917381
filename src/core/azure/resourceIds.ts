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

/** ARM ids compare case-insensitively; this is the form to key maps and tree items by. */
export function idKey(id: string): string {
  return id.toLowerCase();
}

export function subscriptionOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
}

export function resourceGroupOf(id: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
}

export type ResourceKind = 'workspace' | 'compute' | 'environment' | 'data' | 'datastore' | 'job' | 'model';

const KIND_PATTERNS: [ResourceKind, RegExp][] = [
  ['data', /\/workspaces\/[^/]+\/data\/([^/]+)\/versions\/([^/]+)$/i],
  ['model', /\/workspaces\/[^/]+\/models\/([^/]+)\/versions\/([^/]+)$/i],
  ['environment', /\/workspaces\/[^/]+\/environments\/([^/]+)(?:\/versions\/([^/]+))?$/i],
  ['data', /\/workspaces\/[^/]+\/data\/([^/]+)$/i],
  ['model', /\/workspaces\/[^/]+\/models\/([^/]+)$/i],
  ['compute', /\/workspaces\/[^/]+\/computes\/([^/]+)$/i],
  ['datastore', /\/workspaces\/[^/]+\/datastores\/([^/]+)$/i],
  ['job', /\/workspaces\/[^/]+\/jobs\/([^/]+)$/i],
  ['workspace', /\/workspaces\/([^/]+)$/i],
];

/** What an Azure ML resource id points at, with its name and version where it has them. */
export function describeResourceId(id: string): { kind: ResourceKind; name: string; version?: string } | undefined {
  for (const [kind, pattern] of KIND_PATTERNS) {
    const match = pattern.exec(id);
    if (match) return { kind, name: decodeURIComponent(match[1]), version: match[2] && decodeURIComponent(match[2]) };
  }
  return undefined;
}

/**
 * `azureml:name:version` (or `azureml:name@latest` for an asset without a version), the reference job
 * YAML uses for a data asset, model or environment.
 */
export function assetReference(id: string): string | undefined {
  const described = describeResourceId(id);
  if (!described || !['data', 'model', 'environment'].includes(described.kind)) return undefined;
  return described.version ? `azureml:${described.name}:${described.version}` : `azureml:${described.name}@latest`;
}

/**
 * The short reference `az ml` shows for a linked resource: `/…/environments/sklearn-env/versions/3`
 * → `azureml:sklearn-env:3`; any other id → `azureml:<last segment>`.
 */
export function shortReference(id: string): string {
  const versioned = /\/([^/]+)\/versions\/([^/]+)$/.exec(id);
  return versioned ? `azureml:${versioned[1]}:${versioned[2]}` : `azureml:${id.split('/').pop()}`;
}
