/**
 * A job's outputs and logs, downloaded to a local folder.
 *
 * Where an output's files are follows azure-ai-ml (`az ml job download`):
 * - Azure records a location on the job (`properties.outputs.{name}.uri`), an `azureml://` URI.
 * - An output with no recorded location was written, when the job had no say in it, to the workspace's
 *   default datastore under `azureml/{job}/{output}/` or, for older jobs, `dataset/{job}/{output}/`: the
 *   client looks at both, in that order.
 * - The job's own artifacts (what it wrote to `./outputs` and `./logs`) are the output `default`, at
 *   `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.{job}`; a job that records none has
 *   them there all the same.
 *
 * Storage is reached by the datastore's address and its own secret (account key or SAS from
 * listSecrets), else the user's token. Every file is written under the target folder: a blob whose name
 * would land anywhere else refuses the download before anything is written.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { AzureMlArm } from '../azure/armClient';
import { isActiveStatus } from '../azure/jobStatus';
import type { RunInfo } from '../azure/runHistory';
import type { DatastoreInfo } from '../azure/resources';
import type { WorkspaceRef } from '../azure/resourceIds';
import { CancelledError, fieldsOf, isCancellation, isNetworkFailure, ServiceError } from '../errors/kinds';
import { RETRY_OPTIONS } from '../http/httpClient';
import type { JsonObject } from '../http/json';
import { loadStorageBlob } from '../lazy/load';
import { DEFAULT_CONCURRENCY, type BlobCredential, type TransferProgress } from './blobTransfer';
import { blobContainerUrl } from './upload';

/** The output Azure lists for a job's own artifacts (`./outputs`, `./logs`). */
export const DEFAULT_ARTIFACTS_OUTPUT = 'default';
/** The datastore that holds every job's own artifacts. */
export const ARTIFACT_STORE_DATASTORE = 'workspaceartifactstore';
/** The datastore azure-ai-ml falls back to when the workspace names no default. */
const FALLBACK_DEFAULT_DATASTORE = 'workspaceblobstore';

/** What the output download needs of the ARM client. */
export type DownloadArm = Pick<
  AzureMlArm,
  'getJob' | 'getDatastore' | 'listDatastores' | 'listDatastoreSecrets' | 'tokenCredential'
>;

/** What the log download needs of the ARM client. */
export type LogDownloadArm = Pick<AzureMlArm, 'runHistory' | 'readLogRange'>;

/** How an output's location was found. */
export type OutputLocationSource =
  /** Azure records it on the job. */
  | 'recorded'
  /** Not recorded; files were found where Azure writes outputs that have no location of their own. */
  | 'defaultPath'
  /** Not recorded; the job's artifacts are always in the artifact store under `ExperimentRun/dcid.{job}`. */
  | 'artifactStore'
  /** Not recorded and no files found where Azure would have written them. */
  | 'unknown';

export interface JobOutputInfo {
  name: string;
  /** `uri_folder`, `uri_file`, `mlflow_model`, `custom_model`, `mltable`, `triton_model`. */
  jobOutputType?: string;
  /** `ReadWriteMount`, `Upload`, `Direct`. */
  mode?: string;
  /** The location exactly as the job records it; undefined when it records none. */
  recordedUri?: string;
  /** Where the files are: the recorded URI or the one found; undefined when unknown. */
  uri?: string;
  source: OutputLocationSource;
  /** True for `default`, the job's own artifacts (not an output the job declared). */
  isDefaultArtifacts: boolean;
}

export interface JobOutputs {
  jobName: string;
  /** The job's status when its outputs were listed. */
  status: string;
  /** Declared outputs in the job's order, then `default` (the job's artifacts). */
  outputs: JobOutputInfo[];
}

export interface DownloadOptions {
  /** Files in flight at once. */
  concurrency?: number;
  /** Called as bytes arrive and after each file. */
  onProgress?: (progress: TransferProgress) => void;
  abortSignal?: AbortSignal;
  /**
   * Where requests for a datastore's container go when not to its own address (a proxy, a local
   * storage emulator).
   */
  reachContainerAt?: (containerUrl: string) => string;
}

export interface DownloadOutputsOptions extends DownloadOptions {
  /** Only these outputs (`default` for the job's artifacts); every output with a known location when omitted. */
  outputs?: string[];
}

export interface DownloadedFile {
  /** The output, or the pipeline step (empty for the job itself) for a log. */
  group: string;
  /** Path under the output's (or step's) folder, with `/` separators. */
  relativePath: string;
  localPath: string;
  bytes: number;
}

export interface DownloadedOutput {
  name: string;
  uri: string;
  /** `targetFolder/{name}`. */
  folder: string;
  files: DownloadedFile[];
  bytes: number;
}

export interface OutputsDownloadResult {
  outputs: DownloadedOutput[];
  /** Outputs left out because no location is known for them (only when none were asked for by name). */
  skipped: Array<{ name: string; reason: string }>;
  files: number;
  bytes: number;
}

export interface DownloadedLog extends DownloadedFile {
  runId: string;
  /** `user_logs/std_log.txt`. */
  logName: string;
}

export interface LogsDownloadResult {
  logs: DownloadedLog[];
  /** Runs looked at: the job, then its steps (and theirs). */
  runs: Array<{ runId: string; step?: string; status: string; logCount: number }>;
  bytes: number;
}

/** A failed download: names the files (or the output) and why. */
export class DownloadError extends ServiceError {
  /** Every file that failed, with the reason; empty when the failure was not about one file. */
  readonly failures: Array<{ file: string; message: string }>;

  constructor(options: {
    message: string;
    statusCode?: number;
    code?: string;
    cause?: unknown;
    failures?: Array<{ file: string; message: string }>;
  }) {
    super({ source: 'azure', ...options });
    this.name = 'DownloadError';
    this.failures = options.failures ?? [];
  }
}

/** The job's outputs and where their files are, found the way azure-ai-ml finds them. */
export async function listJobOutputs(
  arm: DownloadArm,
  ws: WorkspaceRef,
  jobName: string,
  options: Pick<DownloadOptions, 'abortSignal' | 'reachContainerAt'> = {},
): Promise<JobOutputs> {
  return listWith(new StorageAccess(arm, ws, options.reachContainerAt), jobName, options.abortSignal);
}

/**
 * Downloads the job's outputs into `targetFolder/{output}/…`, a few files at a time. The job must have
 * finished. Every file name is checked before anything is written; each file is written under a
 * temporary name and renamed when whole, so an interrupted download leaves no half file behind.
 */
export async function downloadJobOutputs(
  arm: DownloadArm,
  ws: WorkspaceRef,
  jobName: string,
  targetFolder: string,
  options: DownloadOutputsOptions = {},
): Promise<OutputsDownloadResult> {
  const storage = new StorageAccess(arm, ws, options.reachContainerAt);
  const listed = await listWith(storage, jobName, options.abortSignal);
  if (isActiveStatus(listed.status)) {
    throw new DownloadError({
      message: `Job ${jobName} is ${listed.status}; its outputs can be downloaded once it has finished (Completed, Failed or Canceled).`,
    });
  }
  const { chosen, skipped } = chooseOutputs(listed, options.outputs);
  const root = path.resolve(targetFolder);

  // Plan every file first: a name that would escape the target folder stops the download before any write.
  const planned: Array<{ output: DownloadedOutput; file: PlannedBlob }> = [];
  const downloaded: DownloadedOutput[] = [];
  for (const output of chosen) {
    throwIfAborted(options.abortSignal);
    let location: DatastoreLocation;
    try {
      location = parseDatastoreUri(output.uri, ws);
    } catch (error) {
      if (options.outputs || !(error instanceof DownloadError)) throw error;
      skipped.push({ name: output.name, reason: error.message });
      continue;
    }
    const container = await storage.container(location.datastore, options.abortSignal);
    const blobs = await listBlobsAt(container, location.path, output.name, options.abortSignal);
    const folder = safeLocalPath(root, [output.name], output.name);
    const entry: DownloadedOutput = { name: output.name, uri: output.uri, folder, files: [], bytes: 0 };
    downloaded.push(entry);
    for (const blob of blobs) {
      planned.push({
        output: entry,
        file: {
          container,
          blobName: blob.name,
          size: blob.size,
          group: output.name,
          relativePath: blob.relativePath,
          localPath: safeLocalPath(root, [output.name, ...blob.relativePath.split('/')], blob.name),
        },
      });
    }
  }
  refuseCollisions(planned.map((item) => item.file));

  const written = await transferAll(
    root,
    planned.map((item) => item.file),
    options,
    async (file, onBytes, signal) => {
      await file.container.getBlobClient(file.blobName).downloadToFile(file.localPath, 0, undefined, {
        abortSignal: signal,
        maxRetryRequests: RETRY_OPTIONS.maxRetries,
        onProgress: ({ loadedBytes }) => onBytes(loadedBytes),
      });
      return file.size;
    },
  );
  planned.forEach(({ output, file }, index) => {
    const bytes = written[index];
    output.files.push({ group: file.group, relativePath: file.relativePath, localPath: file.localPath, bytes });
    output.bytes += bytes;
  });
  return {
    outputs: downloaded,
    skipped,
    files: planned.length,
    bytes: downloaded.reduce((sum, output) => sum + output.bytes, 0),
  };
}

/**
 * Downloads what a datastore location holds (a folder's files, or the one file of that name) into
 * `targetFolder`, with the same safety as outputs: names checked first, whole files renamed into place.
 * Resolves with the local path of the location: the file itself for a file, else `targetFolder`.
 */
export async function downloadDataLocation(
  arm: DownloadArm,
  ws: WorkspaceRef,
  uri: string,
  targetFolder: string,
  options: DownloadOptions = {},
): Promise<{ localPath: string; files: number; bytes: number }> {
  const storage = new StorageAccess(arm, ws, options.reachContainerAt);
  const location = parseDatastoreUri(uri, ws);
  const container = await storage.container(location.datastore, options.abortSignal);
  const label = uri;
  const blobs = await listBlobsAt(container, location.path, label, options.abortSignal);
  if (blobs.length === 0) throw new DownloadError({ message: `Nothing is stored at ${uri}.` });
  const root = path.resolve(targetFolder);
  const planned: PlannedBlob[] = blobs.map((blob) => ({
    container,
    blobName: blob.name,
    size: blob.size,
    group: '',
    relativePath: blob.relativePath,
    localPath: safeLocalPath(root, blob.relativePath.split('/'), blob.name),
  }));
  refuseCollisions(planned);
  const written = await transferAll(root, planned, options, async (file, onBytes, signal) => {
    await file.container.getBlobClient(file.blobName).downloadToFile(file.localPath, 0, undefined, {
      abortSignal: signal,
      maxRetryRequests: RETRY_OPTIONS.maxRetries,
      onProgress: ({ loadedBytes }) => onBytes(loadedBytes),
    });
    return file.size;
  });
  // A single blob named by the location itself is a file input; anything else is a folder.
  const isFile = blobs.length === 1 && blobs[0].name === location.path;
  return {
    localPath: isFile ? planned[0].localPath : root,
    files: planned.length,
    bytes: written.reduce((sum, bytes) => sum + bytes, 0),
  };
}

/**
 * Downloads every log of the job and of its pipeline steps (and their steps) into
 * `targetFolder/{step…}/{logName}`: the job's own logs at the top, each step's under its name. Logs of
 * a running job are downloaded as they are now. Log sizes are learnt as they are read, so `bytesTotal`
 * grows with `bytesDone`; `filesTotal` is known from the start.
 */
export async function downloadJobLogs(
  arm: LogDownloadArm,
  ws: WorkspaceRef,
  jobName: string,
  targetFolder: string,
  options: Omit<DownloadOptions, 'reachContainerAt'> = {},
): Promise<LogsDownloadResult> {
  const history = arm.runHistory(ws);
  const root = path.resolve(targetFolder);
  const runs: LogsDownloadResult['runs'] = [];
  const planned: PlannedLog[] = [];

  const visit = async (runId: string, folders: string[], step?: string): Promise<void> => {
    throwIfAborted(options.abortSignal);
    const details = await history.getRunDetails(runId, options.abortSignal);
    const logNames = Object.keys(details.logFiles).sort();
    runs.push({ runId, step, status: details.status, logCount: logNames.length });
    for (const logName of logNames) {
      const group = folders.join('/');
      planned.push({
        runId,
        logName,
        url: details.logFiles[logName],
        size: 0,
        group,
        relativePath: logName,
        localPath: safeLocalPath(root, [...folders, ...logName.split('/')], group ? `${group}/${logName}` : logName),
      });
    }
    const children = await allChildRuns(history, runId, options.abortSignal);
    const taken = new Set<string>();
    for (const child of children) {
      let folder = stepFolderName(child);
      // Two steps of one name (a step run again) keep apart by their run ids.
      if (taken.has(folder.toLowerCase())) folder = `${folder}-${child.runId}`;
      taken.add(folder.toLowerCase());
      await visit(child.runId, [...folders, folder], [...folders, folder].join('/'));
    }
  };
  await visit(jobName, []);
  refuseCollisions(planned);

  const written = await transferAll(root, planned, options, async (file, _onBytes, signal) => {
    const { status, body } = await arm.readLogRange(file.url, 0, signal);
    const content = status === 416 ? Buffer.alloc(0) : body;
    await writeFile(file.localPath, content, { signal });
    return content.length;
  });
  const logs = planned.map((file, index) => ({
    runId: file.runId,
    logName: file.logName,
    group: file.group,
    relativePath: file.relativePath,
    localPath: file.localPath,
    bytes: written[index],
  }));
  return { logs, runs, bytes: written.reduce((sum, bytes) => sum + bytes, 0) };
}

/**
 * `root/{parts…}`, or a DownloadError naming `label` when a part is absolute, empty, `.` or `..`, holds
 * a backslash or a drive letter, or the result is not inside `root`.
 */
export function safeLocalPath(root: string, parts: string[], label: string): string {
  const bad = parts.find(
    (part) =>
      part === '' ||
      part === '.' ||
      part === '..' ||
      part.includes('\\') ||
      part.includes('\0') ||
      /^[A-Za-z]:/.test(part) ||
      path.isAbsolute(part),
  );
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...parts);
  if (bad !== undefined || !target.startsWith(resolvedRoot + path.sep)) {
    throw new DownloadError({
      message: `Refusing to download ${label}: its name would write outside the target folder ${resolvedRoot} (absolute paths, '..', '.', empty segments and backslashes are not allowed).`,
      failures: [{ file: label, message: 'name escapes the target folder' }],
    });
  }
  return target;
}

interface PlannedFile {
  group: string;
  relativePath: string;
  localPath: string;
  /** Bytes expected; 0 when unknown until read. */
  size: number;
}

interface PlannedBlob extends PlannedFile {
  container: ContainerClient;
  blobName: string;
}

interface PlannedLog extends PlannedFile {
  runId: string;
  logName: string;
  url: string;
}

type FetchOne<T extends PlannedFile> = (
  file: T,
  onBytes: (loadedBytes: number) => void,
  abortSignal: AbortSignal,
) => Promise<number>;

/**
 * Fetches every file, `concurrency` at a time, each to a temporary name beside its target and renamed
 * when whole. A file's failure does not stop the others; all failures are thrown together, each naming
 * its file. Cancellation stops every request at once and removes what was half written.
 */
async function transferAll<T extends PlannedFile>(
  root: string,
  files: T[],
  options: DownloadOptions,
  fetchOne: FetchOne<T>,
): Promise<number[]> {
  throwIfAborted(options.abortSignal);
  await mkdir(root, { recursive: true });
  const realRoot = await realpath(root);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.abortSignal?.addEventListener('abort', onAbort);
  const progress: TransferProgress = {
    bytesDone: 0,
    bytesTotal: files.reduce((sum, file) => sum + file.size, 0),
    filesDone: 0,
    filesTotal: files.length,
  };
  const report = (): void => options.onProgress?.({ ...progress });
  const written: number[] = new Array<number>(files.length).fill(0);
  const failures: Array<{ file: string; message: string; error: unknown }> = [];
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < files.length && !stop.signal.aborted) {
      const index = next++;
      const file = files[index];
      const label = file.group ? `${file.group}/${file.relativePath}` : file.relativePath;
      const temporary = `${file.localPath}.${randomUUID().slice(0, 8)}.part`;
      let counted = 0;
      const onBytes = (loadedBytes: number): void => {
        progress.bytesDone += loadedBytes - counted;
        counted = loadedBytes;
        report();
      };
      try {
        await ensureInside(realRoot, path.dirname(file.localPath), label);
        await mkdir(path.dirname(file.localPath), { recursive: true });
        await ensureInside(realRoot, path.dirname(file.localPath), label);
        const bytes = await fetchOne({ ...file, localPath: temporary }, onBytes, stop.signal);
        await rename(temporary, file.localPath);
        written[index] = bytes;
        if (file.size === 0) progress.bytesTotal += bytes;
        onBytes(bytes);
        progress.filesDone += 1;
        report();
      } catch (error) {
        await rm(temporary, { force: true }).catch(() => undefined);
        progress.bytesDone -= counted;
        if (stop.signal.aborted || isCancellation(error)) continue;
        failures.push({ file: label, message: describeFailure(error, label), error });
      }
    }
  };

  try {
    const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, files.length));
    await Promise.all(Array.from({ length: workers }, () => worker()));
  } finally {
    options.abortSignal?.removeEventListener('abort', onAbort);
  }
  if (options.abortSignal?.aborted) throw new CancelledError('The download was cancelled.');
  if (failures.length > 0) throw failureOf(failures);
  return written;
}

/** A symbolic link inside the target folder must not carry a file outside it; checked on the deepest folder there is. */
async function ensureInside(realRoot: string, folder: string, label: string): Promise<void> {
  let existing = folder;
  let realFolder: string | undefined;
  while (realFolder === undefined) {
    try {
      realFolder = await realpath(existing);
    } catch (error) {
      const parent = path.dirname(existing);
      if (fieldsOf(error).code !== 'ENOENT' || parent === existing) throw error;
      existing = parent;
    }
  }
  if (realFolder !== realRoot && !realFolder.startsWith(realRoot + path.sep)) {
    throw new DownloadError({
      message: `Refusing to download ${label}: its folder leads outside the target folder (through a symbolic link).`,
    });
  }
}

function refuseCollisions(files: PlannedFile[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    const label = file.group ? `${file.group}/${file.relativePath}` : file.relativePath;
    const key = process.platform === 'linux' ? file.localPath : file.localPath.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined) {
      throw new DownloadError({
        message: `${label} and ${other} would both be written to ${file.localPath}; nothing was downloaded.`,
        failures: [{ file: label, message: `same local file as ${other}` }],
      });
    }
    seen.set(key, label);
  }
}

function failureOf(failures: Array<{ file: string; message: string; error: unknown }>): DownloadError {
  const shown = failures.slice(0, 5).map((failure) => failure.message);
  const more = failures.length > shown.length ? ` And ${failures.length - shown.length} more.` : '';
  const message =
    failures.length === 1
      ? failures[0].message
      : `${failures.length} files could not be downloaded. ${shown.join(' ')}${more}`;
  const first = fieldsOf(failures[0].error);
  return new DownloadError({
    message,
    statusCode: first.statusCode,
    code: first.code,
    cause: failures[0].error,
    failures: failures.map(({ file, message: reason }) => ({ file, message: reason })),
  });
}

/** A storage or log failure as one sentence that names the file, the reason and what to do. */
function describeFailure(error: unknown, label: string): string {
  if (error instanceof DownloadError) return error.message;
  const fields = fieldsOf(error);
  const storageCode = (error as { details?: { errorCode?: string } }).details?.errorCode ?? fields.code;
  const reason = storageCode ?? (fields.statusCode ? `HTTP ${fields.statusCode}` : undefined);
  if (fields.statusCode === 401 || fields.statusCode === 403) {
    return `Downloading ${label} failed: storage refused access (${reason}). Check the datastore's credentials, or ask for the Storage Blob Data Reader role, then try again.`;
  }
  if (fields.statusCode === 404) {
    return `Downloading ${label} failed: it is no longer in storage (${reason}).`;
  }
  if (isNetworkFailure(fields) || (fields.statusCode ?? 0) >= 500) {
    return `Downloading ${label} failed: ${fields.statusCode ? `storage answered HTTP ${fields.statusCode}` : 'the connection to storage failed'} after ${RETRY_OPTIONS.maxRetries} retries. Check the network and try again.`;
  }
  return `Downloading ${label} failed: ${fields.message.split('\n')[0]}`;
}

async function listWith(storage: StorageAccess, jobName: string, abortSignal?: AbortSignal): Promise<JobOutputs> {
  throwIfAborted(abortSignal);
  const job = await storage.arm.getJob(storage.ws, jobName);
  const properties = asObject(job.properties);
  const status = stringOf(properties.status) ?? 'NotStarted';
  const declared = asObject(properties.outputs);
  const outputs: JobOutputInfo[] = [];
  for (const [name, raw] of Object.entries(declared)) {
    const output = asObject(raw);
    const recordedUri = stringOf(output.uri);
    const isDefaultArtifacts = name === DEFAULT_ARTIFACTS_OUTPUT;
    let uri = recordedUri;
    let source: OutputLocationSource = recordedUri ? 'recorded' : 'unknown';
    if (!uri && isDefaultArtifacts) {
      uri = artifactStoreUri(jobName);
      source = 'artifactStore';
    } else if (!uri) {
      uri = await storage.findUnrecordedOutput(jobName, name, abortSignal);
      if (uri) source = 'defaultPath';
    }
    outputs.push({
      name,
      jobOutputType: stringOf(output.jobOutputType),
      mode: stringOf(output.mode),
      recordedUri,
      uri,
      source,
      isDefaultArtifacts,
    });
  }
  if (!(DEFAULT_ARTIFACTS_OUTPUT in declared)) {
    outputs.push({
      name: DEFAULT_ARTIFACTS_OUTPUT,
      jobOutputType: 'uri_folder',
      uri: artifactStoreUri(jobName),
      source: 'artifactStore',
      isDefaultArtifacts: true,
    });
  }
  return { jobName, status, outputs };
}

function artifactStoreUri(jobName: string): string {
  return `azureml://datastores/${ARTIFACT_STORE_DATASTORE}/ExperimentRun/dcid.${jobName}`;
}

function chooseOutputs(
  listed: JobOutputs,
  names: string[] | undefined,
): { chosen: Array<JobOutputInfo & { uri: string }>; skipped: OutputsDownloadResult['skipped'] } {
  const withUri = (output: JobOutputInfo): output is JobOutputInfo & { uri: string } => output.uri !== undefined;
  if (!names) {
    return {
      chosen: listed.outputs.filter(withUri),
      skipped: listed.outputs
        .filter((output) => !withUri(output))
        .map((output) => ({ name: output.name, reason: unknownLocation(listed.jobName, output.name) })),
    };
  }
  const chosen: Array<JobOutputInfo & { uri: string }> = [];
  for (const name of [...new Set(names)]) {
    const output = listed.outputs.find((candidate) => candidate.name === name);
    if (!output) {
      throw new DownloadError({
        message: `Job ${listed.jobName} has no output ${name}. Its outputs: ${listed.outputs.map((o) => o.name).join(', ')}.`,
      });
    }
    if (!withUri(output)) throw new DownloadError({ message: unknownLocation(listed.jobName, name) });
    chosen.push(output);
  }
  return { chosen, skipped: [] };
}

function unknownLocation(jobName: string, output: string): string {
  return `Job ${jobName} records no location for output ${output}, and nothing is under azureml/${jobName}/${output}/ or dataset/${jobName}/${output}/ in the default datastore, where Azure writes outputs that have none.`;
}

/** A datastore and a path inside it, from an output's `azureml://` URI. */
export interface DatastoreLocation {
  datastore: string;
  /** Inside the container, no leading slash; a trailing slash means a folder. */
  path: string;
}

const SHORT_URI = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/i;
const LONG_URI =
  /^azureml:\/\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/(.*)$/i;
/** The job artifact location Azure records, which has no `paths/` segment. */
const ARTIFACT_URI = /^azureml:\/\/datastores\/([^/]+)\/(ExperimentRun\/.+)$/i;

/**
 * Takes apart the URI forms Azure records for outputs: `azureml://datastores/{ds}/paths/{path}`, the
 * same with the workspace in front (which must be `ws`), and `azureml://datastores/{ds}/ExperimentRun/…`.
 */
export function parseDatastoreUri(uri: string, ws: WorkspaceRef): DatastoreLocation {
  const text = uri.trim();
  const short = SHORT_URI.exec(text) ?? ARTIFACT_URI.exec(text);
  if (short) return { datastore: short[1], path: decodePath(short[2], uri) };
  const long = LONG_URI.exec(text);
  if (long) {
    const [, subscription, resourceGroup, workspace, datastore, rest] = long;
    const same =
      subscription.toLowerCase() === ws.subscriptionId.toLowerCase() &&
      resourceGroup.toLowerCase() === ws.resourceGroup.toLowerCase() &&
      workspace.toLowerCase() === ws.name.toLowerCase();
    if (!same) {
      throw new DownloadError({
        message: `${uri} is in workspace ${workspace} (resource group ${resourceGroup}), not in ${ws.name}; open that workspace to download it.`,
      });
    }
    return { datastore, path: decodePath(rest, uri) };
  }
  throw new DownloadError({
    message: `${uri} is not a datastore location (azureml://datastores/{datastore}/paths/{path}); only those can be downloaded.`,
  });
}

function decodePath(raw: string, uri: string): string {
  try {
    return decodeURIComponent(raw).replace(/^\/+/, '');
  } catch {
    throw new DownloadError({ message: `${uri} has a malformed escape (%) in its path.` });
  }
}

/** Blobs at a location: the folder's when it has any, else the one blob of that name. */
async function listBlobsAt(
  container: ContainerClient,
  blobPath: string,
  output: string,
  abortSignal?: AbortSignal,
): Promise<Array<{ name: string; relativePath: string; size: number }>> {
  const folder = blobPath === '' || blobPath.endsWith('/') ? blobPath : `${blobPath}/`;
  const blobs: Array<{ name: string; relativePath: string; size: number }> = [];
  try {
    for await (const blob of container.listBlobsFlat({ prefix: folder, abortSignal })) {
      const relativePath = blob.name.slice(folder.length);
      // Zero-byte markers of folders (hierarchical namespace accounts) are not files.
      if (relativePath === '' || (relativePath.endsWith('/') && (blob.properties.contentLength ?? 0) === 0)) continue;
      blobs.push({ name: blob.name, relativePath, size: blob.properties.contentLength ?? 0 });
    }
    if (blobs.length > 0 || folder === blobPath) return blobs;
    const single = await container
      .getBlobClient(blobPath)
      .getProperties({ abortSignal })
      .catch((error: unknown) => {
        if (fieldsOf(error).statusCode === 404) return undefined;
        throw error;
      });
    if (!single) return [];
    const name = blobPath.split('/').pop() ?? blobPath;
    return [{ name: blobPath, relativePath: name, size: single.contentLength ?? 0 }];
  } catch (error) {
    if (abortSignal?.aborted || isCancellation(error)) throw new CancelledError('The download was cancelled.');
    if (error instanceof DownloadError) throw error;
    const fields = fieldsOf(error);
    throw new DownloadError({
      message: `Listing the files of output ${output} failed: ${describeFailure(error, output).replace(/^Downloading [^:]*: /, '')}`,
      statusCode: fields.statusCode,
      code: fields.code,
      cause: error,
    });
  }
}

/** Container clients of the workspace's datastores, each opened once with the datastore's credential. */
class StorageAccess {
  private readonly containers = new Map<string, Promise<ContainerClient>>();
  private defaultDatastore: Promise<string> | undefined;

  constructor(
    readonly arm: DownloadArm,
    readonly ws: WorkspaceRef,
    private readonly reachContainerAt?: (containerUrl: string) => string,
  ) {}

  container(datastoreName: string, abortSignal?: AbortSignal): Promise<ContainerClient> {
    throwIfAborted(abortSignal);
    const key = datastoreName.toLowerCase();
    let opening = this.containers.get(key);
    if (!opening) {
      opening = this.open(datastoreName);
      this.containers.set(key, opening);
      opening.catch(() => this.containers.delete(key));
    }
    return opening;
  }

  /** Where azure-ai-ml looks for an output that the job records no location for; undefined when empty. */
  async findUnrecordedOutput(jobName: string, output: string, abortSignal?: AbortSignal): Promise<string | undefined> {
    const datastore = await this.defaultDatastoreName();
    const container = await this.container(datastore, abortSignal);
    for (const folder of [`azureml/${jobName}/${output}/`, `dataset/${jobName}/${output}/`]) {
      const found = await listBlobsAt(container, folder, output, abortSignal);
      if (found.length > 0) return `azureml://datastores/${datastore}/paths/${folder}`;
    }
    return undefined;
  }

  private defaultDatastoreName(): Promise<string> {
    this.defaultDatastore ??= (async () => {
      let token: string | undefined;
      do {
        const page = await this.arm.listDatastores(this.ws, token);
        const found = page.items.find((datastore) => datastore.isDefault);
        if (found) return found.name;
        token = page.continuationToken;
      } while (token);
      return FALLBACK_DEFAULT_DATASTORE;
    })();
    return this.defaultDatastore;
  }

  private async open(datastoreName: string): Promise<ContainerClient> {
    const datastore = await this.arm.getDatastore(this.ws, datastoreName);
    if (datastore.datastoreType && !['AzureBlob', 'AzureDataLakeGen2'].includes(datastore.datastoreType)) {
      throw new DownloadError({
        message: `Datastore ${datastore.name} is of type ${datastore.datastoreType}; only blob datastores (AzureBlob, AzureDataLakeGen2) can be downloaded from.`,
      });
    }
    const address = blobContainerUrl(datastore);
    const credential = await this.credentialFor(datastore);
    const { storageBlob } = await loadStorageBlob();
    const pipelineCredential =
      credential.kind === 'accountKey'
        ? new storageBlob.StorageSharedKeyCredential(credential.accountName, credential.accountKey)
        : credential.kind === 'token'
          ? credential.credential
          : new storageBlob.AnonymousCredential();
    const reached = this.reachContainerAt?.(address) ?? address;
    const url = credential.kind === 'sas' ? `${reached}?${credential.sasToken.replace(/^\?/, '')}` : reached;
    const pipeline = storageBlob.newPipeline(pipelineCredential, {
      retryOptions: {
        maxTries: RETRY_OPTIONS.maxRetries + 1,
        retryDelayInMs: RETRY_OPTIONS.retryDelayInMs,
        maxRetryDelayInMs: RETRY_OPTIONS.maxRetryDelayInMs,
      },
    });
    return new storageBlob.ContainerClient(url, pipeline);
  }

  /** The datastore's own secret when it has one, else the user's token, as azure-ai-ml does. */
  private async credentialFor(datastore: DatastoreInfo): Promise<BlobCredential> {
    if (datastore.credentialsType === 'AccountKey' || datastore.credentialsType === 'Sas') {
      try {
        const secrets = await this.arm.listDatastoreSecrets(this.ws, datastore.name);
        if (secrets.secretsType === 'AccountKey' && secrets.key && datastore.accountName) {
          return { kind: 'accountKey', accountName: datastore.accountName, accountKey: secrets.key };
        }
        if (secrets.secretsType === 'Sas' && secrets.sasToken) return { kind: 'sas', sasToken: secrets.sasToken };
      } catch (error) {
        // Not allowed to read the secret: the user's own access to storage may still do.
        if (fieldsOf(error).statusCode === undefined) throw error;
      }
    }
    return { kind: 'token', credential: this.arm.tokenCredential };
  }
}

async function allChildRuns(
  history: ReturnType<LogDownloadArm['runHistory']>,
  runId: string,
  abortSignal?: AbortSignal,
): Promise<RunInfo[]> {
  const children: RunInfo[] = [];
  let token: string | undefined;
  do {
    throwIfAborted(abortSignal);
    const page = await history.listChildRuns(runId, token);
    children.push(...page.items);
    token = page.continuationToken;
  } while (token);
  return children;
}

/** A step's folder: its name in the pipeline, made safe as one path segment. */
function stepFolderName(run: RunInfo): string {
  const name = (run.displayName ?? run.runId).replace(/[\\/:*?"<>|\0]/g, '_').trim();
  return name === '' || name === '.' || name === '..' ? run.runId : name;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError('The download was cancelled.');
}

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
