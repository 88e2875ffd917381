/**
 * The seam between the emulator's ARM layer (resources, auth, paging, faults, seeds)
 * and its runtime (Azurite storage, job execution, run history, MLflow).
 * Both sides code against these types only, so either can change without the other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An ARM resource exactly as it is serialized on the wire (camelCase, `properties` bag). */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  properties: Record<string, unknown>;
  location?: string;
  tags?: Record<string, string>;
  systemData?: {
    createdAt?: string;
    createdBy?: string;
    createdByType?: string;
    lastModifiedAt?: string;
    lastModifiedBy?: string;
    lastModifiedByType?: string;
  };
  [extra: string]: unknown;
}

/** Resource store owned by the ARM layer. Ids are full ARM ids, compared case-insensitively. */
export interface ResourceStore {
  get(id: string): ArmResource | undefined;
  /** Create or replace. */
  put(resource: ArmResource): void;
  /** Direct children of `parentId` whose id continues with `/{childSegment}/{name}`, e.g. childSegment "jobs". */
  children(parentId: string, childSegment: string): ArmResource[];
}

/**
 * Handles one HTTP request if it owns the route; returns false to let the next handler try.
 * `url` is absolute (https://host:port/...), `body` is the complete request body.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;

/** Where blobs live. The emulator starts one real Azurite and exposes its account through this. */
export interface StorageRuntime {
  /** Path-style blob service URL of the account, e.g. http://127.0.0.1:10000/devstoreaccount1 */
  blobEndpoint: string;
  /**
   * How clients reach the account host-style, `{protocol}://{account}.blob.{endpointSuffix}`, which is what a
   * datastore advertises; absent, datastores name blobEndpoint's own host (path-style, as for Azurite).
   */
  hostStyle?: { protocol: string; endpointSuffix: string };
  accountName: string;
  accountKey: string;
  stop(): Promise<void>;
}

/** Executes jobs created through ARM and serves run history, logs and MLflow. */
export interface JobRuntime {
  /** Called by the ARM layer right after a job resource was created with status NotStarted. */
  start(jobId: string): void;
  /** Called by the ARM layer for the cancel LRO; resolves when the job reached Canceled (or was already terminal). */
  cancel(jobId: string): Promise<void>;
  /** Routes for discovery, run history (`/history/v1.0/...`), log files and MLflow (`/mlflow/v1.0/...`). */
  handle: RouteHandler;
  stop(): Promise<void>;
}

/** What the runtime needs to know about the emulator it runs in. */
export interface RuntimeContext {
  store: ResourceStore;
  storage: StorageRuntime;
  /** https://127.0.0.1:PORT — the one origin that serves ARM, Entra ID, history, logs and MLflow. */
  origin: string;
  /** Folder for job snapshots, outputs and logs; removed on stop. */
  workDir: string;
  /** Items per page of run-history queries; a getter because the ARM page size changes at run time. */
  pageSize: () => number;
  /** The certificate the emulator serves, which job processes are told to trust (MLflow's own variable). */
  caCertPath?: string;
}

/** Fault kinds the admin endpoint accepts (POST /_emulator/faults). */
export interface FaultRule {
  /** Regular expression tested against the request path (without query). */
  pathPattern: string;
  method?: string;
  kind: 'status' | 'reset' | 'latency' | 'truncate';
  /** For kind "status": 429, 500, 503... */
  status?: number;
  /** For 429/503: value of the Retry-After header, in seconds. */
  retryAfterSeconds?: number;
  /** For kind "status": the error body's code and message, as the service would word them (e.g. a quota error). */
  code?: string;
  message?: string;
  /** For kind "latency": delay before the normal response. */
  latencyMs?: number;
  /** How many matching requests are affected; omitted means every one until cleared. */
  count?: number;
}

/** Contents of .emulator/connection.json, read by tests, benchmarks and the demo launcher. */
export interface EmulatorConnection {
  armEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionIds: string[];
  caCertPath: string;
  blobEndpoint: string;
  /** A principal that can sign in but has no role on any subscription (403 tests). */
  restrictedClientId: string;
  restrictedClientSecret: string;
}

export interface EmulatorOptions {
  seed: 'demo' | 'scale' | 'empty';
  /** 0 or omitted: any free port. */
  port?: number;
  /** Items per page of every ARM list; ARM's usual page size when omitted. */
  pageSize?: number;
  /** Folder for connection.json, the certificate and job work files; `.emulator` at the repo root by default. */
  stateDir?: string;
}

/** What `startEmulator(options)` in test/emulator/index.ts resolves to. */
export interface RunningEmulator {
  connection: EmulatorConnection;
  /** https://127.0.0.1:PORT */
  origin: string;
  faults: { add(rule: FaultRule): void; clear(): void };
  stop(): Promise<void>;
}
