import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../../app/panel.css';
import './runComparison.css';
import { connectToHost } from '../../app/hostConnection';
import {
  runComparisonMessageNames,
  type ComparedRunSummary,
  type ComparisonState,
  type FromRunComparison,
  type RunMetricSeries,
  type SortDirection,
  type TableCell,
  type TableColumn,
  type ToRunComparison,
} from '../contract';
import { button, element } from '../../app/dom';

type Point = RunMetricSeries['points'][number];

/** The theme's chart colours, one per run; the fallbacks are VS Code's own defaults. */
const RUN_COLOURS: Array<[variable: string, fallback: string]> = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];
/** Past the palette, runs are told apart by dashes as well as colour. */
const DASHES: Array<number[] | undefined> = [undefined, [6, 4], [2, 3]];
const CHART_HEIGHT = 220;

/** One metric's chart: every run's points of it, overlaid on one step axis. */
interface Chart {
  key: string;
  points: Map<string, Point[]>;
  section: HTMLElement;
  canvasHolder: HTMLElement;
  summary: HTMLElement;
  plot?: uPlot;
  /** The runs the plot was built for, in series order; another set needs a new plot. */
  plottedRuns?: string;
}

const charts = new Map<string, Chart>();
let state: ComparisonState = { runs: [], columns: [], rows: [], sort: null };
const app = document.getElementById('app') ?? document.body;
app.innerHTML = '';

const header = element('header', 'comparison-header');
const title = element('h1', undefined, 'Run comparison');
const statusLine = element('p', 'status-line');
statusLine.setAttribute('role', 'status');
const problem = element('p', 'load-error');
problem.setAttribute('role', 'alert');
problem.hidden = true;
const toolbar = element('div', 'toolbar');
const exportButton = button('Export CSV', () => host.post('exportCsv', null));
toolbar.append(exportButton);
header.append(title, statusLine, toolbar, problem);

const runsSection = element('section', 'runs');
const runsHeading = element('h2', undefined, 'Runs');
runsHeading.id = 'runs-heading';
const legend = element('ul', 'legend');
legend.setAttribute('aria-labelledby', runsHeading.id);
runsSection.append(runsHeading, legend);

const metricsSection = element('section', 'metrics');
const metricsEmpty = element('p', 'empty', 'None of these runs logged metrics yet.');
const chartList = element('div', 'chart-list');
metricsSection.append(element('h2', undefined, 'Metrics'), metricsEmpty, chartList);

const tableSection = element('section', 'table-section');
const tableHeading = element('h2', undefined, 'Parameters and final metrics');
const tableNote = element(
  'p',
  'note',
  'Highlighted columns, marked ≠, differ between runs. Choose a column heading to sort by it.',
);
const tableHolder = element('div', 'table-holder');
tableSection.append(tableHeading, tableNote, tableHolder);
app.append(header, runsSection, metricsSection, tableSection);

const host = connectToHost<ToRunComparison, FromRunComparison>({
  accepts: runComparisonMessageNames.toWebview,
  onMessage: (message) => {
    switch (message.type) {
      case 'comparison':
        showComparison(message.payload);
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

function showComparison(next: ComparisonState): void {
  const runsChanged = runsKey(next.runs) !== runsKey(state.runs);
  state = next;
  const live = next.runs.some((run) => run.active);
  const count = next.runs.length === 1 ? '1 run' : `${next.runs.length} runs`;
  statusLine.textContent = `${count}${live ? ' · updating live' : ''}`;
  exportButton.disabled = next.runs.length === 0;
  showLegend(next.runs);
  showTable(next);
  // A removed run leaves the charts; a renamed or recoloured one redraws them.
  if (runsChanged) for (const chart of charts.values()) redraw(chart);
  report();
}

function runsKey(runs: ComparedRunSummary[]): string {
  return JSON.stringify(runs.map((run) => [run.id, run.colour, run.displayName]));
}

function runLabel(run: ComparedRunSummary | undefined, runId: string): string {
  if (!run) return runId;
  return run.displayName && run.displayName !== run.name ? `${run.displayName} (${run.name})` : run.name;
}

function showLegend(runs: ComparedRunSummary[]): void {
  legend.replaceChildren(
    ...runs.map((run) => {
      const item = element('li', 'legend-item');
      const swatch = element('span', 'swatch');
      swatch.style.borderColor = colourOf(run);
      swatch.style.borderTopStyle = dashOf(run) ? 'dashed' : 'solid';
      swatch.setAttribute('aria-hidden', 'true');
      const label = element('span', 'legend-label', runLabel(run, run.id));
      const status = element('span', `status status-${run.status.toLowerCase()}`, run.status);
      const remove = button('Remove', () => host.post('remove', { runId: run.id }));
      remove.setAttribute('aria-label', `Remove ${runLabel(run, run.id)} from the comparison`);
      item.append(swatch, label, status, remove);
      return item;
    }),
  );
}

function showTable(comparison: ComparisonState): void {
  if (comparison.rows.length === 0) {
    tableHolder.replaceChildren(element('p', 'empty', 'No runs to compare. Add runs from the Jobs view.'));
    return;
  }
  const focusedColumn = (document.activeElement as HTMLElement | null)?.dataset?.column;
  const table = element('table', 'comparison');
  const head = element('tr');
  comparison.columns.forEach((column) => head.append(headerCell(column, comparison.sort)));
  const body = element('tbody');
  const runs = new Map(comparison.runs.map((run) => [run.id, run]));
  for (const row of comparison.rows) {
    const line = element('tr');
    line.dataset.run = row.runId;
    row.cells.forEach((value, index) => {
      const column = comparison.columns[index];
      const cell = element(column.kind === 'run' ? 'th' : 'td', column.differs ? 'differs' : undefined);
      if (column.kind === 'run') {
        cell.scope = 'row';
        cell.textContent = runLabel(runs.get(row.runId), row.runId);
      } else {
        cell.textContent = formatCell(value);
        if (value === null) cell.append(hiddenText('missing'));
        if (typeof value === 'number') cell.classList.add('number');
      }
      line.append(cell);
    });
    body.append(line);
  }
  table.append(element('thead'), body);
  table.tHead!.append(head);
  tableHolder.replaceChildren(table);
  // Sorting rebuilds the table; the header that was chosen keeps the focus.
  if (focusedColumn)
    tableHolder.querySelector<HTMLElement>(`button[data-column="${CSS.escape(focusedColumn)}"]`)?.focus();
}

function headerCell(column: TableColumn, sort: ComparisonState['sort']): HTMLElement {
  const cell = element('th', column.differs ? 'differs' : undefined);
  cell.scope = 'col';
  const sorted = sort?.columnId === column.id ? sort.direction : undefined;
  cell.setAttribute('aria-sort', sorted ?? 'none');
  const kind = { run: '', status: '', param: 'param', metric: 'metric', tag: 'tag' }[column.kind];
  const sortButton = element('button', 'sort');
  sortButton.type = 'button';
  sortButton.dataset.column = column.id;
  if (kind) sortButton.append(element('span', 'column-kind', kind));
  sortButton.append(
    document.createTextNode(column.kind === 'run' ? 'Run' : column.kind === 'status' ? 'Status' : column.key),
  );
  if (column.differs) {
    const mark = element('span', 'differs-mark', ' ≠');
    mark.setAttribute('aria-hidden', 'true');
    sortButton.append(mark, hiddenText('(differs between runs)'));
  }
  const arrow = element('span', 'sort-arrow', sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : '');
  arrow.setAttribute('aria-hidden', 'true');
  sortButton.append(arrow);
  // A button already answers Enter and Space with a click.
  sortButton.addEventListener('click', () => {
    const direction: SortDirection = sorted === 'ascending' ? 'descending' : 'ascending';
    host.post('sort', { columnId: column.id, direction });
  });
  cell.append(sortButton);
  return cell;
}

function hiddenText(text: string): HTMLElement {
  return element('span', 'visually-hidden', ` ${text}`);
}

function formatCell(value: TableCell): string {
  if (value === null) return '—';
  return typeof value === 'number' ? formatNumber(value) : value;
}

function replaceMetrics(series: RunMetricSeries[]): void {
  for (const chart of charts.values()) chart.plot?.destroy();
  charts.clear();
  chartList.replaceChildren();
  addPoints(series);
}

function addPoints(series: RunMetricSeries[]): void {
  const touched = new Set<Chart>();
  for (const { runId, key, points } of series) {
    let chart = charts.get(key);
    if (!chart) {
      chart = createChart(key);
      charts.set(key, chart);
      insertInOrder(chart);
    }
    const known = chart.points.get(runId) ?? [];
    known.push(...points);
    chart.points.set(runId, known);
    touched.add(chart);
  }
  for (const chart of touched) redraw(chart);
  report();
}

function report(): void {
  metricsEmpty.hidden = charts.size > 0;
  host.post('rendered', {
    // In the order the page shows them: alphabetical by metric.
    charts: [...charts.values()]
      .sort((a, b) => a.key.localeCompare(b.key))
      .map((chart) => ({
        key: chart.key,
        series: plottedRuns(chart).map((run) => ({ runId: run.id, points: chart.points.get(run.id)?.length ?? 0 })),
      })),
    rows: [...tableHolder.querySelectorAll<HTMLElement>('tbody tr')].map((row) => row.dataset.run ?? ''),
    sort: sortShown(),
    differing: [...tableHolder.querySelectorAll<HTMLElement>('thead th.differs button')].map(
      (header) => header.dataset.column ?? '',
    ),
  });
}

/** The sort the table's headers announce, read back from aria-sort. */
function sortShown(): { columnId: string; direction: SortDirection } | null {
  const header = tableHolder.querySelector<HTMLElement>(
    'thead th[aria-sort="ascending"], thead th[aria-sort="descending"]',
  );
  const columnId = header?.querySelector<HTMLElement>('button')?.dataset.column;
  return header && columnId ? { columnId, direction: header.getAttribute('aria-sort') as SortDirection } : null;
}

/** The compared runs that have points of this chart's metric, in the legend's order. */
function plottedRuns(chart: Chart): ComparedRunSummary[] {
  return state.runs.filter((run) => (chart.points.get(run.id)?.length ?? 0) > 0);
}

function createChart(key: string): Chart {
  const section = element('section', 'chart');
  const index = charts.size;
  const heading = element('h3', undefined, key);
  heading.id = `metric-${index}-heading`;
  const canvasHolder = element('div', 'chart-canvas');
  // The drawing is a picture: the heading names it and the summary says what it shows in words.
  canvasHolder.setAttribute('role', 'img');
  canvasHolder.setAttribute('aria-labelledby', heading.id);
  const summary = element('p', 'chart-summary');
  summary.id = `metric-${index}-summary`;
  canvasHolder.setAttribute('aria-describedby', summary.id);
  canvasHolder.tabIndex = 0;
  section.append(heading, canvasHolder, summary);
  return { key, points: new Map(), section, canvasHolder, summary };
}

/** Charts in alphabetical order of their metric, so they keep their place as metrics appear. */
function insertInOrder(chart: Chart): void {
  const next = [...charts.values()]
    .filter((other) => other !== chart && other.key.localeCompare(chart.key) > 0)
    .sort((a, b) => a.key.localeCompare(b.key))[0];
  chartList.insertBefore(chart.section, next?.section ?? null);
}

function redraw(chart: Chart): void {
  const runs = plottedRuns(chart);
  chart.summary.textContent = summarize(chart, runs);
  const data = alignedData(chart, runs);
  const plottedKey = runsKey(runs);
  if (chart.plot && chart.plottedRuns === plottedKey) {
    chart.plot.setData(data);
    return;
  }
  chart.plot?.destroy();
  chart.canvasHolder.replaceChildren();
  chart.plottedRuns = plottedKey;
  const foreground = themeColour(['--vscode-foreground', '#cccccc']);
  const grid = themeColour(['--vscode-editorWidget-border', 'rgba(128,128,128,0.35)']);
  const axis = { stroke: foreground, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const byStep = runs.every((run) => usesSteps(chart.points.get(run.id) ?? []));
  chart.plot = new uPlot(
    {
      width: chartWidth(chart),
      height: CHART_HEIGHT,
      scales: { x: { time: false } },
      // The page's own legend names the runs for every chart at once.
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { ...axis, label: byStep ? 'step' : 'point' },
        { ...axis, size: 60 },
      ],
      series: [
        { label: 'step' },
        ...runs.map((run) => ({
          label: runLabel(run, run.id),
          stroke: colourOf(run),
          dash: dashOf(run),
          width: 2,
          spanGaps: true,
          points: { show: (chart.points.get(run.id)?.length ?? 0) < 60 },
        })),
      ],
    },
    data,
    chart.canvasHolder,
  );
}

/**
 * One x axis for every run: the union of their steps (or, for a metric logged without steps, the order
 * of logging), each run's values on it with gaps where it logged nothing. uPlot needs x ascending.
 */
function alignedData(chart: Chart, runs: ComparedRunSummary[]): uPlot.AlignedData {
  const byStep = runs.every((run) => usesSteps(chart.points.get(run.id) ?? []));
  const perRun = runs.map((run) => {
    const points = chart.points.get(run.id) ?? [];
    const values = new Map<number, number>();
    if (byStep) for (const point of points) values.set(point.step, point.value);
    else points.forEach((point, index) => values.set(index + 1, point.value));
    return values;
  });
  const xs = [...new Set(perRun.flatMap((values) => [...values.keys()]))].sort((a, b) => a - b);
  return [xs, ...perRun.map((values) => xs.map((x) => values.get(x) ?? null))];
}

function usesSteps(points: Point[]): boolean {
  return new Set(points.map((point) => point.step)).size === points.length;
}

/** Each run's last value, min and max, in words, for those who cannot see the chart. */
function summarize(chart: Chart, runs: ComparedRunSummary[]): string {
  if (runs.length === 0) return 'No points yet.';
  return runs
    .map((run) => {
      const points = chart.points.get(run.id) ?? [];
      const latest = points.reduce((best, point) =>
        point.step > best.step || (point.step === best.step && point.timestamp >= best.timestamp) ? point : best,
      );
      const values = points.map((point) => point.value);
      return (
        `${runLabel(run, run.id)}: last ${formatNumber(latest.value)} (step ${latest.step}), ` +
        `min ${formatNumber(Math.min(...values))}, max ${formatNumber(Math.max(...values))}`
      );
    })
    .join('; ')
    .concat('.');
}

function colourOf(run: ComparedRunSummary): string {
  return themeColour(RUN_COLOURS[run.colour % RUN_COLOURS.length]);
}

function dashOf(run: ComparedRunSummary): number[] | undefined {
  return DASHES[Math.floor(run.colour / RUN_COLOURS.length) % DASHES.length];
}

/** The chart's share of the row: two side by side where the panel is wide enough. */
function chartWidth(chart: Chart): number {
  return Math.max(240, Math.min(560, chart.section.clientWidth || document.body.clientWidth - 40));
}

function themeColour([variable, fallback]: [string, string]): string {
  return getComputedStyle(document.body).getPropertyValue(variable).trim() || fallback;
}

/** The theme changed (VS Code swaps the body's classes): charts and legend take its colours afresh. */
new MutationObserver(() => {
  showLegend(state.runs);
  for (const chart of charts.values()) {
    chart.plot?.destroy();
    chart.plot = undefined;
    redraw(chart);
  }
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const chart of charts.values()) chart.plot?.setSize({ width: chartWidth(chart), height: CHART_HEIGHT });
  }, 100);
});

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(3)
    : String(Number(value.toPrecision(5)));
}
