/**
 * MLflow's file store, the layout `mlflow` itself keeps for a `file:` tracking URI, so that a script using
 * `mlflow` (with MLFLOW_TRACKING_URI, MLFLOW_RUN_ID and MLFLOW_EXPERIMENT_ID set) logs into the run made here:
 *
 *   <root>/<experiment id>/meta.yaml                  the experiment (id 0 is "Default")
 *   <root>/<experiment id>/<run id>/meta.yaml         the run: status as a number, start and end in ms
 *   <root>/<experiment id>/<run id>/metrics/<key>     one "<timestamp> <value> <step>" line per logged value
 *   <root>/<experiment id>/<run id>/params/<key>      the value, as text
 *   <root>/<experiment id>/<run id>/tags/<key>        the value, as text
 *
 * Keys may hold `/`, which become subfolders.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LatestMetric, MetricPoint } from '../azure/mlflow';
import { loadYaml } from '../lazy/load';
import type { LocalMlflowRun } from './types';

/** MLflow's RunStatus numbers, as its file store writes them in a run's meta.yaml. */
const RUN_STATUS = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 } as const;
/** SourceType.LOCAL. */
const SOURCE_TYPE_LOCAL = 4;
const DEFAULT_EXPERIMENT_ID = '0';
const DEFAULT_EXPERIMENT_NAME = 'Default';
const TRASH_FOLDER = '.trash';
const META_FILE = 'meta.yaml';
/** Folders of the store's root that are not experiments. */
const NOT_EXPERIMENTS = new Set([TRASH_FOLDER, 'models']);

/** Creates the run, RUNNING, in the experiment of that name (created when missing). */
export async function createMlflowRun(
  storeRoot: string,
  experimentName: string,
  runId: string,
  runName: string,
  startTimeMs: number,
): Promise<{ experimentId: string }> {
  checkId(runId, 'run id');
  await ensureStore(storeRoot, startTimeMs);
  const experimentId =
    (await findExperiment(storeRoot, experimentName)) ??
    (await createExperiment(storeRoot, experimentName, startTimeMs));
  const runDir = join(storeRoot, experimentId, runId);
  await mkdir(runDir, { recursive: true });
  for (const folder of ['metrics', 'params', 'tags', 'artifacts'])
    await mkdir(join(runDir, folder), { recursive: true });
  // Keys in the order yaml.safe_dump writes them (sorted), so the file reads like one MLflow wrote.
  await writeYaml(join(runDir, META_FILE), {
    artifact_uri: pathToFileURL(join(runDir, 'artifacts')).href,
    deleted_time: null,
    end_time: null,
    entry_point_name: '',
    experiment_id: experimentId,
    lifecycle_stage: 'active',
    run_id: runId,
    run_name: runName,
    run_uuid: runId,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: startTimeMs,
    status: RUN_STATUS.RUNNING,
    tags: [],
    user_id: currentUser(),
  });
  await writeFile(join(runDir, 'tags', 'mlflow.runName'), runName);
  await writeFile(join(runDir, 'tags', 'mlflow.user'), currentUser());
  return { experimentId };
}

export async function finishMlflowRun(
  storeRoot: string,
  runId: string,
  status: 'FINISHED' | 'FAILED' | 'KILLED',
  endTimeMs: number,
): Promise<void> {
  checkId(runId, 'run id');
  const runDir = await findRunDir(storeRoot, runId);
  if (!runDir) throw new Error(`The MLflow store ${storeRoot} has no run ${runId}.`);
  const meta = await readYaml(join(runDir, META_FILE));
  if (!isRecord(meta)) throw new Error(`The MLflow run ${runId} has an unreadable meta.yaml.`);
  await writeYaml(join(runDir, META_FILE), { ...meta, status: RUN_STATUS[status], end_time: endTimeMs });
}

/** Params, tags and each metric's latest value; a run not (yet) in the store reads as empty. */
export async function readMlflowRun(storeRoot: string, runId: string): Promise<LocalMlflowRun> {
  checkId(runId, 'run id');
  const run: LocalMlflowRun = { params: {}, tags: {}, latestMetrics: [] };
  const runDir = await findRunDir(storeRoot, runId);
  if (!runDir) return run;
  for (const [key, file] of await keyedFiles(join(runDir, 'params'))) run.params[key] = await readFile(file, 'utf8');
  for (const [key, file] of await keyedFiles(join(runDir, 'tags'))) run.tags[key] = await readFile(file, 'utf8');
  for (const [key, file] of await keyedFiles(join(runDir, 'metrics'))) {
    const points = metricPoints(await readFile(file, 'utf8'), key);
    // MLflow's latest value: the greatest step, then the latest timestamp, then the largest value.
    const latest = points.reduce<MetricPoint | undefined>(
      (best, point) => (best === undefined || comparePoints(point, best) > 0 ? point : best),
      undefined,
    );
    if (latest) run.latestMetrics.push({ key, ...latest } satisfies LatestMetric);
  }
  run.latestMetrics.sort((a, b) => a.key.localeCompare(b.key));
  return run;
}

/** Every value logged for a metric, in the order logged; none when the run or the metric is not there. */
export async function readMetricHistory(storeRoot: string, runId: string, key: string): Promise<MetricPoint[]> {
  checkId(runId, 'run id');
  const segments = key.split('/');
  if (!key || segments.some((segment) => segment === '' || segment === '.' || segment === '..') || key.includes('\\'))
    throw new Error(`\`${key}\` is not a metric name.`);
  const runDir = await findRunDir(storeRoot, runId);
  if (!runDir) return [];
  let text: string;
  try {
    text = await readFile(join(runDir, 'metrics', ...segments), 'utf8');
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return metricPoints(text, key);
}

function comparePoints(a: MetricPoint, b: MetricPoint): number {
  return a.step - b.step || a.timestamp - b.timestamp || a.value - b.value;
}

/** A metric file's lines; the last one is still being written when it has no newline yet, and is left out. */
function metricPoints(text: string, key: string): MetricPoint[] {
  const lines = text.split('\n');
  lines.pop();
  const points: MetricPoint[] = [];
  lines.forEach((line, index) => {
    if (!line.trim()) return;
    const parts = line.trim().split(' ');
    const timestamp = Number(parts[0]);
    const value = pythonFloat(parts[1] ?? '');
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if (
      (parts.length !== 2 && parts.length !== 3) ||
      !Number.isInteger(timestamp) ||
      value === undefined ||
      !Number.isInteger(step)
    )
      throw new Error(`Metric \`${key}\` is malformed at line ${index + 1}: "${line}".`);
    points.push({ step, value, timestamp });
  });
  return points;
}

/** A float as Python writes it (`nan`, `inf` and `-inf` included). */
function pythonFloat(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!text.trim()) return undefined;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}

/** The store's root with the Default experiment and the trash folder, as MLflow makes it on first use. */
async function ensureStore(storeRoot: string, nowMs: number): Promise<void> {
  await mkdir(join(storeRoot, TRASH_FOLDER), { recursive: true });
  const defaultMeta = join(storeRoot, DEFAULT_EXPERIMENT_ID, META_FILE);
  if ((await readYamlIfThere(defaultMeta)) === undefined)
    await writeExperiment(storeRoot, DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, nowMs);
}

async function findExperiment(storeRoot: string, name: string): Promise<string | undefined> {
  for (const id of await experimentIds(storeRoot)) {
    const meta = await readYamlIfThere(join(storeRoot, id, META_FILE));
    if (isRecord(meta) && meta.name === name && meta.lifecycle_stage !== 'deleted') return id;
  }
  return undefined;
}

async function createExperiment(storeRoot: string, name: string, nowMs: number): Promise<string> {
  // MLflow gives new experiments a random positive integer id.
  const id = (BigInt(`0x${randomBytes(8).toString('hex')}`) >> 1n).toString();
  await writeExperiment(storeRoot, id, name, nowMs);
  return id;
}

async function writeExperiment(storeRoot: string, id: string, name: string, nowMs: number): Promise<void> {
  const dir = join(storeRoot, id);
  await mkdir(dir, { recursive: true });
  await writeYaml(join(dir, META_FILE), {
    artifact_location: pathToFileURL(dir).href,
    creation_time: nowMs,
    experiment_id: id,
    last_update_time: nowMs,
    lifecycle_stage: 'active',
    name,
  });
}

async function experimentIds(storeRoot: string): Promise<string[]> {
  try {
    const entries = await readdir(storeRoot, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !NOT_EXPERIMENTS.has(entry.name))
      .map((entry) => entry.name);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function findRunDir(storeRoot: string, runId: string): Promise<string | undefined> {
  for (const id of await experimentIds(storeRoot)) {
    const meta = await readYamlIfThere(join(storeRoot, id, runId, META_FILE));
    if (meta !== undefined) return join(storeRoot, id, runId);
  }
  return undefined;
}

/** Files under a params/tags/metrics folder, keyed by their path below it with `/` between folders. */
async function keyedFiles(folder: string): Promise<Array<[string, string]>> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true, recursive: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry): [string, string] => {
      const file = join(entry.parentPath, entry.name);
      return [relative(folder, file).split(sep).join('/'), file];
    })
    .sort(([a], [b]) => a.localeCompare(b));
}

function checkId(id: string, what: string): void {
  // MLflow's own rule for run ids, which also keeps them single folder names.
  if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(id)) throw new Error(`\`${id}\` is not an MLflow ${what}.`);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function readYaml(file: string): Promise<unknown> {
  return (await loadYaml()).parse(await readFile(file, 'utf8'));
}

async function readYamlIfThere(file: string): Promise<unknown> {
  try {
    return await readYaml(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Written whole, then renamed over the old file, so a reader (MLflow included) never sees half a file. */
async function writeYaml(file: string, value: Record<string, unknown>): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, (await loadYaml()).stringify(value));
  await rename(temporary, file);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
