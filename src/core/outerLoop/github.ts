/**
 * The outer loop on GitHub Actions, through Octokit (loaded on first use): dispatch the workflow for a
 * model version, find the run the dispatch started, and read the run and its jobs until it completes.
 */
import type { OctokitClient as Octokit } from '../lazy/octokit';
import { ServiceError, NETWORK_ERROR_CODES } from '../errors/kinds';
import { loadOctokit } from '../lazy/load';
import type { GitHubCiSettings } from './ciSettings';
import type {
  CiJob,
  CiRun,
  CiRunResult,
  CiRunState,
  CiTriggerReceipt,
  ModelVersionRef,
  OuterLoopClient,
} from './ciRun';

/** The REST API version this client is written against; GitHub keeps its behaviour until the version retires. */
export const GITHUB_API_VERSION = '2022-11-28';
const GITHUB_API = 'https://api.github.com';

export interface GitHubOuterLoopOptions {
  settings: GitHubCiSettings;
  /** A token for each request: VS Code's GitHub session or one kept in SecretStorage. Never logged. */
  token: () => Promise<string>;
  userAgent?: string;
}

/** How many recent runs are remembered before a search-based trigger, so none of them is taken for the new one. */
const RUNS_BEFORE_PAGE = 30;

export class GitHubOuterLoop implements OuterLoopClient {
  readonly provider = 'github' as const;
  readonly serviceName = 'GitHub';
  private octokit: Promise<Octokit> | undefined;

  constructor(private readonly options: GitHubOuterLoopOptions) {}

  get runsPageUrl(): string {
    const { owner, repo, workflow } = this.options.settings;
    return `${webRoot(this.options.settings.baseUrl)}/${owner}/${repo}/actions/workflows/${encodeURIComponent(workflow)}`;
  }

  /**
   * Dispatches the workflow. On GitHub's cloud (github.com, or an enterprise's ghe.com) a
   * `workflow_dispatch` asks for the run's details (`return_run_details`), so the run is known at once.
   * GitHub Enterprise Server does not document that and answers 204 with no run id, and so does every
   * `repository_dispatch`: then the receipt records the runs that existed before, and findRun picks the one
   * that appears after it.
   */
  async trigger(model: ModelVersionRef, signal?: AbortSignal): Promise<CiTriggerReceipt> {
    const settings = this.options.settings;
    const octokit = await this.client();
    const { owner, repo } = settings;
    const inputs = { model_name: model.name, model_version: model.version };
    const returnRunDetails = settings.trigger === 'workflow_dispatch' && !isEnterpriseServer(settings.baseUrl);
    const runsBefore = returnRunDetails ? undefined : await this.recentRunIds(octokit, signal);
    const sentAt = new Date();
    const response =
      settings.trigger === 'workflow_dispatch'
        ? await call(() =>
            octokit.rest.actions.createWorkflowDispatch({
              owner,
              repo,
              workflow_id: settings.workflow,
              ref: settings.ref,
              inputs,
              ...(returnRunDetails ? { return_run_details: true } : {}),
              request: { signal },
            }),
          )
        : await call(() =>
            octokit.rest.repos.createDispatchEvent({
              owner,
              repo,
              event_type: settings.eventType,
              client_payload: inputs,
              request: { signal },
            }),
          );
    const triggeredAt = serverTime(response.headers.date, sentAt);
    const receipt: CiTriggerReceipt = { provider: 'github', triggeredAt, model };
    const details =
      (response.status as number) === 200
        ? (response.data as { workflow_run_id?: unknown; html_url?: unknown })
        : undefined;
    if (typeof details?.workflow_run_id === 'number') {
      receipt.runId = String(details.workflow_run_id);
      if (typeof details.html_url === 'string') receipt.url = details.html_url;
    } else {
      // No run named (a server that ignored the flag included): findRun searches, by time alone if need be.
      receipt.runsBefore = runsBefore ?? [];
    }
    return receipt;
  }

  /**
   * The run a dispatch started, among this workflow's runs of the same event (and branch, for a
   * `workflow_dispatch`) created since the trigger, by GitHub's clock: never one that existed before the
   * trigger, nor one whose title names another model version (`name:version`, as a scaffolded workflow's
   * `run-name` does); among the rest, the one whose title names this model version, else the earliest.
   */
  async findRun(receipt: CiTriggerReceipt, signal?: AbortSignal): Promise<CiRun | undefined> {
    if (receipt.runId) return this.getRun(receipt.runId, signal);
    const settings = this.options.settings;
    const octokit = await this.client();
    const since = receipt.triggeredAt.replace(/\.\d+Z$/, 'Z');
    const { data } = await call(() =>
      octokit.rest.actions.listWorkflowRuns({
        owner: settings.owner,
        repo: settings.repo,
        workflow_id: settings.workflow,
        event: settings.trigger,
        ...(settings.trigger === 'workflow_dispatch' ? { branch: branchName(settings.ref) } : {}),
        created: `>=${since}`,
        per_page: 50,
        request: { signal },
      }),
    );
    const before = new Set(receipt.runsBefore ?? []);
    const fresh = data.workflow_runs
      .filter((run) => !before.has(String(run.id)) && run.event === settings.trigger)
      .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
    const ours = fresh.filter((run) => !namesAnotherModel(run.display_title, receipt.model));
    const chosen = ours.find((run) => namesModel(run.display_title, receipt.model)) ?? ours[0];
    return chosen ? this.getRun(String(chosen.id), signal) : undefined;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<CiRun> {
    const octokit = await this.client();
    const id = Number(runId);
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ServiceError({ source: 'github', message: `"${runId}" is not a GitHub Actions run id.` });
    }
    const target = { owner: this.options.settings.owner, repo: this.options.settings.repo, run_id: id };
    const [run, jobs] = await Promise.all([
      call(() => octokit.rest.actions.getWorkflowRun({ ...target, request: { signal } })),
      call(() =>
        octokit.rest.actions.listJobsForWorkflowRun({
          ...target,
          filter: 'latest',
          per_page: 100,
          request: { signal },
        }),
      ),
    ]);
    const { status, conclusion, html_url } = run.data;
    return {
      provider: 'github',
      runId: String(run.data.id),
      url: html_url,
      state: stateOf(status),
      ...(stateOf(status) === 'completed' ? { result: resultOf(conclusion) } : {}),
      serviceStatus: status ?? 'unknown',
      ...(conclusion ? { serviceResult: conclusion } : {}),
      jobs: jobs.data.jobs.map((job): CiJob => ({
        name: job.name,
        state: stateOf(job.status),
        ...(stateOf(job.status) === 'completed' ? { result: resultOf(job.conclusion) } : {}),
        ...(job.html_url ? { url: job.html_url } : {}),
      })),
    };
  }

  private async recentRunIds(octokit: Octokit, signal?: AbortSignal): Promise<string[]> {
    const settings = this.options.settings;
    const { data } = await call(() =>
      octokit.rest.actions.listWorkflowRuns({
        owner: settings.owner,
        repo: settings.repo,
        workflow_id: settings.workflow,
        event: settings.trigger,
        per_page: RUNS_BEFORE_PAGE,
        request: { signal },
      }),
    );
    return data.workflow_runs.map((run) => String(run.id));
  }

  private client(): Promise<Octokit> {
    this.octokit ??= loadOctokit().then(({ Octokit }) => {
      const octokit = new Octokit({
        baseUrl: this.options.settings.baseUrl ?? GITHUB_API,
        userAgent: this.options.userAgent ?? 'azureml-inner-loop',
        headers: { 'x-github-api-version': GITHUB_API_VERSION },
        // Octokit logs requests and deprecations to the console by default; this client reports through its errors.
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      // The token is asked for on every request, so a refreshed session or a newly stored token applies at once.
      octokit.hook.before('request', async (options) => {
        const token = await this.options.token();
        options.headers = { ...options.headers, authorization: `Bearer ${token}` };
      });
      return octokit;
    });
    return this.octokit;
  }
}

/** GitHub Enterprise Server serves its REST API under /api/v3 of its host; GitHub's cloud at an api. host. */
export function isEnterpriseServer(baseUrl: string | undefined): boolean {
  return baseUrl !== undefined && /\/api\/v3\/?$/.test(new URL(baseUrl).pathname);
}

/** Where the pages are for people: github.com, a server's host, or a cloud enterprise's host without api. */
function webRoot(baseUrl: string | undefined): string {
  if (!baseUrl) return 'https://github.com';
  const url = new URL(baseUrl);
  if (isEnterpriseServer(baseUrl)) return `${url.origin}${url.pathname.replace(/\/api\/v3\/?$/, '')}`;
  return url.hostname.startsWith('api.') ? `${url.protocol}//${url.host.slice('api.'.length)}` : url.origin;
}

function branchName(ref: string): string {
  return ref.replace(/^refs\/heads\//, '');
}

function namesModel(title: string | undefined, model: ModelVersionRef): boolean {
  return modelReferences(title).includes(`${model.name}:${model.version}`);
}

function namesAnotherModel(title: string | undefined, model: ModelVersionRef): boolean {
  const references = modelReferences(title);
  return references.length > 0 && !references.includes(`${model.name}:${model.version}`);
}

/** The `name:version` words of a run's title (a name has a letter, so a time of day is not one). */
function modelReferences(title: string | undefined): string[] {
  return (title ?? '').split(/[\s,;()[\]]+/).filter((word) => /^(?=[^:]*[A-Za-z])[\w.-]+:[\w.-]+$/.test(word));
}

function serverTime(dateHeader: string | undefined, fallback: Date): string {
  const parsed = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return new Date(Number.isNaN(parsed) ? fallback.getTime() : parsed).toISOString();
}

function stateOf(status: string | null | undefined): CiRunState {
  if (status === 'completed') return 'completed';
  if (status === 'in_progress') return 'running';
  // queued, requested, waiting, pending: not started yet.
  return 'queued';
}

function resultOf(conclusion: string | null | undefined): CiRunResult {
  switch (conclusion) {
    case 'success':
      return 'succeeded';
    case 'failure':
    case 'timed_out':
    case 'startup_failure':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'skipped':
    case 'neutral':
      return 'skipped';
    default:
      return 'other';
  }
}

/**
 * An Octokit call whose failure becomes a ServiceError worded for GitHub: the status and GitHub's own
 * message (with the reasons of a 422), or, when no answer came, the network failure. Octokit's error
 * keeps the request; it is dropped here, so its headers can never reach a log.
 */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toGitHubError(error);
  }
}

interface OctokitRequestError {
  name?: string;
  status?: number;
  message?: string;
  response?: { status: number; headers: Record<string, string | undefined>; data?: unknown };
  cause?: unknown;
}

export function toGitHubError(error: unknown): unknown {
  const failure = error as OctokitRequestError;
  if (failure?.name === 'HttpError' && failure.response) return fromResponse(failure.response);
  const code = networkCode(error);
  if (failure?.name !== 'HttpError' && !code) return error;
  // No answer, or a cut one: Octokit reports a failed fetch as status 500; the cause says what happened on the wire.
  return new ServiceError({
    source: 'github',
    code: code ?? 'REQUEST_SEND_ERROR',
    message: `network error: ${causeMessage(failure) ?? failure.message ?? 'no response'}`,
  });
}

function fromResponse(response: NonNullable<OctokitRequestError['response']>): ServiceError {
  const { status, headers, data } = response;
  const body = (typeof data === 'object' && data !== null ? data : {}) as { message?: unknown; errors?: unknown };
  const reasons = Array.isArray(body.errors)
    ? body.errors.map((reason) => (typeof reason === 'string' ? reason : (reason as { message?: string })?.message))
    : [];
  const text = [typeof body.message === 'string' ? body.message : undefined, ...reasons].filter(Boolean).join(': ');
  const rateLimited = headers['x-ratelimit-remaining'] === '0' || status === 429;
  return new ServiceError({
    source: 'github',
    statusCode: status,
    code: rateLimited ? 'RateLimited' : undefined,
    message:
      rateLimited && !/rate limit/i.test(text) ? `API rate limit exceeded. ${text}`.trim() : text || `HTTP ${status}`,
  });
}

function networkCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return code;
    if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'ECONNRESET';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function causeMessage(failure: OctokitRequestError): string | undefined {
  const cause = failure.cause as { message?: unknown; cause?: { message?: unknown } } | undefined;
  const inner = cause?.cause?.message ?? cause?.message;
  return typeof inner === 'string' ? inner : undefined;
}
