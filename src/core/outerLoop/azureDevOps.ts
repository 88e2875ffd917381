/**
 * The outer loop on Azure Pipelines, through Microsoft's azure-devops-node-api (loaded on first use): run the
 * pipeline for a model version with its template parameters, then read the run until it completes. The client
 * finds its way as Azure DevOps documents it (the organization's resource areas, then the Pipelines resource
 * locations and the api-version both sides speak), so Azure DevOps Server collections work through the same
 * calls. Its failures become ServiceErrors of Azure DevOps here, so they are worded for Azure DevOps and never
 * carry a credential.
 */
import { ServiceError } from '../errors/kinds';
import { loadAzureDevOpsApi, type AzureDevOpsLibrary } from '../lazy/load';
import type { IPipelinesApi, Run } from '../lazy/azureDevOpsApi';
import type { AzureDevOpsCiSettings } from './ciSettings';
import type { CiRun, CiRunResult, CiRunState, CiTriggerReceipt, ModelVersionRef, OuterLoopClient } from './ciRun';

/** A personal access token (sent as Basic) or an Entra ID access token (sent as Bearer). */
export interface AzureDevOpsToken {
  scheme: 'Basic' | 'Bearer';
  token: string;
}

export interface AzureDevOpsOuterLoopOptions {
  settings: AzureDevOpsCiSettings;
  /** A token for each call, from VS Code's SecretStorage. Never logged. */
  token: () => Promise<AzureDevOpsToken>;
}

/**
 * Reads (the resource lookups and GETs) are sent again after a dropped connection or a 502, 503 or 504; the
 * library never repeats a POST, so a lost answer to Run Pipeline cannot start a second run. Other failures of a
 * read are followRun's to wait out. TLS is Node's https with its default trust (NODE_EXTRA_CA_CERTS included);
 * no certificate check is turned off.
 */
const REQUEST_OPTIONS = { allowRetries: true, maxRetries: 3 };

/** Given a user agent, the library sends it as it is (the product name and version are then unused). */
const REQUEST_SETTINGS = { productName: 'azureml-inner-loop', productVersion: '', userAgent: 'azureml-inner-loop' };

/** A connection made with one token: the library keeps the resource locations it looked up for its later calls. */
interface Connection {
  token: AzureDevOpsToken;
  pipelines: Promise<IPipelinesApi>;
}

export class AzureDevOpsOuterLoop implements OuterLoopClient {
  readonly provider = 'azure-devops' as const;
  readonly serviceName = 'Azure DevOps';
  private connection: Connection | undefined;

  constructor(private readonly options: AzureDevOpsOuterLoopOptions) {}

  get runsPageUrl(): string {
    const { organizationUrl, project, pipelineId } = this.options.settings;
    return `${organizationUrl}/${encodeURIComponent(project)}/_build?definitionId=${pipelineId}`;
  }

  /** Runs the pipeline; Azure DevOps answers with the new run, so nothing needs finding afterwards. */
  async trigger(model: ModelVersionRef, signal?: AbortSignal): Promise<CiTriggerReceipt> {
    const { project, pipelineId, branch } = this.options.settings;
    const sentAt = new Date();
    const run = await this.call(
      (api) =>
        api.runPipeline(
          {
            resources: { repositories: { self: { refName: branch } } },
            templateParameters: { model_name: model.name, model_version: model.version },
          },
          project,
          pipelineId,
        ),
      `Pipeline ${pipelineId} of project "${project}" was not found.`,
      signal,
    );
    const parsed = await this.toRun(run);
    return {
      provider: 'azure-devops',
      triggeredAt: run.createdDate instanceof Date ? run.createdDate.toISOString() : sentAt.toISOString(),
      model,
      runId: parsed.runId,
      url: parsed.url,
    };
  }

  async findRun(receipt: CiTriggerReceipt, signal?: AbortSignal): Promise<CiRun | undefined> {
    return receipt.runId ? this.getRun(receipt.runId, signal) : undefined;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<CiRun> {
    if (!/^\d+$/.test(runId)) {
      throw new ServiceError({ source: 'azureDevOps', message: `"${runId}" is not an Azure Pipelines run id.` });
    }
    const { project, pipelineId } = this.options.settings;
    return this.toRun(
      await this.call(
        (api) => api.getRun(project, pipelineId, Number(runId)),
        `Run ${runId} of pipeline ${pipelineId} in project "${project}" was not found.`,
        signal,
      ),
    );
  }

  /**
   * One library call with the current token. The library answers a 404 with no result at all rather than an
   * error, so `notFound` says what was missing.
   */
  private async call(
    request: (api: IPipelinesApi) => Promise<Run | null>,
    notFound: string,
    signal?: AbortSignal,
  ): Promise<Run> {
    signal?.throwIfAborted();
    const token = await this.options.token();
    try {
      const run = await abortable(this.pipelinesApi(token).then(request), signal);
      if (!run) throw new ServiceError({ source: 'azureDevOps', statusCode: 404, message: notFound });
      return run;
    } catch (error) {
      throw toAzureDevOpsError(error, this.options.settings.organizationUrl);
    }
  }

  /** The Pipelines client for this token; a new token (one stored since) gets a connection of its own. */
  private pipelinesApi(token: AzureDevOpsToken): Promise<IPipelinesApi> {
    const current = this.connection;
    if (current && current.token.scheme === token.scheme && current.token.token === token.token) {
      return current.pipelines;
    }
    const pipelines = loadAzureDevOpsApi().then(({ WebApi, getBearerHandler, getPersonalAccessTokenHandler }) => {
      const handler =
        token.scheme === 'Basic' ? getPersonalAccessTokenHandler(token.token) : getBearerHandler(token.token);
      // A copy each time: the library writes its own defaults into the options it is given.
      const webApi = new WebApi(
        this.options.settings.organizationUrl,
        handler,
        { ...REQUEST_OPTIONS },
        REQUEST_SETTINGS,
      );
      return webApi.getPipelinesApi();
    });
    // A failed lookup (a network failure, a token refused) is tried afresh by the next call.
    pipelines.catch(() => {
      if (this.connection?.pipelines === pipelines) this.connection = undefined;
    });
    this.connection = { token, pipelines };
    return pipelines;
  }

  private async toRun(run: Run): Promise<CiRun> {
    const id = run.id;
    if (typeof id !== 'number') {
      throw new ServiceError({ source: 'azureDevOps', message: 'Azure DevOps answered with a run that has no id.' });
    }
    const { RunState, RunResult, PipelinesTypeInfo } = await loadAzureDevOpsApi();
    const links = (run._links ?? {}) as { web?: { href?: unknown } };
    const web = typeof links.web?.href === 'string' ? links.web.href : undefined;
    const state = stateOf(run.state, RunState);
    const status = wireName(PipelinesTypeInfo.RunState.enumValues, run.state) ?? 'unknown';
    const result = run.result === undefined ? undefined : wireName(PipelinesTypeInfo.RunResult.enumValues, run.result);
    return {
      provider: 'azure-devops',
      runId: String(id),
      url: web ?? `${this.runsPageUrl.replace(/_build\?.*$/, '')}_build/results?buildId=${id}`,
      state,
      ...(state === 'completed' ? { result: resultOf(run.result, RunResult) } : {}),
      serviceStatus: status,
      ...(result ? { serviceResult: result } : {}),
      jobs: [],
    };
  }
}

/** The word Azure DevOps sends for an enum value the library turned into a number ("inProgress", "canceled"). */
function wireName(names: Record<string, number>, value: number | undefined): string | undefined {
  return Object.entries(names).find(([, number]) => number === value)?.[0];
}

function stateOf(state: Run['state'], RunState: AzureDevOpsLibrary['RunState']): CiRunState {
  if (state === RunState.Completed) return 'completed';
  // canceling is still going until it completes as canceled.
  if (state === RunState.InProgress || state === RunState.Canceling) return 'running';
  return 'queued';
}

function resultOf(result: Run['result'], RunResult: AzureDevOpsLibrary['RunResult']): CiRunResult {
  switch (result) {
    case RunResult.Succeeded:
      return 'succeeded';
    case RunResult.Failed:
      return 'failed';
    case RunResult.Canceled:
      return 'cancelled';
    default:
      return 'other';
  }
}

/** Settles with `work`, or rejects with the signal's AbortError as soon as it aborts. */
function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** An error of typed-rest-client, the library's transport: the status and Azure DevOps' own error body. */
interface LibraryError {
  name?: string;
  message?: string;
  code?: unknown;
  statusCode?: unknown;
  result?: { message?: unknown; typeKey?: unknown } | null;
}

/**
 * Any failure of a library call as a ServiceError of Azure DevOps: an error status with the service's message
 * and error type, a request that never got an answer as a network failure, and a resource the organization
 * does not list (the library's own words for a wrong organization URL) as a 404. Only the status, code and
 * message are kept: nothing of the request, so no credential, reaches a log.
 */
export function toAzureDevOpsError(error: unknown, organizationUrl: string): unknown {
  if (error instanceof ServiceError || isAbort(error)) return error;
  const failure = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as LibraryError;
  const message = typeof failure.message === 'string' ? failure.message : String(error);
  if (typeof failure.statusCode === 'number') {
    const body = failure.result ?? undefined;
    return new ServiceError({
      source: 'azureDevOps',
      statusCode: failure.statusCode,
      code: typeof body?.typeKey === 'string' ? body.typeKey : undefined,
      message: typeof body?.message === 'string' ? body.message : message,
    });
  }
  if (/^Failed to find api location for area|^Could not find information for resource area/.test(message)) {
    return new ServiceError({
      source: 'azureDevOps',
      statusCode: 404,
      message: `${organizationUrl} does not answer as an Azure DevOps organization or collection with Azure Pipelines.`,
    });
  }
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  if (code || /^Request timeout/.test(message)) {
    return new ServiceError({
      source: 'azureDevOps',
      code: code ?? 'ETIMEDOUT',
      message: `network error: ${message}`,
    });
  }
  return new ServiceError({ source: 'azureDevOps', message });
}

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}
