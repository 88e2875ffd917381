import { dirname, isAbsolute, resolve } from 'node:path';
import { workspaceId, type WorkspaceRef } from '../azure/resourceIds';
import { loadYaml } from '../lazy/load';

/** Where a problem is in the YAML document, key by key (numbers index sequences). */
export type YamlPath = (string | number)[];

/** A job YAML that cannot be turned into a REST job body, with the place in the file it is about. */
export class JobConversionError extends Error {
  constructor(
    message: string,
    readonly path: YamlPath,
  ) {
    super(message);
    this.name = 'JobConversionError';
  }
}

/** An environment written inline in job YAML, ready to be registered as an anonymous version. */
export interface InlineEnvironment {
  name?: string;
  version?: string;
  description?: string;
  tags?: Record<string, string>;
  image?: string;
  /** The conda specification as YAML text (read from `conda_file`, or written from an inline mapping). */
  condaFile?: string;
  /** A Docker build: `context` is an absolute local folder, or a remote URL, that holds the Dockerfile. */
  build?: { context: string; dockerfilePath: string };
  osType?: string;
}

export interface JobResolvers {
  /** A local code folder (absolute path) uploaded or found by content; returns the code version's ARM id. */
  code(absoluteFolder: string): Promise<string>;
  /** A local file or folder for an input (absolute path); returns the URI the job reads. */
  localInput(absolutePath: string, type: string): Promise<string>;
  /** An inline environment registered as an anonymous version; returns its ARM id. */
  environment(spec: InlineEnvironment): Promise<string>;
  /** An inline or file component registered as an anonymous version; returns its ARM id. */
  component(componentSpec: Record<string, unknown>): Promise<string>;
  /** Latest version of a named asset, for azureml:name@latest. */
  latestVersion(kind: 'environments' | 'components' | 'data' | 'models', name: string): Promise<string>;
  /** Reads and parses a YAML file (component files referenced by pipeline steps). */
  readYaml(absolutePath: string): Promise<unknown>;
}

/** How nested objects are keyed: job bodies in camelCase, pipeline steps (free-form) in the SDK's snake_case. */
export type KeyStyle = 'job' | 'step';

export interface Conversion {
  workspace: WorkspaceRef;
  resolvers: JobResolvers;
  /** Anonymous components already registered in this conversion, by their file (the SDK registers each once). */
  componentsByFile: Map<string, Promise<string>>;
}

export type YamlMap = Record<string, unknown>;

export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(message: string, path: YamlPath): never {
  throw new JobConversionError(message, path);
}

export function optionalMap(value: unknown, path: YamlPath, what: string): YamlMap | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) fail(`\`${what}\` must be a mapping of keys to values.`, path);
  return value;
}

export function optionalString(value: unknown, path: YamlPath, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(`\`${what}\` must be text.`, path);
  return value;
}

export function optionalNumber(value: unknown, path: YamlPath, what: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`\`${what}\` must be a number.`, path);
  return value;
}

export function optionalInteger(value: unknown, path: YamlPath, what: string, minimum = 0): number | undefined {
  const number = optionalNumber(value, path, what);
  if (number !== undefined && (!Number.isInteger(number) || number < minimum)) {
    fail(`\`${what}\` must be a whole number of at least ${minimum}.`, path);
  }
  return number;
}

/** Tags, properties and environment variables: the service takes text values only. */
export function stringMap(value: unknown, path: YamlPath, what: string): Record<string, string> | undefined {
  const map = optionalMap(value, path, what);
  if (!map) return undefined;
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(map)) {
    if (isMap(item) || Array.isArray(item)) fail(`\`${what}.${key}\` must be a single value.`, [...path, key]);
    result[key] = item === null || item === undefined ? '' : literalText(item);
  }
  return result;
}

/** Drops keys whose value is undefined, so bodies carry only what the file says. */
export function compact<T extends YamlMap>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

/** Literal inputs travel as text, written the way azure-ai-ml writes Python values (so True/False). */
export function literalText(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

export function isBinding(value: unknown): boolean {
  return typeof value === 'string' && /\$\{\{.*\}\}/.test(value);
}

/** A `<your compute name>`-style value left for the reader to fill in. */
function isPlaceholder(value: string): boolean {
  return /^<.*>$/.test(value.trim()) || /\{\{[^$]/.test(value);
}

function versionedId(conversion: Conversion, kind: string, name: string, version: string): string {
  return `${workspaceId(conversion.workspace)}/${kind}/${name}/versions/${version}`;
}

const ARM_PREFIX = 'azureml:';
const REMOTE_URI = /^(https?|wasbs?|abfss?|adl|azureml|s3|gs):\/\//i;

/** `azureml:name:version` or `azureml:name@latest` (prefix already removed) as a workspace ARM id. */
async function namedAssetId(
  conversion: Conversion,
  kind: 'environments' | 'components' | 'data' | 'models',
  reference: string,
  path: YamlPath,
  what: string,
): Promise<string> {
  const labelled = /^([^:@/]+)@([^:@/]+)$/.exec(reference);
  if (labelled) {
    if (labelled[2] !== 'latest') {
      fail(
        `Only the \`@latest\` label can be resolved here; give \`${what}\` as azureml:${labelled[1]}:<version>.`,
        path,
      );
    }
    const version = await conversion.resolvers.latestVersion(kind, labelled[1]);
    return versionedId(conversion, kind, labelled[1], version);
  }
  const versioned = /^([^:@/]+):([^:@/]+)$/.exec(reference);
  if (versioned) return versionedId(conversion, kind, versioned[1], versioned[2]);
  return fail(`\`${what}\` must name a version: azureml:${reference}:<version> or azureml:${reference}@latest.`, path);
}

/**
 * A compute as the service wants it: `azureml:cpu-cluster`, `cpu-cluster` or an ARM id becomes the compute's ARM
 * id; `serverless` and `${{…}}` bindings stay as they are.
 */
export function computeId(conversion: Conversion, value: unknown, path: YamlPath): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !value.trim())
    return fail('`compute` must name a compute, e.g. azureml:cpu-cluster.', path);
  if (isBinding(value)) return value;
  if (isPlaceholder(value))
    return fail(`\`compute\` still holds the placeholder ${value.trim()}; name a compute.`, path);
  const name = value.trim().replace(/^azureml:/, '');
  if (name.startsWith('/subscriptions/')) return name;
  if (name.toLowerCase() === 'serverless' || name.toLowerCase() === 'local') return name.toLowerCase();
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) return fail(`\`${value}\` is not a compute name.`, path);
  return `${workspaceId(conversion.workspace)}/computes/${name}`;
}

/**
 * An environment reference or inline definition, as an id the service accepts. Curated `AzureML-…` names and
 * registry URIs pass through, as azure-ai-ml leaves them to the service. `inComponent` writes ARM ids with the
 * `azureml:` prefix, the form component specifications use.
 */
export async function environmentId(
  conversion: Conversion,
  value: unknown,
  fileDir: string,
  path: YamlPath,
  inComponent = false,
): Promise<string> {
  const asComponentRef = (id: string) => (inComponent && id.startsWith('/') ? `${ARM_PREFIX}${id}` : id);
  if (isMap(value))
    return asComponentRef(
      await conversion.resolvers.environment(await inlineEnvironment(conversion, value, fileDir, path)),
    );
  if (typeof value !== 'string' || !value.trim())
    return fail('`environment` must be a reference (azureml:name:version) or a mapping with `image`.', path);
  const text = value.trim();
  if (isPlaceholder(text))
    return fail(`\`environment\` still holds the placeholder ${text}; name an environment.`, path);
  if (text.startsWith('file:')) {
    const file = resolve(fileDir, text.slice('file:'.length));
    const definition = await readYamlFile(conversion, file, path, 'environment');
    if (!isMap(definition)) return fail(`The environment file ${text.slice(5)} is not a YAML mapping.`, path);
    return asComponentRef(
      await conversion.resolvers.environment(await inlineEnvironment(conversion, definition, dirname(file), path)),
    );
  }
  if (/^azureml:\/\/registries\//i.test(text)) return text;
  if (!text.startsWith(ARM_PREFIX)) {
    return fail(`Give the environment as azureml:${text} (a registered environment needs the azureml: prefix).`, path);
  }
  const reference = text.slice(ARM_PREFIX.length);
  if (reference.startsWith('/subscriptions/')) return asComponentRef(reference);
  if (reference.startsWith('AzureML-')) return text;
  return asComponentRef(await namedAssetId(conversion, 'environments', reference, path, 'environment'));
}

async function readYamlFile(conversion: Conversion, file: string, path: YamlPath, what: string): Promise<unknown> {
  try {
    return await conversion.resolvers.readYaml(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`Could not read the ${what} file ${file}: ${reason}`, path);
  }
}

async function inlineEnvironment(
  conversion: Conversion,
  definition: YamlMap,
  fileDir: string,
  path: YamlPath,
): Promise<InlineEnvironment> {
  const image = optionalString(definition.image, [...path, 'image'], 'image');
  const build = optionalMap(definition.build, [...path, 'build'], 'build');
  if (!image && !build) fail('An inline environment needs `image` or `build`.', path);
  let condaFile: string | undefined;
  const conda = definition.conda_file;
  if (typeof conda === 'string') {
    const file = resolve(fileDir, conda.replace(/^file:/, ''));
    const parsed = await readYamlFile(conversion, file, [...path, 'conda_file'], 'conda');
    condaFile = await yamlText(parsed);
  } else if (isMap(conda)) {
    condaFile = await yamlText(conda);
  } else if (conda !== undefined && conda !== null) {
    fail('`conda_file` must be a path to a conda YAML file.', [...path, 'conda_file']);
  }
  let buildContext: InlineEnvironment['build'];
  if (build) {
    const context = optionalString(build.path, [...path, 'build', 'path'], 'build.path');
    if (!context) fail('`build` needs `path`, the folder with the Dockerfile.', [...path, 'build']);
    const dockerfile = optionalString(build.dockerfile_path, [...path, 'build', 'dockerfile_path'], 'dockerfile_path');
    buildContext = {
      context: REMOTE_URI.test(context) ? context : resolve(fileDir, context),
      dockerfilePath: dockerfile ?? 'Dockerfile',
    };
  }
  const version = definition.version;
  return compact({
    name: optionalString(definition.name, [...path, 'name'], 'name'),
    version: version === undefined || version === null ? undefined : String(version),
    description: optionalString(definition.description, [...path, 'description'], 'description'),
    tags: stringMap(definition.tags, [...path, 'tags'], 'tags'),
    image,
    condaFile,
    build: buildContext,
    osType: optionalString(definition.os_type, [...path, 'os_type'], 'os_type'),
  });
}

async function yamlText(value: unknown): Promise<string> {
  return (await loadYaml()).stringify(value);
}

/** `code:` as the code version's ARM id: local folders go through the code resolver. */
export async function codeId(
  conversion: Conversion,
  value: unknown,
  fileDir: string,
  path: YamlPath,
): Promise<string | undefined> {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !value.trim())
    return fail('`code` must be a local folder or azureml:name:version.', path);
  const text = value.trim();
  if (text.startsWith(ARM_PREFIX) && !text.startsWith('azureml://')) {
    const reference = text.slice(ARM_PREFIX.length);
    if (reference.startsWith('/subscriptions/')) return reference;
    const versioned = /^([^:@/]+):([^:@/]+)$/.exec(reference);
    if (!versioned) return fail('Give a registered code asset as azureml:<name>:<version>.', path);
    return versionedId(conversion, 'codes', versioned[1], versioned[2]);
  }
  if (REMOTE_URI.test(text) || text.startsWith('git+')) {
    return fail('Only a local folder or a registered code asset (azureml:name:version) can be used as `code`.', path);
  }
  return conversion.resolvers.code(resolve(fileDir, text.replace(/^file:/, '')));
}

const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];
const LITERAL_TYPES = ['string', 'integer', 'number', 'boolean'];

const INPUT_MODES: Record<string, string> = {
  ro_mount: 'ReadOnlyMount',
  mount: 'ReadOnlyMount',
  rw_mount: 'ReadWriteMount',
  download: 'Download',
  direct: 'Direct',
  eval_mount: 'EvalMount',
  eval_download: 'EvalDownload',
};

const OUTPUT_MODES: Record<string, string> = {
  rw_mount: 'ReadWriteMount',
  mount: 'ReadWriteMount',
  upload: 'Upload',
  direct: 'Direct',
};

function mode(
  table: Record<string, string>,
  value: unknown,
  path: YamlPath,
  what: 'input' | 'output',
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const key = typeof value === 'string' ? value.trim().toLowerCase() : '';
  const mapped = table[key];
  if (!mapped) fail(`\`${String(value)}\` is not an ${what} mode; use one of ${Object.keys(table).join(', ')}.`, path);
  return mapped;
}

function dataType(value: unknown, path: YamlPath): string {
  if (value === undefined || value === null) return 'uri_folder';
  if (typeof value !== 'string' || !DATA_TYPES.includes(value)) {
    return fail(`\`${String(value)}\` is not a data type; use one of ${DATA_TYPES.join(', ')}.`, path);
  }
  return value;
}

/**
 * Where an input's data is, as the `uri` azure-ai-ml sends: remote URIs unchanged; `azureml:name:version` and
 * `azureml:name@latest` as the asset version's full ARM id (models for mlflow/custom models, data otherwise);
 * local paths uploaded through the resolver (folders end with a slash).
 */
async function inputUri(
  conversion: Conversion,
  value: unknown,
  type: string,
  fileDir: string,
  path: YamlPath,
): Promise<string> {
  if (typeof value !== 'string' || !value.trim())
    return fail('`path` must be a local path, a URI or azureml:name:version.', path);
  const text = value.trim();
  if (REMOTE_URI.test(text)) return text;
  if (text.startsWith(ARM_PREFIX)) {
    const reference = text.slice(ARM_PREFIX.length);
    if (reference.startsWith('/subscriptions/')) return reference;
    const kind = type === 'mlflow_model' || type === 'custom_model' ? 'models' : 'data';
    return namedAssetId(conversion, kind, reference, path, 'path');
  }
  const local = text.replace(/^file:/, '');
  if (!isAbsolute(local) && /^[a-z][a-z0-9+.-]*:\/\//i.test(local))
    return fail(`\`${text}\` is not a URI this job can read.`, path);
  const uri = await conversion.resolvers.localInput(resolve(fileDir, local), type);
  return type === 'uri_folder' && !uri.endsWith('/') ? `${uri}/` : uri;
}

function inputKeys(style: KeyStyle) {
  return style === 'job'
    ? { type: 'jobInputType', uri: 'uri', mode: 'mode', value: 'value' }
    : { type: 'job_input_type', uri: 'uri', mode: 'mode', value: 'value' };
}

const JOB_IO_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PIPELINE_IO_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;

/** One input in REST form; undefined for an input given no value. */
export async function jobInput(
  conversion: Conversion,
  value: unknown,
  fileDir: string,
  path: YamlPath,
  style: KeyStyle,
): Promise<YamlMap | undefined> {
  const keys = inputKeys(style);
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) {
    if (Array.isArray(value)) fail('An input must be a single value or a mapping with `type` and `path`.', path);
    return { [keys.type]: 'literal', [keys.value]: literalText(value) };
  }
  const declaredType = value.type;
  if (typeof declaredType === 'string' && LITERAL_TYPES.includes(declaredType)) {
    const literal = value.value ?? value.default;
    if (literal === undefined || literal === null) return undefined;
    return { [keys.type]: 'literal', [keys.value]: literalText(literal) };
  }
  const type = dataType(declaredType, [...path, 'type']);
  const inputMode = mode(INPUT_MODES, value.mode, [...path, 'mode'], 'input');
  if (value.path === undefined || value.path === null) fail('An input needs `path`: where its data is.', path);
  if (isBinding(value.path)) {
    return compact({ [keys.type]: 'literal', [keys.value]: value.path, [keys.mode]: inputMode });
  }
  const uri = await inputUri(conversion, value.path, type, fileDir, [...path, 'path']);
  return compact({ [keys.type]: type, [keys.uri]: uri, [keys.mode]: inputMode });
}

export async function jobInputs(
  conversion: Conversion,
  value: unknown,
  fileDir: string,
  path: YamlPath,
  style: KeyStyle,
  names: 'job' | 'pipeline' | 'step',
): Promise<Record<string, YamlMap> | undefined> {
  const inputs = optionalMap(value, path, 'inputs');
  if (!inputs) return undefined;
  const result: Record<string, YamlMap> = {};
  for (const [name, input] of Object.entries(inputs)) {
    checkName(name, [...path, name], names, 'Input');
    const converted = await jobInput(conversion, input, fileDir, [...path, name], style);
    if (converted) result[name] = converted;
  }
  return result;
}

function checkName(name: string, path: YamlPath, names: 'job' | 'pipeline' | 'step', what: string): void {
  if (names === 'step') return;
  const pattern = names === 'pipeline' ? PIPELINE_IO_NAME : JOB_IO_NAME;
  if (!pattern.test(name)) fail(`${what} name \`${name}\` may hold only letters, digits and underscores.`, path);
}

/** One output in REST form; steps may bind an output to the pipeline's with `${{parent.outputs.x}}`. */
export function jobOutput(value: unknown, path: YamlPath, style: KeyStyle, typeHint?: string): YamlMap {
  const typeKey = style === 'job' ? 'jobOutputType' : 'job_output_type';
  const nameKey = style === 'job' ? 'assetName' : 'name';
  const versionKey = style === 'job' ? 'assetVersion' : 'version';
  if (value === undefined || value === null) return { [typeKey]: typeHint ?? 'uri_folder' };
  if (isBinding(value)) {
    if (style === 'job') fail('A job output cannot be a binding.', path);
    return { value, type: 'literal' };
  }
  if (!isMap(value)) return fail('An output must be a mapping with `type` and `mode`, or left empty.', path);
  const outputMode = mode(OUTPUT_MODES, value.mode, [...path, 'mode'], 'output');
  const assetName = optionalString(value.name, [...path, 'name'], 'name');
  const version = value.version === undefined || value.version === null ? undefined : String(value.version);
  if (isBinding(value.path) && style === 'step') {
    return compact({ value: value.path, type: 'literal', mode: outputMode, name: assetName, version });
  }
  const type =
    value.type === undefined || value.type === null
      ? (typeHint ?? 'uri_folder')
      : dataType(value.type, [...path, 'type']);
  const uri = optionalString(value.path, [...path, 'path'], 'path');
  if (uri !== undefined && !REMOTE_URI.test(uri) && !isBinding(uri)) {
    fail('An output `path` must be a datastore URI such as azureml://datastores/workspaceblobstore/paths/…', [
      ...path,
      'path',
    ]);
  }
  return compact({
    [typeKey]: type,
    uri,
    mode: outputMode,
    [nameKey]: assetName,
    [versionKey]: version,
    description: optionalString(value.description, [...path, 'description'], 'description'),
  });
}

export function jobOutputs(
  value: unknown,
  path: YamlPath,
  style: KeyStyle,
  names: 'job' | 'pipeline' | 'step',
  typeHints: Record<string, string> = {},
): Record<string, YamlMap> | undefined {
  const outputs = optionalMap(value, path, 'outputs');
  if (!outputs) return undefined;
  const result: Record<string, YamlMap> = {};
  for (const [name, output] of Object.entries(outputs)) {
    // A step output left empty is not configured; azure-ai-ml leaves it out of the step.
    if (names === 'step' && (output === undefined || output === null)) continue;
    checkName(name, [...path, name], names === 'pipeline' ? 'job' : names, 'Output');
    result[name] = jobOutput(output, [...path, name], style, typeHints[name]);
  }
  if (names === 'step' && Object.keys(result).length === 0) return undefined;
  return result;
}

/** Seconds as the ISO 8601 duration azure-ai-ml sends (7200 → PT2H); ISO text passes through. */
export function isoDuration(value: unknown, path: YamlPath, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && /^P/i.test(value.trim())) return value.trim().toUpperCase();
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    return fail(`\`${what}\` must be a number of seconds.`, path);
  }
  const days = Math.floor(seconds / 86400);
  let rest = seconds - days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = Math.round((rest - minutes * 60) * 1e6) / 1e6;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${secs ? `${secs}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** camelCase keys → snake_case, as pipeline steps carry REST objects; user maps inside stay as written. */
export function styled(value: YamlMap | undefined, style: KeyStyle): YamlMap | undefined {
  if (!value || style === 'job') return value;
  const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const result: YamlMap = {};
  for (const [key, item] of Object.entries(value)) {
    const userMap = key === 'properties' || key === 'environmentVariables';
    result[snake(key)] = isMap(item) && !userMap ? styled(item, style) : item;
  }
  return result;
}

export function distribution(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'distribution');
  if (!map) return undefined;
  const type = typeof map.type === 'string' ? map.type.toLowerCase() : undefined;
  const count = (key: string) => optionalInteger(map[key], [...path, key], key, 0);
  let rest: YamlMap;
  if (type === 'pytorch') {
    rest = { distributionType: 'PyTorch', processCountPerInstance: count('process_count_per_instance') };
  } else if (type === 'mpi') {
    rest = { distributionType: 'Mpi', processCountPerInstance: count('process_count_per_instance') };
  } else if (type === 'tensorflow') {
    rest = {
      distributionType: 'TensorFlow',
      workerCount: count('worker_count'),
      parameterServerCount: count('parameter_server_count'),
    };
  } else {
    return fail('`distribution.type` must be pytorch, tensorflow or mpi.', [...path, 'type']);
  }
  return styled(compact(rest), style);
}

export function resources(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'resources');
  if (!map) return undefined;
  const dockerArgs = map.docker_args;
  const rest = compact({
    instanceCount: optionalInteger(map.instance_count, [...path, 'instance_count'], 'instance_count', 1),
    instanceType: optionalString(map.instance_type, [...path, 'instance_type'], 'instance_type'),
    shmSize: optionalString(map.shm_size, [...path, 'shm_size'], 'shm_size'),
    dockerArgs: Array.isArray(dockerArgs)
      ? dockerArgs.map(String).join(' ')
      : optionalString(dockerArgs, [...path, 'docker_args'], 'docker_args'),
    properties: optionalMap(map.properties, [...path, 'properties'], 'properties'),
  });
  return styled(rest, style);
}

export function commandLimits(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'limits');
  if (!map) return undefined;
  return styled(
    compact({ jobLimitsType: 'Command', timeout: isoDuration(map.timeout, [...path, 'timeout'], 'timeout') }),
    style,
  );
}

const IDENTITY_TYPES: Record<string, string> = {
  user_identity: 'UserIdentity',
  managed: 'Managed',
  managed_identity: 'Managed',
  aml_token: 'AMLToken',
};

export function identity(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'identity');
  if (!map) return undefined;
  const type = typeof map.type === 'string' ? IDENTITY_TYPES[map.type.toLowerCase()] : undefined;
  if (!type) return fail('`identity.type` must be user_identity, managed or aml_token.', [...path, 'type']);
  return styled(
    compact({
      identityType: type,
      clientId: optionalString(map.client_id, [...path, 'client_id'], 'client_id'),
      objectId: optionalString(map.object_id, [...path, 'object_id'], 'object_id'),
      resourceId: optionalString(map.resource_id, [...path, 'resource_id'], 'resource_id'),
    }),
    style,
  );
}

const SERVICE_TYPES: Record<string, string> = {
  jupyter_lab: 'JupyterLab',
  vs_code: 'VSCode',
  tensor_board: 'TensorBoard',
  ssh: 'SSH',
  custom: 'Custom',
};

export function services(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'services');
  if (!map) return undefined;
  const result: YamlMap = {};
  for (const [name, service] of Object.entries(map)) {
    const servicePath = [...path, name];
    const definition = optionalMap(service, servicePath, name) ?? {};
    const type = typeof definition.type === 'string' ? SERVICE_TYPES[definition.type] : undefined;
    if (!type) fail(`\`type\` must be one of ${Object.keys(SERVICE_TYPES).join(', ')}.`, [...servicePath, 'type']);
    const properties: Record<string, string> = {
      ...(stringMap(definition.properties, [...servicePath, 'properties'], 'properties') ?? {}),
    };
    const logDir = optionalString(definition.log_dir, [...servicePath, 'log_dir'], 'log_dir');
    if (logDir !== undefined) properties.logDir = logDir;
    const sshKey = optionalString(definition.ssh_public_keys, [...servicePath, 'ssh_public_keys'], 'ssh_public_keys');
    if (sshKey !== undefined) properties.sshPublicKeys = sshKey;
    const nodes = optionalString(definition.nodes, [...servicePath, 'nodes'], 'nodes');
    result[name] = styled(
      compact({
        jobServiceType: type,
        port: optionalInteger(definition.port, [...servicePath, 'port'], 'port', 1),
        nodes: nodes === undefined ? undefined : { nodesValueType: nodes === 'all' ? 'All' : nodes },
        properties: Object.keys(properties).length ? properties : undefined,
      }),
      style,
    );
  }
  return result;
}

const JOB_TIERS: Record<string, string> = {
  null: 'Null',
  spot: 'Spot',
  basic: 'Basic',
  standard: 'Standard',
  premium: 'Premium',
};

export function queueSettings(value: unknown, path: YamlPath, style: KeyStyle): YamlMap | undefined {
  const map = optionalMap(value, path, 'queue_settings');
  if (!map) return undefined;
  let jobTier: string | undefined;
  if (map.job_tier !== undefined && map.job_tier !== null) {
    jobTier = typeof map.job_tier === 'string' ? JOB_TIERS[map.job_tier.toLowerCase()] : undefined;
    if (!jobTier) fail(`\`job_tier\` must be one of ${Object.keys(JOB_TIERS).join(', ')}.`, [...path, 'job_tier']);
  }
  return styled(compact({ jobTier }), style);
}

/** `${{inputs.x}}` in a command must name a declared input, unless it sits in an optional `[...]` block. */
export function checkCommandInputs(command: string, inputs: YamlMap | undefined, path: YamlPath): void {
  const optional = new Set(
    [...command.matchAll(/\[[^\]]*\$\{\{\s*inputs\.([\w.-]+)\s*\}\}[^\]]*\]/g)].map((match) => match[1]),
  );
  for (const match of command.matchAll(/\$\{\{\s*inputs\.([\w.-]+)\s*\}\}/g)) {
    const name = match[1];
    if (!optional.has(name) && (inputs?.[name] === undefined || inputs[name] === null)) {
      fail(`The command uses \${{inputs.${name}}}, but the job declares no input \`${name}\`.`, path);
    }
  }
}
