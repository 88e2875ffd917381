import type * as ml from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import { asServiceError, HttpClient, RETRY_OPTIONS } from '../http/httpClient';
import { optionalString } from '../http/json';
import { loadAzureSdk } from '../lazy/load';
import { mapPage, type Page } from '../paging';
import type { CloudEndpoints } from './cloud';
import {
  toComputeInfo,
  toDataAssetInfo,
  toDatastoreInfo,
  toDataVersionInfo,
  toEnvironmentInfo,
  toModelInfo,
  toComponentInfo,
  toModelVersionInfo,
  toWorkspaceInfo,
  type AssetInfo,
  type ComputeInfo,
  type DataAssetInfo,
  type DatastoreInfo,
  type DataVersionInfo,
  type EnvironmentInfo,
  type ModelVersionInfo,
  type SubscriptionInfo,
  type WorkspaceInfo,
} from './resources';
import { subscriptionOf, workspaceId, type WorkspaceRef } from './resourceIds';
import { RunHistory } from './runHistory';

type PagedList<T> = {
  byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[]>;
};

const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/**
 * Azure ML control plane, one page at a time, in the project's own types. The SDK is loaded on first
 * use; its generated client shares the project's retry policy, and what it has no operation for
 * (subscriptions, a resource read whole) goes through the project's one HTTP path.
 */
export class AzureMlArm {
  private readonly clients = new Map<string, ml.AzureMachineLearningWorkspaces>();
  private readonly runHistories = new Map<string, RunHistory>();
  private readonly http: HttpClient;
  /** Run history accepts ARM's token; its own name keeps its errors apart from ARM's. */
  private readonly runHistoryHttp: HttpClient;

  constructor(
    private readonly credential: TokenCredential,
    private readonly cloud: CloudEndpoints,
  ) {
    this.http = new HttpClient({
      source: 'azure',
      serviceName: 'Azure Resource Manager',
      auth: { credential, scopes: cloud.armScope },
    });
    this.runHistoryHttp = new HttpClient({
      source: 'azure',
      serviceName: 'Azure ML run history',
      auth: { credential, scopes: cloud.armScope },
    });
  }

  private async client(subscriptionId: string): Promise<ml.AzureMachineLearningWorkspaces> {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      const sdk = (await loadAzureSdk()).ml;
      client = new sdk.AzureMachineLearningWorkspaces(this.credential, subscriptionId, {
        endpoint: this.cloud.armEndpoint.replace(/\/$/, ''),
        credentialScopes: [this.cloud.armScope],
        retryOptions: { ...RETRY_OPTIONS },
      });
      this.clients.set(subscriptionId, client);
    }
    return client;
  }

  /** The workspace's run history (experiments and jobs), on the same token and HTTP path. */
  runHistory(ws: WorkspaceRef): RunHistory {
    const key = workspaceId(ws).toLowerCase();
    let history = this.runHistories.get(key);
    if (!history) {
      history = new RunHistory(this.runHistoryHttp, ws, () => this.discoveryUrl(ws));
      this.runHistories.set(key, history);
    }
    return history;
  }

  /** A token for ARM, or the credential's own error when none can be had. */
  async accessToken(): Promise<string> {
    const token = await this.credential.getToken(this.cloud.armScope);
    if (!token) throw new Error('No Azure token was returned; sign in again.');
    return token.token;
  }

  /** ARM's subscriptions API; the ML SDK has no operation for it. */
  async listSubscriptions(continuationToken?: string): Promise<Page<SubscriptionInfo>> {
    const url = continuationToken ?? `${this.cloud.armEndpoint}subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
    const body = await this.http.json({ method: 'GET', url });
    const items = (Array.isArray(body.value) ? (body.value as Record<string, unknown>[]) : []).map((s) => ({
      subscriptionId: String(s.subscriptionId),
      displayName: optionalString(s.displayName) ?? String(s.subscriptionId),
      tenantId: optionalString(s.tenantId),
      state: optionalString(s.state),
    }));
    return { items, continuationToken: optionalString(body.nextLink) };
  }

  async listWorkspaces(subscriptionId: string, continuationToken?: string): Promise<Page<WorkspaceInfo>> {
    const client = await this.client(subscriptionId);
    return mapPage(await onePage(client.workspaces.listBySubscription(), continuationToken), toWorkspaceInfo);
  }

  async listComputes(ws: WorkspaceRef, continuationToken?: string): Promise<Page<ComputeInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.computeOperations.list(ws.resourceGroup, ws.name), continuationToken),
      toComputeInfo,
    );
  }

  async listEnvironments(ws: WorkspaceRef, continuationToken?: string): Promise<Page<EnvironmentInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.environmentContainers.list(ws.resourceGroup, ws.name), continuationToken),
      toEnvironmentInfo,
    );
  }

  async listDataAssets(ws: WorkspaceRef, continuationToken?: string): Promise<Page<DataAssetInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.dataContainers.list(ws.resourceGroup, ws.name), continuationToken),
      toDataAssetInfo,
    );
  }

  async listDataVersions(ws: WorkspaceRef, name: string, continuationToken?: string): Promise<Page<DataVersionInfo>> {
    const client = await this.client(ws.subscriptionId);
    const list = client.dataVersions.list(ws.resourceGroup, ws.name, name, { orderBy: 'createdtime desc' });
    return mapPage(await onePage(list, continuationToken), toDataVersionInfo);
  }

  async listDatastores(ws: WorkspaceRef, continuationToken?: string): Promise<Page<DatastoreInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.datastores.list(ws.resourceGroup, ws.name), continuationToken),
      toDatastoreInfo,
    );
  }

  async listModels(ws: WorkspaceRef, continuationToken?: string): Promise<Page<AssetInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.modelContainers.list(ws.resourceGroup, ws.name), continuationToken),
      toModelInfo,
    );
  }

  async listComponents(ws: WorkspaceRef, continuationToken?: string): Promise<Page<AssetInfo>> {
    const client = await this.client(ws.subscriptionId);
    return mapPage(
      await onePage(client.componentContainers.list(ws.resourceGroup, ws.name), continuationToken),
      toComponentInfo,
    );
  }

  /** Version names of an environment or component, newest first. */
  async listAssetVersions(
    ws: WorkspaceRef,
    kind: 'environments' | 'components',
    name: string,
    continuationToken?: string,
  ): Promise<Page<{ version: string }>> {
    const client = await this.client(ws.subscriptionId);
    const operations = kind === 'environments' ? client.environmentVersions : client.componentVersions;
    const list = operations.list(ws.resourceGroup, ws.name, name, { orderBy: 'createdtime desc' });
    return mapPage(await onePage(list, continuationToken), (item: { name?: string }) => ({ version: item.name ?? '' }));
  }

  async listModelVersions(ws: WorkspaceRef, name: string, continuationToken?: string): Promise<Page<ModelVersionInfo>> {
    const client = await this.client(ws.subscriptionId);
    const list = client.modelVersions.list(ws.resourceGroup, ws.name, name, { orderBy: 'createdtime desc' });
    return mapPage(await onePage(list, continuationToken), toModelVersionInfo);
  }

  /** The workspace's discovery document address, where the data-plane services (run history) are listed. */
  async discoveryUrl(ws: WorkspaceRef): Promise<string> {
    const workspace = await this.getResource(workspaceId(ws));
    const properties = (workspace.properties ?? {}) as Record<string, unknown>;
    const url = optionalString(properties.discoveryUrl);
    if (!url) throw new Error(`Workspace ${ws.name} reports no discovery URL.`);
    return url;
  }

  /** Any resource by id, as ARM's JSON (for the details documents, which show it whole). */
  async getResource(id: string): Promise<Record<string, unknown>> {
    const client = await this.client(subscriptionOf(id) ?? '');
    const url = `${this.cloud.armEndpoint.replace(/\/$/, '')}${id}?api-version=${client.apiVersion}`;
    return this.http.json({ method: 'GET', url });
  }
}

/**
 * Reads exactly one page, so a view can show it before the next one is asked for. The SDK's errors
 * become Azure ServiceErrors here, so they are worded as Azure's.
 */
async function onePage<T>(list: PagedList<T>, continuationToken?: string): Promise<Page<T>> {
  const sdk = (await loadAzureSdk()).ml;
  try {
    const pages = list.byPage(continuationToken ? { continuationToken } : undefined);
    const { value, done } = await pages.next();
    if (done || !value) return { items: [] };
    // The SDK keeps the next link beside the page, not on it.
    return { items: [...value], continuationToken: sdk.getContinuationToken(value) || undefined };
  } catch (error) {
    throw asServiceError(error, 'azure');
  }
}
