/**
 * Run history (`/history/v1.0/...`) and the workspace discovery document, the service
 * `az ml job stream` polls for status and log file URLs.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArmResource, ResourceStore } from '../contracts';
import { jobIdFor, workspaceId, type WorkspaceRef } from './armIds';
import { asRecord, asString } from './jobState';
import type { LogFileServer } from './logFiles';
import type { RunError, RunRecord, RunRecords } from './runRecords';
import { hasBearerToken, sendJson } from './http';

const RUN_ROUTE =
  /^\/history\/v1\.0\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/(?:experiments\/[^/]+\/|experimentids\/[^/]+\/)?runs\/([^/]+)(\/details|\/children)?\/?$/i;

/** Keys of Azure's discovery document; every service lives on the emulator's one origin. */
const DISCOVERY_KEYS = [
  'api',
  'catalog',
  'experimentation',
  'gallery',
  'history',
  'hyperdrive',
  'labeling',
  'modelmanagement',
  'pipelines',
  'studiocoreservices',
];

export class RunHistoryRoutes {
  constructor(
    private readonly origin: string,
    private readonly store: ResourceStore,
    private readonly records: RunRecords,
    private readonly logs: LogFileServer,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (url.pathname === '/discovery' && req.method === 'GET') {
      sendJson(res, 200, Object.fromEntries(DISCOVERY_KEYS.map((key) => [key, this.origin])));
      return true;
    }
    const match = RUN_ROUTE.exec(url.pathname);
    if (!match) return false;
    if (!requireBearer(req, res)) return true;
    if (req.method !== 'GET') {
      sendJson(res, 405, historyError('MethodNotAllowed', `${req.method} is not supported on this route.`));
      return true;
    }
    const [, subscriptionId, resourceGroup, workspaceName, runId, suffix] = match;
    const ws: WorkspaceRef = { subscriptionId, resourceGroup, workspaceName };
    const jobId = jobIdFor(ws, runId);
    const job = this.store.get(jobId);
    if (!job) {
      sendJson(res, 404, historyError('UserError', `Run ${runId} was not found.`, 'NotFound'));
      return true;
    }
    const record = this.records.get(jobId);
    const kind = (suffix ?? '').toLowerCase();
    if (kind === '/details') sendJson(res, 200, this.details(ws, job, record));
    else if (kind === '/children') sendJson(res, 200, this.children(ws, job, record));
    else sendJson(res, 200, this.run(ws, job, record));
    return true;
  }

  /** The `Run` object of run history. */
  run(ws: WorkspaceRef, job: ArmResource, record: RunRecord | undefined): Record<string, unknown> {
    const props = job.properties;
    const summary = runSummary(job, record);
    return {
      runId: summary.runId,
      runUuid: stableUuid(job.id),
      parentRunId: summary.parentRunId,
      rootRunId: summary.rootRunId,
      experimentId: experimentIdFor(ws, experimentNameOf(job)),
      name: summary.displayName,
      displayName: summary.displayName,
      status: summary.status,
      runType: summary.runType,
      target: summary.target,
      createdUtc: summary.createdUtc,
      startTimeUtc: summary.startTimeUtc,
      endTimeUtc: summary.endTimeUtc,
      error: record?.error ? runErrorResponse(record.error, record.endTimeUtc) : null,
      warnings: record?.warnings.length ? record.warnings : null,
      tags: asRecord(props.tags),
      properties: asRecord(props.properties),
      hidden: false,
    };
  }

  /** The `RunDetails` object: the run plus signed URLs of its log files. */
  private details(ws: WorkspaceRef, job: ArmResource, record: RunRecord | undefined): Record<string, unknown> {
    const logFiles: Record<string, string> = {};
    for (const logName of record?.logFiles.keys() ?? []) {
      logFiles[logName] = this.logs.urlFor(ws.subscriptionId, ws.resourceGroup, ws.workspaceName, job.name, logName);
    }
    const run = this.run(ws, job, record);
    return {
      runId: run.runId,
      runUuid: run.runUuid,
      parentRunId: run.parentRunId,
      rootRunId: run.rootRunId,
      target: run.target,
      status: run.status,
      createdTimeUtc: run.createdUtc,
      startTimeUtc: run.startTimeUtc,
      endTimeUtc: run.endTimeUtc,
      error: run.error,
      warnings: run.warnings,
      tags: run.tags,
      properties: run.properties,
      logFiles,
    };
  }

  /**
   * `PaginatedRunList` of the runs whose parent is this run (pipeline steps): the steps this runtime
   * created, in order, then any other job in the store that names this run as its pipeline.
   */
  private children(ws: WorkspaceRef, parent: ArmResource, record: RunRecord | undefined): Record<string, unknown> {
    const childIds = [...(record?.childJobIds ?? [])];
    const known = new Set(childIds.map((id) => id.toLowerCase()));
    const tagged = this.store
      .children(workspaceId(ws), 'jobs')
      .filter((job) => asRecord(job.properties.properties)['azureml.pipelinerunid'] === parent.name)
      .filter((job) => !known.has(job.id.toLowerCase()))
      .sort((a, b) => (a.systemData?.createdAt ?? '').localeCompare(b.systemData?.createdAt ?? ''));
    childIds.push(...tagged.map((job) => job.id));
    const value: Record<string, unknown>[] = [];
    for (const childId of childIds) {
      const child = this.store.get(childId);
      if (child) value.push(this.run(ws, child, this.records.get(childId)));
    }
    return { value, continuationToken: null, nextLink: null };
  }
}

function errorResponse(code: string, message: string, innerCode?: string): Record<string, unknown> {
  return {
    error: { code, message, ...(innerCode ? { innerError: { code: innerCode } } : {}) },
    correlation: {},
    time: new Date().toISOString(),
  };
}

/**
 * A failed run's `error` as run history returns it: an ErrorResponse whose root error carries the code and
 * message, with the time of the failure and the component that reported it.
 */
function runErrorResponse(error: RunError, endTimeUtc: string | undefined): Record<string, unknown> {
  return {
    error: {
      code: error.code,
      severity: null,
      message: error.message,
      messageFormat: null,
      messageParameters: {},
      referenceCode: null,
      detailsUri: null,
      target: null,
      details: [],
      innerError: null,
      debugInfo: null,
      additionalInfo: null,
    },
    correlation: null,
    environment: null,
    location: null,
    time: error.time ?? endTimeUtc ?? new Date().toISOString(),
    componentName: error.componentName ?? null,
  };
}

/** Answers 401 and returns false when the request has no bearer token. */
export function requireBearer(req: IncomingMessage, res: ServerResponse): boolean {
  if (hasBearerToken(req)) return true;
  sendJson(res, 401, historyError('Unauthorized', 'Authorization header with a Bearer token is required.'), {
    'WWW-Authenticate': 'Bearer',
  });
  return false;
}

export function historyError(code: string, message: string, innerCode?: string): Record<string, unknown> {
  return errorResponse(code, message, innerCode);
}

/** The fields of a `Run` that cost no hashing to compute: what queries filter and sort on. */
export interface RunSummary {
  runId: string;
  parentRunId: string | null;
  rootRunId: string;
  displayName: string;
  status: string;
  runType: string;
  target: string | null;
  createdUtc: string | null;
  startTimeUtc: string | null;
  endTimeUtc: string | null;
}

export function runSummary(job: ArmResource, record: RunRecord | undefined): RunSummary {
  const props = job.properties;
  const parentRunId = record?.parentRunId ?? asString(asRecord(props.properties)['azureml.pipelinerunid']) ?? null;
  return {
    runId: job.name,
    parentRunId,
    rootRunId: parentRunId ?? job.name,
    displayName: asString(props.displayName) ?? job.name,
    status: asString(props.status) ?? 'NotStarted',
    runType: asString(props.jobType) === 'Pipeline' ? 'azureml.PipelineRun' : 'azureml.scriptrun',
    target: lastPathSegment(asString(props.computeId)),
    createdUtc: createdUtcOf(job, record),
    startTimeUtc: record?.startTimeUtc ?? null,
    endTimeUtc: record?.endTimeUtc ?? null,
  };
}

export function createdUtcOf(job: ArmResource, record: RunRecord | undefined): string | null {
  return job.systemData?.createdAt ?? record?.createdUtc ?? null;
}

/** The compute name of a compute id; a query reads it for thousands of runs, so no split(). */
function lastPathSegment(id: string | undefined): string | null {
  return id === undefined ? null : id.slice(id.lastIndexOf('/') + 1);
}

/** Jobs without an experiment name belong to "Default", as in Azure ML. */
export function experimentNameOf(job: ArmResource): string {
  return asString(job.properties.experimentName) ?? 'Default';
}

/** The experiment id run history and MLflow both report for an experiment name (case-insensitive). */
export function experimentIdFor(ws: WorkspaceRef, experimentName: string): string {
  return stableUuid(`${ws.subscriptionId}/${ws.workspaceName}/${experimentName}`.toLowerCase());
}

/** Deterministic GUID-shaped id derived from a string, so the same run always has the same uuid. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha1').update(seed.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
