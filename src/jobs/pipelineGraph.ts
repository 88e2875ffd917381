// The pipeline graph panel: a pipeline's steps and bindings, from a YAML file as it is edited or from a
// submitted job whose step statuses it follows until the pipeline ends.
import vscode = require('vscode');
import * as path from 'node:path';
import type { AzureMlArm } from '../core/azure/armClient';
import { isActiveStatus } from '../core/azure/jobStatus';
import { workspaceId } from '../core/azure/resourceIds';
import type { RunInfo } from '../core/azure/runHistory';
import {
  layoutPipeline,
  notStartedStatus,
  pipelineStructure,
  statusLook,
  type PipelineStructure,
} from '../core/jobs/pipelineGraph';
import { loadYaml } from '../core/lazy/load';
import { Watcher } from '../core/watch';
import { WebviewHost } from '../platform/webview/webviewHost';
import type { Envelope, MessageFault } from '../webviews/messaging';
import {
  pipelineGraphMessageNames,
  type FromPipelineGraph,
  type StepStatus,
  type ToPipelineGraph,
} from '../webviews/pipelineGraph/contract';
import type { JobTarget } from './logChannel';

const VIEW_TYPE = 'azureml.pipelineGraph';
const BUNDLE = 'pipelineGraph';
/** What a test or a bug report may need of the conversation; older messages are let go. */
const KEPT_MESSAGES = 2000;

export interface PipelineGraphOptions {
  extensionUri: vscode.Uri;
  arm: () => Promise<AzureMlArm>;
  /** Opens a step's own details (a step is a job of its own, named by its run id). */
  openStepDetails: (step: JobTarget) => void;
  onFault: (fault: MessageFault) => void;
  pollIntervalMs?: { baseMs: number; maxMs: number };
  /** How long typing must pause before the graph of an edited file is drawn again. */
  editDebounceMs?: number;
}

/** One open graph, and what went to and came from its page (tests read both). */
export interface PipelineGraphView {
  readonly source: 'file' | 'job';
  readonly panel: vscode.WebviewPanel;
  readonly posted: readonly Envelope<ToPipelineGraph>[];
  readonly received: readonly Envelope<FromPipelineGraph>[];
  /** Takes a message as if the page had posted it, through the same contract check (tests click a step so). */
  fromPage(message: Envelope<FromPipelineGraph>): void;
  /** Whether the panel still polls the job. */
  readonly live: boolean;
}

interface GraphSource {
  readonly kind: 'file' | 'job';
  /** The structure and title; throws what the page should say when it cannot be read. */
  readStructure(): Promise<{ title: string; structure: PipelineStructure }>;
  /** Every step's status and run; `finished` once nothing can change. */
  readStatuses(): Promise<{ steps: Map<string, RunInfo | undefined>; finished: boolean }>;
  openStep(name: string, runId: string | undefined): void;
}

/** The graphs open, one per file or job. */
export class PipelineGraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, PipelineGraphPanel>();

  constructor(private readonly options: PipelineGraphOptions) {}

  showJob(job: JobTarget): PipelineGraphView {
    const key = `${workspaceId(job.workspace)}/jobs/${job.jobName}`.toLowerCase();
    return this.open(key, () => new JobSource(job, this.options));
  }

  showFile(document: vscode.TextDocument): PipelineGraphView {
    return this.open(document.uri.toString(), () => new FileSource(document));
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.panel.dispose();
    this.panels.clear();
  }

  private open(key: string, source: () => GraphSource): PipelineGraphView {
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = new PipelineGraphPanel(source(), this.options, () => this.panels.delete(key));
    this.panels.set(key, panel);
    return panel;
  }
}

class FileSource implements GraphSource {
  readonly kind = 'file';
  constructor(readonly document: vscode.TextDocument) {}

  async readStructure(): Promise<{ title: string; structure: PipelineStructure }> {
    const { parse } = await loadYaml();
    const fileName = path.basename(this.document.uri.path);
    let parsed: unknown;
    try {
      parsed = parse(this.document.getText());
    } catch (error) {
      throw new Error(`${fileName} is not valid YAML yet: ${(error as Error).message.split('\n')[0]}`);
    }
    return { title: `Pipeline ${fileName}`, structure: pipelineStructure(parsed) };
  }

  async readStatuses(): Promise<{ steps: Map<string, RunInfo | undefined>; finished: boolean }> {
    return { steps: new Map(), finished: true };
  }

  /** A step of a file has no run yet: its place in the YAML is what there is to open. */
  openStep(name: string): void {
    const lines = this.document.getText().split(/\r?\n/);
    const jobsLine = lines.findIndex((line) => /^jobs:\s*(#.*)?$/.test(line));
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const stepLine = lines.findIndex((line, index) => index > jobsLine && new RegExp(`^\\s+${escaped}:`).test(line));
    if (jobsLine < 0 || stepLine < 0) return;
    const position = new vscode.Position(stepLine, lines[stepLine].indexOf(name));
    void vscode.window.showTextDocument(this.document, {
      viewColumn: vscode.ViewColumn.One,
      selection: new vscode.Range(position, position.translate(0, name.length)),
    });
  }
}

class JobSource implements GraphSource {
  readonly kind = 'job';
  constructor(
    private readonly job: JobTarget,
    private readonly options: PipelineGraphOptions,
  ) {}

  async readStructure(): Promise<{ title: string; structure: PipelineStructure }> {
    const arm = await this.options.arm();
    const resource = await arm.getJob(this.job.workspace, this.job.jobName);
    const properties = (resource.properties ?? {}) as Record<string, unknown>;
    if (properties.jobType !== undefined && String(properties.jobType).toLowerCase() !== 'pipeline') {
      throw new Error(
        `Job ${this.job.jobName} is a ${String(properties.jobType)} job, not a pipeline: it has no steps.`,
      );
    }
    const displayName = typeof properties.displayName === 'string' ? properties.displayName : this.job.jobName;
    return { title: `Pipeline ${displayName}`, structure: pipelineStructure(properties) };
  }

  async readStatuses(): Promise<{ steps: Map<string, RunInfo | undefined>; finished: boolean }> {
    const history = (await this.options.arm()).runHistory(this.job.workspace);
    // The pipeline's own status first: once it has ended, the steps read after it are final too.
    const pipeline = await history.getRun(this.job.jobName);
    const steps = new Map<string, RunInfo | undefined>();
    let token: string | undefined;
    do {
      const page = await history.listChildRuns(this.job.jobName, token);
      for (const run of page.items) if (run.displayName) steps.set(run.displayName, run);
      token = page.continuationToken;
    } while (token);
    return { steps, finished: !isActiveStatus(pipeline.status) };
  }

  openStep(name: string, runId: string | undefined): void {
    if (runId) this.options.openStepDetails({ workspace: this.job.workspace, jobName: runId });
    else void vscode.window.showInformationMessage(`Step ${name} has not started yet: it has no details to show.`);
  }
}

class PipelineGraphPanel implements PipelineGraphView, vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly posted: Envelope<ToPipelineGraph>[] = [];
  readonly received: Envelope<FromPipelineGraph>[] = [];
  private readonly host: WebviewHost<ToPipelineGraph, FromPipelineGraph>;
  private readonly watcher: Watcher<{ poll(): Promise<{ changed: boolean; finished: boolean }> }>;
  private readonly subscriptions: vscode.Disposable[] = [];
  private graph: ToPipelineGraph['graph'] | undefined;
  private statuses: ToPipelineGraph['statuses'] | undefined;
  private runIds = new Map<string, string>();
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private reading: Promise<{ changed: boolean; finished: boolean }> | undefined;
  private disposed = false;
  private errorShown = false;

  constructor(
    private readonly graphSource: GraphSource,
    options: PipelineGraphOptions,
    private readonly onDisposed: () => void,
  ) {
    const title = 'Pipeline graph';
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, title, vscode.ViewColumn.Beside, {});
    this.host = new WebviewHost<ToPipelineGraph, FromPipelineGraph>(this.panel.webview, {
      extensionUri: options.extensionUri,
      bundle: BUNDLE,
      stylesheets: [`${BUNDLE}.css`],
      title,
      accepts: pipelineGraphMessageNames.fromWebview,
      onFault: options.onFault,
    });
    const interval = options.pollIntervalMs ?? { baseMs: 3000, maxMs: 15_000 };
    this.watcher = new Watcher({
      baseIntervalMs: () => interval.baseMs,
      maxIntervalMs: () => interval.maxMs,
      onUpdate: () => undefined,
      onError: (error) => this.showLoadError(error),
    });
    this.host.onReady(() => this.sendEverything());
    this.host.onMessage((message) => this.onPageMessage(message));
    this.panel.onDidDispose(() => this.dispose());
    const source = graphSource;
    if (source instanceof FileSource) {
      this.subscriptions.push(
        vscode.workspace.onDidChangeTextDocument((event) => {
          if (event.document !== source.document) return;
          clearTimeout(this.editTimer);
          this.editTimer = setTimeout(
            () => void this.read().catch((error: unknown) => this.showLoadError(error)),
            options.editDebounceMs ?? 300,
          );
        }),
      );
    }
    void this.read().then(
      ({ finished }) => {
        if (!finished && !this.disposed) this.watcher.watch('job', { poll: () => this.read() });
      },
      (error: unknown) => {
        this.showLoadError(error);
        if (!this.disposed && source.kind === 'job') this.watcher.watch('job', { poll: () => this.read() });
      },
    );
  }

  fromPage(message: Envelope<FromPipelineGraph>): void {
    this.host.receive(message);
  }

  get source(): 'file' | 'job' {
    return this.graphSource.kind;
  }

  get live(): boolean {
    return this.watcher.size > 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.editTimer);
    this.watcher.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
    this.host.dispose();
    this.onDisposed();
  }

  private onPageMessage(message: Envelope<FromPipelineGraph>): void {
    keep(this.received, message);
    if (message.type === 'openStep')
      this.graphSource.openStep(message.payload.name, this.runIds.get(message.payload.name));
  }

  private post<K extends keyof ToPipelineGraph & string>(type: K, payload: ToPipelineGraph[K]): void {
    if (this.disposed) return;
    keep(this.posted, { type, payload } as Envelope<ToPipelineGraph>);
    this.host.post(type, payload);
  }

  private sendEverything(): void {
    if (this.graph) this.post('graph', this.graph);
    if (this.statuses) this.post('statuses', this.statuses);
  }

  private showLoadError(error: unknown): void {
    if (this.disposed) return;
    this.errorShown = true;
    this.post('loadError', { message: (error as Error)?.message ?? String(error) });
  }

  /** One read at a time: an edit during a poll waits for that poll instead of racing it. */
  private read(): Promise<{ changed: boolean; finished: boolean }> {
    this.reading ??= this.readOnce().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readOnce(): Promise<{ changed: boolean; finished: boolean }> {
    // A job's structure does not change once submitted; a file's is read at every edit.
    const structure =
      this.graphSource.kind === 'file' || !this.graph ? await this.graphSource.readStructure() : undefined;
    const { steps, finished } = await this.graphSource.readStatuses();
    if (this.disposed) return { changed: false, finished: true };
    let graph = this.graph;
    if (structure) {
      const layout = layoutPipeline(structure.structure);
      graph = {
        title: structure.title,
        source: this.graphSource.kind,
        boxes: layout.nodes,
        arrows: layout.edges,
        width: layout.width,
        height: layout.height,
      };
    }
    const stepNames = (graph?.boxes ?? []).filter((box) => box.kind === 'step').map((box) => box.name);
    const statusList: StepStatus[] = stepNames.map((name) => {
      const status = steps.get(name)?.status ?? notStartedStatus;
      return { name, status, look: statusLook(status) };
    });
    this.runIds = new Map([...steps].flatMap(([name, run]) => (run ? [[name, run.runId] as [string, string]] : [])));
    const statuses = { steps: statusList, live: !finished };
    const graphChanged = JSON.stringify(graph) !== JSON.stringify(this.graph);
    const statusesChanged = graphChanged || JSON.stringify(statuses) !== JSON.stringify(this.statuses);
    this.graph = graph;
    this.statuses = statuses;
    if (this.errorShown) {
      this.errorShown = false;
      this.post('loadError', null);
    }
    if (graph) this.panel.title = graph.title;
    // Before the page is ready, the whole state goes out on its ready; sending now would arrive twice.
    if (this.host.isReady) {
      if (graphChanged && graph) this.post('graph', graph);
      if (statusesChanged) this.post('statuses', statuses);
    }
    return { changed: statusesChanged, finished };
  }
}

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEPT_MESSAGES) list.splice(0, list.length - KEPT_MESSAGES);
}
