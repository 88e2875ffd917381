/**
 * Turns Azure ML v2 job YAML into the body of Jobs_CreateOrUpdate (Microsoft.MachineLearningServices
 * 2025-09-01), shaped as azure-ai-ml sends it where the contract is free-form (pipeline steps and settings,
 * sweep search spaces). Local code, data, environments and components go through resolvers, so this module
 * neither uploads nor registers anything itself.
 */
import { basename, dirname, resolve } from 'node:path';
import type { WorkspaceRef } from '../azure/resourceIds';
import { pipelineProperties } from './restPipeline';
import {
  checkCommandInputs,
  codeId,
  commandLimits,
  compact,
  computeId,
  distribution,
  environmentId,
  fail,
  identity,
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
  type JobResolvers,
  type YamlMap,
} from './restJobParts';
import { earlyTermination, objective, samplingAlgorithm, searchSpace, sweepLimits } from './restSweep';

export { JobConversionError, type InlineEnvironment, type JobResolvers, type YamlPath } from './restJobParts';

export interface ConvertOptions {
  /** Folder of the YAML file: relative paths resolve from it. */
  fileDir: string;
  workspace: WorkspaceRef;
  resolvers: JobResolvers;
  /** What the user chose for what the file leaves out, and re-run overrides; each wins over the file. */
  overrides?: {
    compute?: string;
    experimentName?: string;
    displayName?: string;
    /** Dotted YAML paths, e.g. "inputs.learning_rate": 0.1. */
    set?: Record<string, unknown>;
  };
}

export interface RestJob {
  /** The YAML's `name`, if any; otherwise the caller picks one. */
  name?: string;
  body: { properties: Record<string, unknown> };
}

const UNSUPPORTED_TYPES: Record<string, string> = {
  automl: 'AutoML jobs',
  spark: 'Spark jobs',
  parallel: 'Parallel jobs',
  finetuning: 'Fine-tuning jobs',
  distillation: 'Distillation jobs',
  import: 'Import jobs',
  data_transfer: 'Data-transfer jobs',
};

function jobType(document: YamlMap): 'command' | 'sweep' | 'pipeline' {
  const type = document.type ?? 'command';
  if (type === 'command' || type === 'sweep' || type === 'pipeline') return type;
  const label = typeof type === 'string' ? UNSUPPORTED_TYPES[type] : undefined;
  return fail(
    label
      ? `${label} cannot be submitted from the editor yet; command, sweep and pipeline jobs can.`
      : `\`${String(type)}\` is not a job type; use command, sweep or pipeline.`,
    ['type'],
  );
}

/**
 * The experiment a job goes to when the file names none. Like `az ml job create`, which uses the name of the
 * folder it runs in, this uses the folder of the YAML file (characters an experiment name cannot hold become _).
 */
export function defaultExperimentName(fileDir: string): string {
  const folder = basename(fileDir).replace(/[^a-zA-Z0-9_.-]/g, '_');
  return folder || 'Default';
}

export async function toRestJob(document: unknown, options: ConvertOptions): Promise<RestJob> {
  if (!isMap(document)) fail('A job YAML file must be a mapping of keys to values.', []);
  const job = applyOverrides(document, options.overrides?.set);
  const type = jobType(job);
  const conversion: Conversion = {
    workspace: options.workspace,
    resolvers: options.resolvers,
    componentsByFile: new Map(),
  };
  const overrides = options.overrides ?? {};
  const name = optionalString(job.name, ['name'], 'name');
  if (name !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/.test(name)) {
    fail('`name` may hold only letters, digits, - and _, and must start with a letter or digit.', ['name']);
  }
  const common = {
    displayName: overrides.displayName ?? optionalString(job.display_name, ['display_name'], 'display_name'),
    description: optionalString(job.description, ['description'], 'description'),
    tags: stringMap(job.tags, ['tags'], 'tags'),
    properties: stringMap(job.properties, ['properties'], 'properties'),
    experimentName:
      overrides.experimentName ??
      optionalString(job.experiment_name, ['experiment_name'], 'experiment_name') ??
      defaultExperimentName(options.fileDir),
    identity: identity(job.identity, ['identity'], 'job'),
  };
  let properties: YamlMap;
  if (type === 'pipeline') {
    properties = {
      jobType: 'Pipeline',
      ...common,
      computeId: jobComputeId(conversion, job.compute),
      ...(await pipelineProperties(conversion, job, options.fileDir, overrides.compute)),
    };
  } else if (type === 'sweep') {
    properties = await sweepProperties(conversion, job, options.fileDir, common, overrides.compute);
  } else {
    properties = await commandProperties(conversion, job, options.fileDir, common, overrides.compute);
  }
  return compact({ name, body: { properties: compact(properties) } });
}

/** A standalone job on serverless compute carries no compute id. */
function jobComputeId(conversion: Conversion, value: unknown): string | undefined {
  const id = computeId(conversion, value, ['compute']);
  return id === 'serverless' ? undefined : id;
}

async function commandProperties(
  conversion: Conversion,
  job: YamlMap,
  fileDir: string,
  common: YamlMap,
  computeOverride: string | undefined,
): Promise<YamlMap> {
  const command = optionalString(job.command, ['command'], 'command');
  if (!command?.trim()) fail('A command job needs a `command` to run.', ['command']);
  checkCommandInputs(command, optionalMap(job.inputs, ['inputs'], 'inputs'), ['command']);
  if (job.environment === undefined || job.environment === null)
    fail('A command job needs an `environment`.', ['environment']);
  return {
    jobType: 'Command',
    ...common,
    computeId: jobComputeId(conversion, computeOverride ?? job.compute),
    codeId: await codeId(conversion, job.code, fileDir, ['code']),
    command,
    environmentId: await environmentId(conversion, job.environment, fileDir, ['environment']),
    environmentVariables: stringMap(job.environment_variables, ['environment_variables'], 'environment_variables'),
    inputs: await jobInputs(conversion, job.inputs, fileDir, ['inputs'], 'job', 'job'),
    outputs: jobOutputs(job.outputs, ['outputs'], 'job', 'job'),
    distribution: distribution(job.distribution, ['distribution'], 'job'),
    resources: resources(job.resources, ['resources'], 'job'),
    limits: commandLimits(job.limits, ['limits'], 'job'),
    services: services(job.services, ['services'], 'job'),
    queueSettings: queueSettings(job.queue_settings, ['queue_settings'], 'job'),
  };
}

async function sweepProperties(
  conversion: Conversion,
  job: YamlMap,
  fileDir: string,
  common: YamlMap,
  computeOverride: string | undefined,
): Promise<YamlMap> {
  const { trial, trialDir } = await sweepTrial(conversion, job.trial, fileDir);
  const command = optionalString(trial.command, ['trial', 'command'], 'command');
  if (!command?.trim()) fail('The sweep `trial` needs a `command` to run.', ['trial', 'command']);
  checkCommandInputs(command, optionalMap(job.inputs, ['inputs'], 'inputs'), ['trial', 'command']);
  if (trial.environment === undefined || trial.environment === null)
    fail('The sweep `trial` needs an `environment`.', ['trial', 'environment']);
  const space = searchSpace(job.search_space, ['search_space']);
  for (const match of command.matchAll(/\$\{\{\s*search_space\.([\w.-]+)\s*\}\}/g)) {
    if (!(match[1] in space))
      fail(`The trial command uses \${{search_space.${match[1]}}}, which \`search_space\` does not define.`, [
        'trial',
        'command',
      ]);
  }
  return {
    jobType: 'Sweep',
    ...common,
    computeId: jobComputeId(conversion, computeOverride ?? job.compute),
    inputs: await jobInputs(conversion, job.inputs, fileDir, ['inputs'], 'job', 'job'),
    outputs: jobOutputs(job.outputs, ['outputs'], 'job', 'job'),
    samplingAlgorithm: samplingAlgorithm(job.sampling_algorithm, ['sampling_algorithm']),
    searchSpace: space,
    objective: objective(job.objective, ['objective']),
    earlyTermination: earlyTermination(job.early_termination, ['early_termination']),
    limits: sweepLimits(job.limits, ['limits']),
    queueSettings: queueSettings(job.queue_settings, ['queue_settings'], 'job'),
    services: services(job.services, ['services'], 'job'),
    trial: compact({
      codeId: await codeId(conversion, trial.code, trialDir, ['trial', 'code']),
      command,
      environmentId: await environmentId(conversion, trial.environment, trialDir, ['trial', 'environment']),
      environmentVariables: stringMap(
        trial.environment_variables,
        ['trial', 'environment_variables'],
        'environment_variables',
      ),
      distribution: distribution(trial.distribution, ['trial', 'distribution'], 'job'),
      resources: resources(trial.resources ?? job.resources, ['trial', 'resources'], 'job'),
    }),
  };
}

/** A sweep's trial: written inline, or a command component file whose paths resolve from its own folder. */
async function sweepTrial(
  conversion: Conversion,
  value: unknown,
  fileDir: string,
): Promise<{ trial: YamlMap; trialDir: string }> {
  if (isMap(value)) return { trial: value, trialDir: fileDir };
  if (typeof value !== 'string' || !value.trim())
    return fail('A sweep job needs a `trial`: the command each trial runs.', ['trial']);
  const file = resolve(fileDir, value.replace(/^file:/, ''));
  let definition: unknown;
  try {
    definition = await conversion.resolvers.readYaml(file);
  } catch (error) {
    return fail(
      `Could not read the trial component ${value}: ${error instanceof Error ? error.message : String(error)}`,
      ['trial'],
    );
  }
  if (!isMap(definition)) return fail(`The trial component ${value} is not a YAML mapping.`, ['trial']);
  return { trial: definition, trialDir: dirname(file) };
}

/** Applies re-run overrides such as "inputs.learning_rate": 0.1 to a copy of the document. */
function applyOverrides(document: YamlMap, set: Record<string, unknown> | undefined): YamlMap {
  if (!set || Object.keys(set).length === 0) return document;
  const copy = structuredClone(document);
  for (const [dotted, value] of Object.entries(set)) {
    const keys = dotted.split('.').filter(Boolean);
    if (keys.length === 0) continue;
    let target: unknown = copy;
    for (const key of keys.slice(0, -1)) {
      const container = target as Record<string, unknown>;
      if (!isMap(container[key]) && !Array.isArray(container[key])) container[key] = {};
      target = container[key];
    }
    (target as Record<string, unknown>)[keys[keys.length - 1]] = value;
  }
  return copy;
}

/**
 * What must be asked before converting: `compute`, when the job names none (for a pipeline: neither the job,
 * `settings.default_compute`, nor every step). A missing experiment has a default (defaultExperimentName), which
 * the editor offers first.
 */
export function missingForSubmit(document: unknown): Array<'compute'> {
  if (!isMap(document)) return [];
  const named = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  if (named(document.compute)) return [];
  if (document.type === 'pipeline') {
    const settings = isMap(document.settings) ? document.settings : {};
    if (named(settings.default_compute)) return [];
    const jobs = isMap(document.jobs) ? Object.values(document.jobs) : [];
    if (jobs.length > 0 && jobs.every((step) => isMap(step) && named(step.compute))) return [];
  }
  return ['compute'];
}
