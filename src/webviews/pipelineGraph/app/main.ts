import '../../app/panel.css';
import './pipelineGraph.css';
import { connectToHost } from '../../app/hostConnection';
import {
  pipelineGraphMessageNames,
  type FromPipelineGraph,
  type GraphArrow,
  type GraphBox,
  type StepStatus,
  type ToPipelineGraph,
} from '../contract';
import { element } from '../../app/dom';

const SVG = 'http://www.w3.org/2000/svg';
const LOOKS = ['look-passed', 'look-failed', 'look-running', 'look-notStarted'];

type Graph = ToPipelineGraph['graph'];

/** The drawn steps by name, so a status update changes them in place and keeps the focus. */
const steps = new Map<string, { group: SVGGElement; status: SVGTextElement }>();
let statuses = new Map<string, StepStatus>();
let arrowCount = 0;

const app = document.getElementById('app') ?? document.body;
app.innerHTML = '';
const title = element('h1');
const statusLine = element('p', 'status-line');
statusLine.setAttribute('role', 'status');
const problem = element('p', 'load-error');
problem.setAttribute('role', 'alert');
problem.hidden = true;
const holder = element('div', 'graph');
app.append(title, statusLine, problem, holder);

const host = connectToHost<ToPipelineGraph, FromPipelineGraph>({
  accepts: pipelineGraphMessageNames.toWebview,
  onMessage: (message) => {
    switch (message.type) {
      case 'graph':
        drawGraph(message.payload);
        break;
      case 'statuses':
        statuses = new Map(message.payload.steps.map((step) => [step.name, step]));
        for (const name of steps.keys()) showStatus(name);
        statusLine.textContent = summary(message.payload.steps, message.payload.live);
        break;
      case 'loadError':
        problem.hidden = message.payload === null;
        problem.textContent = message.payload ? message.payload.message : '';
        break;
    }
    reportRendered();
  },
});

function drawGraph(graph: Graph): void {
  const focused = [...steps].find(([, drawn]) => drawn.group === document.activeElement)?.[0];
  title.textContent = graph.title;
  document.title = graph.title;
  steps.clear();
  arrowCount = graph.arrows.length;
  const svg = svgElement('svg', {
    width: String(Math.ceil(graph.width)),
    height: String(Math.ceil(graph.height)),
    viewBox: `0 0 ${Math.ceil(graph.width)} ${Math.ceil(graph.height)}`,
    role: 'group',
    'aria-label': `${graph.title}: ${graph.boxes.filter((box) => box.kind === 'step').length} steps`,
  });
  const marker = svgElement('marker', {
    id: 'arrowhead',
    viewBox: '0 0 10 10',
    refX: '10',
    refY: '5',
    markerWidth: '8',
    markerHeight: '8',
    orient: 'auto-start-reverse',
  });
  marker.append(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
  const defs = svgElement('defs', {});
  defs.append(marker);
  svg.append(defs);
  for (const arrow of graph.arrows) svg.append(drawArrow(arrow));
  for (const box of graph.boxes) svg.append(box.kind === 'step' ? drawStep(box) : drawPort(box));
  holder.replaceChildren(svg);
  if (graph.boxes.length === 0) holder.append(element('p', 'empty', 'This pipeline has no steps yet.'));
  for (const name of steps.keys()) showStatus(name);
  if (focused) steps.get(focused)?.group.focus();
}

function drawArrow(arrow: GraphArrow): SVGGElement {
  const group = svgElement('g', { class: 'arrow' });
  const [first, ...rest] = arrow.points;
  const d = `M ${first.x} ${first.y} ${rest.map((point) => `L ${point.x} ${point.y}`).join(' ')}`;
  group.append(svgElement('path', { d, 'marker-end': 'url(#arrowhead)' }));
  const label = svgElement('text', {
    x: String(arrow.labelAt.x),
    y: String(arrow.labelAt.y + 4),
    'text-anchor': 'middle',
  });
  label.textContent = arrow.label;
  group.append(label);
  return group;
}

function drawStep(box: GraphBox): SVGGElement {
  const group = svgElement('g', { class: 'box step', tabindex: '0', role: 'button' });
  group.append(rectangle(box));
  const name = svgElement('text', { x: String(box.x), y: String(box.y - 4), 'text-anchor': 'middle' });
  name.textContent = box.name;
  const status = svgElement('text', {
    x: String(box.x),
    y: String(box.y + 14),
    'text-anchor': 'middle',
    class: 'status',
  });
  const tip = svgElement('title', {});
  tip.textContent = [box.name, box.type, box.component].filter(Boolean).join(' · ');
  group.append(tip, name, status);
  const open = () => host.post('openStep', { name: box.name });
  group.addEventListener('click', open);
  group.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  });
  steps.set(box.name, { group, status });
  return group;
}

function drawPort(box: GraphBox): SVGGElement {
  const group = svgElement('g', { class: `box port port-${box.kind}` });
  group.append(rectangle(box));
  const name = svgElement('text', { x: String(box.x), y: String(box.y + 4), 'text-anchor': 'middle' });
  name.textContent = box.name;
  const tip = svgElement('title', {});
  tip.textContent = `pipeline ${box.kind} ${box.name}`;
  group.append(tip, name);
  return group;
}

function rectangle(box: GraphBox): SVGRectElement {
  return svgElement('rect', {
    x: String(box.x - box.width / 2),
    y: String(box.y - box.height / 2),
    width: String(box.width),
    height: String(box.height),
    rx: '4',
  });
}

function showStatus(name: string): void {
  const drawn = steps.get(name)!;
  const step = statuses.get(name) ?? { name, status: 'NotStarted', look: 'notStarted' as const };
  const words = statusWords(step.status);
  drawn.status.textContent = words;
  drawn.group.setAttribute('aria-label', `step ${name}: ${words}`);
  drawn.group.classList.remove(...LOOKS);
  drawn.group.classList.add(`look-${step.look}`);
}

function statusWords(status: string): string {
  return status === 'NotStarted' ? 'Not started' : status;
}

function summary(list: StepStatus[], live: boolean): string {
  const counts = new Map<string, number>();
  for (const step of list) counts.set(statusWords(step.status), (counts.get(statusWords(step.status)) ?? 0) + 1);
  const parts = [...counts].map(([status, count]) => `${count} ${status.toLowerCase()}`);
  return `${parts.join(', ') || 'No steps'}${live ? ' · updating live' : ''}`;
}

function reportRendered(): void {
  host.post('rendered', {
    steps: [...steps.values()].map((drawn) => drawn.group.getAttribute('aria-label') ?? ''),
    arrows: arrowCount,
  });
}

function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
): SVGElementTagNameMap[K] {
  const result = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) result.setAttribute(name, value);
  return result;
}
