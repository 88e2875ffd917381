/**
 * Where local runs live: `<project>/.azureml/local-runs/<run name>/`, each described by its `run.json`. Records
 * are replaced whole (written aside, flushed, renamed), so a reader never sees half a record.
 */
import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LocalRunRecord, LocalRunStatus, LocalStepStatus } from './types';

export const RUN_RECORD = 'run.json';
const LOCAL_RUNS_FOLDER = 'local-runs';
const AZUREML_FOLDER = '.azureml';

export const INTERRUPTED = 'Interrupted: VS Code closed while the run was going';

export function localRunsRoot(projectRoot: string): string {
  return join(projectRoot, AZUREML_FOLDER, LOCAL_RUNS_FOLDER);
}

export async function saveRunRecord(runDir: string, record: LocalRunRecord): Promise<void> {
  const target = join(runDir, RUN_RECORD);
  const temporary = join(runDir, `.${RUN_RECORD}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(`${JSON.stringify(record, null, 2)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

const RUN_STATUSES: LocalRunStatus[] = ['Running', 'Completed', 'Failed', 'Canceled'];
const STEP_STATUSES: LocalStepStatus[] = ['NotStarted', ...RUN_STATUSES];

export async function readRunRecord(runDir: string): Promise<LocalRunRecord> {
  const file = join(runDir, RUN_RECORD);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${basename(runDir)} has no ${RUN_RECORD}.`);
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The ${RUN_RECORD} of ${basename(runDir)} is corrupt: ${reason}`);
  }
  const problem = recordProblem(value);
  if (problem) throw new Error(`The ${RUN_RECORD} of ${basename(runDir)} is not a local run record: ${problem}.`);
  return value as LocalRunRecord;
}

/** What makes a parsed file not a run record this version understands, if anything. */
function recordProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.version !== 1) return `its version is ${JSON.stringify(value.version)}, not 1`;
  if (typeof value.runName !== 'string') return 'it has no runName';
  if (!RUN_STATUSES.includes(value.status as LocalRunStatus)) return `its status is ${JSON.stringify(value.status)}`;
  if (typeof value.createdUtc !== 'string') return 'it has no createdUtc';
  if (!Array.isArray(value.steps)) return 'it has no steps';
  for (const step of value.steps) {
    if (!isRecord(step) || typeof step.name !== 'string') return 'a step has no name';
    if (!STEP_STATUSES.includes(step.status as LocalStepStatus))
      return `step ${step.name} has status ${JSON.stringify(step.status)}`;
    if (typeof step.mlflowRunId !== 'string') return `step ${step.name} has no mlflowRunId`;
  }
  return undefined;
}

/**
 * Every run under a local-runs folder, newest first (a missing folder has none). A run left Running by an
 * extension host that is gone is marked Failed, and saved so, with the steps it was running.
 */
export async function listLocalRuns(
  runsRoot: string,
  isHostAlive: (pid: number) => boolean = processIsAlive,
): Promise<Array<{ runDir: string; record?: LocalRunRecord; error?: string }>> {
  let entries;
  try {
    entries = await readdir(runsRoot, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map(async (entry) => {
        const runDir = join(runsRoot, entry.name);
        try {
          const record = await readRunRecord(runDir);
          const stale = record.status === 'Running' && (record.hostPid === undefined || !isHostAlive(record.hostPid));
          return { runDir, record: stale ? await markInterrupted(runDir, record) : record };
        } catch (error) {
          return { runDir, error: error instanceof Error ? error.message : String(error) };
        }
      }),
  );
  const created = (run: { record?: LocalRunRecord }) => run.record?.createdUtc ?? '';
  return runs.sort(
    (a, b) => created(b).localeCompare(created(a)) || basename(b.runDir).localeCompare(basename(a.runDir)),
  );
}

async function markInterrupted(runDir: string, record: LocalRunRecord): Promise<LocalRunRecord> {
  // The run ended some time after its last saved change; the running step's log says roughly when.
  const ended = await lastChange(runDir, record);
  const fixed: LocalRunRecord = {
    ...record,
    status: 'Failed',
    error: INTERRUPTED,
    endTimeUtc: record.endTimeUtc ?? ended,
    steps: record.steps.map((step) =>
      step.status === 'Running' ? { ...step, status: 'Failed', error: INTERRUPTED, endTimeUtc: ended } : step,
    ),
  };
  delete fixed.hostPid;
  // A folder that cannot be written still lists with the corrected status.
  await saveRunRecord(runDir, fixed).catch(() => undefined);
  return fixed;
}

async function lastChange(runDir: string, record: LocalRunRecord): Promise<string> {
  const files = [RUN_RECORD, ...record.steps.filter((step) => step.status === 'Running').map((step) => step.logPath)];
  let latest = 0;
  for (const file of files) {
    const info = await stat(join(runDir, file)).catch(() => undefined);
    if (info) latest = Math.max(latest, info.mtimeMs);
  }
  return new Date(latest || Date.now()).toISOString();
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process is there, it belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes a run folder; anything that is not a folder directly under a `.azureml/local-runs` folder is refused. */
export async function deleteLocalRun(runDir: string): Promise<void> {
  const folder = resolve(runDir);
  const parent = dirname(folder);
  const name = basename(folder);
  if (
    basename(parent) !== LOCAL_RUNS_FOLDER ||
    basename(dirname(parent)) !== AZUREML_FOLDER ||
    !name ||
    name.startsWith('.')
  ) {
    throw new Error(`${runDir} is not a local run folder (one under ${join(AZUREML_FOLDER, LOCAL_RUNS_FOLDER)}).`);
  }
  const info = await lstat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return;
  if (!info.isDirectory()) throw new Error(`${runDir} is not a local run folder.`);
  await rm(folder, { recursive: true, force: true });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
