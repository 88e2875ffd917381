/**
 * Run history's query routes: `POST .../experiments:query` and `POST .../experiments/{name}/runs:query`,
 * with an OData filter subset, orderBy, `top` and opaque continuation tokens. Experiments are derived from
 * the workspace's jobs; each request is one linear pass over them plus a sort, so 10,000 jobs stay fast.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ArmResource, ResourceStore } from '../contracts';
import { workspaceId, type WorkspaceRef } from './armIds';
import { FilterError, matchesFilter, parseFilter, type FilterExpr, type FilterSchema } from './historyFilter';
import { parseJsonObject, sendJson } from './http';
import { asRecord } from './jobState';
import {
  createdUtcOf,
  experimentIdFor,
  experimentNameOf,
  historyError,
  requireBearer,
  runSummary,
  type RunHistoryRoutes,
  type RunSummary,
} from './runHistory';
import type { RunRecord, RunRecords } from './runRecords';

const QUERY_ROUTE =
  /^\/history\/v1\.0\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/(?:experiments(?::|%3A)query|experiments\/([^/]+)\/runs(?::|%3A)query)\/?$/i;

const VIEW_TYPES = ['ActiveOnly', 'ArchivedOnly', 'All'] as const;
type ViewType = (typeof VIEW_TYPES)[number];

/** The `QueryParams` body both routes take. */
interface QueryParams {
  filter?: string;
  orderBy?: string;
  top?: number;
  continuationToken?: string;
  viewType: ViewType;
}

const RUN_FILTER: FilterSchema = {
  properties: [
    'RunId',
    'DisplayName',
    'Name',
    'Status',
    'ParentRunId',
    'RootRunId',
    'Target',
    'RunType',
    'ExperimentId',
  ],
  dictionaries: ['Tags', 'Properties'],
  caseInsensitive: ['Status', 'ExperimentId'],
};

const EXPERIMENT_FILTER: FilterSchema = { properties: ['Name', 'ExperimentId'], caseInsensitive: ['ExperimentId'] };

type SortKey = number | string | null;

interface RunCandidate {
  job: ArmResource;
  record: RunRecord | undefined;
  summary: RunSummary;
}

interface ExperimentEntry {
  name: string;
  createdUtc: string | null;
  createdMs: number | null;
  latestRunCreatedUtc: string | null;
  latestRunCreatedMs: number | null;
  latestRunId: string | null;
}

const RUN_SORT_KEYS: Record<string, (c: RunCandidate) => SortKey> = {
  CreatedUtc: (c) => timeKey(c.summary.createdUtc),
  StartTimeUtc: (c) => timeKey(c.summary.startTimeUtc),
  EndTimeUtc: (c) => timeKey(c.summary.endTimeUtc),
  DisplayName: (c) => c.summary.displayName.toLowerCase(),
  RunId: (c) => c.summary.runId,
};

const EXPERIMENT_SORT_KEYS: Record<string, (e: ExperimentEntry) => SortKey> = {
  LatestCreatedRunCreatedUtc: (e) => e.latestRunCreatedMs,
  CreatedUtc: (e) => e.createdMs,
  Name: (e) => e.name.toLowerCase(),
};

class QueryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
  }
}

export class RunQueryRoutes {
  constructor(
    private readonly store: ResourceStore,
    private readonly records: RunRecords,
    private readonly history: RunHistoryRoutes,
    /** Read per request: the emulator's page size changes at run time (PUT /_emulator/page-size). */
    private readonly pageSize: () => number,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const match = QUERY_ROUTE.exec(url.pathname);
    if (!match) return false;
    if (!requireBearer(req, res)) return true;
    if (req.method !== 'POST') {
      sendJson(res, 405, historyError('MethodNotAllowed', `${req.method} is not supported on this route.`));
      return true;
    }
    const [, subscriptionId, resourceGroup, workspaceName, encodedExperiment] = match;
    const ws: WorkspaceRef = { subscriptionId, resourceGroup, workspaceName };
    try {
      const params = parseQueryParams(body);
      const result =
        encodedExperiment === undefined
          ? this.queryExperiments(ws, params)
          : this.queryRuns(ws, decodeSegment(encodedExperiment), params);
      sendJson(res, 200, result);
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      sendJson(res, error.status, historyError('UserError', error.message, error.innerCode));
    }
    return true;
  }

  /** `PaginatedExperimentList`: one entry per experiment name among the workspace's jobs. */
  private queryExperiments(ws: WorkspaceRef, params: QueryParams): Record<string, unknown> {
    const filter = compileFilter(params.filter, EXPERIMENT_FILTER);
    const order = parseOrderBy(params.orderBy, 'LatestCreatedRunCreatedUtc desc', EXPERIMENT_SORT_KEYS);
    const byName = new Map<string, ExperimentEntry>();
    for (const job of this.jobs(ws)) {
      const name = experimentNameOf(job);
      // The record only matters for jobs without systemData, so most jobs skip the lookup.
      const createdUtc = createdUtcOf(job, job.systemData?.createdAt ? undefined : this.records.get(job.id));
      const createdMs = timeKey(createdUtc);
      let entry = byName.get(name.toLowerCase());
      if (!entry) {
        entry = { name, createdUtc, createdMs, latestRunCreatedUtc: null, latestRunCreatedMs: null, latestRunId: null };
        byName.set(name.toLowerCase(), entry);
      }
      if (createdMs !== null && (entry.createdMs === null || createdMs < entry.createdMs)) {
        entry.createdUtc = createdUtc;
        entry.createdMs = createdMs;
      }
      if (isNewerRun(createdMs, job.name, entry)) {
        entry.latestRunCreatedUtc = createdUtc;
        entry.latestRunCreatedMs = createdMs;
        entry.latestRunId = job.name;
      }
    }
    // Experiments cannot be archived here, so ArchivedOnly is always empty.
    const entries = params.viewType === 'ArchivedOnly' ? [] : [...byName.values()];
    const matching = filter
      ? entries.filter((e) => matchesFilter(filter, (p) => (p.name === 'Name' ? e.name : experimentIdFor(ws, e.name))))
      : entries;
    const sorted = sortBy(matching, order, EXPERIMENT_SORT_KEYS, (e) => e.name.toLowerCase());
    const { items, continuationToken } = this.page(sorted, params);
    return {
      value: items.map((e) => ({
        experimentId: experimentIdFor(ws, e.name),
        name: e.name,
        description: null,
        createdUtc: e.createdUtc,
        latestCreatedRunCreatedUtc: e.latestRunCreatedUtc,
        latestCreatedRunId: e.latestRunId,
        archivedTime: null,
        tags: {},
      })),
      continuationToken,
      nextLink: null,
    };
  }

  /** `PaginatedRunList` of an experiment's runs, pipeline steps included, as `runs/{id}` shows them. */
  private queryRuns(ws: WorkspaceRef, experimentName: string, params: QueryParams): Record<string, unknown> {
    const filter = compileFilter(params.filter, RUN_FILTER);
    const order = parseOrderBy(params.orderBy, 'CreatedUtc desc', RUN_SORT_KEYS);
    const wanted = experimentName.toLowerCase();
    const inExperiment = this.jobs(ws).filter((job) => experimentNameOf(job).toLowerCase() === wanted);
    if (inExperiment.length === 0) {
      throw new QueryError(404, `Experiment ${experimentName} was not found.`, 'NotFound');
    }
    const experimentId = experimentIdFor(ws, experimentName);
    const candidates: RunCandidate[] = [];
    for (const job of inExperiment) {
      if (!inView(job, params.viewType)) continue;
      const record = this.records.get(job.id);
      const candidate = { job, record, summary: runSummary(job, record) };
      if (!filter || matchesFilter(filter, (p) => runProperty(candidate, p.name, p.key, experimentId))) {
        candidates.push(candidate);
      }
    }
    const sorted = sortBy(candidates, order, RUN_SORT_KEYS, (c) => c.summary.runId);
    const { items, continuationToken } = this.page(sorted, params);
    return {
      value: items.map((c) => this.history.run(ws, c.job, c.record)),
      continuationToken,
      nextLink: null,
    };
  }

  private jobs(ws: WorkspaceRef): ArmResource[] {
    return this.store.children(workspaceId(ws), 'jobs');
  }

  private page<T>(items: T[], params: QueryParams): { items: T[]; continuationToken: string | null } {
    const size = Math.min(params.top ?? this.pageSize(), this.pageSize());
    const offset = decodeContinuationToken(params.continuationToken);
    const end = offset + size;
    return { items: items.slice(offset, end), continuationToken: end < items.length ? encodeOffset(end) : null };
  }
}

/** Newest creation time wins; a tie goes to the smaller RunId, the run runs:query lists first. */
function isNewerRun(createdMs: number | null, runId: string, entry: ExperimentEntry): boolean {
  if (entry.latestRunId === null) return true;
  if (createdMs === null) return false;
  const latest = entry.latestRunCreatedMs ?? -Infinity;
  return createdMs > latest || (createdMs === latest && runId < entry.latestRunId);
}

function runProperty(c: RunCandidate, name: string, key: string | undefined, experimentId: string): string | null {
  switch (name) {
    case 'RunId':
      return c.summary.runId;
    case 'DisplayName':
    case 'Name':
      return c.summary.displayName;
    case 'Status':
      return c.summary.status;
    case 'ParentRunId':
      return c.summary.parentRunId;
    case 'RootRunId':
      return c.summary.rootRunId;
    case 'Target':
      return c.summary.target;
    case 'RunType':
      return c.summary.runType;
    case 'ExperimentId':
      return experimentId;
    case 'Tags':
      return dictionaryValue(c.job.properties.tags, key);
    case 'Properties':
      return dictionaryValue(c.job.properties.properties, key);
    default:
      return null;
  }
}

function dictionaryValue(dictionary: unknown, key: string | undefined): string | null {
  const value = key === undefined ? undefined : asRecord(dictionary)[key];
  return value === undefined || value === null ? null : String(value);
}

/** Archived jobs (`isArchived`) are what run history's ArchivedOnly view shows. */
function inView(job: ArmResource, viewType: ViewType): boolean {
  const archived = job.properties.isArchived === true;
  return viewType === 'All' || (viewType === 'ArchivedOnly') === archived;
}

function parseQueryParams(body: Buffer): QueryParams {
  const raw = parseJsonObject(body);
  if (!raw) throw new QueryError(400, 'The request body must be a JSON object (QueryParams).');
  const optionalString = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new QueryError(400, `QueryParams.${name} must be a string.`);
    return value;
  };
  const top = raw.top ?? undefined;
  if (top !== undefined && !(typeof top === 'number' && Number.isInteger(top) && top > 0)) {
    throw new QueryError(400, `QueryParams.top must be a positive integer; got ${JSON.stringify(top)}.`);
  }
  const viewType = optionalString('viewType') ?? 'ActiveOnly';
  const knownView = VIEW_TYPES.find((v) => v.toLowerCase() === viewType.toLowerCase());
  if (!knownView) {
    throw new QueryError(400, `QueryParams.viewType must be one of ${VIEW_TYPES.join(', ')}; got '${viewType}'.`);
  }
  return {
    filter: optionalString('filter'),
    orderBy: optionalString('orderBy'),
    top: top as number | undefined,
    continuationToken: optionalString('continuationToken'),
    viewType: knownView,
  };
}

function compileFilter(text: string | undefined, schema: FilterSchema): FilterExpr | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseFilter(text, schema);
  } catch (error) {
    if (error instanceof FilterError) throw new QueryError(400, `Invalid filter "${text}": ${error.message}.`);
    throw error;
  }
}

interface OrderTerm {
  field: string;
  descending: boolean;
}

/** `Field [asc|desc][, ...]` with field names matched case-insensitively against `keys`. */
function parseOrderBy(text: string | undefined, fallback: string, keys: Record<string, unknown>): OrderTerm[] {
  const source = text === undefined || text.trim() === '' ? fallback : text;
  const fields = Object.keys(keys);
  return source.split(',').map((clause) => {
    const words = clause.trim().split(/\s+/);
    const field = fields.find((f) => f.toLowerCase() === words[0].toLowerCase());
    const direction = (words[1] ?? 'asc').toLowerCase();
    if (!field || words.length > 2 || (direction !== 'asc' && direction !== 'desc')) {
      throw new QueryError(
        400,
        `Invalid orderBy "${source}": '${clause.trim()}' is not '<field> [asc|desc]' with a field among ${fields.join(', ')}.`,
      );
    }
    return { field, descending: direction === 'desc' };
  });
}

/**
 * Sorts by the order terms, nulls last in either direction, then by `tieBreak` ascending so pages are
 * stable. Keys are computed once per item, not per comparison.
 */
function sortBy<T>(
  items: T[],
  order: OrderTerm[],
  keys: Record<string, (item: T) => SortKey>,
  tieBreak: (item: T) => string,
): T[] {
  const decorated = items.map((item) => ({
    item,
    keys: order.map((term) => keys[term.field](item)),
    tie: tieBreak(item),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const ascending = x < y ? -1 : 1;
      return order[i].descending ? -ascending : ascending;
    }
    return a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;
  });
  return decorated.map((d) => d.item);
}

function timeKey(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new QueryError(400, `The experiment name '${segment}' is not validly URL-encoded.`);
  }
}

/** Opaque to clients, like ARM's `$skip` tokens: base64url JSON carrying the offset. */
function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ v: 1, o: offset })).toString('base64url');
}

function decodeContinuationToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through to the error below
  }
  throw new QueryError(400, `The continuation token '${token}' is not valid.`);
}
