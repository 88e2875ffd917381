/**
 * Versioned assets (data, models, environments, components, codes): containers at WS/{kind}/{name},
 * versions at WS/{kind}/{name}/versions/{version}. Creating a version creates its container if needed
 * and keeps the container's latestVersion/nextVersion current.
 */
import type { ArmResource } from '../contracts';
import { notFound, parseJsonBody, sendEmpty, sendJson } from '../http';
import type { ArmContext, ArmRequest } from './context';
import { childType, versionType, type WorkspaceCollection } from './ids';
import { paginate } from './paging';
import {
  filterByListView,
  filterByTags,
  newestFirst,
  nextVersionAfter,
  systemDataForCreate,
  systemDataForUpdate,
} from './resources';
import { validateBody, type BodyMapperName } from './validation';

export type AssetKind = 'data' | 'models' | 'environments' | 'components' | 'codes';

export const ASSET_KINDS: readonly AssetKind[] = ['data', 'models', 'environments', 'components', 'codes'];

const MAPPERS: Record<AssetKind, { container: BodyMapperName; version: BodyMapperName; label: string }> = {
  data: { container: 'DataContainer', version: 'DataVersionBase', label: 'Data' },
  models: { container: 'ModelContainer', version: 'ModelVersion', label: 'Model' },
  environments: { container: 'EnvironmentContainer', version: 'EnvironmentVersion', label: 'Environment' },
  components: { container: 'ComponentContainer', version: 'ComponentVersion', label: 'Component' },
  codes: { container: 'CodeContainer', version: 'CodeVersion', label: 'Code' },
};

export function isAssetKind(segment: string): segment is AssetKind {
  return (ASSET_KINDS as readonly string[]).includes(segment);
}

export function listContainers(ctx: ArmContext, r: ArmRequest, wsId: string, kind: AssetKind): void {
  const items = filterByListView(ctx.store.children(wsId, kind), r.url).sort(newestFirst);
  respondPage(ctx, r, items, pageSizeFrom(ctx, r.url));
}

export function getContainer(ctx: ArmContext, wsId: string, kind: AssetKind, name: string): ArmResource {
  const container = ctx.store.get(`${wsId}/${kind}/${name}`);
  if (!container) throw notFound(`${MAPPERS[kind].label} container '${name}'`);
  return container;
}

export function putContainer(ctx: ArmContext, r: ArmRequest, wsId: string, kind: AssetKind, name: string): void {
  const normalized = validateBody(MAPPERS[kind].container, parseJsonBody(r.body));
  const id = `${wsId}/${kind}/${name}`;
  const existing = ctx.store.get(id);
  const properties = normalized.properties as Record<string, unknown>;
  const resource: ArmResource = {
    id,
    name,
    type: childType(kind),
    properties: {
      ...properties,
      // Maintained by the service, never taken from the client.
      latestVersion: existing?.properties.latestVersion ?? null,
      nextVersion: existing?.properties.nextVersion ?? '1',
    },
    systemData: existing ? systemDataForUpdate(existing, r.principal) : systemDataForCreate(r.principal),
  };
  ctx.store.put(resource);
  sendResource(r, existing ? 200 : 201, resource);
}

export function listVersions(ctx: ArmContext, r: ArmRequest, wsId: string, kind: AssetKind, name: string): void {
  const containerId = `${wsId}/${kind}/${name}`;
  let items = filterByListView(ctx.store.children(containerId, 'versions'), r.url);
  items = filterByTags(items, r.url.searchParams.get('$tags') ?? r.url.searchParams.get('tags'));
  const version = r.url.searchParams.get('version');
  if (version) items = items.filter((v) => v.name === version);
  const orderBy = (r.url.searchParams.get('$orderBy') ?? 'createdtime desc').toLowerCase();
  items.sort(newestFirst);
  if (orderBy.endsWith('asc')) items.reverse();
  const top = Number(r.url.searchParams.get('$top'));
  if (Number.isInteger(top) && top > 0) items = items.slice(0, top);
  respondPage(ctx, r, items, pageSizeFrom(ctx, r.url));
}

export function getVersion(ctx: ArmContext, wsId: string, kind: AssetKind, name: string, version: string): ArmResource {
  const resource = ctx.store.get(`${wsId}/${kind}/${name}/versions/${version}`);
  if (!resource) throw notFound(`${MAPPERS[kind].label} version '${name}:${version}'`);
  return resource;
}

export function putVersion(
  ctx: ArmContext,
  r: ArmRequest,
  wsId: string,
  kind: AssetKind,
  name: string,
  version: string,
): ArmResource {
  const normalized = validateBody(MAPPERS[kind].version, parseJsonBody(r.body));
  const sent = normalized.properties as Record<string, unknown>;
  const properties = kind === 'models' ? withModelVersionDefaults(sent) : sent;
  return upsertVersion(ctx, r, wsId, kind, name, version, properties);
}

/**
 * A model version as the service returns it: `flavors` is always there (`{}` when none was sent), the
 * AssetBase flags and bags have their defaults, and the read-only provisioningState is the service's.
 */
export function withModelVersionDefaults(properties: Record<string, unknown>): Record<string, unknown> {
  return {
    ...properties,
    flavors: properties.flavors ?? {},
    isAnonymous: properties.isAnonymous ?? false,
    isArchived: properties.isArchived ?? false,
    properties: properties.properties ?? {},
    tags: properties.tags ?? {},
    provisioningState: 'Succeeded',
  };
}

/** DELETE WS/{kind}/{name}/versions/{version}: 200, or 204 when there was no such version. */
export function deleteVersion(
  ctx: ArmContext,
  r: ArmRequest,
  wsId: string,
  kind: AssetKind,
  name: string,
  version: string,
): void {
  const containerId = `${wsId}/${kind}/${name}`;
  if (!ctx.store.delete(`${containerId}/versions/${version}`)) {
    sendEmpty(r.res, 204);
    return;
  }
  const container = ctx.store.get(containerId);
  if (container) {
    // latestVersion follows the newest version left; nextVersion never goes back, so numbers are not reused.
    const newestLeft = ctx.store.children(containerId, 'versions').sort(newestFirst)[0];
    ctx.store.put({
      ...container,
      properties: { ...container.properties, latestVersion: newestLeft?.name ?? null },
      systemData: systemDataForUpdate(container, r.principal),
    });
  }
  sendEmpty(r.res, 200);
}

/** DELETE WS/{kind}/{name}: removes the container with its versions; 200, or 204 when there was none. */
export function deleteContainer(ctx: ArmContext, r: ArmRequest, wsId: string, kind: AssetKind, name: string): void {
  const containerId = `${wsId}/${kind}/${name}`;
  if (!ctx.store.get(containerId)) {
    sendEmpty(r.res, 204);
    return;
  }
  for (const version of ctx.store.children(containerId, 'versions')) ctx.store.delete(version.id);
  ctx.store.delete(containerId);
  sendEmpty(r.res, 200);
}

/** Stores a version and creates/updates its container; returns the stored version. */
export function upsertVersion(
  ctx: ArmContext,
  r: ArmRequest,
  wsId: string,
  kind: AssetKind,
  name: string,
  version: string,
  properties: Record<string, unknown>,
): ArmResource {
  const containerId = `${wsId}/${kind}/${name}`;
  const id = `${containerId}/versions/${version}`;
  const existing = ctx.store.get(id);
  const resource: ArmResource = {
    id,
    name: version,
    type: versionType(kind),
    properties,
    systemData: existing ? systemDataForUpdate(existing, r.principal) : systemDataForCreate(r.principal),
  };
  ctx.store.put(resource);
  const container = ctx.store.get(containerId);
  const versions = ctx.store.children(containerId, 'versions').map((v) => v.name);
  const containerProperties: Record<string, unknown> = container
    ? { ...container.properties }
    : {
        description: properties.description,
        tags: {},
        properties: {},
        isArchived: false,
        ...(kind === 'data' ? { dataType: properties.dataType } : {}),
      };
  containerProperties.latestVersion = version;
  containerProperties.nextVersion = nextVersionAfter(versions);
  ctx.store.put({
    id: containerId,
    name,
    type: childType(kind),
    properties: containerProperties,
    systemData: container ? systemDataForUpdate(container, r.principal) : systemDataForCreate(r.principal),
  });
  return resource;
}

export function sendResource(r: ArmRequest, status: number, resource: ArmResource): void {
  sendJson(r.res, status, resource);
}

export function respondPage(ctx: ArmContext, r: ArmRequest, items: ArmResource[], pageSize: number): void {
  sendJson(r.res, 200, paginate(items, r.url, ctx.origin, pageSize));
}

/** Lists that take a `count` page-size parameter (datastores, model containers) honour it, like the service. */
export function pageSizeFrom(ctx: ArmContext, url: URL): number {
  const count = Number(url.searchParams.get('count'));
  return Number.isInteger(count) && count > 0 ? count : ctx.pageSize;
}

export type { WorkspaceCollection };
