/** ARM front door: token check, subscription RBAC, api-version, then dispatch on the resource path. */
import type { RouteHandler } from '../contracts';
import { ArmError, notFound, parseJsonBody, sendArmError, sendJson } from '../http';
import { MACHINE_LEARNING_API_VERSIONS, requireApiVersion, SUBSCRIPTION_API_VERSIONS } from './apiVersion';
import {
  deleteContainer,
  deleteVersion,
  getContainer,
  getVersion,
  isAssetKind,
  listContainers,
  listVersions,
  pageSizeFrom,
  putContainer,
  putVersion,
  respondPage,
  sendResource,
} from './assets';
import { authenticate, authorize } from './auth';
import type { ArmContext, ArmRequest } from './context';
import { childType, PROVIDER, WORKSPACE_TYPE } from './ids';
import { cancelJob, deleteJob, getJob, listJobs, pollCancelOperation, putJob } from './jobs';
import { paginate } from './paging';
import {
  credentialsForUpdate,
  newestFirst,
  systemDataForCreate,
  systemDataForUpdate,
  withoutSecrets,
} from './resources';
import { listDatastoreSecrets, PENDING_UPLOAD_KINDS, startPendingUpload, type PendingUploadKind } from './storageOps';
import { validateBody } from './validation';

const eq = (a: string | undefined, b: string): boolean => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function createArmHandler(ctx: ArmContext): RouteHandler {
  return async (req, res, url, body) => {
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    if (!eq(segments[0], 'subscriptions')) return false;
    try {
      const principal = authenticate(ctx, req.headers.authorization);
      const r: ArmRequest = { req, res, url, body, method: req.method ?? 'GET', principal };
      route(ctx, r, segments.slice(1));
    } catch (error) {
      if (error instanceof ArmError) {
        sendJson(
          res,
          error.status,
          { error: { code: error.code, message: error.message, ...error.extra } },
          error.headers,
        );
      } else {
        sendArmError(
          res,
          500,
          'InternalServerError',
          `The emulator failed: ${(error as Error).stack ?? String(error)}`,
        );
      }
    }
    return true;
  };
}

function route(ctx: ArmContext, r: ArmRequest, p: string[]): void {
  const { method } = r;
  // GET /subscriptions
  if (p.length === 0) {
    requireMethod(method, 'GET');
    requireApiVersion(r.url, SUBSCRIPTION_API_VERSIONS, 'subscriptions');
    const visible = ctx.subscriptions.filter((s) => r.principal.subscriptions.has(s.subscriptionId.toLowerCase()));
    const page = paginate(
      visible.map((s) => subscriptionBody(ctx, s.subscriptionId, s.displayName)),
      r.url,
      ctx.origin,
      ctx.pageSize,
    );
    sendJson(r.res, 200, { ...page, count: { type: 'Total', value: visible.length } });
    return;
  }
  const subscriptionId = p[0];
  const scope = `/subscriptions/${p.join('/')}`;
  // GET /subscriptions/{id}
  if (p.length === 1) {
    requireMethod(method, 'GET');
    requireApiVersion(r.url, SUBSCRIPTION_API_VERSIONS, 'subscriptions');
    authorize(ctx, r.principal, subscriptionId, 'Microsoft.Resources/subscriptions/read', scope);
    const sub = ctx.subscriptions.find((s) => eq(s.subscriptionId, subscriptionId));
    sendJson(r.res, 200, subscriptionBody(ctx, sub?.subscriptionId ?? subscriptionId, sub?.displayName ?? ''));
    return;
  }
  // /subscriptions/{sub}/providers/Microsoft.MachineLearningServices/...
  if (eq(p[1], 'providers') && eq(p[2], PROVIDER)) {
    if (p.length === 4 && eq(p[3], 'workspaces')) {
      requireMethod(method, 'GET');
      authorize(ctx, r.principal, subscriptionId, `${WORKSPACE_TYPE}/read`, scope);
      requireApiVersion(r.url, MACHINE_LEARNING_API_VERSIONS, 'workspaces');
      listWorkspaces(ctx, r, `/subscriptions/${subscriptionId}/`);
      return;
    }
    if (p.length === 7 && eq(p[3], 'locations') && eq(p[5], 'mfeOperationResults')) {
      requireMethod(method, 'GET');
      authorize(ctx, r.principal, subscriptionId, `${PROVIDER}/locations/mfeOperationResults/read`, scope);
      requireApiVersion(r.url, MACHINE_LEARNING_API_VERSIONS, 'locations/mfeOperationResults');
      pollCancelOperation(ctx, r, p[6]);
      return;
    }
    throw unknownRoute(r);
  }
  if (!eq(p[1], 'resourceGroups') || p.length < 3) throw unknownRoute(r);
  const resourceGroup = p[2];
  const rgId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
  if (p.length < 6 || !eq(p[3], 'providers') || !eq(p[4], PROVIDER) || !eq(p[5], 'workspaces')) throw unknownRoute(r);

  const action = actionFor(p, method);
  authorize(ctx, r.principal, subscriptionId, action, scope);
  const sub = ctx.subscriptions.find((s) => eq(s.subscriptionId, subscriptionId));
  if (!sub?.resourceGroups.some((g) => eq(g, resourceGroup))) {
    throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  }
  requireApiVersion(r.url, MACHINE_LEARNING_API_VERSIONS, p.length > 7 ? `workspaces/${p[7]}` : 'workspaces');

  if (p.length === 6) {
    requireMethod(method, 'GET');
    listWorkspaces(ctx, r, `${rgId}/`);
    return;
  }
  const wsName = p[6];
  const workspace = ctx.store.get(`${rgId}/providers/${PROVIDER}/workspaces/${wsName}`);
  if (!workspace) {
    throw new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${PROVIDER}/workspaces/${wsName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    );
  }
  const wsId = workspace.id;
  if (p.length === 7) {
    requireMethod(method, 'GET');
    sendJson(r.res, 200, workspace);
    return;
  }
  routeInWorkspace(ctx, r, wsId, subscriptionId, p.slice(7));
}

/**
 * Routes below WS: {collection}[/{name}[/versions[/{version}[/startPendingUpload]] | /cancel | /listSecrets]],
 * with DELETE of jobs, asset containers and asset versions.
 */
function routeInWorkspace(ctx: ArmContext, r: ArmRequest, wsId: string, subscriptionId: string, q: string[]): void {
  const { method } = r;
  const collection = q[0];
  const name = q[1];
  if (isAssetKind(collection)) {
    if (q.length === 1) return void (requireMethod(method, 'GET'), listContainers(ctx, r, wsId, collection));
    if (q.length === 2) {
      if (method === 'PUT') return putContainer(ctx, r, wsId, collection, name);
      if (method === 'DELETE') return deleteContainer(ctx, r, wsId, collection, name);
      requireMethod(method, 'GET');
      return sendResource(r, 200, getContainer(ctx, wsId, collection, name));
    }
    if (q.length === 3 && eq(q[2], 'versions')) {
      requireMethod(method, 'GET');
      return listVersions(ctx, r, wsId, collection, name);
    }
    if (q.length === 4 && eq(q[2], 'versions')) {
      if (method === 'PUT') {
        const existed = ctx.store.get(`${wsId}/${collection}/${name}/versions/${q[3]}`) !== undefined;
        return sendResource(r, existed ? 200 : 201, putVersion(ctx, r, wsId, collection, name, q[3]));
      }
      if (method === 'DELETE') return deleteVersion(ctx, r, wsId, collection, name, q[3]);
      requireMethod(method, 'GET');
      return sendResource(r, 200, getVersion(ctx, wsId, collection, name, q[3]));
    }
    if (q.length === 5 && hasPendingUploads(collection) && eq(q[2], 'versions') && eq(q[4], 'startPendingUpload')) {
      requireMethod(method, 'POST');
      return startPendingUpload(ctx, r, wsId, collection, name, q[3]);
    }
    throw unknownRoute(r);
  }
  if (collection === 'jobs') {
    if (q.length === 1) return void (requireMethod(method, 'GET'), listJobs(ctx, r, wsId));
    if (q.length === 2) {
      if (method === 'PUT') return putJob(ctx, r, wsId, name);
      if (method === 'DELETE') return deleteJob(ctx, r, wsId, name, subscriptionId);
      requireMethod(method, 'GET');
      return sendResource(r, 200, getJob(ctx, wsId, name));
    }
    if (q.length === 3 && eq(q[2], 'cancel')) {
      requireMethod(method, 'POST');
      return cancelJob(ctx, r, wsId, name, subscriptionId);
    }
    throw unknownRoute(r);
  }
  if (collection === 'datastores') {
    if (q.length === 1) {
      requireMethod(method, 'GET');
      let items = ctx.store.children(wsId, 'datastores').sort((a, b) => a.name.localeCompare(b.name));
      const isDefault = r.url.searchParams.get('isDefault');
      if (isDefault !== null)
        items = items.filter((d) => String(d.properties.isDefault === true) === isDefault.toLowerCase());
      const names = r.url.searchParams
        .getAll('names')
        .flatMap((n) => n.split(','))
        .filter((n) => n.length > 0);
      if (names.length > 0) items = items.filter((d) => names.some((n) => eq(n, d.name)));
      return respondPage(ctx, r, items.map(withoutSecrets), pageSizeFrom(ctx, r.url));
    }
    if (q.length === 2) {
      if (method === 'PUT') return putDatastore(ctx, r, wsId, name);
      requireMethod(method, 'GET');
      const datastore = ctx.store.get(`${wsId}/datastores/${name}`);
      if (!datastore) throw notFound(`Datastore '${name}'`);
      return sendResource(r, 200, withoutSecrets(datastore));
    }
    if (q.length === 3 && eq(q[2], 'listSecrets')) {
      requireMethod(method, 'POST');
      return listDatastoreSecrets(ctx, r, wsId, name);
    }
    throw unknownRoute(r);
  }
  if (collection === 'computes') {
    if (q.length === 1) {
      requireMethod(method, 'GET');
      const items = ctx.store.children(wsId, 'computes').sort((a, b) => a.name.localeCompare(b.name));
      return respondPage(ctx, r, items, ctx.pageSize);
    }
    if (q.length === 2) {
      requireMethod(method, 'GET');
      const compute = ctx.store.get(`${wsId}/computes/${name}`);
      if (!compute) throw notFound(`Compute '${name}'`);
      return sendResource(r, 200, compute);
    }
  }
  throw unknownRoute(r);
}

function putDatastore(ctx: ArmContext, r: ArmRequest, wsId: string, name: string): void {
  const normalized = validateBody('Datastore', parseJsonBody(r.body));
  const id = `${wsId}/datastores/${name}`;
  const existing = ctx.store.get(id);
  const properties = { ...(normalized.properties as Record<string, unknown>) };
  if (existing) properties.credentials = credentialsForUpdate(properties.credentials, existing.properties.credentials);
  const resource = {
    id,
    name,
    type: childType('datastores'),
    properties,
    systemData: existing ? systemDataForUpdate(existing, r.principal) : systemDataForCreate(r.principal),
  };
  ctx.store.put(resource);
  sendResource(r, existing ? 200 : 201, withoutSecrets(resource));
}

function hasPendingUploads(collection: string): collection is PendingUploadKind {
  return Object.hasOwn(PENDING_UPLOAD_KINDS, collection);
}

function listWorkspaces(ctx: ArmContext, r: ArmRequest, idPrefix: string): void {
  const prefix = idPrefix.toLowerCase();
  const items = ctx.store
    .withType(WORKSPACE_TYPE)
    .filter((w) => w.id.toLowerCase().startsWith(prefix))
    .sort(newestFirst)
    .reverse();
  respondPage(ctx, r, items, ctx.pageSize);
}

function subscriptionBody(ctx: ArmContext, subscriptionId: string, displayName: string): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId,
    tenantId: ctx.directory.tenantId,
    displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

/** The RBAC action ARM names in AuthorizationFailed, e.g. Microsoft.MachineLearningServices/workspaces/jobs/read. */
function actionFor(p: string[], method: string): string {
  const typeSegments = ['workspaces'];
  const rest = p.slice(7);
  for (let i = 0; i < rest.length; i += 2) typeSegments.push(rest[i]);
  const verb = method === 'GET' ? 'read' : method === 'PUT' ? 'write' : method === 'DELETE' ? 'delete' : 'action';
  if (verb === 'action' && rest.length % 2 === 1 && rest.length > 1) {
    // POST .../jobs/{id}/cancel → jobs/cancel/action
    return `${PROVIDER}/${typeSegments.join('/')}/action`;
  }
  return `${PROVIDER}/${typeSegments.join('/')}/${verb}`;
}

function requireMethod(actual: string, expected: string): void {
  if (actual !== expected) {
    throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${actual}'.`);
  }
}

function unknownRoute(r: ArmRequest): ArmError {
  return new ArmError(
    404,
    'NotFound',
    `No HTTP resource was found that matches the request URI '${r.url.origin}${r.url.pathname}'.`,
  );
}
