import type { HttpClient } from '../http/httpClient';
import { optionalString as optional, type JsonObject } from '../http/json';
import type { Page } from '../paging';
import { STATUS_GROUPS, type StatusGroup } from './jobStatus';
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

export interface RunError {
  code?: string;
  message: string;
}

export interface RunDetails {
  runId: string;
  status: string;
  /** Log name (`user_logs/std_log.txt`) to a signed URL that a plain GET with a Range header reads. */
  logFiles: Record<string, string>;
  error?: RunError;
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
 * on the service and fetched one page at a time. Its address comes from the workspace's discovery
 * document; requests go through the project's HTTP path with ARM's token.
 */
export class RunHistory {
  private historyBase: Promise<string> | undefined;

  constructor(
    private readonly http: HttpClient,
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
    const body = await this.http.json({
      method: 'GET',
      url: await this.url(`runs/${encodeURIComponent(runId)}/children${query}`),
    });
    return { items: list(body).map(toRunInfo), continuationToken: optional(body.continuationToken) };
  }

  async getRun(runId: string): Promise<RunInfo> {
    return toRunInfo(await this.http.json({ method: 'GET', url: await this.url(`runs/${encodeURIComponent(runId)}`) }));
  }

  /** Status, log files (each a signed URL, renewed at every read) and error of one job or step. */
  async getRunDetails(runId: string, abortSignal?: AbortSignal): Promise<RunDetails> {
    const body = await this.http.json({
      method: 'GET',
      url: await this.url(`runs/${encodeURIComponent(runId)}/details`),
      abortSignal,
    });
    const logFiles: Record<string, string> = {};
    if (isObject(body.logFiles)) {
      for (const [name, url] of Object.entries(body.logFiles)) if (typeof url === 'string') logFiles[name] = url;
    }
    return { runId, status: optional(body.status) ?? 'NotStarted', logFiles, error: runError(body.error) };
  }

  private async post(path: string, json: unknown): Promise<JsonObject> {
    return this.http.json({ method: 'POST', url: await this.url(path), json });
  }

  private async url(path: string): Promise<string> {
    return `${await this.base()}/history/v1.0${workspaceId(this.workspace)}/${path}`;
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
    const discoveryUrl = await this.discoveryUrl();
    const history = optional((await this.http.json({ method: 'GET', url: discoveryUrl })).history);
    if (!history) throw new Error(`The workspace discovery document at ${discoveryUrl} names no run history service.`);
    return history.replace(/\/$/, '');
  }
}

/** What run history reports of a failed run: `{error: {code, message}}`, or the inner object alone. */
function runError(value: unknown): RunError | undefined {
  if (!isObject(value)) return undefined;
  const inner = isObject(value.error) ? value.error : value;
  const message = optional(inner.message);
  if (!message) return undefined;
  return { code: optional(inner.code), message };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(body: JsonObject): JsonObject[] {
  return Array.isArray(body.value) ? (body.value as JsonObject[]) : [];
}

function toRunInfo(run: JsonObject): RunInfo {
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
