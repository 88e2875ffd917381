// The job details panel: one webview per job, reused when opened again, live while the job runs.
import vscode = require('vscode');
import type { AzureMlArm } from '../core/azure/armClient';
import { isActiveStatus } from '../core/azure/jobStatus';
import type { LatestMetric, MetricPoint } from '../core/azure/mlflow';
import { workspaceId } from '../core/azure/resourceIds';
import type { RunError } from '../core/azure/runHistory';
import { thinForChart } from '../core/jobs/thinForChart';
import { Watcher } from '../core/watch';
import { WebviewHost } from '../platform/webview/webviewHost';
import type { Envelope, MessageFault } from '../webviews/messaging';
import {
  jobDetailsMessageNames,
  type FromJobDetails,
  type JobOverview,
  type JobPort,
  type KeyValue,
  type MetricSeries,
  type ToJobDetails,
} from '../webviews/jobDetails/contract';
import type { JobTarget } from './logChannel';

const VIEW_TYPE = 'azureml.jobDetails';
const BUNDLE = 'jobDetails';
/**
 * Points per metric sent to draw: a chart is at most 720 pixels wide, so more would cost transfer and drawing
 * time without changing a pixel.
 */
const MAX_DRAWN_POINTS = 2000;
/** What a test or a bug report may need of the conversation; older messages are let go. */
const KEPT_MESSAGES = 2000;
/** Metric histories read in parallel: enough to overlap the service's latency, few enough not to be throttled. */
const HISTORY_READS_AT_ONCE = 4;

export interface JobDetailsOptions {
  extensionUri: vscode.Uri;
  arm: () => Promise<AzureMlArm>;
  showLogs: (job: JobTarget) => void;
  /** Adds the panel's run to the comparison: its job on Azure ML, else its source (a local run). */
  addToComparison: (run: JobTarget | JobDetailsSource) => void;
  onFault: (fault: MessageFault) => void;
  /**
   * Polling of a running job: every `baseMs` after a change, backing off to `maxMs` while nothing changes;
   * while the panel is in view, `visibleBaseMs` and `visibleMaxMs` instead.
   */
  pollIntervalMs?: PollIntervals;
}

/** Where a panel reads its job: Azure ML's run history and MLflow, or a local run's files. */
export interface JobDetailsSource {
  /** The panel's identity: opening the same key again shows the panel already open. */
  readonly key: string;
  readonly title: string;
  /** The job on Azure ML; none for a local run. */
  readonly job?: JobTarget;
  /** The job as it is now, with the latest point of every metric it logged. */
  read(signal: AbortSignal): Promise<{ overview: JobOverview; latestMetrics: LatestMetric[] }>;
  /** Every point of one metric, in the order logged. */
  history(key: string, signal: AbortSignal): Promise<MetricPoint[]>;
  showLogs(): void;
}

export interface PollIntervals {
  baseMs: number;
  maxMs: number;
  visibleBaseMs: number;
  visibleMaxMs: number;
}

/**
 * A panel in view polls every second, so a point logged shows within about a second (the page only polls;
 * a poll is two small reads); a panel out of view, every few seconds. Both back off while nothing changes.
 */
const DEFAULT_POLL_INTERVALS: PollIntervals = { baseMs: 3000, maxMs: 15_000, visibleBaseMs: 1000, visibleMaxMs: 5000 };

/** One open details panel, and what went to and came from its page (tests read both). */
export interface JobDetailsView {
  readonly source: JobDetailsSource;
  readonly panel: vscode.WebviewPanel;
  readonly posted: readonly Envelope<ToJobDetails>[];
  readonly received: readonly Envelope<FromJobDetails>[];
  /** Whether the panel still polls the job. */
  readonly live: boolean;
}

/** The panels of every job whose details are open, one per job. */
export class JobDetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, JobDetailsPanel>();

  constructor(private readonly options: JobDetailsOptions) {}

  /** The panel of a job on Azure ML. */
  show(job: JobTarget): JobDetailsView {
    return this.showSource(new AzureJobSource(job, this.options));
  }

  /** The panel of a job read from `source`. */
  showSource(source: JobDetailsSource): JobDetailsView {
    const existing = this.panels.get(source.key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = new JobDetailsPanel(source, this.options, () => this.panels.delete(source.key));
    this.panels.set(source.key, panel);
    return panel;
  }

  /** The run of the details panel that has the focus, if one has: its job on Azure ML, else its source. */
  activeRun(): JobTarget | JobDetailsSource | undefined {
    const source = [...this.panels.values()].find((panel) => panel.panel.active)?.source;
    return source?.job ?? source;
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    this.panels.clear();
  }
}

/** A job on Azure ML: status from run history, params and metrics from the workspace's MLflow. */
class AzureJobSource implements JobDetailsSource {
  readonly key: string;
  readonly title: string;
  /** The ARM job, read once: its inputs, outputs and type do not change. */
  private resource: Record<string, unknown> | undefined;

  constructor(
    readonly job: JobTarget,
    private readonly options: JobDetailsOptions,
  ) {
    this.key = `${workspaceId(job.workspace)}/jobs/${job.jobName}`.toLowerCase();
    this.title = `Job ${job.jobName}`;
  }

  async read(signal: AbortSignal): Promise<{ overview: JobOverview; latestMetrics: LatestMetric[] }> {
    const { workspace, jobName } = this.job;
    const arm = await this.options.arm();
    const history = arm.runHistory(workspace);
    const [resource, { run, mlflowRun, error }] = await Promise.all([
      // Beside the run's reads, not before them: it is a round trip of its own.
      this.resource ?? arm.getJob(workspace, jobName),
      (async () => {
        // Status first: once it says the job ended, the metrics read after it hold every point the job logged.
        const run = await history.getRun(jobName);
        const mlflowRun = await arm.mlflow(workspace).getRun(jobName, signal);
        const error = run.status === 'Failed' ? (await history.getRunDetails(jobName, signal)).error : undefined;
        return { run, mlflowRun, error };
      })(),
    ]);
    this.resource = resource;
    return {
      overview: toOverview(this.job, resource, run, mlflowRun, error),
      latestMetrics: mlflowRun.latestMetrics,
    };
  }

  async history(key: string, signal: AbortSignal): Promise<MetricPoint[]> {
    const arm = await this.options.arm();
    return arm.mlflow(this.job.workspace).getMetricHistory(this.job.jobName, key, signal);
  }

  showLogs(): void {
    this.options.showLogs(this.job);
  }
}

class JobDetailsPanel implements JobDetailsView, vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly posted: Envelope<ToJobDetails>[] = [];
  readonly received: Envelope<FromJobDetails>[] = [];
  private readonly host: WebviewHost<ToJobDetails, FromJobDetails>;
  private readonly watcher: Watcher<{ poll(): Promise<{ changed: boolean; finished: boolean }> }>;
  private readonly controller = new AbortController();
  private readonly series = new Map<string, MetricPoint[]>();
  /** Each series as the page draws it, made when its points arrive, so a page that opens gets it at once. */
  private readonly drawnSeries = new Map<string, MetricSeries>();
  /** The latest point of each metric as last read, so unchanged histories are not read again. */
  private readonly latestSeen = new Map<string, string>();
  private overview: JobOverview | undefined;
  private reading: Promise<{ changed: boolean; finished: boolean }> | undefined;
  private disposed = false;
  private errorShown = false;

  constructor(
    readonly source: JobDetailsSource,
    private readonly options: JobDetailsOptions,
    private readonly onDisposed: () => void,
  ) {
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, source.title, vscode.ViewColumn.Active, {
      enableFindWidget: true,
    });
    this.host = new WebviewHost<ToJobDetails, FromJobDetails>(this.panel.webview, {
      extensionUri: options.extensionUri,
      bundle: BUNDLE,
      stylesheets: [`${BUNDLE}.css`],
      // The page draws as soon as it opens; fetching its files first would only delay that.
      title: source.title,
      accepts: jobDetailsMessageNames.fromWebview,
      onFault: options.onFault,
    });
    const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVALS;
    this.watcher = new Watcher({
      // Read each round, so a panel brought into view polls faster from its next round on.
      baseIntervalMs: () => (this.panel.visible ? interval.visibleBaseMs : interval.baseMs),
      maxIntervalMs: () => (this.panel.visible ? interval.visibleMaxMs : interval.maxMs),
      onUpdate: () => undefined,
      onError: (error) => this.showLoadError(error),
    });
    // A page that (re)loads has nothing: it gets the whole state, and deltas only after that.
    this.host.onReady(() => this.sendEverything());
    this.host.onMessage((message) => this.onPageMessage(message));
    this.panel.onDidDispose(() => this.dispose());
    void this.read().then(
      ({ finished }) => {
        if (!finished && !this.disposed) this.watcher.watch(source.key, { poll: () => this.read() });
      },
      (error: unknown) => {
        this.showLoadError(error);
        // A first read that failed is tried again on the same schedule as a running job.
        if (!this.disposed) this.watcher.watch(source.key, { poll: () => this.read() });
      },
    );
  }

  get live(): boolean {
    return this.watcher.size > 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.controller.abort();
    this.watcher.dispose();
    this.host.dispose();
    this.onDisposed();
  }

  private onPageMessage(message: Envelope<FromJobDetails>): void {
    keep(this.received, message);
    switch (message.type) {
      case 'refresh':
        void this.read().then(
          ({ finished }) => {
            if (!finished && !this.disposed && !this.live)
              this.watcher.watch(this.source.key, { poll: () => this.read() });
          },
          (error: unknown) => this.showLoadError(error),
        );
        break;
      case 'showLogs':
        this.source.showLogs();
        break;
      case 'addToComparison':
        this.options.addToComparison(this.source.job ?? this.source);
        break;
      case 'rendered':
        break;
    }
  }

  private post<K extends keyof ToJobDetails & string>(type: K, payload: ToJobDetails[K]): void {
    if (this.disposed) return;
    keep(this.posted, { type, payload } as Envelope<ToJobDetails>);
    this.host.post(type, payload);
  }

  private sendEverything(): void {
    if (this.overview) this.post('overview', this.overview);
    this.post('metrics', { series: [...this.drawnSeries.values()] });
  }

  private showLoadError(error: unknown): void {
    if (this.disposed || (error as { name?: string }).name === 'AbortError') return;
    this.errorShown = true;
    this.post('loadError', { message: (error as Error)?.message ?? String(error) });
  }

  /** One read at a time: a Refresh during a poll waits for that poll instead of racing it. */
  private read(): Promise<{ changed: boolean; finished: boolean }> {
    this.reading ??= this.readOnce().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Reads the job's status, params and metrics; sends the page what changed. */
  private async readOnce(): Promise<{ changed: boolean; finished: boolean }> {
    const signal = this.controller.signal;
    const { overview, latestMetrics } = await this.source.read(signal);
    const changedMetrics = latestMetrics
      .map((latest) => ({ key: latest.key, fingerprint: `${latest.step}/${latest.timestamp}/${latest.value}` }))
      .filter(({ key, fingerprint }) => this.latestSeen.get(key) !== fingerprint);
    // A few histories at a time: one after another, a job with many metrics opens seconds later.
    const histories = await mapWithLimit(changedMetrics, HISTORY_READS_AT_ONCE, async (metric) => ({
      ...metric,
      points: await this.source.history(metric.key, signal),
    }));
    if (this.disposed) return { changed: false, finished: true };

    // The state changes only here, with no wait before the messages below: a page that gets ready while
    // the histories are read receives them whole on its ready, or as points now, never both.
    const newPoints: MetricSeries[] = [];
    for (const { key, fingerprint, points } of histories) {
      const known = this.series.get(key) ?? [];
      // Histories only grow, so what lies past the points already sent is new.
      const added = points.slice(known.length);
      const all = [...known, ...added];
      this.series.set(key, all);
      this.latestSeen.set(key, fingerprint);
      if (added.length > 0 || !this.drawnSeries.has(key)) this.drawnSeries.set(key, toColumns(key, all));
      if (added.length > 0) newPoints.push(toColumns(key, added));
    }

    const overviewChanged = JSON.stringify(overview) !== JSON.stringify(this.overview);
    this.overview = overview;
    if (this.errorShown) {
      this.errorShown = false;
      this.post('loadError', null);
    }
    // Before the page is ready, the whole state goes out on its ready; deltas now would arrive twice.
    if (this.host.isReady) {
      if (newPoints.length > 0) this.post('metricPoints', { series: newPoints });
      if (overviewChanged) this.post('overview', overview);
    }
    if (overviewChanged) this.panel.title = `Job ${overview.displayName ?? overview.jobName}`;
    return { changed: overviewChanged || newPoints.length > 0, finished: !overview.active };
  }
}

/** Points as the page's columns; a history longer than a chart can show is thinned first. */
function toColumns(key: string, points: readonly MetricPoint[]): MetricSeries {
  const drawn = thinForChart(points, MAX_DRAWN_POINTS);
  return {
    key,
    steps: drawn.map((point) => point.step),
    values: drawn.map((point) => point.value),
    timestamps: drawn.map((point) => point.timestamp),
    ...(drawn.length < points.length ? { total: points.length } : {}),
  };
}

/** `map` over `items` with at most `limit` calls under way; results in the order of `items`. */
async function mapWithLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_MESSAGES) list.splice(0, list.length - KEPT_MESSAGES);
}

function toOverview(
  job: JobTarget,
  resource: Record<string, unknown>,
  run: { status: string; createdUtc?: string; startTimeUtc?: string; endTimeUtc?: string; target?: string },
  mlflowRun: { params: Record<string, string>; tags: Record<string, string> },
  error: RunError | undefined,
): JobOverview {
  const properties = (resource.properties ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const computeId = text(properties.computeId);
  const jobTags = Object.entries((properties.tags ?? {}) as Record<string, unknown>).map(([key, value]) => ({
    key,
    value: String(value),
  }));
  // MLflow's own bookkeeping tags (run name, source, user) say nothing the page does not show already.
  const trackedTags = Object.entries(mlflowRun.tags)
    .filter(([key]) => !key.startsWith('mlflow.') && !jobTags.some((tag) => tag.key === key))
    .map(([key, value]) => ({ key, value }));
  return {
    jobName: job.jobName,
    displayName: text(properties.displayName),
    experimentName: text(properties.experimentName),
    jobType: text(properties.jobType),
    workspaceName: job.workspace.name,
    status: run.status,
    active: isActiveStatus(run.status),
    createdUtc: run.createdUtc,
    startTimeUtc: run.startTimeUtc,
    endTimeUtc: run.endTimeUtc,
    compute: run.target ?? (computeId ? computeId.slice(computeId.lastIndexOf('/') + 1) : undefined),
    inputs: ports(properties.inputs, 'jobInputType'),
    outputs: ports(properties.outputs, 'jobOutputType'),
    params: sortedByKey(Object.entries(mlflowRun.params).map(([key, value]) => ({ key, value }))),
    tags: sortedByKey([...jobTags, ...trackedTags]),
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  };
}

function ports(value: unknown, typeField: 'jobInputType' | 'jobOutputType'): JobPort[] {
  return Object.entries((value ?? {}) as Record<string, Record<string, unknown> | null>).map(([name, port]) => {
    const type = typeof port?.[typeField] === 'string' ? (port[typeField] as string) : undefined;
    const target = port?.uri ?? port?.value ?? port?.assetName;
    const mode = typeof port?.mode === 'string' ? ` (${port.mode})` : '';
    return {
      name,
      type,
      value:
        target === undefined || target === null
          ? type === 'literal'
            ? ''
            : 'default location'
          : `${String(target)}${mode}`,
    };
  });
}

function sortedByKey(entries: KeyValue[]): KeyValue[] {
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}
