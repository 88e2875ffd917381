import type * as ml from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from './cloud';
import { loadAzureSdk } from './loadSdk';
import { workspaceId, type WorkspaceRef } from './resourceIds';
import { RunHistory } from './runHistory';

/** One page of a list: what arrived, and the token for the next page while there is one. */
export interface Page<T> {
  items: T[];
  continuationToken?: string;
}

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  tenantId?: string;
  state?: string;
}

type PagedList<T> = {
  byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[]>;
};

/** Reads exactly one page, so a view can show it before the next one is asked for. */
export async function onePage<T>(sdk: typeof ml, list: PagedList<T>, continuationToken?: string): Promise<Page<T>> {
  const pages = list.byPage(continuationToken ? { continuationToken } : undefined);
  const { value, done } = await pages.next();
  if (done || !value) return { items: [] };
  // The SDK keeps the next link beside the page, not on it.
  return { items: [...value], continuationToken: sdk.getContinuationToken(value) || undefined };
}

const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/**
 * Azure ML control plane, one page at a time. The SDK is loaded on first use; its pipeline brings
 * the retry policies (exponential backoff, and Retry-After for 429/503) every call goes through.
 */
export class AzureMlArm {
  private readonly clients = new Map<string, ml.AzureMachineLearningWorkspaces>();
  private readonly runHistories = new Map<string, RunHistory>();

  constructor(
    private readonly credential: TokenCredential,
    private readonly cloud: CloudEndpoints,
  ) {}

  private async loadSdk(): Promise<typeof ml> {
    return (await loadAzureSdk()).ml;
  }

  private async client(subscriptionId: string): Promise<ml.AzureMachineLearningWorkspaces> {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      const sdk = await this.loadSdk();
      client = new sdk.AzureMachineLearningWorkspaces(this.credential, subscriptionId, {
        endpoint: this.cloud.armEndpoint.replace(/\/$/, ''),
        credentialScopes: [this.cloud.armScope],
        retryOptions: { maxRetries: 3, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 },
      });
      this.clients.set(subscriptionId, client);
    }
    return client;
  }

  /** The workspace's run history (experiments and jobs), sharing this client's credential. */
  runHistory(ws: WorkspaceRef): RunHistory {
    const key = workspaceId(ws).toLowerCase();
    let history = this.runHistories.get(key);
    if (!history) {
      history = new RunHistory(this.credential, this.cloud, ws, () => this.discoveryUrl(ws));
      this.runHistories.set(key, history);
    }
    return history;
  }

  /** Fails with the credential's own error when no token can be had. */
  async checkSignIn(): Promise<void> {
    const token = await this.credential.getToken(this.cloud.armScope);
    if (!token) throw new Error('No Azure token was returned; sign in again.');
  }

  /** ARM's subscriptions API; the ML SDK has no operation for it, so it goes through the same pipeline. */
  async listSubscriptions(continuationToken?: string): Promise<Page<SubscriptionInfo>> {
    const url = continuationToken ?? `${this.cloud.armEndpoint}subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
    const body = await this.armGet('', url);
    const items = ((body.value ?? []) as SubscriptionInfo[]).map((s) => ({
      subscriptionId: s.subscriptionId,
      displayName: s.displayName,
      tenantId: s.tenantId,
      state: s.state,
    }));
    return { items, continuationToken: (body.nextLink as string) || undefined };
  }

  async listWorkspaces(subscriptionId: string, continuationToken?: string): Promise<Page<ml.Workspace>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(subscriptionId)).workspaces.listBySubscription(),
      continuationToken,
    );
  }

  async listComputes(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.ComputeResource>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).computeOperations.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }

  async listEnvironments(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.EnvironmentContainer>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).environmentContainers.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }

  async listDataAssets(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.DataContainer>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).dataContainers.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }

  async listDataVersions(
    ws: WorkspaceRef,
    name: string,
    continuationToken?: string,
  ): Promise<Page<ml.DataVersionBase>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).dataVersions.list(ws.resourceGroup, ws.name, name, {
        orderBy: 'createdtime desc',
      }),
      continuationToken,
    );
  }

  async listDatastores(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.Datastore>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).datastores.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }

  async listModels(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.ModelContainer>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).modelContainers.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }

  async listModelVersions(ws: WorkspaceRef, name: string, continuationToken?: string): Promise<Page<ml.ModelVersion>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).modelVersions.list(ws.resourceGroup, ws.name, name, {
        orderBy: 'createdtime desc',
      }),
      continuationToken,
    );
  }

  /** The workspace's discovery document address, where the data-plane services (run history) are listed. */
  async discoveryUrl(ws: WorkspaceRef): Promise<string> {
    const workspace = await (await this.client(ws.subscriptionId)).workspaces.get(ws.resourceGroup, ws.name);
    if (!workspace.discoveryUrl) throw new Error(`Workspace ${ws.name} reports no discovery URL.`);
    return workspace.discoveryUrl;
  }

  /** Any resource by id, as ARM's JSON (for the details documents, which show it whole). */
  async getResource(id: string): Promise<Record<string, unknown>> {
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? '';
    const client = await this.client(subscriptionId);
    return this.armGet(
      subscriptionId,
      `${this.cloud.armEndpoint.replace(/\/$/, '')}${id}?api-version=${client.apiVersion}`,
    );
  }

  /** A GET through the SDK's pipeline (auth, retries) for what the SDK has no operation for. */
  private async armGet(subscriptionId: string, url: string): Promise<Record<string, unknown>> {
    const client = await this.client(subscriptionId);
    const { createPipelineRequest, RestError } = (await loadAzureSdk()).restPipeline;
    const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
    const body = response.bodyAsText ? (JSON.parse(response.bodyAsText) as Record<string, unknown>) : {};
    if (response.status >= 400) {
      const error = (body.error ?? {}) as { code?: string; message?: string };
      throw new RestError(error.message ?? `GET ${new URL(url).pathname} failed with HTTP ${response.status}`, {
        code: error.code,
        statusCode: response.status,
        request: response.request,
        response,
      });
    }
    return body;
  }
}
