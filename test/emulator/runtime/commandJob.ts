/**
 * Runs a Command job locally: downloads its code snapshot and inputs from Azurite, runs the
 * command with `bash -c`, streams output to user_logs/std_log.txt and uploads outputs.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  type WriteStream,
} from 'node:fs';
import path from 'node:path';
import { assetReferenceToId, workspaceId, type WorkspaceRef } from './armIds';
import { parseBlobAddress } from './blobAddress';
import { containerClientFor, downloadPrefix, uploadFolder } from './blobTransfer';
import { datastoreUri, resolveDataUri } from './dataLocations';
import {
  asRecord,
  asString,
  ExecutionControl,
  setJobStatus,
  updateJobProperties,
  type ExecutorEnv,
  type TerminalStatus,
} from './jobState';
import { DEFAULT_DATASTORE_NAME } from './storage';

export const STD_LOG_NAME = 'user_logs/std_log.txt';

/** Where a job's files live under the runtime work folder. */
export function runFolder(workDir: string, jobId: string, runId: string): string {
  const suffix = createHash('sha256').update(jobId.toLowerCase()).digest('hex').slice(0, 8);
  return path.join(workDir, 'runs', `${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${suffix}`);
}

/** Mlflow tracking URI of a workspace on the emulator's origin. */
export function mlflowTrackingUri(origin: string, ws: WorkspaceRef): string {
  return `${origin}/mlflow/v1.0${workspaceId(ws)}`;
}

/** Executes the Command job `jobId` to a terminal status. Never throws: failures become status Failed. */
export async function executeCommandJob(
  env: ExecutorEnv,
  jobId: string,
  control: ExecutionControl,
): Promise<TerminalStatus> {
  const record = env.records.ensure(jobId);
  const folder = runFolder(env.ctx.workDir, jobId, record.runId);
  const logPath = path.join(folder, ...STD_LOG_NAME.split('/'));
  mkdirSync(path.dirname(logPath), { recursive: true });
  appendFileSync(logPath, '');
  record.logFiles.set(STD_LOG_NAME, logPath);

  setJobStatus(env, jobId, 'Queued');
  let outputs: Map<string, string>;
  let command: string;
  let environment: NodeJS.ProcessEnv;
  const snapshot = path.join(folder, 'snapshot');
  try {
    const job = env.ctx.store.get(jobId);
    if (!job) throw new Error(`Job ${jobId} no longer exists.`);
    await downloadCode(env, record.workspace, asString(job.properties.codeId), snapshot);
    const inputs = await resolveInputs(
      env,
      record.workspace,
      asRecord(job.properties.inputs),
      path.join(folder, 'inputs'),
    );
    outputs = prepareOutputs(asRecord(job.properties.outputs), path.join(folder, 'outputs'));
    command = substitutePlaceholders(asString(job.properties.command) ?? '', inputs, outputs);
    environment = jobEnvironment(env, record.workspace, record.runId, job.properties, inputs, outputs);
  } catch (error) {
    return finishFailed(env, jobId, logPath, 'UserError', `Job preparation failed: ${messageOf(error)}`);
  }
  if (control.cancelRequested) return finishCanceled(env, jobId);

  setJobStatus(env, jobId, 'Running');
  const exitCode = await runProcess(command, snapshot, environment, logPath, control);
  if (control.cancelRequested) return finishCanceled(env, jobId);
  if (exitCode !== 0) {
    return finishFailed(env, jobId, undefined, 'UserError', executionFailedMessage(command, exitCode, logPath), {
      componentName: USER_PROCESS_COMPONENT,
    });
  }

  setJobStatus(env, jobId, 'Finalizing');
  try {
    await uploadOutputs(env, jobId, record.workspace, record.runId, outputs);
  } catch (error) {
    return finishFailed(env, jobId, logPath, 'SystemError', `Uploading outputs failed: ${messageOf(error)}`);
  }
  setJobStatus(env, jobId, 'Completed');
  return 'Completed';
}

/** Run history's component for failures of the job's own process. */
const USER_PROCESS_COMPONENT = 'CommonRuntime';
/** How much of the log's end the error of a failed process quotes. */
const ERROR_LOG_TAIL_LINES = 10;
const ERROR_LOG_TAIL_CHARS = 2000;

/**
 * Azure's error for a process that exits non-zero: the program, its exit code, where the log is, and the
 * log's last lines (usually the traceback), so the error alone says what went wrong.
 */
export function executionFailedMessage(command: string, exitCode: number, logPath: string): string {
  const summary =
    `Execution failed. User process '${userProgramOf(command)}' exited with status code ${exitCode}. ` +
    `Please check log file '${STD_LOG_NAME}' for error details.`;
  const tail = logTail(logPath);
  return tail === '' ? summary : `${summary} Error: ${tail}`;
}

/** The program a simple command runs (`python` for `python train.py ...`); `bash` for anything more. */
function userProgramOf(command: string): string {
  const simple = /^\s*([A-Za-z0-9_./-]+)(?:\s[^;&|\n]*)?$/.exec(command);
  return simple ? path.posix.basename(simple[1]) : 'bash';
}

function logTail(logPath: string): string {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return '';
  }
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const tail = lines.slice(-ERROR_LOG_TAIL_LINES).join('\n');
  return tail.length > ERROR_LOG_TAIL_CHARS ? tail.slice(-ERROR_LOG_TAIL_CHARS) : tail;
}

function finishFailed(
  env: ExecutorEnv,
  jobId: string,
  logPath: string | undefined,
  code: string,
  message: string,
  details: { componentName?: string } = {},
): TerminalStatus {
  if (logPath) appendFileSync(logPath, `${message}\n`);
  env.records.ensure(jobId).error = { code, message, ...details, time: new Date().toISOString() };
  setJobStatus(env, jobId, 'Failed');
  return 'Failed';
}

function finishCanceled(env: ExecutorEnv, jobId: string): TerminalStatus {
  setJobStatus(env, jobId, 'Canceled');
  return 'Canceled';
}

async function downloadCode(
  env: ExecutorEnv,
  ws: WorkspaceRef,
  codeId: string | undefined,
  snapshot: string,
): Promise<void> {
  mkdirSync(snapshot, { recursive: true });
  if (!codeId) return;
  const ref = assetReferenceToId(codeId, ws, 'codes');
  const codeVersion = ref?.id ? env.ctx.store.get(ref.id) : undefined;
  if (!codeVersion) throw new Error(`Code version '${codeId}' was not found.`);
  const codeUri = asString(codeVersion.properties.codeUri);
  const location = codeUri ? parseBlobAddress(codeUri) : undefined;
  if (!location) throw new Error(`Code version '${codeId}' has no blob codeUri.`);
  const container = containerClientFor(location.containerUrl, env.ctx.storage);
  const files = await downloadPrefix(container, location.blobPath, snapshot);
  if (files.length === 0) throw new Error(`No files found at codeUri ${codeUri}.`);
}

/** Input name → what `${{inputs.name}}` becomes: a local path for data inputs, the value for literals. */
async function resolveInputs(
  env: ExecutorEnv,
  ws: WorkspaceRef,
  inputs: Record<string, unknown>,
  inputsDir: string,
): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  for (const [name, raw] of Object.entries(inputs)) {
    const input = asRecord(raw);
    const type = asString(input.jobInputType) ?? 'literal';
    if (type === 'literal') {
      resolved.set(name, String(input.value ?? ''));
      continue;
    }
    const uri = asString(input.uri);
    if (!uri) throw new Error(`Input '${name}' has no uri.`);
    const location = resolveDataUri(env.ctx.store, ws, uri);
    const container = containerClientFor(location.containerUrl, env.ctx.storage);
    const target = path.join(inputsDir, name);
    const files = await downloadPrefix(container, location.blobPath, target);
    if (files.length === 0) throw new Error(`Input '${name}': nothing found at ${uri}.`);
    resolved.set(name, type === 'uri_file' && files.length === 1 ? files[0] : target);
  }
  return resolved;
}

function prepareOutputs(outputs: Record<string, unknown>, outputsDir: string): Map<string, string> {
  const prepared = new Map<string, string>();
  for (const name of Object.keys(outputs)) {
    const folder = path.join(outputsDir, name);
    mkdirSync(folder, { recursive: true });
    prepared.set(name, folder);
  }
  return prepared;
}

const PLACEHOLDER = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

export function substitutePlaceholders(
  command: string,
  inputs: Map<string, string>,
  outputs: Map<string, string>,
): string {
  return command.replace(PLACEHOLDER, (_match, kind: string, name: string) => {
    const value = (kind === 'inputs' ? inputs : outputs).get(name);
    if (value === undefined) throw new Error(`The command refers to ${kind}.${name}, which the job does not define.`);
    return value;
  });
}

/**
 * Azure ML images answer `python`; Debian has only `python3` unless python-is-python3 is installed. A
 * folder in front of PATH with a `python` link to the machine's python3 makes job commands run as written.
 */
function withPythonCommand(workDir: string, searchPath: string): string {
  const folders = searchPath.split(path.delimiter).filter(Boolean);
  const has = (name: string) => folders.find((folder) => existsSync(path.join(folder, name)));
  if (has('python')) return searchPath;
  const python3 = has('python3');
  if (!python3) return searchPath;
  const shims = path.join(workDir, 'bin');
  const link = path.join(shims, 'python');
  mkdirSync(shims, { recursive: true });
  try {
    symlinkSync(path.join(python3, 'python3'), link);
  } catch (error) {
    // Another job made it first.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return [shims, ...folders].join(path.delimiter);
}

function jobEnvironment(
  env: ExecutorEnv,
  ws: WorkspaceRef,
  runId: string,
  properties: Record<string, unknown>,
  inputs: Map<string, string>,
  outputs: Map<string, string>,
): NodeJS.ProcessEnv {
  const token = randomBytes(24).toString('hex');
  const experimentName = asString(properties.experimentName) ?? 'Default';
  const vars: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: withPythonCommand(env.ctx.workDir, process.env.PATH ?? ''),
    PYTHONUNBUFFERED: '1',
    MLFLOW_TRACKING_URI: mlflowTrackingUri(env.ctx.origin, ws),
    MLFLOW_RUN_ID: runId,
    MLFLOW_EXPERIMENT_NAME: experimentName,
    // MLflow clients send this as "Authorization: Bearer"; run-history routes only require presence.
    MLFLOW_TRACKING_TOKEN: token,
    AZUREML_RUN_TOKEN: token,
    AZUREML_RUN_ID: runId,
    AZUREML_ARM_SUBSCRIPTION: ws.subscriptionId,
    AZUREML_ARM_RESOURCEGROUP: ws.resourceGroup,
    AZUREML_ARM_WORKSPACE_NAME: ws.workspaceName,
    AZUREML_ARM_PROJECT_NAME: experimentName,
  };
  // The emulator's origin uses a self-signed certificate: MLflow clients are pointed at it through MLflow's own
  // variable (the emulator's certificate, else the file NODE_EXTRA_CA_CERTS names), or skip verification.
  if (env.ctx.origin.startsWith('https:')) {
    const caFile = env.ctx.caCertPath ?? process.env.NODE_EXTRA_CA_CERTS;
    if (caFile) vars.MLFLOW_TRACKING_SERVER_CERT_PATH = caFile;
    else vars.MLFLOW_TRACKING_INSECURE_TLS = 'true';
  }
  for (const [name, value] of inputs) vars[`AZURE_ML_INPUT_${name}`] = value;
  for (const [name, value] of outputs) vars[`AZURE_ML_OUTPUT_${name}`] = value;
  for (const [name, value] of Object.entries(asRecord(properties.environmentVariables))) {
    if (typeof value === 'string') vars[name] = value;
  }
  return vars;
}

/** Runs `bash -c command` in its own process group, appending stdout+stderr to the log. Resolves with the exit code. */
function runProcess(
  command: string,
  cwd: string,
  environment: NodeJS.ProcessEnv,
  logPath: string,
  control: ExecutionControl,
): Promise<number> {
  return new Promise((resolve) => {
    const log: WriteStream = createWriteStream(logPath, { flags: 'a' });
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: environment,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    control.process = child;
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    const finish = (code: number): void => {
      control.process = undefined;
      log.end(() => resolve(code));
    };
    child.once('error', (error) => {
      log.write(`Failed to start the process: ${error.message}\n`);
      finish(127);
    });
    child.once('close', (code, signal) => finish(code ?? (signal ? 128 + signalNumber(signal) : 1)));
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 1;
}

async function uploadOutputs(
  env: ExecutorEnv,
  jobId: string,
  ws: WorkspaceRef,
  runId: string,
  outputs: Map<string, string>,
): Promise<void> {
  if (outputs.size === 0) return;
  const job = env.ctx.store.get(jobId);
  const declared = asRecord(job?.properties.outputs);
  const updatedOutputs: Record<string, unknown> = { ...declared };
  for (const [name, folder] of outputs) {
    const output = asRecord(declared[name]);
    // Azure's default output location: the default datastore under azureml/{job}/{output}/.
    const uri = asString(output.uri) ?? datastoreUri(DEFAULT_DATASTORE_NAME, `azureml/${runId}/${name}/`);
    const location = resolveDataUri(env.ctx.store, ws, uri);
    const container = containerClientFor(location.containerUrl, env.ctx.storage);
    await uploadFolder(container, folder, location.blobPath);
    updatedOutputs[name] = { ...output, uri };
  }
  updateJobProperties(env.ctx.store, jobId, { outputs: updatedOutputs });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
