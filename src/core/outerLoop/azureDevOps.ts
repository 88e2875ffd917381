/**
 * The outer loop on Azure Pipelines: run the pipeline for a model version with its template
 * parameters, then read the run until it completes. Plain REST through the project's HttpClient rather
 * than azure-devops-node-api: that library negotiates api-versions with an OPTIONS request per area
 * before every first call (pipelines at 7.2-preview.1, sent in the Accept header), its entry point pulls
 * every API client of the product into the bundle (2.7 MB for two calls), and its errors would bypass
 * the one retry and error-wording path every other call here takes.
 */
import { ServiceError } from '../errors/kinds';
import { asServiceError, HttpClient, type HttpRequest } from '../http/httpClient';
import { optionalString, parseJsonBody, type JsonObject } from '../http/json';
import type { AzureDevOpsCiSettings } from './ciSettings';
import type { CiRun, CiRunResult, CiRunState, CiTriggerReceipt, ModelVersionRef, OuterLoopClient } from './ciRun';

/** The documented version of the Pipelines Runs API this client speaks. */
export const AZURE_DEVOPS_API_VERSION = '7.1';

/** A personal access token (sent as Basic) or an Entra ID access token (sent as Bearer). */
export interface AzureDevOpsToken {
  scheme: 'Basic' | 'Bearer';
  token: string;
}

export interface AzureDevOpsOuterLoopOptions {
  settings: AzureDevOpsCiSettings;
  /** A token for each request, from VS Code's SecretStorage. Never logged. */
  token: () => Promise<AzureDevOpsToken>;
}

export class AzureDevOpsOuterLoop implements OuterLoopClient {
  readonly provider = 'azure-devops' as const;
  readonly serviceName = 'Azure DevOps';
  /** Starting a run is never retried: a retry after a lost answer could start a second run. */
  private readonly once = new HttpClient({ source: 'azureDevOps', serviceName: 'Azure DevOps', maxRetries: 0 });
  private readonly reads = new HttpClient({ source: 'azureDevOps', serviceName: 'Azure DevOps' });

  constructor(private readonly options: AzureDevOpsOuterLoopOptions) {}

  get runsPageUrl(): string {
    const { organizationUrl, project, pipelineId } = this.options.settings;
    return `${organizationUrl}/${encodeURIComponent(project)}/_build?definitionId=${pipelineId}`;
  }

  /** Runs the pipeline; Azure DevOps answers with the new run, so nothing needs finding afterwards. */
  async trigger(model: ModelVersionRef, signal?: AbortSignal): Promise<CiTriggerReceipt> {
    const sentAt = new Date();
    const body = {
      resources: { repositories: { self: { refName: this.options.settings.branch } } },
      templateParameters: { model_name: model.name, model_version: model.version },
    };
    const run = await this.call(this.once, { method: 'POST', url: this.url('/runs'), json: body, abortSignal: signal });
    const parsed = this.toRun(run);
    return {
      provider: 'azure-devops',
      triggeredAt: optionalString(run.createdDate) ?? sentAt.toISOString(),
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
    return this.toRun(
      await this.call(this.reads, { method: 'GET', url: this.url(`/runs/${runId}`), abortSignal: signal }),
    );
  }

  private url(path: string): string {
    const { organizationUrl, project, pipelineId } = this.options.settings;
    return `${organizationUrl}/${encodeURIComponent(project)}/_apis/pipelines/${pipelineId}${path}?api-version=${AZURE_DEVOPS_API_VERSION}`;
  }

  private async call(client: HttpClient, request: HttpRequest): Promise<JsonObject> {
    const { scheme, token } = await this.options.token();
    const credentials = scheme === 'Basic' ? Buffer.from(`:${token}`).toString('base64') : token;
    const response = await client.send({
      ...request,
      headers: {
        authorization: `${scheme} ${credentials}`,
        // Without it a rejected token is answered 203 with a sign-in page rather than 401.
        'x-tfs-fedauthredirect': 'Suppress',
      },
    });
    if (response.status === 203 || !/json/i.test(response.headers['content-type'] ?? 'application/json')) {
      throw new ServiceError({
        source: 'azureDevOps',
        statusCode: 401,
        message: 'Azure DevOps answered with a sign-in page instead of data: the token was not accepted.',
      });
    }
    try {
      return parseJsonBody(response.text, 'Azure DevOps');
    } catch (error) {
      throw asServiceError(error, 'azureDevOps');
    }
  }

  private toRun(body: JsonObject): CiRun {
    const id = body.id;
    if (typeof id !== 'number') {
      throw new ServiceError({ source: 'azureDevOps', message: 'Azure DevOps answered with a run that has no id.' });
    }
    const links = (body._links ?? {}) as { web?: { href?: unknown } };
    const state = optionalString(body.state) ?? 'unknown';
    const result = optionalString(body.result);
    return {
      provider: 'azure-devops',
      runId: String(id),
      url:
        optionalString(links.web?.href) ?? `${this.runsPageUrl.replace(/_build\?.*$/, '')}_build/results?buildId=${id}`,
      state: stateOf(state),
      ...(stateOf(state) === 'completed' ? { result: resultOf(result) } : {}),
      serviceStatus: state,
      ...(result ? { serviceResult: result } : {}),
      jobs: [],
    };
  }
}

function stateOf(state: string): CiRunState {
  if (state === 'completed') return 'completed';
  // canceling is still going until it completes as canceled.
  if (state === 'inProgress' || state === 'canceling') return 'running';
  return 'queued';
}

function resultOf(result: string | undefined): CiRunResult {
  switch (result) {
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
      return 'cancelled';
    default:
      return 'other';
  }
}
