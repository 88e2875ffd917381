/**
 * Runs a planned job on this machine: each step through `/bin/sh -c` in its own process group, one after another
 * in dependency order, with outputs, logs and an MLflow file store under `.azureml/local-runs/<run>/`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, chmod, constants, mkdir, stat, writeFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StringDecoder } from 'node:string_decoder';
import { createMlflowRun, finishMlflowRun } from './mlflowFileStore';
import type { LocalInput, LocalRunPlan, LocalStepPlan } from './plan';
import { localRunsRoot, saveRunRecord } from './runStore';
import { shellQuote, substituteCommand } from './substitute';
import type { LocalRunRecord, LocalStepRecord } from './types';

export interface LocalRunOptions {
  plan: LocalRunPlan;
  /** The folder that holds `.azureml`; the record's yamlPath is relative to it. */
  projectRoot: string;
  yamlFile: string;
  /** The Python executable that `python` and `python3` in commands run. */
  interpreter: string;
  /** Where an `azureml:` (or other remote) input is on this machine; the caller caches. */
  resolveAsset: (reference: string, type: string, signal: AbortSignal) => Promise<string>;
  /** Terminal text: `\n` line ends, ANSI colour for the runner's own lines, the steps' output as it comes. */
  write: (text: string) => void;
  /** Aborting cancels the whole run. */
  signal: AbortSignal;
  /** Base environment of the steps; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Called after every save of the record. */
  onRecord?: (record: LocalRunRecord) => void;
  now?: () => Date;
}

export interface StartedLocalRun {
  runName: string;
  runDir: string;
  /** The final record; never rejects (a failure becomes a Failed record with `error`). */
  done: Promise<LocalRunRecord>;
}

const SHELL = '/bin/sh';
const STORE_FOLDER = 'mlruns';
const SHIM_FOLDER = '.bin';
/** Cancelling: SIGINT to the step's process group, then SIGTERM, then SIGKILL, this many ms after the SIGINT. */
export const TERMINATE_AFTER_MS = 3000;
export const KILL_AFTER_MS = 6000;
/** How long output may keep coming after a step's shell exits (a background child holding the pipe). */
const OUTPUT_GRACE_MS = 1000;
/** The shell's exit code for a command it could not find. */
const COMMAND_NOT_FOUND = 127;

const style = {
  header: (text: string) => `\x1b[1;36m${text}\x1b[0m`,
  success: (text: string) => `\x1b[32m${text}\x1b[0m`,
  failure: (text: string) => `\x1b[31m${text}\x1b[0m`,
  canceled: (text: string) => `\x1b[33m${text}\x1b[0m`,
  dim: (text: string) => `\x1b[2m${text}\x1b[0m`,
};

/** Creates the run folder and its record (Running, every step NotStarted), then runs the steps in the background. */
export async function startLocalRun(options: LocalRunOptions): Promise<StartedLocalRun> {
  const now = options.now ?? (() => new Date());
  const runsRoot = localRunsRoot(options.projectRoot);
  await mkdir(runsRoot, { recursive: true });
  const { runName, runDir } = await createRunFolder(runsRoot, now());
  const folders = stepFolders(options.plan.steps);
  const record: LocalRunRecord = {
    version: 1,
    runName,
    yamlPath: relative(options.projectRoot, resolve(options.yamlFile)).split('\\').join('/'),
    jobType: options.plan.jobType,
    displayName: options.plan.displayName,
    experimentName: options.plan.experimentName,
    status: 'Running',
    createdUtc: now().toISOString(),
    steps: options.plan.steps.map((step) => ({
      name: step.name,
      status: 'NotStarted',
      mlflowRunId: randomBytes(16).toString('hex'),
      outputs: Object.fromEntries(
        step.outputs.map((output) => [output, outputPath(folders.get(step.name)!, output, step.outputTypes?.[output])]),
      ),
      logPath: `${folders.get(step.name)!}/user_logs/std_log.txt`,
    })),
    hostPid: process.pid,
  };
  const run = new LocalRun(options, runDir, record, now);
  await run.save();
  return { runName, runDir, done: run.execute() };
}

/** `local-<yyyymmdd>-<hhmmss>-<4 hex>` in UTC, so names sort by start; a taken name gets other hex digits. */
async function createRunFolder(runsRoot: string, start: Date): Promise<{ runName: string; runDir: string }> {
  const two = (value: number) => String(value).padStart(2, '0');
  const date = `${start.getUTCFullYear()}${two(start.getUTCMonth() + 1)}${two(start.getUTCDate())}`;
  const time = `${two(start.getUTCHours())}${two(start.getUTCMinutes())}${two(start.getUTCSeconds())}`;
  for (;;) {
    const runName = `local-${date}-${time}-${randomBytes(2).toString('hex')}`;
    const runDir = join(runsRoot, runName);
    try {
      await mkdir(runDir);
      return { runName, runDir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Each step's folder in the run: its name made safe for a path, and clear of the run's own files. */
function stepFolders(steps: LocalStepPlan[]): Map<string, string> {
  const taken = new Set([STORE_FOLDER, SHIM_FOLDER, 'run.json']);
  const folders = new Map<string, string>();
  for (const step of steps) {
    const base = step.name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_') || 'step';
    let folder = base;
    for (let suffix = 2; taken.has(folder); suffix++) folder = `${base}_${suffix}`;
    taken.add(folder);
    folders.set(step.name, folder);
  }
  return folders;
}

/** An output's path relative to the run folder: its own folder, or a file in it for a uri_file output. */
function outputPath(stepFolder: string, output: string, type: string | undefined): string {
  const folder = `${stepFolder}/outputs/${output}`;
  return type === 'uri_file' ? `${folder}/${output}` : folder;
}

type StepEnd = { status: 'Completed' | 'Failed' | 'Canceled'; exitCode?: number; error?: string };

class LocalRun {
  private readonly storeRoot: string;
  private readonly shimDir: string;
  private interpreterPath: string | undefined;
  private atLineStart = true;

  constructor(
    private readonly options: LocalRunOptions,
    private readonly runDir: string,
    private readonly record: LocalRunRecord,
    private readonly now: () => Date,
  ) {
    this.storeRoot = join(runDir, STORE_FOLDER);
    this.shimDir = join(runDir, SHIM_FOLDER);
  }

  async save(): Promise<void> {
    await saveRunRecord(this.runDir, this.record);
    try {
      this.options.onRecord?.(structuredClone(this.record));
    } catch {
      // The listener's trouble is its own; the run goes on.
    }
  }

  async execute(): Promise<LocalRunRecord> {
    try {
      await this.runSteps();
    } catch (error) {
      this.record.status = 'Failed';
      this.record.error = error instanceof Error ? error.message : String(error);
      for (const step of this.record.steps) {
        if (step.status !== 'Running') continue;
        step.status = 'Failed';
        step.error = this.record.error;
        step.endTimeUtc = this.now().toISOString();
      }
      this.line(style.failure(`✗ The run failed: ${this.record.error}`));
    }
    this.record.endTimeUtc = this.now().toISOString();
    delete this.record.hostPid;
    await this.save().catch((error: unknown) =>
      this.line(
        style.failure(`Could not save the run record: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
    return structuredClone(this.record);
  }

  private async runSteps(): Promise<void> {
    const { plan, signal } = this.options;
    this.interpreterPath = await findExecutable(
      this.options.interpreter,
      this.baseEnv().PATH,
      this.options.projectRoot,
    );
    await this.writeShims();
    this.line(style.header(`Local run ${this.record.runName}`) + style.dim(` (${this.record.yamlPath})`));
    const outputsByStep = new Map<string, Record<string, string>>();
    for (const [index, step] of plan.steps.entries()) {
      const stepRecord = this.record.steps[index];
      if (signal.aborted) break;
      const end = await this.runStep(step, stepRecord, outputsByStep);
      outputsByStep.set(step.name, absoluteOutputs(this.runDir, stepRecord));
      if (end.status !== 'Completed') {
        this.record.status = end.status;
        if (end.status === 'Failed') this.record.error = `Step ${step.name} failed: ${end.error ?? 'no reason given'}`;
        break;
      }
    }
    if (this.record.status === 'Running') this.record.status = signal.aborted ? 'Canceled' : 'Completed';
    const summary = `Run ${this.record.runName} ${this.record.status.toLowerCase()}`;
    if (this.record.status === 'Completed') this.line(style.success(`✓ ${summary}`));
    else if (this.record.status === 'Canceled') this.line(style.canceled(`■ ${summary}`));
    else this.line(style.failure(`✗ ${summary}: ${this.record.error}`));
  }

  private async runStep(
    step: LocalStepPlan,
    record: LocalStepRecord,
    outputsByStep: Map<string, Record<string, string>>,
  ): Promise<StepEnd> {
    const started = this.now();
    record.status = 'Running';
    record.startTimeUtc = started.toISOString();
    await this.save();
    this.line(style.header(`▶ Step ${step.name}`));
    const end = await this.prepareAndRun(step, record, outputsByStep, started).catch((error: unknown): StepEnd => ({
      status: this.options.signal.aborted ? 'Canceled' : 'Failed',
      error: error instanceof Error ? error.message : String(error),
    }));
    const finished = this.now();
    record.status = end.status;
    record.endTimeUtc = finished.toISOString();
    if (end.exitCode !== undefined) record.exitCode = end.exitCode;
    if (end.error && end.status === 'Failed') record.error = end.error;
    const mlflowStatus = end.status === 'Completed' ? 'FINISHED' : end.status === 'Failed' ? 'FAILED' : 'KILLED';
    // A step that failed before its MLflow run existed has none to finish.
    await finishMlflowRun(this.storeRoot, record.mlflowRunId, mlflowStatus, finished.getTime()).catch(() => undefined);
    await this.save();
    const seconds = ((finished.getTime() - started.getTime()) / 1000).toFixed(1);
    if (end.status === 'Completed') this.line(style.success(`✓ Step ${step.name} completed in ${seconds}s`));
    else if (end.status === 'Canceled') this.line(style.canceled(`■ Step ${step.name} canceled after ${seconds}s`));
    else this.line(style.failure(`✗ Step ${step.name} failed after ${seconds}s: ${end.error}`));
    return end;
  }

  private async prepareAndRun(
    step: LocalStepPlan,
    record: LocalStepRecord,
    outputsByStep: Map<string, Record<string, string>>,
    started: Date,
  ): Promise<StepEnd> {
    const { signal } = this.options;
    const outputs = absoluteOutputs(this.runDir, record);
    for (const [name, path] of Object.entries(outputs)) {
      await mkdir(step.outputTypes?.[name] === 'uri_file' ? resolve(path, '..') : path, { recursive: true });
    }
    const logFile = join(this.runDir, record.logPath);
    await mkdir(resolve(logFile, '..'), { recursive: true });
    const { experimentId } = await createMlflowRun(
      this.storeRoot,
      this.record.experimentName,
      record.mlflowRunId,
      step.name,
      started.getTime(),
    );

    const inputs: Record<string, string | undefined> = {};
    for (const [name, input] of Object.entries(step.inputs)) {
      inputs[name] = await this.inputValue(input, outputsByStep);
      if (signal.aborted) return { status: 'Canceled' };
    }
    record.command = substituteCommand(step.command, inputs, outputs);
    record.inputs = Object.fromEntries(
      Object.entries(inputs).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    await this.save();
    this.line(style.dim(`$ ${record.command}`));

    if (!(await isFolder(step.codeDir)))
      return { status: 'Failed', error: `The step's code folder ${step.codeDir} does not exist.` };
    const env: NodeJS.ProcessEnv = {
      ...this.baseEnv(),
      ...step.environmentVariables,
      MLFLOW_TRACKING_URI: pathToFileURL(this.storeRoot).href,
      MLFLOW_RUN_ID: record.mlflowRunId,
      MLFLOW_EXPERIMENT_ID: experimentId,
      MLFLOW_EXPERIMENT_NAME: this.record.experimentName,
      AZUREML_RUN_ID: record.mlflowRunId,
      PYTHONUNBUFFERED: '1',
    };
    env.PATH = [this.shimDir, this.baseEnv().PATH].filter(Boolean).join(delimiter);
    const log = createWriteStream(logFile, { flags: 'a' });
    try {
      const exit = await runInProcessGroup(record.command, step.codeDir, env, signal, (text) => {
        this.passThrough(text);
        log.write(text);
      });
      if (exit.startError) return { status: 'Failed', error: `Could not start ${SHELL}: ${exit.startError}` };
      if (exit.canceled) return { status: 'Canceled', exitCode: exit.code };
      if (exit.code === 0) return { status: 'Completed', exitCode: 0 };
      return { status: 'Failed', exitCode: exit.code, error: this.exitReason(exit) };
    } finally {
      await closeStream(log);
    }
  }

  private exitReason(exit: ProcessExit): string {
    if (exit.code === COMMAND_NOT_FOUND && this.interpreterPath === undefined)
      return interpreterMissing(this.options.interpreter);
    if (exit.code === COMMAND_NOT_FOUND)
      return `Exited with code ${COMMAND_NOT_FOUND}: the shell could not find a command.`;
    if (exit.code !== undefined) return `Exited with code ${exit.code}.`;
    return `Ended by signal ${exit.signal ?? 'unknown'}.`;
  }

  private async inputValue(
    input: LocalInput,
    outputsByStep: Map<string, Record<string, string>>,
  ): Promise<string | undefined> {
    switch (input.kind) {
      case 'literal':
        return input.value;
      case 'path':
        return input.path;
      case 'stepOutput': {
        const path = outputsByStep.get(input.step)?.[input.output];
        if (path === undefined) throw new Error(`Step ${input.step} has not produced output ${input.output}.`);
        return path;
      }
      case 'asset': {
        this.line(style.dim(`Getting ${input.reference}…`));
        return this.options.resolveAsset(input.reference, input.type, this.options.signal);
      }
    }
  }

  /** `python` and `python3` on the steps' PATH run the chosen interpreter (or explain that it is missing). */
  private async writeShims(): Promise<void> {
    await mkdir(this.shimDir, { recursive: true });
    const body = this.interpreterPath
      ? `exec ${shellQuote(this.interpreterPath)} "$@"\n`
      : `echo ${shellQuote(interpreterMissing(this.options.interpreter))} >&2\nexit ${COMMAND_NOT_FOUND}\n`;
    for (const name of ['python', 'python3']) {
      const shim = join(this.shimDir, name);
      await writeFile(shim, `#!${SHELL}\n${body}`);
      await chmod(shim, 0o755);
    }
  }

  private baseEnv(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  private passThrough(text: string): void {
    if (!text) return;
    this.emit(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** One of the runner's own lines, on a line of its own. */
  private line(text: string): void {
    this.emit(`${this.atLineStart ? '' : '\n'}${text}\n`);
    this.atLineStart = true;
  }

  private emit(text: string): void {
    try {
      this.options.write(text);
    } catch {
      // A closed terminal does not stop the run; the logs and the record keep everything.
    }
  }
}

function interpreterMissing(interpreter: string): string {
  return `The Python interpreter ${interpreter} was not found; select an interpreter in the Python extension, or install python3.`;
}

function absoluteOutputs(runDir: string, record: LocalStepRecord): Record<string, string> {
  return Object.fromEntries(Object.entries(record.outputs).map(([name, path]) => [name, join(runDir, path)]));
}

/** An executable by path (relative to `base`) or by name on PATH; undefined when there is none. */
async function findExecutable(command: string, path: string | undefined, base: string): Promise<string | undefined> {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : resolve(base, command)]
    : (path ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    if ((await isExecutableFile(candidate)) && !(await isFolder(candidate))) return candidate;
  }
  return undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((done) => stream.end(() => done()));
}

interface ProcessExit {
  code?: number;
  signal?: string;
  canceled: boolean;
  startError?: string;
}

/**
 * Runs `command` through the shell as the leader of a new process group, passing its output on as it comes.
 * Aborting sends the group SIGINT, then SIGTERM and SIGKILL while any of it remains; the promise settles once
 * the shell has exited and, after a cancel, the group is gone.
 */
function runInProcessGroup(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  output: (text: string) => void,
): Promise<ProcessExit> {
  return new Promise((settle) => {
    const child = spawn(SHELL, ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const timers: NodeJS.Timeout[] = [];
    let canceled = false;
    let canceledAt = 0;
    let settled = false;
    const finish = (exit: Omit<ProcessExit, 'canceled'>) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', cancel);
      for (const timer of timers) clearTimeout(timer);
      settle({ ...exit, canceled });
    };

    const groupAlive = () => child.pid !== undefined && signalGroup(child.pid, 0);
    const cancel = () => {
      if (canceled || child.pid === undefined) return;
      canceled = true;
      canceledAt = Date.now();
      signalGroup(child.pid, 'SIGINT');
      timers.push(setTimeout(() => groupAlive() && signalGroup(child.pid!, 'SIGTERM'), TERMINATE_AFTER_MS));
      timers.push(setTimeout(() => groupAlive() && signalGroup(child.pid!, 'SIGKILL'), KILL_AFTER_MS));
    };

    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => output(decoder.write(chunk)));
      stream.on('end', () => output(decoder.end()));
    }
    child.on('error', (error) => finish({ startError: error.message }));
    child.on('exit', (code, exitSignal) => {
      const exit = { code: code ?? undefined, signal: exitSignal ?? undefined };
      const streamsClosed = new Promise<void>((done) => child.on('close', () => done()));
      const grace = new Promise<void>((done) => timers.push(setTimeout(done, OUTPUT_GRACE_MS)));
      void Promise.race([streamsClosed, grace]).then(async () => {
        child.stdout.destroy();
        child.stderr.destroy();
        // After a cancel, wait for the rest of the group while the SIGTERM and SIGKILL timers are armed (not
        // longer: a killed process that nobody reaps still counts as a member).
        while (canceled && groupAlive() && Date.now() < canceledAt + KILL_AFTER_MS + OUTPUT_GRACE_MS)
          await new Promise((done) => setTimeout(done, 50));
        finish(exit);
      });
    });
    if (signal.aborted) cancel();
    else signal.addEventListener('abort', cancel);
  });
}

/** Sends a signal to a process group; for signal 0, whether any of the group is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
