import type * as ml from '@azure/arm-machinelearning';
import { describeResourceId, parseWorkspaceId, type WorkspaceRef } from './resourceIds';

/**
 * The project's own view of Azure ML resources: what the views and commands use. The ARM client
 * maps the SDK's types to these, so no SDK type travels further than core/azure.
 */
export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

export interface WorkspaceInfo {
  id: string;
  ref: WorkspaceRef;
  location?: string;
  friendlyName?: string;
}

export interface ComputeInfo {
  id: string;
  name: string;
  computeType?: string;
  provisioningState?: string;
}

export interface EnvironmentInfo {
  id: string;
  name: string;
  latestVersion?: string;
}

export interface AssetInfo {
  id: string;
  name: string;
  latestVersion?: string;
}

export interface DataAssetInfo extends AssetInfo {
  dataType?: string;
}

export interface DataVersionInfo {
  id: string;
  assetName: string;
  version: string;
  dataType?: string;
  path?: string;
  description?: string;
  createdAt?: string;
  tags?: Record<string, string>;
}

export interface DatastoreInfo {
  id: string;
  name: string;
  datastoreType?: string;
  accountName?: string;
  /** Container, file share or file system, whichever the kind has. */
  container?: string;
  isDefault: boolean;
  /** Storage endpoint suffix, e.g. `core.windows.net`; Azure's default when the datastore names none. */
  endpoint?: string;
  /** `https` unless the datastore says otherwise. */
  protocol?: string;
  /** How the workspace reaches the storage: `AccountKey`, `Sas`, `None` (identity-based), … */
  credentialsType?: string;
}

export interface ModelVersionInfo {
  id: string;
  modelName: string;
  version: string;
  modelType?: string;
  path?: string;
  jobName?: string;
  description?: string;
  tags: Record<string, string>;
  createdAt?: string;
}

const iso = (date: Date | string | undefined) =>
  date === undefined ? undefined : typeof date === 'string' ? date : date.toISOString();

export function toWorkspaceInfo(workspace: ml.Workspace): WorkspaceInfo {
  const id = workspace.id ?? '';
  return { id, ref: parseWorkspaceId(id), location: workspace.location, friendlyName: workspace.friendlyName };
}

export function toComputeInfo(compute: ml.ComputeResource): ComputeInfo {
  return {
    id: compute.id ?? '',
    name: compute.name ?? '(unnamed)',
    computeType: compute.properties?.computeType,
    provisioningState: compute.properties?.provisioningState,
  };
}

export function toEnvironmentInfo(environment: ml.EnvironmentContainer): EnvironmentInfo {
  return {
    id: environment.id ?? '',
    name: environment.name ?? '(unnamed)',
    latestVersion: environment.properties?.latestVersion,
  };
}

export function toDataAssetInfo(container: ml.DataContainer): DataAssetInfo {
  return {
    id: container.id ?? '',
    name: container.name ?? '(unnamed)',
    dataType: container.properties?.dataType,
    latestVersion: container.properties?.latestVersion,
  };
}

export function toDataVersionInfo(version: ml.DataVersionBase): DataVersionInfo {
  const id = version.id ?? '';
  return {
    id,
    assetName: describeResourceId(id)?.name ?? '',
    version: version.name ?? '?',
    dataType: version.properties?.dataType,
    path: version.properties?.dataUri,
    description: version.properties?.description,
    createdAt: iso(version.systemData?.createdAt),
    tags: Object.fromEntries(
      Object.entries(version.properties?.tags ?? {}).filter((entry): entry is [string, string] => entry[1] != null),
    ),
  };
}

export function toDatastoreInfo(datastore: ml.Datastore): DatastoreInfo {
  // The SDK types datastores as a union; these are the fields the blob, file and lake kinds share.
  const properties = (datastore.properties ?? {}) as unknown as Record<string, string | boolean | undefined>;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    id: datastore.id ?? '',
    name: datastore.name ?? '(unnamed)',
    datastoreType: text(properties.datastoreType),
    accountName: text(properties.accountName),
    container: text(properties.containerName) ?? text(properties.fileShareName) ?? text(properties.filesystem),
    isDefault: properties.isDefault === true,
    endpoint: text(properties.endpoint),
    protocol: text(properties.protocol),
    credentialsType: text(
      (properties.credentials as unknown as { credentialsType?: unknown } | undefined)?.credentialsType,
    ),
  };
}

export function toModelInfo(container: ml.ModelContainer): AssetInfo {
  return {
    id: container.id ?? '',
    name: container.name ?? '(unnamed)',
    latestVersion: container.properties?.latestVersion,
  };
}

export function toComponentInfo(container: ml.ComponentContainer): AssetInfo {
  return {
    id: container.id ?? '',
    name: container.name ?? '(unnamed)',
    latestVersion: container.properties?.latestVersion,
  };
}

export function toModelVersionInfo(version: ml.ModelVersion): ModelVersionInfo {
  const id = version.id ?? '';
  const properties = version.properties;
  return {
    id,
    modelName: describeResourceId(id)?.name ?? '',
    version: version.name ?? '?',
    modelType: properties?.modelType,
    path: properties?.modelUri,
    jobName: properties?.jobName,
    description: properties?.description,
    tags: Object.fromEntries(
      Object.entries(properties?.tags ?? {}).filter((entry): entry is [string, string] => entry[1] != null),
    ),
    createdAt: iso(version.systemData?.createdAt),
  };
}
