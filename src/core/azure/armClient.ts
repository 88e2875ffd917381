import type * as ml from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from './cloud';
import { loadAzureSdk } from './loadSdk';
import type { WorkspaceRef } from './resourceIds';

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

  /** Fails with the credential's own error when no token can be had. */
  async checkSignIn(): Promise<void> {
    const token = await this.credential.getToken(this.cloud.armScope);
    if (!token) throw new Error('No Azure token was returned; sign in again.');
  }

  /** ARM's subscriptions API; the ML SDK has no operation for it, so it goes through the same pipeline. */
  async listSubscriptions(continuationToken?: string): Promise<Page<SubscriptionInfo>> {
    const client = await this.client('');
    const { createPipelineRequest, RestError } = (await loadAzureSdk()).restPipeline;
    const url = continuationToken ?? `${this.cloud.armEndpoint}subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
    const response = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
    const body = response.bodyAsText ? JSON.parse(response.bodyAsText) : {};
    if (response.status >= 400) {
      throw new RestError(body?.error?.message ?? `Listing subscriptions failed with HTTP ${response.status}`, {
        code: body?.error?.code,
        statusCode: response.status,
        request: response.request,
        response,
      });
    }
    const items = ((body.value ?? []) as SubscriptionInfo[]).map((s) => ({
      subscriptionId: s.subscriptionId,
      displayName: s.displayName,
      tenantId: s.tenantId,
      state: s.state,
    }));
    return { items, continuationToken: body.nextLink || undefined };
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

  async listJobs(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ml.JobBase>> {
    return onePage(
      await this.loadSdk(),
      (await this.client(ws.subscriptionId)).jobs.list(ws.resourceGroup, ws.name),
      continuationToken,
    );
  }
}
