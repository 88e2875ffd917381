/**
 * Test harness for the emulator runtime: a real Azurite, an in-memory resource store and a plain
 * HTTP server that sends every request to the runtime's `handle`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { ArmResource, ResourceStore, StorageRuntime } from '../../emulator/contracts';
import {
  blobContainerUrl,
  createJobRuntime,
  emulatorDatastoreProperties,
  startStorage,
  type SeedableJobRuntime,
} from '../../emulator/runtime';

export const WS = {
  subscriptionId: '11111111-2222-3333-4444-555555555555',
  resourceGroup: 'rg-test',
  workspaceName: 'ws-test',
};
export const WS_ID = `/subscriptions/${WS.subscriptionId}/resourceGroups/${WS.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${WS.workspaceName}`;
export const JOB_TYPE = 'Microsoft.MachineLearningServices/workspaces/jobs';

/** A minimal ResourceStore that also remembers every status each job was written with. */
export class MemoryStore implements ResourceStore {
  private readonly items = new Map<string, ArmResource>();
  readonly statusHistory = new Map<string, string[]>();

  get(id: string): ArmResource | undefined {
    const item = this.items.get(id.toLowerCase());
    return item ? structuredClone(item) : undefined;
  }

  put(resource: ArmResource): void {
    const key = resource.id.toLowerCase();
    this.items.set(key, structuredClone(resource));
    const status = resource.properties.status;
    if (typeof status === 'string') {
      const history = this.statusHistory.get(key) ?? [];
      if (history[history.length - 1] !== status) history.push(status);
      this.statusHistory.set(key, history);
    }
  }

  children(parentId: string, childSegment: string): ArmResource[] {
    const prefix = `${parentId.toLowerCase()}/${childSegment.toLowerCase()}/`;
    return [...this.items.entries()]
      .filter(([key]) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
      .map(([, item]) => structuredClone(item));
  }

  statusesOf(id: string): string[] {
    return this.statusHistory.get(id.toLowerCase()) ?? [];
  }
}

/** Response JSON as tests probe it: shape checked by assertions, not by the compiler. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LooseJson = Record<string, any>;

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json<T = LooseJson>(): T;
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers: { ...(payload ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export const AUTH = { Authorization: 'Bearer test-token' };

export class RuntimeHarness {
  readonly store = new MemoryStore();
  origin = '';
  storage!: StorageRuntime;
  runtime!: SeedableJobRuntime;
  container!: ContainerClient;
  private server?: http.Server;
  workDir = '';

  async start(): Promise<void> {
    this.workDir = mkdtempSync(path.join(os.tmpdir(), 'aml-runtime-test-'));
    this.storage = await startStorage(this.workDir);
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', this.origin);
        this.runtime
          .handle(req, res, url, Buffer.concat(chunks))
          .then((handled) => {
            if (!handled) {
              res.writeHead(404);
              res.end('not a runtime route');
            }
          })
          .catch((error: unknown) => {
            res.writeHead(500);
            res.end(String(error));
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.runtime = createJobRuntime({
      store: this.store,
      storage: this.storage,
      origin: this.origin,
      workDir: path.join(this.workDir, 'jobs'),
      pageSize: () => 100,
    });
    const datastore = emulatorDatastoreProperties(this.storage);
    this.store.put({
      id: `${WS_ID}/datastores/workspaceblobstore`,
      name: 'workspaceblobstore',
      type: 'Microsoft.MachineLearningServices/workspaces/datastores',
      properties: { ...datastore, isDefault: true, credentials: { credentialsType: 'AccountKey' } },
    });
    this.container = new ContainerClient(
      blobContainerUrl(datastore),
      new StorageSharedKeyCredential(this.storage.accountName, this.storage.accountKey),
    );
  }

  async stop(): Promise<void> {
    await this.runtime?.stop();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.storage?.stop();
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  /** Uploads files to the workspace blobstore and registers a code version pointing at them. */
  async createCode(name: string, files: Record<string, string>): Promise<string> {
    const prefix = `LocalUpload/${name}`;
    for (const [file, content] of Object.entries(files)) {
      await this.container.getBlockBlobClient(`${prefix}/${file}`).upload(content, Buffer.byteLength(content));
    }
    const id = `${WS_ID}/codes/${name}/versions/1`;
    this.store.put({
      id,
      name: '1',
      type: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
      properties: { codeUri: `${this.container.url}/${prefix}`, isAnonymous: false },
    });
    return id;
  }

  async uploadBlob(blobName: string, content: string): Promise<void> {
    await this.container.getBlockBlobClient(blobName).upload(content, Buffer.byteLength(content));
  }

  async readBlob(blobName: string): Promise<string> {
    return (await this.container.getBlobClient(blobName).downloadToBuffer()).toString('utf8');
  }

  jobId(name: string): string {
    return `${WS_ID}/jobs/${name}`;
  }

  /** Creates a job with status NotStarted, as the ARM layer does, and starts it. */
  submit(name: string, properties: Record<string, unknown>): string {
    const id = this.jobId(name);
    this.store.put({
      id,
      name,
      type: JOB_TYPE,
      properties: { jobType: 'Command', experimentName: 'tests', ...properties, status: 'NotStarted' },
      systemData: { createdAt: new Date().toISOString(), createdBy: 'tester' },
    });
    this.runtime.start(id);
    return id;
  }

  status(id: string): string | undefined {
    return this.store.get(id)?.properties.status as string | undefined;
  }

  async waitFor(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await predicate())) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async waitForStatus(id: string, statuses: string[], timeoutMs = 20_000): Promise<string> {
    await this.waitFor(
      () => statuses.includes(this.status(id) ?? ''),
      `${id} to reach ${statuses.join('/')}, is ${this.status(id)}`,
      timeoutMs,
    );
    return this.status(id)!;
  }

  historyUrl(runId: string, suffix = ''): string {
    return `${this.origin}/history/v1.0${WS_ID}/runs/${runId}${suffix}`;
  }

  mlflowUrl(endpoint: string): string {
    return `${this.origin}/mlflow/v1.0${WS_ID}/api/2.0/mlflow/${endpoint}`;
  }

  async runDetails(runId: string): Promise<LooseJson> {
    const result = await request(this.historyUrl(runId, '/details'), { headers: AUTH });
    if (result.status !== 200) throw new Error(`details ${result.status}: ${result.text}`);
    return result.json();
  }

  async logText(runId: string): Promise<string> {
    const details = await this.runDetails(runId);
    const url = details.logFiles['user_logs/std_log.txt'] as string;
    return (await request(url)).text;
  }
}
