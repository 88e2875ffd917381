import type * as ml from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/identity';
import { asServiceError, HttpClient, RETRY_OPTIONS } from '../http/httpClient';
import { optionalString, type JsonObject } from '../http/json';
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
import { rangeReaderOver, type RangeReader } from './jobLogs';
import { MlflowClient } from './mlflow';
import { RunHistory } from './runHistory';

type PagedList<T> = {
  byPage(settings?: { continuationToken?: string }): AsyncIterableIterator<T[]>;
};

const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/** What listSecrets returns for a datastore: an account key or a SAS token, by `secretsType`. */
export interface DatastoreSecrets {
  secretsType: string;
  key?: string;
  sasToken?: string;
}

/** A code version as job submission needs it. */
export interface CodeVersionInfo {
  /** ARM id: WS/codes/{name}/versions/{version}. */
  id: string;
  name: string;
  version: string;
  codeUri?: string;
  isAnonymous: boolean;
}

export interface CodeVersionProperties {
  codeUri: string;
  isAnonymous: boolean;
  /** Free-form properties, e.g. the snapshot's content hash. */
  properties?: Record<string, string>;
}
/** What the project writes itself (jobs, anonymous versions) follows this contract, the newest stable of the old spec layout. */
const JOBS_API_VERSION = '2025-09-01';

/**
 * Azure ML control plane, one page at a time, in the project's own types. The SDK is loaded on first
 * use; its generated client shares the project's retry policy, and what it has no operation for
 * (subscriptions, a resource read whole) goes through the project's one HTTP path.
 */
export class AzureMlArm {
  private readonly clients = new Map<string, ml.AzureMachineLearningWorkspaces>();
  private readonly runHistories = new Map<string, RunHistory>();
  private readonly mlflowClients = new Map<string, MlflowClient>();
  private readonly http: HttpClient;
  /** Run history accepts ARM's token; its own name keeps its errors apart from ARM's. */
  private readonly runHistoryHttp: HttpClient;
  /** MLflow tracking accepts ARM's token too. */
  private readonly mlflowHttp: HttpClient;

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
    this.mlflowHttp = new HttpClient({
      source: 'azure',
      serviceName: 'Azure ML MLflow tracking',
      auth: { credential, scopes: cloud.armScope },
    });
  }

  /** Reads job logs by byte range from their signed URLs, which need no token. */
  readonly readLogRange: RangeReader = rangeReaderOver(
    new HttpClient({ source: 'azure', serviceName: 'Azure Storage (job logs)' }),
  );

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

  /** The workspace's MLflow tracking API (params, tags, metric histories), on the same token and HTTP path. */
  mlflow(ws: WorkspaceRef): MlflowClient {
    const key = workspaceId(ws).toLowerCase();
    let client = this.mlflowClients.get(key);
    if (!client) {
      client = new MlflowClient(this.mlflowHttp, () => this.mlflowTrackingUri(ws));
      this.mlflowClients.set(key, client);
    }
    return client;
  }

  /** The workspace's `properties.mlFlowTrackingUri` as the service reports it (`azureml://…`). */
  async mlflowTrackingUri(ws: WorkspaceRef): Promise<string> {
    const workspace = await this.getResource(workspaceId(ws));
    const properties = (workspace.properties ?? {}) as Record<string, unknown>;
    const uri = optionalString(properties.mlFlowTrackingUri);
    if (!uri) throw new Error(`Workspace ${ws.name} reports no MLflow tracking URI.`);
    return uri;
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

  /** The credential of the signed-in user, for data-plane calls that take a token of their own (storage). */
  get tokenCredential(): TokenCredential {
    return this.credential;
  }

  async getDatastore(ws: WorkspaceRef, name: string): Promise<DatastoreInfo> {
    const client = await this.client(ws.subscriptionId);
    return toDatastoreInfo(await sdkCall(() => client.datastores.get(ws.resourceGroup, ws.name, name)));
  }

  /** The datastore's stored secret (POST …/listSecrets); fails for datastores without one (identity-based). */
  async listDatastoreSecrets(ws: WorkspaceRef, name: string): Promise<DatastoreSecrets> {
    const client = await this.client(ws.subscriptionId);
    const secrets = (await sdkCall(() => client.datastores.listSecrets(ws.resourceGroup, ws.name, name))) as {
      secretsType?: string;
      key?: string;
      sasToken?: string;
    };
    return { secretsType: secrets.secretsType ?? '', key: secrets.key, sasToken: secrets.sasToken };
  }

  /** A code version, or undefined when the workspace has none of that name and version. */
  async getCodeVersion(ws: WorkspaceRef, name: string, version: string): Promise<CodeVersionInfo | undefined> {
    const client = await this.client(ws.subscriptionId);
    try {
      return toCodeVersionInfo(
        await sdkCall(() => client.codeVersions.get(ws.resourceGroup, ws.name, name, version)),
        name,
        version,
      );
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  /** PUT WS/codes/{name}/versions/{version}. */
  async createOrUpdateCodeVersion(
    ws: WorkspaceRef,
    name: string,
    version: string,
    properties: CodeVersionProperties,
  ): Promise<CodeVersionInfo> {
    const client = await this.client(ws.subscriptionId);
    const created = await sdkCall(() =>
      client.codeVersions.createOrUpdate(ws.resourceGroup, ws.name, name, version, { properties }),
    );
    return toCodeVersionInfo(created, name, version);
  }

  /** The workspace's discovery document address, where the data-plane services (run history) are listed. */
  async discoveryUrl(ws: WorkspaceRef): Promise<string> {
    const workspace = await this.getResource(workspaceId(ws));
    const properties = (workspace.properties ?? {}) as Record<string, unknown>;
    const url = optionalString(properties.discoveryUrl);
    if (!url) throw new Error(`Workspace ${ws.name} reports no discovery URL.`);
    return url;
  }

  /**
   * Creates a job under a name the caller chose, with a body the project builds itself (the SDK's
   * serializer drops fields of job inputs). A retried PUT with the same name addresses the same job,
   * so a retry never makes a second one.
   */
  async putJob(ws: WorkspaceRef, name: string, body: { properties: Record<string, unknown> }): Promise<JsonObject> {
    return this.http.json({ method: 'PUT', url: this.jobUrl(ws, name), json: body });
  }

  async getJob(ws: WorkspaceRef, name: string): Promise<JsonObject> {
    return this.http.json({ method: 'GET', url: this.jobUrl(ws, name) });
  }

  /**
   * PUT of an asset version with a body the project builds (anonymous versions a job registers for its
   * inline environment or components, candidate models, labeled data). Returns the version's ARM id.
   */
  async putAssetVersion(
    ws: WorkspaceRef,
    kind: 'environments' | 'components' | 'models' | 'data',
    name: string,
    version: string,
    properties: Record<string, unknown>,
  ): Promise<string> {
    const id = `${workspaceId(ws)}/${kind}/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
    await this.http.json({ method: 'PUT', url: this.armUrl(id), json: { properties } });
    return id;
  }

  /** The newest version of a named asset, for `azureml:name@latest`. */
  async latestVersion(ws: WorkspaceRef, kind: 'environments' | 'components' | 'data' | 'models', name: string) {
    const container = await this.http.json({
      method: 'GET',
      url: this.armUrl(`${workspaceId(ws)}/${kind}/${encodeURIComponent(name)}`),
    });
    const latest = optionalString((container.properties as JsonObject | undefined)?.latestVersion);
    if (!latest) throw new Error(`${name} has no versions in workspace ${ws.name}, so @latest names nothing.`);
    return latest;
  }

  /** The version number a new version of the asset gets (the container's `nextVersion`; 1 for a new asset). */
  async nextVersion(ws: WorkspaceRef, kind: 'models' | 'data', name: string): Promise<string> {
    try {
      const container = await this.http.json({
        method: 'GET',
        url: this.armUrl(`${workspaceId(ws)}/${kind}/${encodeURIComponent(name)}`),
      });
      return optionalString((container.properties as JsonObject | undefined)?.nextVersion) ?? '1';
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return '1';
      throw error;
    }
  }

  /** Whether a resource exists: false on 404, any other failure thrown. */
  async exists(id: string): Promise<boolean> {
    try {
      await this.http.json({ method: 'GET', url: this.armUrl(id) });
      return true;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }

  /** Asks the service to cancel; it answers at once (202) and the job reaches Canceled later. */
  async cancelJob(ws: WorkspaceRef, name: string): Promise<void> {
    await this.http.send({ method: 'POST', url: this.jobUrl(ws, name, '/cancel') });
  }

  private jobUrl(ws: WorkspaceRef, name: string, action = ''): string {
    return this.armUrl(`${workspaceId(ws)}/jobs/${encodeURIComponent(name)}${action}`);
  }

  private armUrl(path: string): string {
    return `${this.cloud.armEndpoint.replace(/\/$/, '')}${path}?api-version=${JOBS_API_VERSION}`;
  }

  /** Any resource by id, as ARM's JSON (for the details documents, which show it whole). */
  async getResource(id: string): Promise<Record<string, unknown>> {
    const client = await this.client(subscriptionOf(id) ?? '');
    const url = `${this.cloud.armEndpoint.replace(/\/$/, '')}${id}?api-version=${client.apiVersion}`;
    return this.http.json({ method: 'GET', url });
  }
}

/** One SDK operation; its errors become Azure ServiceErrors, so they are worded as Azure's. */
async function sdkCall<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asServiceError(error, 'azure');
  }
}

function toCodeVersionInfo(resource: ml.CodeVersion, name: string, version: string): CodeVersionInfo {
  return {
    id: resource.id ?? '',
    name: resource.id ? (/\/codes\/([^/]+)\/versions\//i.exec(resource.id)?.[1] ?? name) : name,
    version: resource.name ?? version,
    codeUri: resource.properties.codeUri,
    isAnonymous: resource.properties.isAnonymous === true,
  };
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
