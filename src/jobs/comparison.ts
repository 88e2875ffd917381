// The run comparison panel: one for the window, runs added to it as they are chosen, live while any of them runs.
import vscode = require('vscode');
import * as path from 'node:path';
import type { AzureMlArm } from '../core/azure/armClient';
import { isActiveStatus } from '../core/azure/jobStatus';
import type { LatestMetric, MetricPoint } from '../core/azure/mlflow';
import { workspaceId } from '../core/azure/resourceIds';
import { isCancellation } from '../core/errors/kinds';
import { comparisonTable, sortTable, tableToCsv, type ComparedRun } from '../core/jobs/runComparison';
import { Watcher } from '../core/watch';
import type { ErrorHandling } from '../platform/errorReporter';
import type { UserInput } from '../platform/userInput';
import { WebviewHost } from '../platform/webview/webviewHost';
import type { Envelope, MessageFault } from '../webviews/messaging';
import {
  runComparisonMessageNames,
  type ComparisonState,
  type FromRunComparison,
  type RunMetricSeries,
  type SortDirection,
  type ToRunComparison,
} from '../webviews/runComparison/contract';
import type { JobDetailsSource } from './details';
import type { JobTarget } from './logChannel';

const VIEW_TYPE = 'azureml.runComparison';
const BUNDLE = 'runComparison';
const CSV_NAME = 'run-comparison.csv';
/** What a test or a bug report may need of the conversation; older messages are let go. */
const KEPT_MESSAGES = 2000;
/** The page has six theme colours, then the same six dashed: beyond that runs share a look. */
const DISTINCT_LOOKS = 18;

export interface RunComparisonOptions {
  extensionUri: vscode.Uri;
  arm: () => Promise<AzureMlArm>;
  userInput: UserInput;
  /** Reports a failure of something the page asked for (the page has no notification of its own). */
  reportError: (error: unknown, where: string, handling: ErrorHandling) => void;
  onFault: (fault: MessageFault) => void;
  /** Polling of running jobs: every `baseMs` after a change, backing off to `maxMs` while nothing changes. */
  pollIntervalMs?: { baseMs: number; maxMs: number };
}

/**
 * A run to compare: a job on Azure ML, or a run read through the source its details panel reads (a local
 * run's MLflow file store).
 */
export type ComparedRunTarget = JobTarget | JobDetailsSource;

/** The open comparison, and what went to and came from its page (tests read both). */
export interface RunComparisonView {
  readonly panel: vscode.WebviewPanel;
  readonly posted: readonly Envelope<ToRunComparison>[];
  readonly received: readonly Envelope<FromRunComparison>[];
  /** The compared jobs on Azure ML, in the order they were added. */
  readonly jobs: readonly JobTarget[];
  /** Every compared run, local ones included, in the order they were added. */
  readonly compared: readonly { id: string; name: string; local: boolean }[];
  /** Whether the panel still polls a running job. */
  readonly live: boolean;
  /** Resolves once every run added so far was read (or failed to be). */
  loaded(): Promise<void>;
  /** What the page's column headers do: order the table by a column. */
  sortBy(columnId: string, direction: SortDirection): void;
  /** What the page's Export CSV does: asks where, writes the file; resolves with its path, or undefined. */
  exportCsv(): Promise<string | undefined>;
}

/** The comparison panel, made on first use and reused: runs chosen later are added to it. */
export class RunComparisonPanels implements vscode.Disposable {
  private panel: RunComparisonPanel | undefined;

  constructor(private readonly options: RunComparisonOptions) {}

  get current(): RunComparisonView | undefined {
    return this.panel;
  }

  /** Shows the comparison with `runs` added to whatever it already compares. */
  show(runs: readonly ComparedRunTarget[]): RunComparisonView {
    this.panel ??= new RunComparisonPanel(this.options, () => (this.panel = undefined));
    this.panel.add(
      runs.map((run) => (isDetailsSource(run) ? new SourceReader(run) : new JobReader(run, this.options))),
    );
    this.panel.panel.reveal();
    return this.panel;
  }

  dispose(): void {
    this.panel?.panel.dispose();
    this.panel = undefined;
  }
}

/** What the comparison reads of a run, wherever it ran. */
interface RunReading {
  status: string;
  /** The run's name once read (a local run's record names it). */
  name?: string;
  displayName?: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  latestMetrics: LatestMetric[];
}

/** Where one compared run is read from. */
interface RunReader {
  /** Unique among compared runs, whichever reader they have. */
  readonly id: string;
  /** The name shown until the first read gives one. */
  readonly name: string;
  /** The job on Azure ML; none for a local run. */
  readonly job?: JobTarget;
  /** Status first, then the run's MLflow data: once the status says the run ended, the metrics are final. */
  read(signal: AbortSignal): Promise<RunReading>;
  history(key: string, signal: AbortSignal): Promise<MetricPoint[]>;
}

/** MLflow's and Azure ML's own bookkeeping tags (run name, source, user) say nothing worth comparing. */
const comparedTags = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).filter(([key]) => !/^(mlflow|_?azureml)\./.test(key)));

/** A job on Azure ML: status from run history, the rest from the workspace's MLflow. */
class JobReader implements RunReader {
  readonly id: string;
  readonly name: string;

  constructor(
    readonly job: JobTarget,
    private readonly options: RunComparisonOptions,
  ) {
    this.id = `${workspaceId(job.workspace)}/jobs/${job.jobName}`.toLowerCase();
    this.name = job.jobName;
  }

  async read(signal: AbortSignal): Promise<RunReading> {
    const { workspace, jobName } = this.job;
    const arm = await this.options.arm();
    const info = await arm.runHistory(workspace).getRun(jobName);
    const mlflowRun = await arm.mlflow(workspace).getRun(jobName, signal);
    return {
      status: info.status,
      displayName: info.displayName,
      params: { ...mlflowRun.params },
      tags: comparedTags(mlflowRun.tags),
      latestMetrics: mlflowRun.latestMetrics,
    };
  }

  async history(key: string, signal: AbortSignal): Promise<MetricPoint[]> {
    const arm = await this.options.arm();
    return arm.mlflow(this.job.workspace).getMetricHistory(this.job.jobName, key, signal);
  }
}

/** A run read as its details panel reads it: a local run from its record and MLflow file store. */
class SourceReader implements RunReader {
  readonly id: string;
  readonly name: string;
  readonly job: JobTarget | undefined;

  constructor(private readonly source: JobDetailsSource) {
    this.id = source.key;
    this.name = source.title;
    this.job = source.job;
  }

  async read(signal: AbortSignal): Promise<RunReading> {
    const { overview, latestMetrics } = await this.source.read(signal);
    const record = (entries: { key: string; value: string }[]) =>
      Object.fromEntries(entries.map(({ key, value }) => [key, value]));
    return {
      status: overview.status,
      name: overview.jobName,
      displayName: overview.displayName,
      params: record(overview.params),
      tags: comparedTags(record(overview.tags)),
      latestMetrics,
    };
  }

  history(key: string, signal: AbortSignal): Promise<MetricPoint[]> {
    return this.source.history(key, signal);
  }
}

function isDetailsSource(target: ComparedRunTarget): target is JobDetailsSource {
  return typeof (target as Partial<JobDetailsSource>).read === 'function';
}

/** What the panel knows of one run; filled in by its reads. */
interface RunState {
  id: string;
  reader: RunReader;
  name: string;
  colour: number;
  /** Undefined until the first read succeeds. */
  status?: string;
  displayName?: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  finalMetrics: Record<string, number>;
  series: Map<string, MetricPoint[]>;
  /** The latest point of each metric as `runs/get` last gave it, so unchanged histories are not read again. */
  latestSeen: Map<string, string>;
  reading?: Promise<{ changed: boolean; finished: boolean }>;
  firstRead: Promise<void>;
}

class RunComparisonPanel implements RunComparisonView, vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly posted: Envelope<ToRunComparison>[] = [];
  readonly received: Envelope<FromRunComparison>[] = [];
  private readonly host: WebviewHost<ToRunComparison, FromRunComparison>;
  private readonly runs = new Map<string, RunState>();
  private readonly watcher: Watcher<{ poll(): Promise<{ changed: boolean; finished: boolean }> }>;
  private readonly controller = new AbortController();
  /** The latest read failure of each run, shown until that run reads well again. */
  private readonly failures = new Map<string, string>();
  private sort: { columnId: string; direction: SortDirection } | null = null;
  private disposed = false;

  constructor(
    private readonly options: RunComparisonOptions,
    private readonly onDisposed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Run Comparison', vscode.ViewColumn.Active, {
      enableFindWidget: true,
    });
    this.host = new WebviewHost<ToRunComparison, FromRunComparison>(this.panel.webview, {
      extensionUri: options.extensionUri,
      bundle: BUNDLE,
      stylesheets: [`${BUNDLE}.css`],
      title: 'Run Comparison',
      accepts: runComparisonMessageNames.fromWebview,
      onFault: options.onFault,
    });
    const interval = options.pollIntervalMs ?? { baseMs: 3000, maxMs: 15_000 };
    this.watcher = new Watcher({
      baseIntervalMs: () => interval.baseMs,
      maxIntervalMs: () => interval.maxMs,
      onUpdate: () => undefined,
      onError: (error, key) => this.showLoadError(key, error),
    });
    // A page that (re)loads has nothing: it gets the whole state, and deltas only after that.
    this.host.onReady(() => this.sendEverything());
    this.host.onMessage((message) => this.onPageMessage(message));
    this.panel.onDidDispose(() => this.dispose());
  }

  get jobs(): JobTarget[] {
    return [...this.runs.values()].flatMap((run) => (run.reader.job ? [run.reader.job] : []));
  }

  get compared(): { id: string; name: string; local: boolean }[] {
    return [...this.runs.values()].map((run) => ({ id: run.id, name: run.name, local: !run.reader.job }));
  }

  get live(): boolean {
    return this.watcher.size > 0;
  }

  async loaded(): Promise<void> {
    await Promise.all([...this.runs.values()].map((run) => run.firstRead));
  }

  add(readers: readonly RunReader[]): void {
    let added = false;
    for (const reader of readers) {
      const id = reader.id;
      if (this.runs.has(id)) continue;
      const run: RunState = {
        id,
        reader,
        name: reader.name,
        colour: this.freeColour(),
        params: {},
        tags: {},
        finalMetrics: {},
        series: new Map(),
        latestSeen: new Map(),
        firstRead: Promise.resolve(),
      };
      this.runs.set(id, run);
      added = true;
      run.firstRead = this.read(run).then(
        ({ finished }) => {
          if (!finished) this.watch(run);
        },
        (error: unknown) => {
          this.showLoadError(id, error);
          // A first read that failed is tried again on the same schedule as a running job.
          this.watch(run);
        },
      );
    }
    if (added) this.postComparison();
  }

  sortBy(columnId: string, direction: SortDirection): void {
    this.sort = { columnId, direction };
    this.postComparison();
  }

  async exportCsv(): Promise<string | undefined> {
    const table = this.table();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    let target: string;
    try {
      target = await this.options.userInput.saveLocation({
        title: 'Export the run comparison',
        defaultPath: folder ? path.join(folder, CSV_NAME) : CSV_NAME,
        filters: { 'CSV files': ['csv'] },
        saveLabel: 'Export',
      });
    } catch (error) {
      if (!isCancellation(error)) this.options.reportError(error, 'Export CSV', {});
      return undefined;
    }
    try {
      await vscode.workspace.fs.writeFile(vscode.Uri.file(target), new TextEncoder().encode(tableToCsv(table)));
    } catch (error) {
      const reason = (error as Error)?.message ?? String(error);
      this.options.reportError(error, 'Export CSV', {
        message: `Could not write ${target}: ${reason} Choose a folder that exists and that you can write to.`,
        buttons: [{ title: 'Choose Another Location', run: () => this.exportCsv() }],
      });
      return undefined;
    }
    const open = 'Open';
    const count = table.rows.length === 1 ? '1 run' : `${table.rows.length} runs`;
    void vscode.window
      .showInformationMessage(`Exported ${count} to ${vscode.workspace.asRelativePath(target)}.`, open)
      .then((choice) => {
        if (choice === open) void vscode.window.showTextDocument(vscode.Uri.file(target));
      });
    return target;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.controller.abort();
    this.watcher.dispose();
    this.host.dispose();
    this.onDisposed();
  }

  private watch(run: RunState): void {
    if (!this.disposed && this.runs.get(run.id) === run) this.watcher.watch(run.id, { poll: () => this.read(run) });
  }

  /** The lowest look no compared run has, so a removed run's colour goes to the next one added. */
  private freeColour(): number {
    const taken = new Set([...this.runs.values()].map((run) => run.colour));
    let colour = 0;
    while (taken.has(colour) && colour < DISTINCT_LOOKS) colour++;
    return colour < DISTINCT_LOOKS ? colour : this.runs.size;
  }

  private onPageMessage(message: Envelope<FromRunComparison>): void {
    keep(this.received, message);
    switch (message.type) {
      case 'sort':
        this.sortBy(message.payload.columnId, message.payload.direction);
        break;
      case 'remove':
        this.remove(message.payload.runId);
        break;
      case 'exportCsv':
        void this.exportCsv();
        break;
      case 'rendered':
        break;
    }
  }

  private remove(runId: string): void {
    if (!this.runs.delete(runId)) return;
    this.watcher.unwatch(runId);
    this.failures.delete(runId);
    this.postComparison();
    this.post('metrics', { series: this.allSeries() });
    this.postLoadError();
  }

  private post<K extends keyof ToRunComparison & string>(type: K, payload: ToRunComparison[K]): void {
    if (this.disposed) return;
    keep(this.posted, { type, payload } as Envelope<ToRunComparison>);
    this.host.post(type, payload);
  }

  private sendEverything(): void {
    this.post('comparison', this.state());
    this.post('metrics', { series: this.allSeries() });
    this.postLoadError();
  }

  private postComparison(): void {
    if (!this.host.isReady) return;
    this.post('comparison', this.state());
    const count = this.runs.size;
    this.panel.title = count === 0 ? 'Run Comparison' : `Run Comparison (${count})`;
  }

  private allSeries(): RunMetricSeries[] {
    return [...this.runs.values()].flatMap((run) =>
      [...run.series].map(([key, points]) => ({ runId: run.id, key, points })),
    );
  }

  /** The runs read so far as the core compares them; a run not read yet has nothing to compare. */
  private table() {
    const compared: ComparedRun[] = [...this.runs.values()]
      .filter((run) => run.status !== undefined)
      .map((run) => ({
        id: run.id,
        name: run.name,
        displayName: run.displayName,
        status: run.status!,
        params: run.params,
        metrics: run.finalMetrics,
        tags: run.tags,
      }));
    const table = comparisonTable(compared);
    // A sort by a column the runs no longer have (its run was removed) lapses.
    if (this.sort && !table.columns.some((column) => column.id === this.sort!.columnId)) this.sort = null;
    return this.sort ? sortTable(table, this.sort.columnId, this.sort.direction) : table;
  }

  private state(): ComparisonState {
    const table = this.table();
    return {
      runs: [...this.runs.values()].map((run) => ({
        id: run.id,
        name: run.name,
        ...(run.displayName !== undefined ? { displayName: run.displayName } : {}),
        status: run.status ?? 'Loading',
        active: run.status === undefined || isActiveStatus(run.status),
        colour: run.colour,
      })),
      columns: table.columns,
      rows: table.rows.map((row) => ({ runId: row.runId, cells: row.cells })),
      sort: table.sort ?? null,
    };
  }

  private showLoadError(runId: string, error: unknown): void {
    if (this.disposed || (error as { name?: string }).name === 'AbortError') return;
    const run = this.runs.get(runId);
    if (!run) return;
    this.failures.set(runId, `${run.name}: ${(error as Error)?.message ?? String(error)}`);
    this.postLoadError();
  }

  private postLoadError(): void {
    if (!this.host.isReady) return;
    this.post('loadError', this.failures.size > 0 ? { message: [...this.failures.values()].join(' ') } : null);
  }

  /** One read of a run at a time: a poll never races another. */
  private read(run: RunState): Promise<{ changed: boolean; finished: boolean }> {
    run.reading ??= this.readOnce(run).finally(() => (run.reading = undefined));
    return run.reading;
  }

  /** Reads a run's status, params and metrics; sends the page what changed. */
  private async readOnce(run: RunState): Promise<{ changed: boolean; finished: boolean }> {
    const signal = this.controller.signal;
    const reading = await run.reader.read(signal);
    const histories = [];
    for (const latest of reading.latestMetrics) {
      const fingerprint = `${latest.step}/${latest.timestamp}/${latest.value}`;
      if (run.latestSeen.get(latest.key) === fingerprint) continue;
      histories.push({ key: latest.key, fingerprint, points: await run.reader.history(latest.key, signal) });
    }
    const finished = !isActiveStatus(reading.status);
    if (this.disposed || this.runs.get(run.id) !== run) return { changed: false, finished: true };

    // The state changes only here, with no wait before the messages below: a page that gets ready while
    // the histories are read receives them whole on its ready, or as points now, never both.
    const newPoints: RunMetricSeries[] = [];
    for (const { key, fingerprint, points } of histories) {
      const known = run.series.get(key) ?? [];
      // Histories only grow, so what lies past the points already sent is new.
      const added = points.slice(known.length);
      run.series.set(key, [...known, ...added]);
      run.latestSeen.set(key, fingerprint);
      if (added.length > 0) newPoints.push({ runId: run.id, key, points: added });
    }

    const summary = () =>
      JSON.stringify([run.name, run.status, run.displayName, run.params, run.tags, run.finalMetrics]);
    const before = summary();
    run.name = reading.name ?? run.name;
    run.status = reading.status;
    run.displayName = reading.displayName;
    run.params = reading.params;
    run.tags = reading.tags;
    run.finalMetrics = Object.fromEntries(reading.latestMetrics.map((metric) => [metric.key, metric.value]));
    const summaryChanged = before !== summary();
    if (this.failures.delete(run.id)) this.postLoadError();
    // Before the page is ready, the whole state goes out on its ready; deltas now would arrive twice.
    if (this.host.isReady && newPoints.length > 0) this.post('metricPoints', { series: newPoints });
    if (summaryChanged) this.postComparison();
    return { changed: summaryChanged || newPoints.length > 0, finished };
  }
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_MESSAGES) list.splice(0, list.length - KEPT_MESSAGES);
}
