/**
 * Jobs: list (newest first, jobType/tag/listViewType filters), get, create (status NotStarted, then the
 * runtime starts it), and the cancel and delete long-running operations polled through a Location URL.
 */
import { randomUUID } from 'node:crypto';
import type { ArmResource } from '../contracts';
import { ArmError, notFound, parseJsonBody, sendEmpty, sendJson } from '../http';
import type { ArmContext, ArmRequest, CancelOperation } from './context';
import { childType, mlflowTrackingUri, parseWorkspaceId, PROVIDER } from './ids';
import { paginate } from './paging';
import { filterByListView, newestFirst, systemDataForCreate, systemDataForUpdate } from './resources';
import { validateBody } from './validation';

export const TERMINAL_JOB_STATUSES = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']);

/** Pipeline steps carry their parent's name here (as Azure ML's step runs do) and are not top-level jobs. */
export const PIPELINE_PARENT_PROPERTY = 'azureml.pipelinerunid';

export function isPipelineChild(job: ArmResource): boolean {
  return pipelineParentOf(job) !== undefined;
}

export function listJobs(ctx: ArmContext, r: ArmRequest, wsId: string): void {
  let items = ctx.store.children(wsId, 'jobs').filter((j) => !isPipelineChild(j));
  items = filterByListView(items, r.url);
  const jobType = r.url.searchParams.get('jobType');
  if (jobType) items = items.filter((j) => String(j.properties.jobType).toLowerCase() === jobType.toLowerCase());
  const tag = r.url.searchParams.get('tag');
  if (tag) {
    // `tag` names a tag key; "key=value" narrows to a value.
    const eq = tag.indexOf('=');
    const key = eq < 0 ? tag : tag.slice(0, eq);
    const value = eq < 0 ? undefined : tag.slice(eq + 1);
    items = items.filter((j) => {
      const tags = (j.properties.tags ?? {}) as Record<string, unknown>;
      return key in tags && (value === undefined || String(tags[key]) === value);
    });
  }
  items.sort(newestFirst);
  sendJson(r.res, 200, paginate(items, r.url, ctx.origin, ctx.pageSize));
}

export function getJob(ctx: ArmContext, wsId: string, name: string): ArmResource {
  const job = ctx.store.get(`${wsId}/jobs/${name}`);
  if (!job) throw notFound(`Job '${name}'`);
  return job;
}

/** Fields of an existing job the service lets a PUT change; everything else is immutable after submission. */
const MUTABLE_JOB_FIELDS = ['description', 'tags', 'displayName', 'properties', 'isArchived'];

export function putJob(ctx: ArmContext, r: ArmRequest, wsId: string, name: string): void {
  const normalized = validateBody('JobBase', parseJsonBody(r.body));
  const requested = normalized.properties as Record<string, unknown>;
  const id = `${wsId}/jobs/${name}`;
  const existing = ctx.store.get(id);
  if (existing) {
    const properties = { ...existing.properties };
    for (const field of MUTABLE_JOB_FIELDS) {
      if (requested[field] !== undefined) properties[field] = requested[field];
    }
    const updated: ArmResource = { ...existing, properties, systemData: systemDataForUpdate(existing, r.principal) };
    ctx.store.put(updated);
    sendJson(r.res, 200, updated);
    return;
  }
  const resource = newJobResource(
    { origin: ctx.origin, tenantId: ctx.directory.tenantId },
    wsId,
    name,
    requested,
    systemDataForCreate(r.principal),
  );
  ctx.store.put(resource);
  sendJson(r.res, 201, resource);
  try {
    ctx.jobRuntime.start(resource.id);
  } catch (error) {
    // The job exists either way; a runtime failure shows up as the job's status, as on Azure.
    process.emitWarning(`jobRuntime.start(${resource.id}) threw: ${(error as Error).message}`);
  }
}

/** A job as the service returns it right after submission. Also used by seeds. */
export function newJobResource(
  ctx: { origin: string; tenantId: string },
  wsId: string,
  name: string,
  properties: Record<string, unknown>,
  systemData: NonNullable<ArmResource['systemData']>,
): ArmResource {
  const ws = parseWorkspaceId(wsId);
  if (!ws) throw new Error(`Not a workspace id: ${wsId}`);
  const services = { ...((properties.services ?? {}) as Record<string, unknown>) };
  services.Studio = {
    jobServiceType: 'Studio',
    endpoint: studioUrl(wsId, name, ctx.tenantId),
  };
  services.Tracking = { jobServiceType: 'Tracking', endpoint: mlflowTrackingUri(ctx.origin, ws) };
  return {
    id: `${wsId}/jobs/${name}`,
    name,
    type: childType('jobs'),
    properties: {
      ...properties,
      experimentName: properties.experimentName ?? 'Default',
      displayName: properties.displayName ?? name,
      isArchived: properties.isArchived ?? false,
      status: 'NotStarted',
      services,
    },
    systemData,
  };
}

export function studioUrl(wsId: string, jobName: string, tenantId: string): string {
  return `https://ml.azure.com/runs/${encodeURIComponent(jobName)}?wsid=${wsId}&tid=${tenantId}`;
}

/** POST .../jobs/{id}/cancel → 202 + Location of an operation result that answers 202 until the runtime is done. */
export function cancelJob(ctx: ArmContext, r: ArmRequest, wsId: string, name: string, subscriptionId: string): void {
  const job = getJob(ctx, wsId, name);
  const { operation, location } = startOperation(ctx, r, wsId, subscriptionId, CANCEL_OPERATION_PREFIX, job.id);
  const finish = (): void => {
    // If the runtime did not record the final status, the service still reports the job Canceled.
    const current = ctx.store.get(job.id);
    if (current && !TERMINAL_JOB_STATUSES.has(String(current.properties.status))) {
      ctx.store.put({ ...current, properties: { ...current.properties, status: 'Canceled' } });
    }
    operation.state = 'succeeded';
  };
  ctx.jobRuntime.cancel(job.id).then(finish, (error: unknown) => failOperation(operation, error));
  sendEmpty(r.res, 202, { Location: location, 'Retry-After': '1' });
}

/**
 * DELETE .../jobs/{id}: 204 when there is no such job; otherwise 202 + Location of an operation that cancels
 * the job if it still runs, then removes it and its pipeline steps, after which a GET answers 404.
 */
export function deleteJob(ctx: ArmContext, r: ArmRequest, wsId: string, name: string, subscriptionId: string): void {
  const job = ctx.store.get(`${wsId}/jobs/${name}`);
  if (!job) {
    sendEmpty(r.res, 204);
    return;
  }
  const { operation, location } = startOperation(ctx, r, wsId, subscriptionId, DELETE_OPERATION_PREFIX, job.id);
  const remove = (): void => {
    const steps = ctx.store.children(wsId, 'jobs').filter((j) => pipelineParentOf(j) === job.name);
    for (const step of steps) ctx.store.delete(step.id);
    ctx.store.delete(job.id);
    operation.state = 'succeeded';
  };
  const stillRunning = !TERMINAL_JOB_STATUSES.has(String(job.properties.status));
  (stillRunning ? ctx.jobRuntime.cancel(job.id) : Promise.resolve()).then(remove, (error: unknown) =>
    failOperation(operation, error),
  );
  sendEmpty(r.res, 202, { Location: location, 'Retry-After': '1' });
}

const CANCEL_OPERATION_PREFIX = 'jc';
const DELETE_OPERATION_PREFIX = 'jd';

function pipelineParentOf(job: ArmResource): string | undefined {
  const bag = job.properties.properties as Record<string, unknown> | undefined;
  const parent = bag?.[PIPELINE_PARENT_PROPERTY];
  return typeof parent === 'string' ? parent : undefined;
}

/** Registers a running operation on a job and returns it with the mfeOperationResults URL clients poll. */
function startOperation(
  ctx: ArmContext,
  r: ArmRequest,
  wsId: string,
  subscriptionId: string,
  prefix: string,
  jobId: string,
): { operation: CancelOperation; location: string } {
  const workspace = ctx.store.get(wsId);
  const operationId = `${prefix}:${randomUUID()}`;
  const operation: CancelOperation = { jobId, state: 'running' };
  ctx.cancelOperations.set(operationId.toLowerCase(), operation);
  const location = `${ctx.origin}/subscriptions/${subscriptionId}/providers/${PROVIDER}/locations/${workspace?.location ?? 'eastus'}/mfeOperationResults/${operationId}?api-version=${r.url.searchParams.get('api-version') ?? ''}`;
  return { operation, location };
}

function failOperation(operation: CancelOperation, error: unknown): void {
  operation.state = 'failed';
  operation.error = error instanceof Error ? error.message : String(error);
}

export function pollCancelOperation(ctx: ArmContext, r: ArmRequest, operationId: string): void {
  const operation = ctx.cancelOperations.get(operationId.toLowerCase());
  if (!operation) throw new ArmError(404, 'NotFound', `The operation '${operationId}' could not be found.`);
  if (operation.state === 'running') {
    sendEmpty(r.res, 202, { Location: `${ctx.origin}${r.url.pathname}${r.url.search}`, 'Retry-After': '1' });
  } else if (operation.state === 'succeeded') {
    sendEmpty(r.res, 200);
  } else {
    const what = operationId.toLowerCase().startsWith(`${DELETE_OPERATION_PREFIX}:`) ? 'Deleting' : 'Canceling';
    throw new ArmError(500, 'InternalServerError', `${what} the job failed: ${operation.error ?? 'unknown error'}`);
  }
}
