import type { HttpClient } from '../http/httpClient';
import { optionalString, type JsonObject } from '../http/json';

/** One logged value of a metric. `timestamp` is milliseconds since the epoch, as MLflow keeps it. */
export interface MetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

export interface LatestMetric extends MetricPoint {
  key: string;
}

/** A run as MLflow's `runs/get` describes it; run ids are Azure ML job names. */
export interface MlflowRun {
  runId: string;
  /** MLflow's own words: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED. */
  status?: string;
  startTime?: number;
  endTime?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** The latest value of every metric the run logged. */
  latestMetrics: LatestMetric[];
}

/** Asked of get-history per request; the service may answer with fewer and a `next_page_token`. */
const HISTORY_PAGE_SIZE = 25_000;

/**
 * The workspace's MLflow address as https: Azure ML reports it as `azureml://{region}.api.azureml.ms/mlflow/…`,
 * which MLflow's Azure plugin reads as https.
 */
export function mlflowBaseUrl(trackingUri: string): string {
  const url = trackingUri.replace(/^azureml:\/\//i, 'https://').replace(/\/+$/, '');
  if (!/^https?:\/\//i.test(url))
    throw new Error(`The workspace's MLflow tracking URI is not a web address: ${trackingUri}`);
  return url;
}

/**
 * Azure ML's MLflow tracking REST API (`/api/2.0/mlflow/`), read only: a run's params, tags and latest
 * metrics, and a metric's whole history. Requests go through the project's HTTP path with ARM's token.
 */
export class MlflowClient {
  private base: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
    /** The workspace's `properties.mlFlowTrackingUri`; read lazily because it needs an ARM call. */
    private readonly trackingUri: () => Promise<string>,
  ) {}

  async getRun(runId: string, abortSignal?: AbortSignal): Promise<MlflowRun> {
    const body = await this.get('runs/get', { run_id: runId }, abortSignal);
    const run = asObject(body.run);
    const info = asObject(run.info);
    const data = asObject(run.data);
    return {
      runId: optionalString(info.run_id) ?? optionalString(info.run_uuid) ?? runId,
      status: optionalString(info.status),
      startTime: optionalNumber(info.start_time),
      endTime: optionalNumber(info.end_time),
      params: keyValues(data.params),
      tags: keyValues(data.tags),
      latestMetrics: asArray(data.metrics).flatMap((entry) => {
        const metric = toLatestMetric(entry);
        return metric ? [metric] : [];
      }),
    };
  }

  /** Every point of one metric, oldest first as the service lists them; follows the service's pages. */
  async getMetricHistory(runId: string, key: string, abortSignal?: AbortSignal): Promise<MetricPoint[]> {
    const points: MetricPoint[] = [];
    const tokensSeen = new Set<string>();
    let pageToken: string | undefined;
    do {
      const body = await this.get(
        'metrics/get-history',
        {
          run_id: runId,
          metric_key: key,
          max_results: String(HISTORY_PAGE_SIZE),
          ...(pageToken ? { page_token: pageToken } : {}),
        },
        abortSignal,
      );
      for (const entry of asArray(body.metrics)) {
        const metric = toLatestMetric(entry);
        if (metric) points.push({ step: metric.step, value: metric.value, timestamp: metric.timestamp });
      }
      pageToken = optionalString(body.next_page_token);
      // A service that hands the same token back would otherwise keep this loop going forever.
      if (pageToken && tokensSeen.has(pageToken)) break;
      if (pageToken) tokensSeen.add(pageToken);
    } while (pageToken);
    return points;
  }

  private async get(endpoint: string, query: Record<string, string>, abortSignal?: AbortSignal): Promise<JsonObject> {
    this.base ??= this.trackingUri().then(mlflowBaseUrl);
    let base: string;
    try {
      base = await this.base;
    } catch (error) {
      // A failed look-up (signed out, offline) is tried again next time rather than remembered.
      this.base = undefined;
      throw error;
    }
    const search = new URLSearchParams(query).toString();
    return this.http.json({ method: 'GET', url: `${base}/api/2.0/mlflow/${endpoint}?${search}`, abortSignal });
  }
}

function toLatestMetric(value: unknown): LatestMetric | undefined {
  const entry = asObject(value);
  const key = optionalString(entry.key);
  const metricValue = toNumber(entry.value);
  if (key === undefined || metricValue === undefined) return undefined;
  return {
    key,
    value: metricValue,
    step: toNumber(entry.step) ?? 0,
    timestamp: toNumber(entry.timestamp) ?? 0,
  };
}

/** MLflow sends int64 fields (step, timestamp) as JSON strings in some versions, and NaN as "NaN". */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isNaN(parsed) && value.trim() !== 'NaN' ? undefined : parsed;
  }
  return undefined;
}

function optionalNumber(value: unknown): number | undefined {
  return toNumber(value);
}

function keyValues(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of asArray(value)) {
    const { key, value: entryValue } = asObject(entry);
    if (typeof key === 'string')
      result[key] = entryValue === undefined || entryValue === null ? '' : String(entryValue);
  }
  return result;
}

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
