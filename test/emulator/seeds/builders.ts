/** Deterministic builders for seeded ARM resources, shared by the demo and scale seeds. */
import { createHash } from 'node:crypto';
import type { ArmResource } from '../contracts';
import { childType, mlflowTrackingUri, versionType, WORKSPACE_TYPE, workspaceId, type WorkspaceRef } from '../arm/ids';
import { withModelVersionDefaults } from '../arm/assets';
import { newJobResource } from '../arm/jobs';
import {
  emulatorDatastoreProperties,
  WORKSPACE_ARTIFACTSTORE_CONTAINER,
  WORKSPACE_BLOBSTORE_CONTAINER,
} from '../runtime';
import type { SeedContext } from './types';

/** A UUID derived from a string, so every run of a seed produces the same ids. */
export function stableUuid(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function systemData(
  ctx: SeedContext,
  createdAt: Date,
  modifiedAt: Date = createdAt,
): NonNullable<ArmResource['systemData']> {
  return {
    createdAt: createdAt.toISOString(),
    createdBy: ctx.createdBy,
    createdByType: 'Application',
    lastModifiedAt: modifiedAt.toISOString(),
    lastModifiedBy: ctx.createdBy,
    lastModifiedByType: 'Application',
  };
}

export function workspaceResource(
  ctx: SeedContext,
  ws: WorkspaceRef,
  options: {
    location: string;
    friendlyName: string;
    description: string;
    createdAt: Date;
    tags?: Record<string, string>;
  },
): ArmResource {
  const rg = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers`;
  const short = ws.workspace.replace(/[^a-z0-9]/gi, '').toLowerCase();
  return {
    id: workspaceId(ws.subscriptionId, ws.resourceGroup, ws.workspace),
    name: ws.workspace,
    type: WORKSPACE_TYPE,
    location: options.location,
    tags: options.tags ?? {},
    kind: 'Default',
    identity: { type: 'SystemAssigned', principalId: stableUuid(`${ws.workspace}/identity`), tenantId: ctx.tenantId },
    sku: { name: 'Basic', tier: 'Basic' },
    properties: {
      workspaceId: stableUuid(`${ws.subscriptionId}/${ws.workspace}`),
      description: options.description,
      friendlyName: options.friendlyName,
      keyVault: `${rg}/Microsoft.KeyVault/vaults/kv${short}`,
      applicationInsights: `${rg}/microsoft.insights/components/ai${short}`,
      containerRegistry: `${rg}/Microsoft.ContainerRegistry/registries/cr${short}`,
      storageAccount: `${rg}/Microsoft.Storage/storageAccounts/${ctx.storage.accountName}`,
      discoveryUrl: `${ctx.origin}/discovery`,
      provisioningState: 'Succeeded',
      hbiWorkspace: false,
      privateLinkCount: 0,
      allowPublicAccessWhenBehindVnet: false,
      publicNetworkAccess: 'Enabled',
      mlFlowTrackingUri: mlflowTrackingUri(ctx.origin, ws),
      v1LegacyMode: false,
      storageHnsEnabled: false,
      tenantId: ctx.tenantId,
    },
    systemData: systemData(ctx, options.createdAt),
  };
}

/** The three datastores every Azure ML workspace gets, pointing at the emulator's Azurite account. */
export function defaultDatastores(ctx: SeedContext, wsId: string, createdAt: Date): ArmResource[] {
  const blob = (name: string, container: string, isDefault: boolean): ArmResource => ({
    id: `${wsId}/datastores/${name}`,
    name,
    type: childType('datastores'),
    properties: {
      ...emulatorDatastoreProperties(ctx.storage, container),
      credentials: accountKeyCredentials(ctx),
      isDefault,
      serviceDataAccessAuthIdentity: 'None',
      description: '',
      properties: {},
      tags: {},
    },
    systemData: systemData(ctx, createdAt),
  });
  return [
    blob('workspaceblobstore', WORKSPACE_BLOBSTORE_CONTAINER, true),
    blob('workspaceartifactstore', WORKSPACE_ARTIFACTSTORE_CONTAINER, false),
    {
      id: `${wsId}/datastores/workspaceworkingdirectory`,
      name: 'workspaceworkingdirectory',
      type: childType('datastores'),
      properties: {
        datastoreType: 'AzureFile',
        accountName: ctx.storage.accountName,
        fileShareName: 'code-391ff5ac-6576-460f-ba4d-7e03433c68b6',
        endpoint: 'core.windows.net',
        protocol: 'https',
        credentials: accountKeyCredentials(ctx),
        isDefault: false,
        serviceDataAccessAuthIdentity: 'None',
        properties: {},
        tags: {},
      },
      systemData: systemData(ctx, createdAt),
    },
  ];
}

/** What Azure stores for a workspace's own datastores: the storage account's key, readable via listSecrets. */
function accountKeyCredentials(ctx: SeedContext): Record<string, unknown> {
  return { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: ctx.storage.accountKey } };
}

export function computeResource(
  ctx: SeedContext,
  wsId: string,
  location: string,
  name: string,
  kind: 'AmlCompute' | 'ComputeInstance',
  vmSize: string,
  createdAt: Date,
): ArmResource {
  const computeProperties =
    kind === 'AmlCompute'
      ? {
          vmSize,
          vmPriority: 'Dedicated',
          osType: 'Linux',
          scaleSettings: { minNodeCount: 0, maxNodeCount: 4, nodeIdleTimeBeforeScaleDown: 'PT2M' },
          currentNodeCount: 0,
          targetNodeCount: 0,
          allocationState: 'Steady',
          allocationStateTransitionTime: createdAt.toISOString(),
          remoteLoginPortPublicAccess: 'Enabled',
        }
      : {
          vmSize,
          state: 'Running',
          applicationSharingPolicy: 'Personal',
          sshSettings: { sshPublicAccess: 'Disabled' },
        };
  return {
    id: `${wsId}/computes/${name}`,
    name,
    type: childType('computes'),
    location,
    tags: {},
    identity: { type: 'None' },
    properties: {
      computeType: kind,
      computeLocation: location,
      provisioningState: 'Succeeded',
      description: `${kind} ${vmSize}`,
      createdOn: createdAt.toISOString(),
      modifiedOn: createdAt.toISOString(),
      isAttachedCompute: false,
      disableLocalAuth: true,
      properties: computeProperties,
    },
    systemData: systemData(ctx, createdAt),
  };
}

export type AssetKindSegment = 'data' | 'models' | 'environments' | 'components' | 'codes';

/** A container and its versions, with latestVersion/nextVersion as the service keeps them. */
export function assetWithVersions(
  ctx: SeedContext,
  wsId: string,
  kind: AssetKindSegment,
  name: string,
  versions: Array<{ version: string; createdAt: Date; properties: Record<string, unknown> }>,
  containerProperties: Record<string, unknown> = {},
): ArmResource[] {
  const containerId = `${wsId}/${kind}/${name}`;
  const numeric = versions.map((v) => Number(v.version)).filter((n) => Number.isInteger(n));
  const latest = versions[versions.length - 1];
  const container: ArmResource = {
    id: containerId,
    name,
    type: childType(kind),
    properties: {
      description: containerProperties.description ?? `${name}`,
      tags: {},
      properties: {},
      isArchived: false,
      ...containerProperties,
      latestVersion: latest.version,
      nextVersion: String(numeric.length ? Math.max(...numeric) + 1 : 1),
    },
    systemData: systemData(ctx, versions[0].createdAt, latest.createdAt),
  };
  const versionResources = versions.map<ArmResource>((v) => {
    const properties = { isAnonymous: false, isArchived: false, properties: {}, tags: {}, ...v.properties };
    return {
      id: `${containerId}/versions/${v.version}`,
      name: v.version,
      type: versionType(kind),
      properties: kind === 'models' ? withModelVersionDefaults(properties) : properties,
      systemData: systemData(ctx, v.createdAt),
    };
  });
  return [container, ...versionResources];
}

/** A job resource as the service would show it, with the given final status. */
export function jobResource(
  ctx: SeedContext,
  wsId: string,
  name: string,
  properties: Record<string, unknown>,
  status: string,
  createdAt: Date,
  modifiedAt: Date = createdAt,
): ArmResource {
  const job = newJobResource(
    { origin: ctx.origin, tenantId: ctx.tenantId },
    wsId,
    name,
    { isArchived: false, properties: {}, tags: {}, ...properties },
    systemData(ctx, createdAt, modifiedAt),
  );
  job.properties.status = status;
  return job;
}

/** Short-form datastore URI Azure ML accepts for data assets and job inputs/outputs. */
export function datastorePath(datastore: string, path: string): string {
  return `azureml://datastores/${datastore}/paths/${path}`;
}

export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}

/** Seeded metrics carry four decimals, as training scripts usually log them (no 0.8600000000000001). */
export function roundMetric(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
