import type { Pipeline } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import type { Page } from './armClient';
import type { CloudEndpoints } from './cloud';
import { loadAzureSdk } from './loadSdk';
import { workspaceId, type WorkspaceRef } from './resourceIds';

/** An experiment as run history's `experiments:query` returns it. */
export interface ExperimentInfo {
  experimentId: string;
  name: string;
  latestCreatedRunCreatedUtc?: string;
}

/** A job as run history sees it: everything the Jobs view shows on one line. */
export interface RunInfo {
  runId: string;
  displayName?: string;
  status: string;
  target?: string;
  runType?: string;
  parentRunId?: string;
  experimentId?: string;
  createdUtc?: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
}

/** Status groups a user filters by; each maps to the run-history statuses it covers. */
export const STATUS_GROUPS = {
  Active: ['NotStarted', 'Queued', 'Preparing', 'Provisioning', 'Starting', 'Running', 'Finalizing', 'CancelRequested'],
  Completed: ['Completed'],
  Failed: ['Failed', 'NotResponding'],
  Canceled: ['Canceled'],
} as const;
export type StatusGroup = keyof typeof STATUS_GROUPS;

const TERMINAL = new Set<string>([...STATUS_GROUPS.Completed, ...STATUS_GROUPS.Failed, ...STATUS_GROUPS.Canceled]);

/** True while a job can still change: the views poll these. */
export function isActiveStatus(status: string): boolean {
  return !TERMINAL.has(status);
}

export interface RunFilter {
  statuses?: StatusGroup[];
  /** Matched case-insensitively against the display name and the job name. */
  text?: string;
}

/** OData string literal: single quotes doubled. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The run-history `filter` for top-level jobs matching the user's filter. */
export function runQueryFilter(filter: RunFilter): string {
  const clauses = ['ParentRunId eq null'];
  const statuses = (filter.statuses ?? []).flatMap((group) => STATUS_GROUPS[group]);
  if (statuses.length > 0) clauses.push(`(${statuses.map((s) => `Status eq ${literal(s)}`).join(' or ')})`);
  const text = filter.text?.trim();
  if (text) clauses.push(`(contains(DisplayName,${literal(text)}) or contains(RunId,${literal(text)}))`);
  return clauses.join(' and ');
}

const PAGE_SIZE = 50;

/**
 * Azure ML run history (`history/v1.0`): experiments and the jobs in each, newest first, filtered
 * on the service and fetched one page at a time. Its address comes from the workspace's
 * discovery document; requests share ARM's token and the SDK's retry policies.
 */
export class RunHistory {
  private historyBase: Promise<string> | undefined;
  private pipelinePromise: Promise<Pipeline> | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly cloud: CloudEndpoints,
    readonly workspace: WorkspaceRef,
    /** The workspace's `properties.discoveryUrl`; read lazily because it needs an ARM call. */
    private readonly discoveryUrl: () => Promise<string>,
  ) {}

  async listExperiments(continuationToken?: string): Promise<Page<ExperimentInfo>> {
    const body = await this.post('experiments:query', {
      orderBy: 'LatestCreatedRunCreatedUtc desc',
      top: PAGE_SIZE,
      ...(continuationToken ? { continuationToken } : {}),
    });
    const items = list(body).map((e) => ({
      experimentId: String(e.experimentId),
      name: String(e.name),
      latestCreatedRunCreatedUtc: optional(e.latestCreatedRunCreatedUtc),
    }));
    return { items, continuationToken: optional(body.continuationToken) };
  }

  async listRuns(experimentName: string, filter: RunFilter, continuationToken?: string): Promise<Page<RunInfo>> {
    const body = await this.post(`experiments/${encodeURIComponent(experimentName)}/runs:query`, {
      filter: runQueryFilter(filter),
      orderBy: 'CreatedUtc desc',
      top: PAGE_SIZE,
      ...(continuationToken ? { continuationToken } : {}),
    });
    return { items: list(body).map(toRunInfo), continuationToken: optional(body.continuationToken) };
  }

  /** Steps of a pipeline job. */
  async listChildRuns(runId: string, continuationToken?: string): Promise<Page<RunInfo>> {
    const query = continuationToken ? `?continuationToken=${encodeURIComponent(continuationToken)}` : '';
    const body = await this.request('GET', `runs/${encodeURIComponent(runId)}/children${query}`);
    return { items: list(body).map(toRunInfo), continuationToken: optional(body.continuationToken) };
  }

  async getRun(runId: string): Promise<RunInfo> {
    return toRunInfo(await this.request('GET', `runs/${encodeURIComponent(runId)}`));
  }

  private post(path: string, body: unknown): Promise<Record<string, unknown>> {
    return this.request('POST', path, body);
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const sdk = (await loadAzureSdk()).restPipeline;
    const url = `${await this.base()}/history/v1.0${workspaceId(this.workspace)}/${path}`;
    const request = sdk.createPipelineRequest({
      url,
      method,
      headers: sdk.createHttpHeaders({ 'content-type': 'application/json', accept: 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const response = await (await this.pipeline()).sendRequest(sdk.createDefaultHttpClient(), request);
    if (response.status >= 400) {
      // Error bodies are not always JSON (a gateway's HTML page); the status still says what happened.
      const error = (tryParseJson(response.bodyAsText)?.error ?? {}) as { code?: string; message?: string };
      throw new sdk.RestError(error.message ?? `Run history answered HTTP ${response.status}`, {
        code: error.code,
        statusCode: response.status,
        request,
        response,
      });
    }
    return parseJson(response.bodyAsText ?? undefined);
  }

  /** Bearer token for ARM's audience, plus the default retry policies (Retry-After, backoff). */
  private pipeline(): Promise<Pipeline> {
    this.pipelinePromise ??= loadAzureSdk().then(({ restPipeline }) => {
      const pipeline = restPipeline.createPipelineFromOptions({
        retryOptions: { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 },
      });
      pipeline.addPolicy(
        restPipeline.bearerTokenAuthenticationPolicy({ credential: this.credential, scopes: this.cloud.armScope }),
      );
      return pipeline;
    });
    return this.pipelinePromise;
  }

  /** The `history` service address from the discovery document, fetched once. */
  private base(): Promise<string> {
    if (!this.historyBase) {
      const attempt = this.discoverHistory();
      this.historyBase = attempt;
      attempt.catch(() => {
        if (this.historyBase === attempt) this.historyBase = undefined;
      });
    }
    return this.historyBase;
  }

  private async discoverHistory(): Promise<string> {
    const sdk = (await loadAzureSdk()).restPipeline;
    const discoveryUrl = await this.discoveryUrl();
    const request = sdk.createPipelineRequest({ url: discoveryUrl, method: 'GET' });
    const response = await (await this.pipeline()).sendRequest(sdk.createDefaultHttpClient(), request);
    const document = tryParseJson(response.bodyAsText) ?? {};
    const history = typeof document.history === 'string' ? document.history : undefined;
    if (response.status >= 400 || !history) {
      throw new sdk.RestError(`The workspace discovery document at ${discoveryUrl} names no run history service.`, {
        statusCode: response.status,
        request,
        response,
      });
    }
    return history.replace(/\/$/, '');
  }
}

function tryParseJson(text: string | null | undefined): Record<string, unknown> | undefined {
  try {
    return text ? parseJson(text) : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    // A cut-off or non-JSON body is an error, never an empty list.
    throw new Error(`Run history sent a response that is not JSON (cut off?): ${text.slice(0, 200)}`);
  }
}

function list(body: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : [];
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toRunInfo(run: Record<string, unknown>): RunInfo {
  return {
    runId: String(run.runId),
    displayName: optional(run.displayName) ?? optional(run.name),
    status: optional(run.status) ?? 'NotStarted',
    target: optional(run.target),
    runType: optional(run.runType),
    parentRunId: optional(run.parentRunId),
    experimentId: optional(run.experimentId),
    createdUtc: optional(run.createdUtc),
    startTimeUtc: optional(run.startTimeUtc),
    endTimeUtc: optional(run.endTimeUtc),
  };
}

/** "3m 12s", "1h 05m": how long a job ran, or has been running (`now` for live jobs). */
export function formatDuration(run: RunInfo, now = Date.now()): string | undefined {
  if (!run.startTimeUtc) return undefined;
  const start = Date.parse(run.startTimeUtc);
  const end = run.endTimeUtc ? Date.parse(run.endTimeUtc) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return undefined;
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}
