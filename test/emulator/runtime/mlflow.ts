/**
 * The MLflow tracking REST API (subset) that Azure ML serves per workspace under
 * /mlflow/v1.0/{workspace id}/api/2.0/mlflow/. Run ids are job names.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArmResource, ResourceStore } from '../contracts';
import { jobIdFor, type WorkspaceRef } from './armIds';
import { asString } from './jobState';
import { hasBearerToken, parseJsonObject, sendJson } from './http';
import type { MetricPoint, RunRecord, RunRecords } from './runRecords';
import { experimentIdFor, experimentNameOf } from './runHistory';

const MLFLOW_ROUTE =
  /^\/mlflow\/v1\.0\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/api\/2\.0\/mlflow\/(.+)$/i;

/** Azure ML job status → MLflow RunStatus. */
const MLFLOW_STATUS: Record<string, string> = {
  NotStarted: 'SCHEDULED',
  Starting: 'SCHEDULED',
  Provisioning: 'SCHEDULED',
  Preparing: 'SCHEDULED',
  Queued: 'SCHEDULED',
  Running: 'RUNNING',
  Finalizing: 'RUNNING',
  CancelRequested: 'RUNNING',
  Completed: 'FINISHED',
  Failed: 'FAILED',
  Canceled: 'KILLED',
  NotResponding: 'FAILED',
};

class MlflowError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

interface RunContext {
  ws: WorkspaceRef;
  job: ArmResource;
  record: RunRecord;
}

export class MlflowRoutes {
  constructor(
    private readonly store: ResourceStore,
    private readonly records: RunRecords,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const match = MLFLOW_ROUTE.exec(url.pathname);
    if (!match) return false;
    if (!hasBearerToken(req)) {
      sendJson(
        res,
        401,
        { error_code: 'UNAUTHENTICATED', message: 'Authorization header with a Bearer token is required.' },
        {
          'WWW-Authenticate': 'Bearer',
        },
      );
      return true;
    }
    const [, subscriptionId, resourceGroup, workspaceName, endpoint] = match;
    const ws: WorkspaceRef = { subscriptionId, resourceGroup, workspaceName };
    try {
      sendJson(res, 200, this.dispatch(req.method ?? 'GET', endpoint.replace(/\/$/, ''), ws, url, body));
    } catch (error) {
      if (error instanceof MlflowError)
        sendJson(res, error.status, { error_code: error.errorCode, message: error.message });
      else throw error;
    }
    return true;
  }

  private dispatch(method: string, endpoint: string, ws: WorkspaceRef, url: URL, body: Buffer): unknown {
    const route = `${method} ${endpoint}`;
    switch (route) {
      case 'GET runs/get': {
        const run = this.run(ws, runIdFromQuery(url));
        return { run: this.runJson(run) };
      }
      case 'GET metrics/get-history': {
        const run = this.run(ws, runIdFromQuery(url));
        const key = required(url.searchParams.get('metric_key'), 'metric_key');
        return { metrics: (run.record.metrics.get(key) ?? []).map(metricJson) };
      }
      case 'POST runs/log-metric': {
        const request = jsonBody(body);
        const run = this.run(ws, runIdFromBody(request));
        this.records.addMetric(run.record, metricFrom(request));
        return {};
      }
      case 'POST runs/log-batch': {
        const request = jsonBody(body);
        const run = this.run(ws, runIdFromBody(request));
        const metrics = arrayOf(request.metrics, 'metrics').map((m) => metricFrom(objectOf(m, 'metrics')));
        const params = arrayOf(request.params, 'params').map((p) => keyValueFrom(objectOf(p, 'params')));
        const tags = arrayOf(request.tags, 'tags').map((t) => keyValueFrom(objectOf(t, 'tags')));
        for (const metric of metrics) this.records.addMetric(run.record, metric);
        for (const [key, value] of params) run.record.params.set(key, value);
        for (const [key, value] of tags) run.record.tags.set(key, value);
        return {};
      }
      case 'POST runs/log-parameter': {
        const request = jsonBody(body);
        const [key, value] = keyValueFrom(request);
        this.run(ws, runIdFromBody(request)).record.params.set(key, value);
        return {};
      }
      case 'POST runs/set-tag': {
        const request = jsonBody(body);
        const [key, value] = keyValueFrom(request);
        this.run(ws, runIdFromBody(request)).record.tags.set(key, value);
        return {};
      }
      default:
        throw new MlflowError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint ${route} in the emulator's MLflow API.`);
    }
  }

  private run(ws: WorkspaceRef, runId: string): RunContext {
    const jobId = jobIdFor(ws, runId);
    const job = this.store.get(jobId);
    if (!job) throw new MlflowError(404, 'RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    return { ws, job, record: this.records.ensure(jobId) };
  }

  private runJson({ ws, job, record }: RunContext): Record<string, unknown> {
    const experimentName = experimentNameOf(job);
    const experimentId = experimentIdFor(ws, experimentName);
    const status = asString(job.properties.status) ?? 'NotStarted';
    const startTime = record.startTimeUtc ? Date.parse(record.startTimeUtc) : undefined;
    const endTime = record.endTimeUtc ? Date.parse(record.endTimeUtc) : undefined;
    const tags = new Map(record.tags);
    tags.set('mlflow.runName', asString(job.properties.displayName) ?? job.name);
    return {
      info: {
        run_id: job.name,
        run_uuid: job.name,
        run_name: asString(job.properties.displayName) ?? job.name,
        experiment_id: experimentId,
        user_id: job.systemData?.createdBy ?? '',
        status: MLFLOW_STATUS[status] ?? 'RUNNING',
        ...(startTime !== undefined ? { start_time: startTime } : {}),
        ...(endTime !== undefined ? { end_time: endTime } : {}),
        artifact_uri: `azureml://experiments/${experimentName}/runs/${job.name}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: [...record.metrics.values()].map((history) => metricJson(latestOf(history))),
        params: [...record.params].map(([key, value]) => ({ key, value })),
        tags: [...tags].map(([key, value]) => ({ key, value })),
      },
      inputs: {},
    };
  }
}

/** MLflow's "latest" value: highest step, then newest timestamp. */
function latestOf(history: MetricPoint[]): MetricPoint {
  return history.reduce((best, point) =>
    point.step > best.step || (point.step === best.step && point.timestamp >= best.timestamp) ? point : best,
  );
}

function metricJson(point: MetricPoint): Record<string, unknown> {
  return { key: point.key, value: point.value, timestamp: point.timestamp, step: point.step };
}

function jsonBody(body: Buffer): Record<string, unknown> {
  const parsed = parseJsonObject(body);
  if (!parsed) throw new MlflowError(400, 'MALFORMED_REQUEST', 'The request body is not a JSON object.');
  return parsed;
}

function required(value: string | null | undefined, name: string): string {
  if (!value) throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.`);
  return value;
}

function runIdFromQuery(url: URL): string {
  return required(url.searchParams.get('run_id') ?? url.searchParams.get('run_uuid'), 'run_id');
}

function runIdFromBody(request: Record<string, unknown>): string {
  return required(asString(request.run_id) ?? asString(request.run_uuid), 'run_id');
}

function toNumber(value: unknown, name: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new MlflowError(
      400,
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(value)} for parameter '${name}'.`,
    );
  }
  return number;
}

function metricFrom(request: Record<string, unknown>): MetricPoint {
  return {
    key: required(asString(request.key), 'key'),
    value: toNumber(request.value, 'value'),
    timestamp: request.timestamp === undefined ? Date.now() : toNumber(request.timestamp, 'timestamp'),
    step: request.step === undefined ? 0 : toNumber(request.step, 'step'),
  };
}

function keyValueFrom(request: Record<string, unknown>): [string, string] {
  const key = required(asString(request.key), 'key');
  const value = request.value;
  if (value === undefined || value === null)
    throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `Missing value for '${key}'.`);
  return [key, String(value)];
}

function arrayOf(value: unknown, name: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `'${name}' must be an array.`);
  return value;
}

function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MlflowError(400, 'INVALID_PARAMETER_VALUE', `Entries of '${name}' must be objects.`);
  }
  return value as Record<string, unknown>;
}
