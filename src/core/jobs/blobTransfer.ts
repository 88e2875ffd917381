/**
 * Files to block blobs, as Azure Storage's REST API documents them: Put Block for each piece, then Put
 * Block List. Block ids are fixed by offset and length, so an attempt after a dropped connection asks
 * Get Block List what the service already holds (staged or committed) and sends only the rest.
 *
 * The transfer uses @azure/storage-blob (loaded on first use) because workspace datastores usually
 * hold an account key, which needs Shared Key signing; SAS tokens and Entra ID tokens go the same way.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import { CancelledError, fieldsOf, isCancellation, isNetworkFailure, ServiceError } from '../errors/kinds';
import { RETRY_OPTIONS } from '../http/httpClient';
import { loadStorageBlob } from '../lazy/load';

/** How requests to the container are authorised. */
export type BlobCredential =
  | { kind: 'accountKey'; accountName: string; accountKey: string }
  | { kind: 'sas'; sasToken: string }
  | { kind: 'token'; credential: TokenCredential };

export interface BlobContainerTarget {
  /** The container's URL, without a query. */
  containerUrl: string;
  credential: BlobCredential;
}

export interface BlobUploadItem {
  localPath: string;
  blobName: string;
  size: number;
  /** How messages name the file (its path relative to the uploaded folder). */
  label: string;
}

export interface TransferProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface TransferOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Bytes per block; larger files get larger blocks so that none needs more than Azure's 50,000. */
  blockSize?: number;
  onProgress?: (progress: TransferProgress) => void;
  abortSignal?: AbortSignal;
}

export interface TransferResult {
  /** Bytes sent in Put Block requests (retries not counted twice). */
  bytesSent: number;
  blocksSent: number;
  /** Files whose blob was already complete, so nothing was sent for them. */
  filesAlreadyThere: number;
}

export const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
export const DEFAULT_CONCURRENCY = 4;
const MAX_BLOCKS_PER_BLOB = 50_000;

/** An upload to storage that failed: names the file, the reason and what to do. */
export class UploadError extends ServiceError {
  constructor(options: { message: string; statusCode?: number; code?: string; cause?: unknown }) {
    super({ source: 'azure', ...options });
    this.name = 'UploadError';
  }
}

/** One blob container, reached with the datastore's credentials. */
export class BlobContainer {
  private constructor(
    private readonly client: ContainerClient,
    readonly containerUrl: string,
  ) {}

  static async open(target: BlobContainerTarget): Promise<BlobContainer> {
    const { storageBlob } = await loadStorageBlob();
    const { credential } = target;
    const pipelineCredential =
      credential.kind === 'accountKey'
        ? new storageBlob.StorageSharedKeyCredential(credential.accountName, credential.accountKey)
        : credential.kind === 'token'
          ? credential.credential
          : new storageBlob.AnonymousCredential();
    const url =
      credential.kind === 'sas'
        ? `${target.containerUrl}?${credential.sasToken.replace(/^\?/, '')}`
        : target.containerUrl;
    const pipeline = storageBlob.newPipeline(pipelineCredential, {
      retryOptions: {
        maxTries: RETRY_OPTIONS.maxRetries + 1,
        retryDelayInMs: RETRY_OPTIONS.retryDelayInMs,
        maxRetryDelayInMs: RETRY_OPTIONS.maxRetryDelayInMs,
      },
    });
    return new BlobContainer(new storageBlob.ContainerClient(url, pipeline), target.containerUrl);
  }

  /** The blob's metadata (Get Blob Properties), or undefined when there is no such blob. */
  async metadata(blobName: string, abortSignal?: AbortSignal): Promise<Record<string, string> | undefined> {
    try {
      const properties = await this.client.getBlobClient(blobName).getProperties({ abortSignal });
      return properties.metadata ?? {};
    } catch (error) {
      if (fieldsOf(error).statusCode === 404) return undefined;
      throw this.failure(error, `Checking ${blobName} in storage`, abortSignal);
    }
  }

  /** Set Blob Metadata: replaces the blob's metadata. */
  async setMetadata(blobName: string, metadata: Record<string, string>, abortSignal?: AbortSignal): Promise<void> {
    try {
      await this.client.getBlobClient(blobName).setMetadata(metadata, { abortSignal });
    } catch (error) {
      throw this.failure(error, `Marking the upload complete on ${blobName}`, abortSignal);
    }
  }

  /**
   * Uploads every item as a block blob, a few requests at a time. The first failure stops the rest
   * and is thrown as an UploadError (or a CancelledError when `abortSignal` fired); blocks staged so
   * far stay in storage for the next attempt.
   */
  async uploadFiles(items: BlobUploadItem[], options: TransferOptions = {}): Promise<TransferResult> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.abortSignal?.addEventListener('abort', onAbort);
    if (options.abortSignal?.aborted) stop.abort();
    const slots = new Slots(options.concurrency ?? DEFAULT_CONCURRENCY);
    const progress: TransferProgress = {
      bytesDone: 0,
      bytesTotal: items.reduce((sum, item) => sum + item.size, 0),
      filesDone: 0,
      filesTotal: items.length,
    };
    const result: TransferResult = { bytesSent: 0, blocksSent: 0, filesAlreadyThere: 0 };
    let firstError: unknown;
    // The first failure stops every other request at once; later ones are its consequences.
    const fail = (error: unknown) => {
      firstError ??= error;
      stop.abort();
    };
    const report = () => options.onProgress?.({ ...progress });

    const uploadOne = async (item: BlobUploadItem): Promise<void> => {
      const blocks = blocksOf(item.size, options.blockSize ?? DEFAULT_BLOCK_SIZE);
      const blob = this.client.getBlockBlobClient(item.blobName);
      const held = await slots.run(stop.signal, () => this.blocksHeld(item, stop.signal));
      const complete =
        held.exists &&
        held.committed.length === blocks.length &&
        blocks.every((block, index) => sameBlock(held.committed[index], block));
      if (complete) {
        result.filesAlreadyThere += 1;
      } else {
        const handle = await open(item.localPath, 'r');
        try {
          // Each failure is caught where it happens (stopping the rest at once), so this waits for every
          // block: the file stays open until no request reads from it.
          const reusable = [...held.staged, ...held.committed];
          await Promise.all(
            blocks
              .map(async (block) => {
                if (reusable.some((candidate) => sameBlock(candidate, block))) {
                  progress.bytesDone += block.length;
                  report();
                  return;
                }
                await slots.run(stop.signal, async () => {
                  const data = Buffer.alloc(block.length);
                  const { bytesRead } = await handle.read(data, 0, block.length, block.offset);
                  if (bytesRead !== block.length) {
                    throw new UploadError({
                      message: `${item.label} changed while it was being uploaded. Submit again.`,
                    });
                  }
                  try {
                    await blob.stageBlock(block.id, data, block.length, {
                      abortSignal: stop.signal,
                      transactionalContentMD5: createHash('md5').update(data).digest(),
                    });
                  } catch (error) {
                    throw this.failure(error, `Uploading ${item.label}`, stop.signal);
                  }
                });
                result.bytesSent += block.length;
                result.blocksSent += 1;
                progress.bytesDone += block.length;
                report();
              })
              .map((sending) => sending.catch(fail)),
          );
        } finally {
          await handle.close();
        }
        if (stop.signal.aborted) return;
        await slots.run(stop.signal, async () => {
          try {
            await blob.commitBlockList(
              blocks.map((block) => block.id),
              { abortSignal: stop.signal },
            );
          } catch (error) {
            throw this.failure(error, `Uploading ${item.label}`, stop.signal);
          }
        });
      }
      if (complete) progress.bytesDone += item.size;
      progress.filesDone += 1;
      report();
    };

    try {
      await Promise.all(items.map((item) => uploadOne(item).catch(fail)));
    } finally {
      options.abortSignal?.removeEventListener('abort', onAbort);
    }
    if (options.abortSignal?.aborted) throw new CancelledError('The upload was cancelled.');
    if (firstError !== undefined) throw firstError;
    return result;
  }

  /** Get Block List: what the service holds for the blob, committed and staged. */
  private async blocksHeld(
    item: BlobUploadItem,
    abortSignal: AbortSignal,
  ): Promise<{ exists: boolean; committed: BlockInfo[]; staged: BlockInfo[] }> {
    try {
      const list = await this.client.getBlockBlobClient(item.blobName).getBlockList('all', { abortSignal });
      const toInfo = (block: { name: string; size: number }) => ({ id: block.name, length: block.size });
      return {
        exists: true,
        committed: (list.committedBlocks ?? []).map(toInfo),
        staged: (list.uncommittedBlocks ?? []).map(toInfo),
      };
    } catch (error) {
      if (fieldsOf(error).statusCode === 404) return { exists: false, committed: [], staged: [] };
      throw this.failure(error, `Uploading ${item.label}`, abortSignal);
    }
  }

  /** A storage failure as an UploadError that says what was being done, why it failed and what to do. */
  private failure(error: unknown, doing: string, abortSignal?: AbortSignal): unknown {
    if (error instanceof UploadError || error instanceof CancelledError) return error;
    if (abortSignal?.aborted || isCancellation(error)) return new CancelledError('The upload was cancelled.');
    const fields = fieldsOf(error);
    const storageCode = (error as { details?: { errorCode?: string } }).details?.errorCode ?? fields.code;
    const where = new URL(this.containerUrl);
    const account = where.hostname.split('.')[0];
    let advice: string;
    if (fields.statusCode === 401 || fields.statusCode === 403) {
      advice = `The storage account refused access (${storageCode ?? `HTTP ${fields.statusCode}`}). Check the datastore's credentials, or ask for the Storage Blob Data Contributor role on storage account ${account}, then submit again.`;
    } else if (fields.statusCode === 404) {
      advice = `The container ${decodeURIComponent(where.pathname.split('/').pop() ?? '')} was not found (${storageCode ?? 'HTTP 404'}). Check the workspace's datastore.`;
    } else if (isNetworkFailure(fields) || (fields.statusCode ?? 0) >= 500) {
      advice = `${fields.statusCode ? `Storage answered HTTP ${fields.statusCode}` : 'The connection to storage failed'} after ${RETRY_OPTIONS.maxRetries} retries. Check the network and submit again: what was sent is kept, and the next attempt sends only the rest.`;
    } else {
      advice = `Storage answered: ${fields.message.split('\n')[0]}. Submit again; if it keeps failing, check the storage account.`;
    }
    return new UploadError({
      message: `${doing} failed. ${advice}`,
      statusCode: fields.statusCode,
      code: storageCode,
      cause: error,
    });
  }
}

interface BlockInfo {
  id: string;
  length: number;
}

interface Block extends BlockInfo {
  offset: number;
}

function sameBlock(held: BlockInfo | undefined, wanted: BlockInfo): boolean {
  return held !== undefined && held.id === wanted.id && held.length === wanted.length;
}

/**
 * The blocks of a file: ids are base64 of the offset and length, the same length for every block as
 * the service requires, and the same on every attempt so that a retry finds what an earlier one staged.
 */
export function blocksOf(size: number, preferredBlockSize: number): Block[] {
  const blockSize = Math.max(preferredBlockSize, Math.ceil(size / MAX_BLOCKS_PER_BLOB));
  const blocks: Block[] = [];
  for (let offset = 0; offset < size; offset += blockSize) {
    const length = Math.min(blockSize, size - offset);
    const id = Buffer.from(`${String(offset).padStart(16, '0')}-${String(length).padStart(12, '0')}`).toString(
      'base64',
    );
    blocks.push({ id, offset, length });
  }
  return blocks;
}

/** A fixed number of slots for requests; waiting callers go in order, and stop waiting once `signal` fires. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    this.free = Math.max(1, count);
  }

  async run<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    if (signal.aborted) throw new CancelledError('The upload was cancelled.');
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      if (signal.aborted) throw new CancelledError('The upload was cancelled.');
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free += 1;
    }
  }
}
