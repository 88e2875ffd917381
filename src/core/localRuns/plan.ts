/**
 * What a job YAML runs on this machine: its command steps in dependency order, each with its working folder,
 * its command (still with `${{…}}` in it) and where each input comes from. Nothing is read but the YAML and the
 * component files it names; `azureml:` data is resolved when the run gets to it.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { defaultExperimentName } from '../jobs/restJob';
import {
  JobConversionError,
  isBinding,
  isMap,
  literalText,
  optionalMap,
  optionalString,
  stringMap,
  type YamlMap,
  type YamlPath,
} from '../jobs/restJobParts';
import type { YamlLibrary } from '../lazy/load';

export type LocalInput =
  /** Numbers, strings and booleans as the command sees them (booleans as True/False, as on Azure ML). */
  | { kind: 'literal'; value: string }
  /** A local file or folder: absolute, resolved against the folder of the YAML that names it. */
  | { kind: 'path'; path: string; type: string }
  /** `azureml:name:version`, `azureml:name@latest`, `azureml://…` or another remote URI: resolved at run time. */
  | { kind: 'asset'; reference: string; type: string }
  /** Another step's output. */
  | { kind: 'stepOutput'; step: string; output: string };

export interface LocalStepPlan {
  /** The step key; a command job's single step is named after its display_name, or `main`. */
  name: string;
  /** Absolute: the command's working directory (the YAML's folder when there is no `code`). */
  codeDir: string;
  /** As written, with `${{…}}` and `$[[…]]` still in it. */
  command: string;
  environmentVariables: Record<string, string>;
  /** Inputs given a value; an input declared without one is left out. */
  inputs: Record<string, LocalInput>;
  /** Output names the step declares, including ones bound to pipeline outputs. */
  outputs: string[];
  /** Output name → its type (`uri_folder` unless the YAML says otherwise); planLocalRun always fills it in. */
  outputTypes?: Record<string, string>;
  /** Steps whose outputs it reads. */
  dependsOn: string[];
}

export interface LocalRunPlan {
  jobType: 'command' | 'pipeline';
  displayName?: string;
  experimentName: string;
  /** In dependency order: a step comes after every step it reads from. */
  steps: LocalStepPlan[];
}

/** A job YAML that cannot run on this machine; the message says what and where (`jobs.train.inputs.data`). */
export class LocalRunPlanError extends Error {
  constructor(
    readonly reason: string,
    readonly path: YamlPath,
  ) {
    super(path.length ? `${reason.replace(/\.$/, '')} (at ${path.join('.')}).` : reason);
    this.name = 'LocalRunPlanError';
  }
}

function refuse(reason: string, path: YamlPath): never {
  throw new LocalRunPlanError(reason, path);
}

const SUBMIT_INSTEAD = 'submit it to Azure ML instead';

const JOB_TYPE_LABELS: Record<string, string> = {
  sweep: 'Sweep jobs',
  automl: 'AutoML jobs',
  spark: 'Spark jobs',
  parallel: 'Parallel jobs',
  finetuning: 'Fine-tuning jobs',
  distillation: 'Distillation jobs',
  import: 'Import jobs',
  data_transfer: 'Data-transfer jobs',
};

const STEP_TYPE_LABELS: Record<string, string> = {
  sweep: 'a sweep step',
  automl: 'an AutoML step',
  spark: 'a Spark step',
  parallel: 'a parallel step',
  pipeline: 'a pipeline-component step',
  data_transfer: 'a data-transfer step',
  import: 'an import step',
  flow: 'a flow step',
};

const LITERAL_TYPES = ['string', 'integer', 'number', 'boolean'];
const REMOTE_URI = /^[a-z][a-z0-9+.-]*:\/\//i;

export function planLocalRun(yamlText: string, yamlFile: string, readFile: (path: string) => string): LocalRunPlan {
  try {
    const document = parseYaml(yamlText, []);
    if (!isMap(document)) refuse('A job YAML file must be a mapping of keys to values.', []);
    const fileDir = dirname(resolve(yamlFile));
    const type = document.type ?? 'command';
    const displayName = optionalString(document.display_name, ['display_name'], 'display_name');
    const experimentName =
      optionalString(document.experiment_name, ['experiment_name'], 'experiment_name') ??
      defaultExperimentName(fileDir);
    if (type === 'command') {
      return {
        jobType: 'command',
        displayName,
        experimentName,
        steps: [commandJobStep(document, fileDir, displayName)],
      };
    }
    if (type === 'pipeline') {
      return { jobType: 'pipeline', displayName, experimentName, steps: pipelineSteps(document, fileDir, readFile) };
    }
    const label = typeof type === 'string' ? JOB_TYPE_LABELS[type] : undefined;
    return refuse(
      label
        ? `${label} cannot run locally; local runs run command and pipeline jobs. To run this job, ${SUBMIT_INSTEAD}.`
        : `\`${String(type)}\` is not a job type; use command or pipeline.`,
      ['type'],
    );
  } catch (error) {
    // The shared YAML readers report their own error type; a local run reports one.
    if (error instanceof JobConversionError) throw new LocalRunPlanError(error.message, error.path);
    throw error;
  }
}

function parseYaml(text: string, path: YamlPath, what?: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the YAML library loads on first use, as in load.ts
  const { parse } = require('../lazy/yaml') as YamlLibrary;
  try {
    return parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return refuse(what ? `${what} is not valid YAML: ${reason}` : `The file is not valid YAML: ${reason}`, path);
  }
}

function commandJobStep(document: YamlMap, fileDir: string, displayName: string | undefined): LocalStepPlan {
  const command = optionalString(document.command, ['command'], 'command');
  if (!command?.trim()) refuse('A command job needs a `command` to run.', ['command']);
  const inputs: Record<string, LocalInput> = {};
  for (const [name, value] of Object.entries(optionalMap(document.inputs, ['inputs'], 'inputs') ?? {})) {
    const path = ['inputs', name];
    if (isBinding(value) || (isMap(value) && isBinding(value.path)))
      refuse(`A command job's input cannot be a binding; give it a value.`, path);
    const input = valueInput(value, fileDir, path);
    if (input) inputs[name] = input;
  }
  const { outputs, outputTypes } = declaredOutputs(document.outputs, ['outputs']);
  checkCommandNames(command, Object.keys(optionalMap(document.inputs, ['inputs'], 'inputs') ?? {}), outputs, [
    'command',
  ]);
  return {
    name: displayName?.trim() || 'main',
    codeDir: codeDir(document.code, fileDir, ['code']),
    command,
    environmentVariables:
      stringMap(document.environment_variables, ['environment_variables'], 'environment_variables') ?? {},
    inputs,
    outputs,
    outputTypes,
    dependsOn: [],
  };
}

/** `code:` as the folder the command runs in; only local folders can run here. */
function codeDir(value: unknown, fileDir: string, path: YamlPath): string {
  const code = optionalString(value, path, 'code');
  if (code === undefined || !code.trim()) return fileDir;
  const text = code.trim();
  if (text.startsWith('azureml:') || REMOTE_URI.test(text) || text.startsWith('git+'))
    refuse(`A local run needs \`code\` to be a local folder, not ${text}.`, path);
  return resolve(fileDir, text.replace(/^file:/, ''));
}

/** An input given as a value (not a binding): a literal, a local path or an asset resolved when the step runs. */
function valueInput(value: unknown, fileDir: string, path: YamlPath): LocalInput | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) refuse('An input must be a single value or a mapping with `type` and `path`.', path);
  if (!isMap(value)) {
    if (typeof value === 'string' && value.includes('${{'))
      refuse(`\`${value}\` mixes text with a binding; a local run follows whole bindings only.`, path);
    return { kind: 'literal', value: literalText(value) };
  }
  const type = typeof value.type === 'string' ? value.type : 'uri_folder';
  if (LITERAL_TYPES.includes(type)) {
    const literal = value.value ?? value.default;
    return literal === undefined || literal === null ? undefined : { kind: 'literal', value: literalText(literal) };
  }
  if (value.path === undefined || value.path === null) return undefined;
  if (typeof value.path !== 'string' || !value.path.trim())
    refuse('`path` must be a local path, a URI or azureml:name:version.', [...path, 'path']);
  const location = value.path.trim();
  if (location.startsWith('azureml:') || REMOTE_URI.test(location)) return { kind: 'asset', reference: location, type };
  const local = location.replace(/^file:/, '');
  return { kind: 'path', path: isAbsolute(local) ? local : resolve(fileDir, local), type };
}

function declaredOutputs(value: unknown, path: YamlPath): { outputs: string[]; outputTypes: Record<string, string> } {
  const outputs: string[] = [];
  const outputTypes: Record<string, string> = {};
  for (const [name, output] of Object.entries(optionalMap(value, path, 'outputs') ?? {})) {
    outputs.push(name);
    outputTypes[name] = isMap(output) && typeof output.type === 'string' ? output.type : 'uri_folder';
  }
  return { outputs, outputTypes };
}

/** Every `${{inputs.x}}` and `${{outputs.y}}` in a command must name an input or output the step declares. */
function checkCommandNames(command: string, inputs: string[], outputs: string[], path: YamlPath): void {
  for (const match of command.matchAll(/\$\{\{\s*(inputs|outputs)\.([\w.-]+)\s*\}\}/g)) {
    const [, direction, name] = match;
    const declared = direction === 'inputs' ? inputs : outputs;
    if (!declared.includes(name))
      refuse(
        `The command uses \${{${direction}.${name}}}, but no ${direction.slice(0, -1)} \`${name}\` is declared.`,
        path,
      );
  }
}

/** A step as written, with the component it runs (file, inline, or the step itself). */
interface PipelineStep {
  name: string;
  step: YamlMap;
  /** The component's definition: a file's contents, an inline mapping, or the step itself. */
  component: YamlMap;
  /** Where the component's relative paths resolve from. */
  componentDir: string;
  componentPath: YamlPath;
}

interface PipelineContext {
  document: YamlMap;
  fileDir: string;
  steps: Map<string, PipelineStep>;
  pipelineInputs: YamlMap;
  pipelineOutputs: YamlMap;
}

function pipelineSteps(document: YamlMap, fileDir: string, readFile: (path: string) => string): LocalStepPlan[] {
  const jobs = optionalMap(document.jobs, ['jobs'], 'jobs');
  if (!jobs || Object.keys(jobs).length === 0) refuse('A pipeline job needs at least one step under `jobs`.', ['jobs']);
  // Step types are checked before any component file is read, so a sweep step is refused as such.
  for (const [name, step] of Object.entries(jobs)) {
    if (!isMap(step)) refuse(`Step \`${name}\` must be a mapping.`, ['jobs', name]);
    checkStepType(name, step.type, ['jobs', name, 'type']);
  }
  const context: PipelineContext = {
    document,
    fileDir,
    steps: new Map(),
    pipelineInputs: optionalMap(document.inputs, ['inputs'], 'inputs') ?? {},
    pipelineOutputs: optionalMap(document.outputs, ['outputs'], 'outputs') ?? {},
  };
  for (const [name, step] of Object.entries(jobs)) {
    context.steps.set(name, readStepComponent(context, name, step as YamlMap, readFile));
  }
  const plans = [...context.steps.values()].map((step) => stepPlan(context, step));
  return dependencyOrder(plans);
}

function checkStepType(name: string, type: unknown, path: YamlPath): void {
  if (type === undefined || type === null || type === 'command') return;
  const label = typeof type === 'string' ? STEP_TYPE_LABELS[type] : undefined;
  refuse(
    label
      ? `Step \`${name}\` is ${label}, which cannot run locally; local runs run command steps. To run this pipeline, ${SUBMIT_INSTEAD}.`
      : `\`${String(type)}\` is not a step type; use command.`,
    path,
  );
}

function readStepComponent(
  context: PipelineContext,
  name: string,
  step: YamlMap,
  readFile: (path: string) => string,
): PipelineStep {
  const path: YamlPath = ['jobs', name, 'component'];
  const reference = step.component;
  if (reference === undefined || reference === null) {
    return { name, step, component: step, componentDir: context.fileDir, componentPath: ['jobs', name] };
  }
  if (isMap(reference)) {
    checkStepType(name, reference.type, [...path, 'type']);
    return { name, step, component: reference, componentDir: context.fileDir, componentPath: path };
  }
  if (typeof reference !== 'string' || !reference.trim())
    refuse('`component` must be a local file or a mapping.', path);
  const text = reference.trim();
  if (text.startsWith('azureml:') || REMOTE_URI.test(text))
    refuse(
      `Step \`${name}\` runs the registered component ${text}; a local run needs the component's YAML, so point \`component\` at a local file.`,
      path,
    );
  const file = resolve(context.fileDir, text.replace(/^file:/, ''));
  let contents: string;
  try {
    contents = readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') refuse(`The component file ${text} does not exist.`, path);
    const reason = error instanceof Error ? error.message : String(error);
    return refuse(`Could not read the component file ${text}: ${reason}`, path);
  }
  const definition = parseYaml(contents, path, `The component file ${text}`);
  if (!isMap(definition)) refuse(`The component file ${text} is not a YAML mapping.`, path);
  checkStepType(name, definition.type, path);
  return { name, step, component: definition, componentDir: dirname(file), componentPath: path };
}

function stepPlan(context: PipelineContext, { name, step, component, componentDir, componentPath }: PipelineStep) {
  const path: YamlPath = ['jobs', name];
  const isInline = component === step;
  const command = optionalString(component.command, [...componentPath, 'command'], 'command');
  if (!command?.trim())
    refuse(
      isInline ? `Step \`${name}\` needs a \`component\` or a \`command\`.` : 'The component needs a `command`.',
      isInline ? path : componentPath,
    );

  const componentInputs = isInline ? {} : (optionalMap(component.inputs, [...componentPath, 'inputs'], 'inputs') ?? {});
  const stepInputs = optionalMap(step.inputs, [...path, 'inputs'], 'inputs') ?? {};
  const inputs: Record<string, LocalInput> = {};
  const dependsOn = new Set<string>();
  for (const [input, declared] of Object.entries(componentInputs)) {
    // A component's default applies when the step gives the input no value.
    if (input in stepInputs && stepInputs[input] !== null) continue;
    if (!isMap(declared)) continue;
    const fallback = declared.default;
    if (fallback === undefined || fallback === null) continue;
    const type = typeof declared.type === 'string' ? declared.type : 'string';
    const local = LITERAL_TYPES.includes(type)
      ? valueInput(fallback, componentDir, [...componentPath, 'inputs', input, 'default'])
      : valueInput({ type, path: fallback }, componentDir, [...componentPath, 'inputs', input, 'default']);
    if (local) inputs[input] = local;
  }
  for (const [input, value] of Object.entries(stepInputs)) {
    const local = stepInput(context, value, [...path, 'inputs', input], new Set());
    if (!local) continue;
    inputs[input] = local;
    if (local.kind === 'stepOutput') dependsOn.add(local.step);
  }

  const outputs: string[] = [];
  const outputTypes: Record<string, string> = {};
  if (!isInline) {
    const declared = declaredOutputs(component.outputs, [...componentPath, 'outputs']);
    outputs.push(...declared.outputs);
    Object.assign(outputTypes, declared.outputTypes);
  }
  for (const [output, value] of Object.entries(optionalMap(step.outputs, [...path, 'outputs'], 'outputs') ?? {})) {
    if (!outputs.includes(output)) outputs.push(output);
    const bound = isBinding(value) ? value : isMap(value) && isBinding(value.path) ? value.path : undefined;
    if (typeof bound === 'string') {
      const parentOutput = /^\$\{\{\s*parent\.outputs\.([\w.]+)\s*\}\}$/.exec(bound.trim());
      if (!parentOutput)
        refuse(`A step output can bind only to a pipeline output, as \${{parent.outputs.<name>}}.`, [
          ...path,
          'outputs',
          output,
        ]);
      if (!(parentOutput[1] in context.pipelineOutputs))
        refuse(`The binding ${bound} names no pipeline output \`${parentOutput[1]}\`.`, [...path, 'outputs', output]);
      outputTypes[output] ??= typeOf(context.pipelineOutputs[parentOutput[1]]);
    } else if (isMap(value) && typeof value.type === 'string') {
      outputTypes[output] = value.type;
    }
    outputTypes[output] ??= 'uri_folder';
  }

  const declaredInputNames = [...new Set([...Object.keys(componentInputs), ...Object.keys(stepInputs)])];
  checkCommandNames(command, declaredInputNames, outputs, [...(isInline ? path : componentPath), 'command']);
  const environmentVariables = {
    ...stringMap(component.environment_variables, [...componentPath, 'environment_variables'], 'environment_variables'),
    ...(isInline
      ? {}
      : stringMap(step.environment_variables, [...path, 'environment_variables'], 'environment_variables')),
  };
  return {
    name,
    codeDir: codeDir(component.code, componentDir, [...(isInline ? path : componentPath), 'code']),
    command,
    environmentVariables,
    inputs,
    outputs,
    outputTypes,
    dependsOn: [...dependsOn],
  } satisfies LocalStepPlan;
}

function typeOf(declared: unknown): string {
  return isMap(declared) && typeof declared.type === 'string' ? declared.type : 'uri_folder';
}

/** A step's input: a value, or a binding to a pipeline input, another step's output, or another step's input. */
function stepInput(
  context: PipelineContext,
  value: unknown,
  path: YamlPath,
  seen: Set<string>,
): LocalInput | undefined {
  const bound = isBinding(value) ? value : isMap(value) && isBinding(value.path) ? value.path : undefined;
  if (typeof bound !== 'string') return valueInput(value, context.fileDir, path);
  const binding = bound.trim();
  if (seen.has(binding)) refuse(`The binding ${binding} refers back to itself.`, path);
  seen.add(binding);

  const parentInput = /^\$\{\{\s*parent\.inputs\.([\w.]+)\s*\}\}$/.exec(binding);
  if (parentInput) {
    const name = parentInput[1];
    if (!(name in context.pipelineInputs)) refuse(`The binding ${binding} names no pipeline input \`${name}\`.`, path);
    const given = context.pipelineInputs[name];
    if (isBinding(given) || (isMap(given) && isBinding(given.path)))
      refuse(`The pipeline input \`${name}\` cannot itself be a binding.`, ['inputs', name]);
    return valueInput(given, context.fileDir, ['inputs', name]);
  }

  const stepPort = /^\$\{\{\s*parent\.jobs\.([^.\s]+)\.(inputs|outputs)\.([\w.]+)\s*\}\}$/.exec(binding);
  if (!stepPort)
    refuse(
      `A local run follows bindings to pipeline inputs (\${{parent.inputs.x}}) and to other steps' inputs and outputs (\${{parent.jobs.<step>.outputs.y}}); ${binding} is neither.`,
      path,
    );
  const [, sourceName, direction, port] = stepPort;
  const source = context.steps.get(sourceName);
  if (!source) refuse(`The binding ${binding} names no step \`${sourceName}\`.`, path);
  if (direction === 'outputs') {
    if (!stepDeclares(source, 'outputs', port))
      refuse(`The binding ${binding} names no output \`${port}\` of step \`${sourceName}\`.`, path);
    return { kind: 'stepOutput', step: sourceName, output: port };
  }
  if (!stepDeclares(source, 'inputs', port))
    refuse(`The binding ${binding} names no input \`${port}\` of step \`${sourceName}\`.`, path);
  const given = isMap(source.step.inputs) ? source.step.inputs[port] : undefined;
  if (given !== undefined && given !== null)
    return stepInput(context, given, ['jobs', sourceName, 'inputs', port], seen);
  const declared = isMap(source.component.inputs) ? source.component.inputs[port] : undefined;
  if (isMap(declared) && declared.default !== undefined && declared.default !== null) {
    const type = typeOf(declared);
    return LITERAL_TYPES.includes(type)
      ? valueInput(declared.default, source.componentDir, [...source.componentPath, 'inputs', port])
      : valueInput({ type, path: declared.default }, source.componentDir, [...source.componentPath, 'inputs', port]);
  }
  return undefined;
}

function stepDeclares(step: PipelineStep, direction: 'inputs' | 'outputs', port: string): boolean {
  const own = step.step[direction];
  if (isMap(own) && port in own) return true;
  const declared = step.component === step.step ? undefined : step.component[direction];
  return isMap(declared) && port in declared;
}

/** Steps ordered so each follows the steps it reads from; among steps ready together, the YAML's order. */
function dependencyOrder(plans: LocalStepPlan[]): LocalStepPlan[] {
  const ordered: LocalStepPlan[] = [];
  const done = new Set<string>();
  const waiting = [...plans];
  while (waiting.length > 0) {
    const index = waiting.findIndex((plan) => plan.dependsOn.every((name) => done.has(name)));
    if (index < 0) {
      const cycle = findCycle(waiting);
      return refuse(`Steps depend on each other in a cycle: ${cycle.join(' → ')}.`, ['jobs', cycle[0]]);
    }
    const [next] = waiting.splice(index, 1);
    ordered.push(next);
    done.add(next.name);
  }
  return ordered;
}

/** A cycle among steps none of which can start: follow dependencies until a step repeats. */
function findCycle(waiting: LocalStepPlan[]): string[] {
  const byName = new Map(waiting.map((plan) => [plan.name, plan]));
  const trail: string[] = [];
  let current: LocalStepPlan | undefined = waiting[0];
  while (current && !trail.includes(current.name)) {
    trail.push(current.name);
    current = current.dependsOn.map((name) => byName.get(name)).find((plan) => plan !== undefined);
  }
  if (!current) return trail;
  return [...trail.slice(trail.indexOf(current.name)), current.name];
}
