/**
 * Runs a Pipeline job: one child Command job per step, in dependency order, with
 * `${{parent.inputs.x}}` and `${{parent.jobs.step.outputs.y}}` bindings wired to real URIs.
 * Children are ordinary job resources tagged the way Azure tags step runs
 * (properties["azureml.pipelinerunid"], ["azureml.nodeid"]) and listed by run history's children route.
 */
import { randomUUID } from 'node:crypto';
import type { ArmResource } from '../contracts';
import { assetReferenceToId, jobIdFor, JOB_TYPE, lastSegment, workspaceId, type WorkspaceRef } from './armIds';
import { executeCommandJob } from './commandJob';
import { datastoreUri } from './dataLocations';
import { asRecord, asString, ExecutionControl, setJobStatus, type ExecutorEnv, type TerminalStatus } from './jobState';
import { DEFAULT_DATASTORE_NAME } from './storage';

/** A step reduced to what a child Command job needs. */
interface StepSpec {
  name: string;
  command: string;
  codeId?: string;
  environmentId?: string;
  computeId?: string;
  environmentVariables?: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputNames: string[];
}

const PARENT_INPUT_BINDING = /^\$\{\{\s*parent\.inputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;
const STEP_OUTPUT_BINDING = /^\$\{\{\s*parent\.jobs\.([A-Za-z0-9_.-]+)\.outputs\.([A-Za-z0-9_.-]+)\s*\}\}$/;

export async function executePipelineJob(
  env: ExecutorEnv,
  jobId: string,
  control: ExecutionControl,
): Promise<TerminalStatus> {
  const parentRecord = env.records.ensure(jobId);
  const ws = parentRecord.workspace;
  setJobStatus(env, jobId, 'Queued');
  const parent = env.ctx.store.get(jobId);
  let steps: StepSpec[];
  try {
    if (!parent) throw new Error(`Job ${jobId} no longer exists.`);
    steps = orderByDependencies(
      Object.entries(asRecord(parent.properties.jobs)).map(([name, step]) => stepSpec(env, ws, name, asRecord(step))),
    );
  } catch (error) {
    return fail(env, jobId, error instanceof Error ? error.message : String(error));
  }
  if (control.cancelRequested) return cancelled(env, jobId);
  setJobStatus(env, jobId, 'Running');

  const parentInputs = asRecord(parent.properties.inputs);
  const childOutputUris = new Map<string, Map<string, string>>();
  for (const step of steps) {
    if (control.cancelRequested) return cancelled(env, jobId);
    const childName = randomUUID();
    const outputUris = new Map(
      step.outputNames.map((o) => [o, datastoreUri(DEFAULT_DATASTORE_NAME, `azureml/${childName}/${o}/`)]),
    );
    childOutputUris.set(step.name, outputUris);
    const child = childResource(
      env.ctx.origin,
      ws,
      parent,
      childName,
      step,
      bindInputs(step, parentInputs, childOutputUris),
      outputUris,
    );
    env.ctx.store.put(child);
    parentRecord.childJobIds.push(child.id);
    env.records.ensure(child.id).parentRunId = parentRecord.runId;

    const stepControl = new ExecutionControl();
    control.currentStep = stepControl;
    if (control.cancelRequested) stepControl.requestCancel();
    const status = await executeCommandJob(env, child.id, stepControl);
    control.currentStep = undefined;
    if (status === 'Canceled' || control.cancelRequested) return cancelled(env, jobId);
    if (status === 'Failed') return fail(env, jobId, `Pipeline step '${step.name}' failed.`);
  }
  setJobStatus(env, jobId, 'Completed');
  return 'Completed';
}

function fail(env: ExecutorEnv, jobId: string, message: string): TerminalStatus {
  env.records.ensure(jobId).error = { code: 'UserError', message };
  setJobStatus(env, jobId, 'Failed');
  return 'Failed';
}

function cancelled(env: ExecutorEnv, jobId: string): TerminalStatus {
  setJobStatus(env, jobId, 'Canceled');
  return 'Canceled';
}

/** Reads an inline command step, or a step that points at a component version (`componentId`). */
function stepSpec(env: ExecutorEnv, ws: WorkspaceRef, name: string, step: Record<string, unknown>): StepSpec {
  const type = (asString(step.type) ?? asString(step.jobType) ?? 'command').toLowerCase();
  if (type !== 'command')
    throw new Error(`Pipeline step '${name}' has type '${type}'; the emulator runs command steps only.`);
  let component: Record<string, unknown> = {};
  const componentRef = asString(step.componentId) ?? asString(step.component);
  if (componentRef) {
    const ref = assetReferenceToId(componentRef, ws, 'components');
    const resource = ref?.id ? env.ctx.store.get(ref.id) : undefined;
    if (!resource) throw new Error(`Component '${componentRef}' of step '${name}' was not found.`);
    component = asRecord(resource.properties.componentSpec);
  }
  const command = asString(step.command) ?? asString(component.command);
  if (!command) throw new Error(`Pipeline step '${name}' has no command.`);
  const inputs: Record<string, unknown> = {};
  for (const [inputName, definition] of Object.entries(asRecord(component.inputs))) {
    const fallback = asRecord(definition).default;
    if (fallback !== undefined) inputs[inputName] = { jobInputType: 'literal', value: String(fallback) };
  }
  Object.assign(inputs, asRecord(step.inputs));
  return {
    name,
    command,
    codeId: asString(step.codeId) ?? asString(step.code) ?? asString(component.code),
    environmentId: asString(step.environmentId) ?? asString(component.environment),
    computeId: asString(step.computeId),
    environmentVariables: asRecord(step.environmentVariables ?? component.environment_variables),
    inputs,
    outputNames: [...new Set([...Object.keys(asRecord(component.outputs)), ...Object.keys(asRecord(step.outputs))])],
  };
}

/** The binding string of a step input: a bare string, `{value: "${{...}}"}` (azure-ai-ml's form) or `{uri: "${{...}}"}`. */
function bindingOf(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  const { value, uri } = asRecord(input);
  if (typeof value === 'string') return value;
  return typeof uri === 'string' && uri.startsWith('${{') ? uri : undefined;
}

function upstreamSteps(step: StepSpec): string[] {
  const upstream: string[] = [];
  for (const input of Object.values(step.inputs)) {
    const match = STEP_OUTPUT_BINDING.exec(bindingOf(input) ?? '');
    if (match) upstream.push(match[1]);
  }
  return upstream;
}

/** Topological order; steps without dependencies keep their declared order. */
function orderByDependencies(steps: StepSpec[]): StepSpec[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const ordered: StepSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (step: StepSpec): void => {
    if (state.get(step.name) === 'done') return;
    if (state.get(step.name) === 'visiting')
      throw new Error(`Pipeline steps depend on each other in a cycle at '${step.name}'.`);
    state.set(step.name, 'visiting');
    for (const upstream of upstreamSteps(step)) {
      const dependency = byName.get(upstream);
      if (!dependency) throw new Error(`Step '${step.name}' binds to unknown step '${upstream}'.`);
      visit(dependency);
    }
    state.set(step.name, 'done');
    ordered.push(step);
  };
  steps.forEach(visit);
  return ordered;
}

/** Turns step inputs into Command job inputs with bindings replaced by the parent's inputs or upstream output URIs. */
function bindInputs(
  step: StepSpec,
  parentInputs: Record<string, unknown>,
  outputUris: Map<string, Map<string, string>>,
): Record<string, unknown> {
  const bound: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(step.inputs)) {
    const binding = bindingOf(input) ?? '';
    const parentMatch = PARENT_INPUT_BINDING.exec(binding);
    const stepMatch = STEP_OUTPUT_BINDING.exec(binding);
    if (parentMatch) {
      const parentInput = parentInputs[parentMatch[1]];
      if (parentInput === undefined)
        throw new Error(`Step '${step.name}' binds to missing pipeline input '${parentMatch[1]}'.`);
      bound[name] = normalizeInput(parentInput);
    } else if (stepMatch) {
      const uri = outputUris.get(stepMatch[1])?.get(stepMatch[2]);
      if (!uri) throw new Error(`Step '${step.name}' binds to missing output '${stepMatch[1]}.${stepMatch[2]}'.`);
      bound[name] = { jobInputType: 'uri_folder', uri };
    } else {
      bound[name] = normalizeInput(input);
    }
  }
  return bound;
}

/** Accepts the camelCase (ARM) and snake_case (azure-ai-ml step dictionaries) spellings of a job input. */
function normalizeInput(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) return { jobInputType: 'literal', value: String(input) };
  const record = asRecord(input);
  const type =
    asString(record.jobInputType) ?? asString(record.job_input_type) ?? (record.uri ? 'uri_folder' : 'literal');
  const { job_input_type: _ignored, ...rest } = record;
  void _ignored;
  return { ...rest, jobInputType: type };
}

function childResource(
  origin: string,
  ws: WorkspaceRef,
  parent: ArmResource,
  childName: string,
  step: StepSpec,
  inputs: Record<string, unknown>,
  outputUris: Map<string, string>,
): ArmResource {
  const now = new Date().toISOString();
  const outputs: Record<string, unknown> = {};
  for (const [name, uri] of outputUris) outputs[name] = { jobOutputType: 'uri_folder', mode: 'ReadWriteMount', uri };
  return {
    id: jobIdFor(ws, childName),
    name: childName,
    type: JOB_TYPE,
    properties: {
      jobType: 'Command',
      status: 'NotStarted',
      displayName: step.name,
      experimentName: parent.properties.experimentName,
      command: step.command,
      codeId: step.codeId,
      environmentId: step.environmentId,
      computeId: step.computeId ?? parent.properties.computeId,
      environmentVariables: step.environmentVariables,
      inputs,
      outputs,
      isArchived: false,
      services: {
        Tracking: {
          jobServiceType: 'Tracking',
          endpoint: `azureml://${new URL(origin).host}/mlflow/v1.0${workspaceId(ws)}`,
        },
      },
      properties: {
        'azureml.pipelinerunid': lastSegment(parent.id),
        'azureml.nodeid': step.name,
        'azureml.runsource': 'azureml.StepRun',
      },
      tags: {},
    },
    systemData: { createdAt: now, createdByType: 'Application', lastModifiedAt: now },
  };
}
