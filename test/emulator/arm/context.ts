/** Everything ARM handlers share, and the per-request view they receive. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobRuntime, StorageRuntime } from '../contracts';
import type { Directory, Principal } from '../principals';
import type { SeedSubscription } from '../seeds/types';
import type { MemoryResourceStore } from '../store';
import type { TokenIssuer } from '../tokens';

export interface ArmContext {
  store: MemoryResourceStore;
  subscriptions: SeedSubscription[];
  directory: Directory;
  issuer: TokenIssuer;
  origin: string;
  pageSize: number;
  jobRuntime: JobRuntime;
  storage: StorageRuntime;
  cancelOperations: Map<string, CancelOperation>;
}

export interface CancelOperation {
  jobId: string;
  state: 'running' | 'succeeded' | 'failed';
  error?: string;
}

export interface ArmRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
  method: string;
  principal: Principal;
}
