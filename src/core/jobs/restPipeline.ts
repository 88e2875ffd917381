import { dirname, resolve } from 'node:path';
import { workspaceId } from '../azure/resourceIds';
import {
  codeId,
  commandLimits,
  compact,
  computeId,
  distribution,
  environmentId,
  fail,
  identity,
  isBinding,
  isMap,
  jobInputs,
  jobOutputs,
  optionalMap,
  optionalString,
  queueSettings,
  resources,
  services,
  stringMap,
  type Conversion,
  type YamlMap,
  type YamlPath,
} from './restJobParts';
import {
  earlyTermination,
  objective,
  samplingAlgorithm,
  searchSpace,
  stepEarlyTermination,
  sweepLimits,
} from './restSweep';

/** azure-ai-ml marks what a step or setting came from; steps of a YAML pipeline job say so. */
const YAML_JOB_SOURCE = 'YAML.JOB';

/** A step's component as the pipeline sees it: where it came from and what it declares. */
interface StepComponent {
  /** The component's YAML (file or inline), when the conversion can read it. */
  definition?: YamlMap;
  /** The folder its relative paths resolve from. */
  dir: string;
  /** Where it is written, for errors. */
  path: YamlPath;
}

interface PipelineContext {
  conversion: Conversion;
  document: YamlMap;
  fileDir: string;
  components: Map<string, StepComponent>;
}

/** `settings`, `inputs`, `outputs` and `jobs` of a pipeline job body. */
export async function pipelineProperties(
  conversion: Conversion,
  document: YamlMap,
  fileDir: string,
  computeOverride: string | undefined,
): Promise<YamlMap> {
  const jobs = optionalMap(document.jobs, ['jobs'], 'jobs');
  if (!jobs || Object.keys(jobs).length === 0) fail('A pipeline job needs at least one step under `jobs`.', ['jobs']);
  const context: PipelineContext = { conversion, document, fileDir, components: new Map() };
  // Unsupported step types are reported before any component file is read.
  for (const [name, step] of Object.entries(jobs)) {
    if (!isMap(step)) fail(`Step \`${name}\` must be a mapping.`, ['jobs', name]);
    stepType(step, ['jobs', name]);
  }
  for (const [name, step] of Object.entries(jobs)) {
    if (!isMap(step)) continue;
    context.components.set(name, await readStepComponent(context, name, step));
  }
  const restJobs: YamlMap = {};
  for (const [name, step] of Object.entries(jobs)) restJobs[name] = await pipelineStep(context, name, step as YamlMap);
  return compact({
    inputs: await jobInputs(conversion, document.inputs, fileDir, ['inputs'], 'job', 'pipeline'),
    outputs: jobOutputs(document.outputs, ['outputs'], 'job', 'pipeline'),
    settings: pipelineSettings(conversion, document.settings, computeOverride),
    jobs: restJobs,
  });
}

function pipelineSettings(conversion: Conversion, value: unknown, computeOverride: string | undefined): YamlMap {
  const settings: YamlMap = { ...(optionalMap(value, ['settings'], 'settings') ?? {}) };
  if (computeOverride !== undefined) settings.default_compute = computeOverride;
  if (settings.default_compute !== undefined && settings.default_compute !== null) {
    settings.default_compute = computeId(conversion, settings.default_compute, ['settings', 'default_compute']);
  }
  const datastore = settings.default_datastore;
  if (datastore !== undefined && datastore !== null) {
    const name = optionalString(datastore, ['settings', 'default_datastore'], 'default_datastore')!.replace(
      /^azureml:/,
      '',
    );
    settings.default_datastore = name.startsWith('/subscriptions/')
      ? name
      : `${workspaceId(conversion.workspace)}/datastores/${name}`;
  }
  const continueOnFailure = settings.continue_on_step_failure;
  if (continueOnFailure !== undefined && typeof continueOnFailure !== 'boolean') {
    fail('`continue_on_step_failure` must be true or false.', ['settings', 'continue_on_step_failure']);
  }
  settings._source ??= YAML_JOB_SOURCE;
  return settings;
}

const STEP_TYPES_NOT_SUPPORTED: Record<string, string> = {
  parallel: 'parallel',
  spark: 'Spark',
  automl: 'AutoML',
  pipeline: 'pipeline-component',
  data_transfer: 'data-transfer',
  import: 'import',
};

function stepType(step: YamlMap, path: YamlPath): 'command' | 'sweep' {
  const type = step.type ?? 'command';
  if (type === 'command' || type === 'sweep') return type;
  const label = typeof type === 'string' ? STEP_TYPES_NOT_SUPPORTED[type] : undefined;
  return fail(
    label
      ? `Submitting pipelines with ${label} steps is not supported yet; only command and sweep steps can be submitted from the editor.`
      : `\`${String(type)}\` is not a step type; use command or sweep.`,
    [...path, 'type'],
  );
}

/** Reads the component of a step that names a file, so bindings can learn its output types. */
async function readStepComponent(context: PipelineContext, name: string, step: YamlMap): Promise<StepComponent> {
  const path: YamlPath = ['jobs', name];
  const type = stepType(step, path);
  const key = type === 'sweep' ? 'trial' : 'component';
  const reference = step[key];
  if (isMap(reference)) return { definition: reference, dir: context.fileDir, path: [...path, key] };
  if (typeof reference === 'string' && isComponentFile(reference)) {
    const file = resolve(context.fileDir, reference.replace(/^file:/, ''));
    let definition: unknown;
    try {
      definition = await context.conversion.resolvers.readYaml(file);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fail(`Could not read the component file ${reference}: ${reason}`, [...path, key]);
    }
    if (!isMap(definition)) fail(`The component file ${reference} is not a YAML mapping.`, [...path, key]);
    return { definition, dir: dirname(file), path: [...path, key] };
  }
  if (type === 'sweep' && reference === undefined)
    fail('A sweep step needs `trial`: the component each trial runs.', path);
  return { dir: context.fileDir, path: [...path, key] };
}

function isComponentFile(reference: string): boolean {
  return !reference.startsWith('azureml:') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(reference);
}

async function pipelineStep(context: PipelineContext, name: string, step: YamlMap): Promise<YamlMap> {
  const path: YamlPath = ['jobs', name];
  const { conversion, fileDir } = context;
  const type = stepType(step, path);
  const component = context.components.get(name)!;
  const declaredOutputs = component.definition
    ? optionalMap(component.definition.outputs, [...component.path, 'outputs'], 'outputs')
    : undefined;
  const outputTypeHints: Record<string, string> = {};
  for (const [output, definition] of Object.entries(declaredOutputs ?? {})) {
    if (isMap(definition) && definition.type === 'uri_file') outputTypeHints[output] = 'uri_file';
  }
  const common = {
    name,
    type,
    display_name: optionalString(step.display_name, [...path, 'display_name'], 'display_name'),
    tags: stringMap(step.tags, [...path, 'tags'], 'tags'),
    computeId: computeId(conversion, step.compute, [...path, 'compute']),
    inputs: await jobInputs(conversion, step.inputs, fileDir, [...path, 'inputs'], 'step', 'step'),
    outputs: jobOutputs(step.outputs, [...path, 'outputs'], 'step', 'step', outputTypeHints),
    properties: stringMap(step.properties, [...path, 'properties'], 'properties'),
    _source: YAML_JOB_SOURCE,
  };
  if (type === 'sweep') {
    // A sweep step keeps the YAML form of its settings (azure-ai-ml copies them from its YAML dump); they are
    // checked here all the same so that mistakes surface before submission.
    searchSpace(step.search_space, [...path, 'search_space']);
    samplingAlgorithm(step.sampling_algorithm, [...path, 'sampling_algorithm']);
    objective(step.objective, [...path, 'objective']);
    sweepLimits(step.limits, [...path, 'limits']);
    earlyTermination(step.early_termination, [...path, 'early_termination']);
    return compact({
      ...common,
      trial: { componentId: await stepComponentId(context, name, step, component) },
      limits: optionalMap(step.limits, [...path, 'limits'], 'limits'),
      sampling_algorithm: step.sampling_algorithm,
      objective: step.objective,
      early_termination: stepEarlyTermination(step.early_termination, [...path, 'early_termination']),
      search_space: step.search_space,
      queue_settings: queueSettings(step.queue_settings, [...path, 'queue_settings'], 'step'),
      resources: resources(step.resources, [...path, 'resources'], 'step'),
    });
  }
  return compact({
    ...common,
    componentId: await stepComponentId(context, name, step, component),
    distribution: distribution(step.distribution, [...path, 'distribution'], 'step'),
    limits: commandLimits(step.limits, [...path, 'limits'], 'step'),
    resources: resources(step.resources, [...path, 'resources'], 'step'),
    services: services(step.services, [...path, 'services'], 'step'),
    identity: identity(step.identity, [...path, 'identity'], 'step'),
    queue_settings: queueSettings(step.queue_settings, [...path, 'queue_settings'], 'step'),
    environment_variables: stringMap(
      step.environment_variables,
      [...path, 'environment_variables'],
      'environment_variables',
    ),
  });
}

async function stepComponentId(
  context: PipelineContext,
  name: string,
  step: YamlMap,
  component: StepComponent,
): Promise<string> {
  const { conversion } = context;
  const key = component.path[component.path.length - 1] as string;
  const reference = step[key];
  if (typeof reference === 'string' && !isComponentFile(reference))
    return registeredComponentId(context, reference, component.path);
  if (component.definition) {
    const spec = () => componentSpec(context, component.definition!, component.dir, component.path);
    if (typeof reference !== 'string') return conversion.resolvers.component(await spec());
    const file = resolve(context.fileDir, reference.replace(/^file:/, ''));
    let registered = conversion.componentsByFile.get(file);
    if (!registered) {
      registered = spec().then((ready) => conversion.resolvers.component(ready));
      conversion.componentsByFile.set(file, registered);
    }
    return registered;
  }
  if (reference !== undefined) fail('`component` must be a file, azureml:name:version or a mapping.', component.path);
  return conversion.resolvers.component(await inlineCommandSpec(context, name, step));
}

async function registeredComponentId(context: PipelineContext, reference: string, path: YamlPath): Promise<string> {
  if (reference.startsWith('azureml://registries/')) return reference;
  const name = reference.replace(/^azureml:/, '');
  if (name.startsWith('/subscriptions/')) return name;
  const base = `${workspaceId(context.conversion.workspace)}/components`;
  const labelled = /^([^:@/]+)@latest$/.exec(name);
  if (labelled)
    return `${base}/${labelled[1]}/versions/${await context.conversion.resolvers.latestVersion('components', labelled[1])}`;
  const versioned = /^([^:@/]+):([^:@/]+)$/.exec(name);
  if (versioned) return `${base}/${versioned[1]}/versions/${versioned[2]}`;
  return fail(`\`${reference}\` must name a version: azureml:${name}:<version> or azureml:${name}@latest.`, path);
}

/** A component definition made ready to register: code and environment resolved to ids. */
async function componentSpec(
  context: PipelineContext,
  definition: YamlMap,
  dir: string,
  path: YamlPath,
): Promise<YamlMap> {
  const type = definition.type ?? 'command';
  if (type !== 'command') {
    fail(
      `Submitting ${String(type)} components is not supported yet; only command components can be submitted from the editor.`,
      [...path, 'type'],
    );
  }
  if (typeof definition.command !== 'string' || !definition.command.trim())
    fail('The component needs a `command`.', path);
  if (definition.environment === undefined || definition.environment === null)
    fail('The component needs an `environment`.', path);
  const code = await codeId(context.conversion, definition.code, dir, [...path, 'code']);
  return compact({
    ...definition,
    type: 'command',
    code: code === undefined ? undefined : `azureml:${code}`,
    environment: await environmentId(context.conversion, definition.environment, dir, [...path, 'environment'], true),
  });
}

/** The anonymous component of a step written inline, with input and output types inferred as azure-ai-ml does. */
async function inlineCommandSpec(context: PipelineContext, name: string, step: YamlMap): Promise<YamlMap> {
  const path: YamlPath = ['jobs', name];
  if (typeof step.command !== 'string' || !step.command.trim())
    fail(`Step \`${name}\` needs a \`component\` or a \`command\`.`, path);
  if (step.environment === undefined || step.environment === null)
    fail(`Step \`${name}\` needs an \`environment\`.`, path);
  const inputs: YamlMap = {};
  for (const [input, value] of Object.entries(optionalMap(step.inputs, [...path, 'inputs'], 'inputs') ?? {})) {
    inputs[input] = inputDefinition(context, value, [...path, 'inputs', input]);
  }
  const outputs: YamlMap = {};
  for (const [output, value] of Object.entries(optionalMap(step.outputs, [...path, 'outputs'], 'outputs') ?? {})) {
    outputs[output] = {
      type: isBinding(value)
        ? bindingType(context, value as string, [...path, 'outputs', output])
        : declaredType(value),
    };
  }
  const code = await codeId(context.conversion, step.code, context.fileDir, [...path, 'code']);
  return compact({
    type: 'command',
    command: step.command,
    code: code === undefined ? undefined : `azureml:${code}`,
    environment: await environmentId(
      context.conversion,
      step.environment,
      context.fileDir,
      [...path, 'environment'],
      true,
    ),
    inputs: Object.keys(inputs).length ? inputs : undefined,
    outputs: Object.keys(outputs).length ? outputs : undefined,
    is_deterministic: typeof step.is_deterministic === 'boolean' ? step.is_deterministic : true,
  });
}

function literalType(value: unknown): string | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  return undefined;
}

function declaredType(value: unknown): string {
  return isMap(value) && typeof value.type === 'string' ? value.type : 'uri_folder';
}

function inputDefinition(context: PipelineContext, value: unknown, path: YamlPath): YamlMap {
  if (isBinding(value)) return { type: bindingType(context, value as string, path) };
  const literal = literalType(value);
  if (literal) return { type: literal, default: value };
  if (isMap(value) && ['string', 'integer', 'number', 'boolean'].includes(String(value.type))) {
    return compact({ type: value.type, default: value.value ?? value.default });
  }
  return { type: declaredType(value) };
}

/** The type a `${{parent…}}` binding carries, looked up where it points. */
function bindingType(context: PipelineContext, binding: string, path: YamlPath, seen = new Set<string>()): string {
  if (seen.has(binding)) return fail(`The binding ${binding} refers back to itself.`, path);
  seen.add(binding);
  const parent = /^\$\{\{\s*parent\.(inputs|outputs)\.([\w.]+)\s*\}\}$/.exec(binding.trim());
  if (parent) {
    const declared = optionalMap(context.document[parent[1]], [parent[1]], parent[1]);
    if (!declared || !(parent[2] in declared))
      fail(`The binding ${binding} names no pipeline ${parent[1].slice(0, -1)} \`${parent[2]}\`.`, path);
    const target = declared[parent[2]];
    return literalType(target) ?? declaredType(target);
  }
  const job = /^\$\{\{\s*parent\.jobs\.([^.\s]+)\.(inputs|outputs)\.([\w.]+)\s*\}\}$/.exec(binding.trim());
  if (!job)
    return fail(
      `A step can bind only to pipeline inputs and outputs or other steps' outputs; ${binding} is neither.`,
      path,
    );
  const [, stepName, direction, port] = job;
  const jobs = context.document.jobs as YamlMap;
  const source = jobs[stepName];
  if (!isMap(source)) return fail(`The binding ${binding} names no step \`${stepName}\`.`, path);
  const given = isMap(source[direction]) ? (source[direction] as YamlMap)[port] : undefined;
  if (isBinding(given)) return bindingType(context, given as string, path, seen);
  if (isMap(given) && typeof given.type === 'string') return given.type;
  const definition = context.components.get(stepName)?.definition;
  const declared = definition && isMap(definition[direction]) ? (definition[direction] as YamlMap)[port] : undefined;
  if (isMap(declared) && typeof declared.type === 'string') return declared.type;
  if (given !== undefined && given !== null) return literalType(given) ?? 'uri_folder';
  return 'uri_folder';
}
