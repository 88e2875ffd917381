// The pipeline graph page: a pipeline's steps and the data between them, each step in its status colour.
import type { ContractNames } from '../messaging';

export type StatusLook = 'passed' | 'failed' | 'running' | 'notStarted';

/** A box, placed by the host: (x, y) is its centre. Inputs and outputs are the pipeline's own. */
export interface GraphBox {
  id: string;
  kind: 'step' | 'input' | 'output';
  name: string;
  type?: string;
  component?: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphArrow {
  from: string;
  to: string;
  label: string;
  points: Array<{ x: number; y: number }>;
  labelAt: { x: number; y: number };
}

export interface StepStatus {
  name: string;
  /** As the service says it (`Running`, `Completed`), or `NotStarted`. */
  status: string;
  look: StatusLook;
}

export type ToPipelineGraph = {
  /** The whole graph, laid out; statuses follow in `statuses`. */
  graph: {
    title: string;
    /** A YAML file not yet submitted, or a submitted job. */
    source: 'file' | 'job';
    boxes: GraphBox[];
    arrows: GraphArrow[];
    width: number;
    height: number;
  };
  /** Every step's status; `live` while the job can still change. */
  statuses: { steps: StepStatus[]; live: boolean };
  /** The graph could not be read or refreshed; what is shown stays, and the page says so. */
  loadError: { message: string } | null;
};

export type FromPipelineGraph = {
  /** Enter or a click on a step. */
  openStep: { name: string };
  /** The page drew: each step's accessible label, and how many arrows (tests and diagnostics read it). */
  rendered: { steps: string[]; arrows: number };
};

export const pipelineGraphMessageNames = {
  toWebview: { graph: true, statuses: true, loadError: true },
  fromWebview: { openStep: true, rendered: true },
} as const satisfies ContractNames<ToPipelineGraph, FromPipelineGraph>;
