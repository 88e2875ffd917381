// A pipeline job's steps and the data flowing between them, as a laid-out graph. It reads the YAML
// (parsed) or the service's job body alike: both name steps under `jobs` and bind with `${{…}}`.
import * as dagre from '@dagrejs/dagre';
import { isActiveStatus } from '../azure/jobStatus';

export type GraphNodeKind = 'step' | 'input' | 'output';

export interface GraphNode {
  /** Unique among the graph's nodes: the kind and the name (`step:prep`, `input:raw_data`). */
  id: string;
  kind: GraphNodeKind;
  name: string;
  /** A step's type (`command`, `pipeline`, `sweep`, …). */
  type?: string;
  /** A step's component: a file, an `azureml:` reference, or `inline`. */
  component?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** What flows along it: the producing step's output, or the pipeline input's name. */
  label: string;
}

export interface PipelineStructure {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends GraphNode {
  /** Centre of the box, as dagre gives it. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends GraphEdge {
  points: Point[];
  /** Where the label goes. */
  labelAt: Point;
}

export interface PipelineLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** How a status is drawn: done, failed, still going, or not begun (also canceled). */
export type StatusLook = 'passed' | 'failed' | 'running' | 'notStarted';

const NOT_STARTED = 'NotStarted';
const BINDING = /\$\{\{\s*parent\.(jobs\.([\w-]+)\.outputs|inputs|outputs)\.([\w-]+)\s*\}\}/g;
const STEP_HEIGHT = 52;
const PORT_HEIGHT = 32;
/** Wide enough for the name at the page's font size; the page clips anything longer. */
const CHARACTER_WIDTH = 8;

/** The steps of a pipeline job document, the pipeline inputs and outputs they bind to, and the bindings. */
export function pipelineStructure(document: unknown): PipelineStructure {
  const job = asRecord(document);
  const steps = asRecord(job.jobs);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const usedPorts = new Map<string, GraphNode>();
  const port = (kind: 'input' | 'output', name: string): string => {
    const id = `${kind}:${name}`;
    if (!usedPorts.has(id)) usedPorts.set(id, { id, kind, name });
    return id;
  };
  const seen = new Set<string>();
  const addEdge = (edge: GraphEdge) => {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.label}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push(edge);
  };

  for (const [name, value] of Object.entries(steps)) {
    const step = asRecord(value);
    const id = `step:${name}`;
    nodes.push({ id, kind: 'step', name, type: text(step.type) ?? text(step.jobType), component: componentOf(step) });
    for (const binding of bindingsIn(step.inputs)) {
      if (binding.scope === 'step' && binding.step in steps) {
        addEdge({ from: `step:${binding.step}`, to: id, label: binding.name });
      } else if (binding.scope === 'inputs') {
        addEdge({ from: port('input', binding.name), to: id, label: binding.name });
      }
    }
    for (const [output, bound] of Object.entries(asRecord(step.outputs))) {
      for (const binding of bindingsIn(bound)) {
        if (binding.scope === 'outputs') addEdge({ from: id, to: port('output', binding.name), label: output });
      }
    }
  }
  // The pipeline's own outputs can also be bound to a step's output at the top level.
  for (const [name, value] of Object.entries(asRecord(job.outputs))) {
    for (const binding of bindingsIn(value)) {
      if (binding.scope === 'step' && binding.step in steps) {
        addEdge({ from: `step:${binding.step}`, to: port('output', name), label: binding.name });
      }
    }
  }
  const ports = [...usedPorts.values()];
  return {
    nodes: [
      ...ports.filter((node) => node.kind === 'input'),
      ...nodes,
      ...ports.filter((node) => node.kind === 'output'),
    ],
    edges,
  };
}

/** Places the nodes top to bottom in the order data flows, with room for the edge labels. */
export function layoutPipeline(structure: PipelineStructure): PipelineLayout {
  const graph = new dagre.graphlib.Graph({ directed: true, multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, edgesep: 20, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of structure.nodes) {
    const height = node.kind === 'step' ? STEP_HEIGHT : PORT_HEIGHT;
    const width = Math.max(node.kind === 'step' ? 140 : 100, node.name.length * CHARACTER_WIDTH + 32);
    graph.setNode(node.id, { width, height });
  }
  structure.edges.forEach((edge, index) => {
    const labelWidth = edge.label.length * 7 + 8;
    graph.setEdge(edge.from, edge.to, { width: labelWidth, height: 16, labelpos: 'c' }, `${index}`);
  });
  dagre.layout(graph);
  const nodes = structure.nodes.map((node) => {
    const placed = graph.node(node.id);
    return { ...node, x: placed.x, y: placed.y, width: placed.width, height: placed.height };
  });
  const edges = structure.edges.map((edge, index) => {
    const placed = graph.edge(edge.from, edge.to, `${index}`) as { points: Point[]; x?: number; y?: number };
    const points = placed.points.map(({ x, y }) => ({ x, y }));
    const middle = points[Math.floor(points.length / 2)];
    return { ...edge, points, labelAt: { x: placed.x ?? middle.x, y: placed.y ?? middle.y } };
  });
  const size = graph.graph();
  return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}

/** What a status looks like on the graph. */
export function statusLook(status: string | undefined): StatusLook {
  if (!status || status === NOT_STARTED) return 'notStarted';
  if (status === 'Completed') return 'passed';
  if (status === 'Failed') return 'failed';
  return isActiveStatus(status) ? 'running' : 'notStarted';
}

/** The status of a step that has no run yet. */
export const notStartedStatus = NOT_STARTED;

interface Binding {
  scope: 'step' | 'inputs' | 'outputs';
  step: string;
  name: string;
}

/** Every `${{parent.…}}` in a value, however deep (the YAML's strings or the service's `{ value }` objects). */
function bindingsIn(value: unknown): Binding[] {
  const found: Binding[] = [];
  const visit = (item: unknown) => {
    if (typeof item === 'string') {
      for (const match of item.matchAll(BINDING)) {
        if (match[2]) found.push({ scope: 'step', step: match[2], name: match[3] });
        else found.push({ scope: match[1] as 'inputs' | 'outputs', step: '', name: match[3] });
      }
    } else if (Array.isArray(item)) {
      item.forEach(visit);
    } else if (item && typeof item === 'object') {
      Object.values(item).forEach(visit);
    }
  };
  visit(value);
  return found;
}

function componentOf(step: Record<string, unknown>): string | undefined {
  const component = step.component ?? step.componentId;
  if (typeof component === 'string') return component;
  return component && typeof component === 'object' ? 'inline' : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
