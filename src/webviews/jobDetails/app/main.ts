import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../../app/panel.css';
import './jobDetails.css';
import { connectToHost } from '../../app/hostConnection';
import {
  jobDetailsMessageNames,
  type FromJobDetails,
  type JobOverview,
  type JobPort,
  type KeyValue,
  type MetricSeries,
  type ToJobDetails,
} from '../contract';
import { button, element } from '../../app/dom';

/** The theme's chart colours in turn, one per metric; the fallbacks are VS Code's own defaults. */
const SERIES_COLOURS: Array<[variable: string, fallback: string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];
const CHART_HEIGHT = 220;
/** Tick spacings for the x axis: 1, 2, 5, 10, 20, 50… */
const WHOLE_NUMBER_TICKS = Array.from({ length: 24 }, (_, index) => [1, 2, 5][index % 3] * 10 ** Math.floor(index / 3));

/** One metric's chart and what it has drawn; the columns grow as `metricPoints` arrive. */
interface Chart {
  key: string;
  steps: number[];
  values: number[];
  timestamps: number[];
  /** Points the metric has: more than the columns hold once a long history was thinned for drawing. */
  pointCount: number;
  section: HTMLElement;
  canvasHolder: HTMLElement;
  summary: HTMLElement;
  plot?: uPlot;
}

const charts = new Map<string, Chart>();
const app = document.getElementById('app') ?? document.body;
app.innerHTML = '';

const header = element('header', 'job-header');
const title = element('h1');
const statusLine = element('p', 'status-line');
statusLine.setAttribute('role', 'status');
const problem = element('p', 'load-error');
problem.setAttribute('role', 'alert');
problem.hidden = true;
const toolbar = element('div', 'toolbar');
const refreshButton = button('Refresh', () => host.post('refresh', null));
const logsButton = button('Show Logs', () => host.post('showLogs', null));
const compareButton = button('Add to Comparison', () => host.post('addToComparison', null));
toolbar.append(refreshButton, logsButton, compareButton);
header.append(title, statusLine, toolbar, problem);

const errorSection = element('section', 'job-error');
errorSection.hidden = true;
const overviewSection = element('section', 'overview');
const metricsSection = element('section', 'metrics');
const metricsHeading = element('h2', undefined, 'Metrics');
const metricsEmpty = element('p', 'empty', 'No metrics logged yet.');
const chartList = element('div', 'chart-list');
metricsSection.append(metricsHeading, metricsEmpty, chartList);
app.append(header, errorSection, overviewSection, metricsSection);

const host = connectToHost<ToJobDetails, FromJobDetails>({
  accepts: jobDetailsMessageNames.toWebview,
  onMessage: (message) => {
    switch (message.type) {
      case 'overview':
        showOverview(message.payload);
        break;
      case 'metrics':
        replaceMetrics(message.payload.series);
        break;
      case 'metricPoints':
        addPoints(message.payload.series);
        break;
      case 'loadError':
        problem.hidden = message.payload === null;
        problem.textContent = message.payload ? `Could not refresh: ${message.payload.message}` : '';
        break;
    }
  },
});

function showOverview(job: JobOverview): void {
  title.textContent = job.displayName && job.displayName !== job.jobName ? `${job.displayName}` : job.jobName;
  document.title = `Job ${job.jobName}`;
  statusLine.replaceChildren(statusBadge(job.status), document.createTextNode(job.active ? ' · updating live' : ''));

  errorSection.hidden = !job.error;
  errorSection.replaceChildren();
  if (job.error) {
    errorSection.append(
      element('h2', undefined, job.error.code ? `Error: ${job.error.code}` : 'Error'),
      element('pre', 'error-message', job.error.message),
    );
  }

  const facts: KeyValue[] = [
    { key: 'Name', value: job.jobName },
    { key: 'Experiment', value: job.experimentName ?? '' },
    { key: 'Type', value: job.jobType ?? '' },
    { key: 'Workspace', value: job.workspaceName },
    { key: 'Compute', value: job.compute ?? '' },
    { key: 'Created', value: formatTime(job.createdUtc) },
    { key: 'Started', value: formatTime(job.startTimeUtc) },
    { key: 'Ended', value: formatTime(job.endTimeUtc) },
    { key: 'Duration', value: duration(job) },
  ].filter((fact) => fact.value !== '');
  overviewSection.replaceChildren(
    element('h2', undefined, 'Overview'),
    definitionList(facts),
    portTable('Inputs', job.inputs),
    portTable('Outputs', job.outputs),
    keyValueTable('Parameters', job.params),
    keyValueTable('Tags', job.tags),
  );
}

function statusBadge(status: string): HTMLElement {
  const badge = element('span', `status status-${status.toLowerCase()}`, status);
  return badge;
}

function replaceMetrics(series: MetricSeries[]): void {
  for (const chart of charts.values()) chart.plot?.destroy();
  charts.clear();
  chartList.replaceChildren();
  addPoints(series);
}

function addPoints(series: MetricSeries[]): void {
  const changed: Chart[] = [];
  for (const { key, steps, values, timestamps, total } of series) {
    let chart = charts.get(key);
    if (!chart) {
      chart = createChart(key);
      charts.set(key, chart);
      insertInOrder(chart);
    }
    append(chart.steps, steps);
    append(chart.values, values);
    append(chart.timestamps, timestamps);
    chart.pointCount += total ?? values.length;
    changed.push(chart);
  }
  metricsEmpty.hidden = charts.size > 0;
  // The width is read once, after every new section is in place: read between insertions, each read would
  // lay the page out again.
  const width = chartWidth();
  for (const chart of changed) drawChart(chart, width);
  host.post('rendered', {
    charts: [...charts.values()].map((chart) => ({ key: chart.key, points: chart.pointCount })),
  });
}

/** `push(...added)` passes every point as an argument, which a long history overflows. */
function append(target: number[], added: readonly number[]): void {
  for (const value of added) target.push(value);
}

function createChart(key: string): Chart {
  const section = element('section', 'chart');
  const headingId = `metric-${charts.size}-heading`;
  const summaryId = `metric-${charts.size}-summary`;
  const heading = element('h3', undefined, key);
  heading.id = headingId;
  const canvasHolder = element('div', 'chart-canvas');
  // The drawing is a picture: the heading names it and the summary says what it shows in words.
  canvasHolder.setAttribute('role', 'img');
  canvasHolder.setAttribute('aria-labelledby', headingId);
  canvasHolder.setAttribute('aria-describedby', summaryId);
  canvasHolder.tabIndex = 0;
  const summary = element('p', 'chart-summary');
  summary.id = summaryId;
  section.append(heading, canvasHolder, summary);
  return { key, steps: [], values: [], timestamps: [], pointCount: 0, section, canvasHolder, summary };
}

/** Charts in alphabetical order of their metric, so they keep their place as metrics appear. */
function insertInOrder(chart: Chart): void {
  const next = [...charts.values()]
    .filter((other) => other !== chart && other.key.localeCompare(chart.key) > 0)
    .sort((a, b) => a.key.localeCompare(b.key))[0];
  chartList.insertBefore(chart.section, next?.section ?? null);
}

function drawChart(chart: Chart, width: number): void {
  chart.summary.textContent = summarize(chart);
  const data = plotData(chart);
  if (chart.plot) {
    chart.plot.setData(data);
    return;
  }
  const colour = themeColour(SERIES_COLOURS[[...charts.keys()].indexOf(chart.key) % SERIES_COLOURS.length]);
  const foreground = themeColour(['--vscode-foreground', '#cccccc']);
  const grid = themeColour(['--vscode-editorWidget-border', 'rgba(128,128,128,0.35)']);
  const axis = { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  chart.plot = new uPlot(
    {
      width,
      height: CHART_HEIGHT,
      scales: { x: { time: false } },
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        // Steps and points are whole numbers: ticks at 0.5 would name places with no value.
        { ...axis, label: usesSteps(chart.steps) ? 'step' : 'point', incrs: WHOLE_NUMBER_TICKS },
        { ...axis, size: 60 },
      ],
      series: [
        { label: 'step' },
        { label: chart.key, stroke: colour, width: 2, points: { show: chart.values.length < 60 } },
      ],
    },
    data,
    chart.canvasHolder,
  );
}

/** x by step when the metric was logged with steps, else by order of logging; uPlot needs x ascending. */
function plotData({ steps, values }: Chart): uPlot.AlignedData {
  if (!usesSteps(steps)) return [values.map((_, index) => index + 1), values];
  if (isAscending(steps)) return [steps, values];
  // Steps are distinct here, so they alone give the order.
  const order = steps.map((_, index) => index).sort((a, b) => steps[a] - steps[b]);
  return [order.map((index) => steps[index]), order.map((index) => values[index])];
}

function usesSteps(steps: number[]): boolean {
  return new Set(steps).size === steps.length;
}

function isAscending(numbers: number[]): boolean {
  for (let index = 1; index < numbers.length; index++) if (numbers[index] < numbers[index - 1]) return false;
  return true;
}

function summarize({ steps, values, timestamps, pointCount }: Chart): string {
  if (values.length === 0) return 'No points yet.';
  // MLflow's latest: the highest step, then the newest timestamp.
  let latest = 0;
  let min = values[0];
  let max = values[0];
  for (let index = 1; index < values.length; index++) {
    if (steps[index] > steps[latest] || (steps[index] === steps[latest] && timestamps[index] >= timestamps[latest])) {
      latest = index;
    }
    min = Math.min(min, values[index]);
    max = Math.max(max, values[index]);
  }
  const count = pointCount === 1 ? '1 point' : `${pointCount} points`;
  return (
    `Last ${formatNumber(values[latest])} (step ${steps[latest]}), min ${formatNumber(min)}, ` +
    `max ${formatNumber(max)}; ${count}.`
  );
}

function chartWidth(): number {
  return Math.max(240, Math.min(720, chartList.clientWidth || document.body.clientWidth - 40));
}

function themeColour([variable, fallback]: [string, string]): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** The theme changed (VS Code swaps the body's classes): charts take its colours afresh. */
new MutationObserver(() => {
  const width = chartWidth();
  for (const chart of charts.values()) {
    chart.plot?.destroy();
    chart.plot = undefined;
    chart.canvasHolder.replaceChildren();
    drawChart(chart, width);
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    const width = chartWidth();
    for (const chart of charts.values()) chart.plot?.setSize({ width, height: CHART_HEIGHT });
  }, 100);
});

function portTable(heading: string, ports: JobPort[]): HTMLElement {
  return table(
    heading,
    ['Name', 'Type', 'Value'],
    ports.map((port) => [port.name, port.type ?? '', port.value]),
  );
}

function keyValueTable(heading: string, entries: KeyValue[]): HTMLElement {
  return table(
    heading,
    ['Name', 'Value'],
    entries.map((entry) => [entry.key, entry.value]),
  );
}

function table(heading: string, columns: string[], rows: string[][]): HTMLElement {
  const section = element('section', 'table-section');
  section.append(element('h3', undefined, heading));
  if (rows.length === 0) {
    section.append(element('p', 'empty', 'None.'));
    return section;
  }
  const tableElement = element('table');
  const head = element('tr');
  for (const column of columns) {
    const cell = element('th', undefined, column);
    cell.scope = 'col';
    head.append(cell);
  }
  tableElement.append(element('thead'), element('tbody'));
  tableElement.tHead!.append(head);
  for (const row of rows) {
    const line = element('tr');
    for (const value of row) line.append(element('td', undefined, value));
    tableElement.tBodies[0].append(line);
  }
  section.append(tableElement);
  return section;
}

function definitionList(facts: KeyValue[]): HTMLElement {
  const list = element('dl', 'facts');
  for (const fact of facts) list.append(element('dt', undefined, fact.key), element('dd', undefined, fact.value));
  return list;
}

function formatTime(utc: string | undefined): string {
  if (!utc) return '';
  const date = new Date(utc);
  return Number.isNaN(date.getTime()) ? utc : date.toLocaleString();
}

function duration(job: JobOverview): string {
  if (!job.startTimeUtc) return '';
  const start = Date.parse(job.startTimeUtc);
  const end = job.endTimeUtc ? Date.parse(job.endTimeUtc) : Date.now();
  if (Number.isNaN(start) || Number.isNaN(end)) return '';
  const seconds = Math.max(0, Math.round((end - start) / 1000));
  const text =
    seconds < 60
      ? `${seconds}s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`
        : `${Math.floor(seconds / 3600)}h ${String(Math.floor(seconds / 60) % 60).padStart(2, '0')}m`;
  return job.endTimeUtc ? text : `${text} so far`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(5)));
}
