/**
 * Add Pipeline Step: a new command component (its YAML and a Python script that parses its arguments) beside the
 * pipeline's other components, and a step in the pipeline YAML that runs it, its inputs bound to outputs of the
 * steps already there. The pipeline text is edited in place: the new step is inserted at the end of `jobs:`, so
 * every other line, comment and folded command stays as it was.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { YamlLibrary } from '../lazy/load';

/** An output of a step in the pipeline, which a new step's input can read. */
export interface UpstreamOutput {
  readonly step: string;
  readonly output: string;
  /** Its Azure ML type (`uri_folder` when the YAML does not say). */
  readonly type: string;
}

export interface NewStepInput {
  readonly name: string;
  readonly from: { readonly step: string; readonly output: string };
}

export interface AddStepRequest {
  readonly stepName: string;
  /** The script's file name, such as `score.py`. */
  readonly scriptName: string;
  readonly inputs: readonly NewStepInput[];
  readonly outputs: readonly string[];
}

export interface NewFile {
  /** Absolute. */
  readonly path: string;
  readonly content: string;
}

export interface AddStepPlan {
  /** The pipeline YAML with the new step. */
  readonly pipelineText: string;
  /** The component YAML and the script; neither exists yet. */
  readonly files: readonly NewFile[];
  readonly componentFile: string;
  readonly scriptFile: string;
}

/** Reads a file the pipeline refers to; undefined when there is none. */
export type ReadText = (absolutePath: string) => string | undefined;

/** Why a step cannot be added, worded for the person adding it. */
export class AddStepError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddStepError';
  }
}

/** Step names also name the component: lowercase, so Azure ML accepts both. */
const STEP_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
/** Input and output names, as Azure ML's job schemas allow them. */
const PORT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,254}$/;
const SCRIPT_NAME = /^[A-Za-z_][\w.-]*\.py$/;
const DEFAULT_TYPE = 'uri_folder';
/** What a component uses when no step of the pipeline names an environment. */
const FALLBACK_ENVIRONMENT = 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest';

function yamlLibrary(): YamlLibrary {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the YAML library loads on first use, as in load.ts
  return require('../lazy/yaml') as YamlLibrary;
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface PipelineShape {
  readonly value: Mapping;
  readonly jobs: Mapping;
  readonly fileDir: string;
}

function readPipeline(text: string, pipelineFile: string): PipelineShape {
  let value: unknown;
  try {
    value = yamlLibrary().parse(text);
  } catch (error) {
    throw new AddStepError(
      `The pipeline is not valid YAML (${error instanceof Error ? error.message : String(error)}); fix it first.`,
    );
  }
  if (!isMapping(value) || value.type !== 'pipeline')
    throw new AddStepError('This is not a pipeline job YAML (`type: pipeline`); open the pipeline to add a step to.');
  const jobs = value.jobs ?? {};
  if (!isMapping(jobs)) throw new AddStepError("The pipeline's `jobs` is not a mapping of steps; fix it first.");
  return { value, jobs, fileDir: dirname(pipelineFile) };
}

/** A step's local component file, absolute; undefined for inline steps and registered components. */
function componentFileOf(step: Mapping, fileDir: string): string | undefined {
  const reference = step.component;
  if (typeof reference !== 'string' || !reference.trim()) return undefined;
  const text = reference.trim();
  if (text.startsWith('azureml:') || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  return resolve(fileDir, text.replace(/^file:/, ''));
}

/** A step's definition: its component file's contents, an inline component, or the step itself. */
function definitionOf(step: Mapping, fileDir: string, readText: ReadText): { definition: Mapping; dir: string } {
  if (isMapping(step.component)) return { definition: step.component, dir: fileDir };
  const file = componentFileOf(step, fileDir);
  if (file) {
    const text = readText(file);
    if (text !== undefined) {
      try {
        const parsed: unknown = yamlLibrary().parse(text);
        if (isMapping(parsed)) return { definition: parsed, dir: dirname(file) };
      } catch {
        // A component that does not parse contributes nothing here; the YAML checks report it.
      }
    }
  }
  return { definition: step, dir: fileDir };
}

const typeOf = (declaration: unknown): string | undefined =>
  isMapping(declaration) && typeof declaration.type === 'string' ? declaration.type : undefined;

/** Every output of every step, with its type: declared on the step, on the pipeline output it feeds, or in its component. */
export function pipelineStepOutputs(text: string, pipelineFile: string, readText: ReadText): UpstreamOutput[] {
  const { value, jobs, fileDir } = readPipeline(text, pipelineFile);
  const pipelineOutputs = isMapping(value.outputs) ? value.outputs : {};
  const found: UpstreamOutput[] = [];
  for (const [stepName, step] of Object.entries(jobs)) {
    if (!isMapping(step)) continue;
    const { definition } = definitionOf(step, fileDir, readText);
    const declared = isMapping(definition.outputs) ? definition.outputs : {};
    const bound = isMapping(step.outputs) ? step.outputs : {};
    for (const output of new Set([...Object.keys(declared), ...Object.keys(bound)])) {
      const binding = bound[output];
      const parentOutput =
        typeof binding === 'string'
          ? /^\$\{\{\s*parent\.outputs\.([\w.-]+)\s*\}\}$/.exec(binding.trim())?.[1]
          : undefined;
      const type =
        typeOf(binding) ??
        (parentOutput ? typeOf(pipelineOutputs[parentOutput]) : undefined) ??
        typeOf(declared[output]) ??
        DEFAULT_TYPE;
      found.push({ step: stepName, output, type });
    }
  }
  return found;
}

/** The names of the pipeline's steps. */
export function pipelineStepNames(text: string, pipelineFile: string): string[] {
  return Object.keys(readPipeline(text, pipelineFile).jobs);
}

/** A message when `name` cannot name a new step of a pipeline that has `existing`, else undefined. */
export function stepNameProblem(name: string, existing: readonly string[]): string | undefined {
  if (!STEP_NAME.test(name))
    return 'A step name starts with a lowercase letter or underscore and has only lowercase letters, digits and underscores.';
  if (existing.includes(name)) return `The pipeline already has a step named ${name}.`;
  return undefined;
}

/** A message when `name` cannot name an input or output, else undefined. */
export function portNameProblem(name: string, taken: readonly string[] = []): string | undefined {
  if (!PORT_NAME.test(name))
    return `"${name}" is not an input or output name: a letter or underscore, then letters, digits and underscores.`;
  if (taken.includes(name)) return `${name} is already an input or output of this step.`;
  return undefined;
}

export function scriptNameProblem(name: string): string | undefined {
  return SCRIPT_NAME.test(name) ? undefined : 'A Python file name, such as score.py (letters, digits, _ . -).';
}

/** The most frequent of the values, the first seen on a tie. */
function mostCommon<T>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | undefined;
  for (const [value, count] of counts) if (best === undefined || count > counts.get(best)!) best = value;
  return best;
}

/** Where the new files go and what the component reuses, from the steps already in the pipeline. */
function projectLayout(pipeline: PipelineShape, readText: ReadText) {
  const steps = Object.values(pipeline.jobs).filter(isMapping);
  const componentFiles = steps
    .map((step) => componentFileOf(step, pipeline.fileDir))
    .filter((file): file is string => file !== undefined);
  const componentsDir = mostCommon(componentFiles.map((file) => dirname(file))) ?? join(pipeline.fileDir, 'components');
  const definitions = steps.map((step) => definitionOf(step, pipeline.fileDir, readText));
  const codeDirs = definitions
    .map(({ definition, dir }) =>
      typeof definition.code === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(definition.code)
        ? resolve(dir, definition.code.replace(/^file:/, ''))
        : undefined,
    )
    .filter((dir): dir is string => dir !== undefined);
  const codeDir = mostCommon(codeDirs) ?? join(componentsDir, 'src');
  const environment =
    mostCommon(
      definitions
        .map(({ definition }) => definition.environment)
        .filter((environment): environment is string => typeof environment === 'string'),
    ) ?? FALLBACK_ENVIRONMENT;
  return { componentsDir, codeDir, environment };
}

/** A relative path with `/`, starting with `./` when it does not climb, as Azure ML YAML writes them. */
function yamlRelative(from: string, to: string): string {
  const path = relative(from, to).split(sep).join('/');
  return path.startsWith('../') || path === '..' ? path : `./${path}`;
}

function checkRequest(request: AddStepRequest, stepNames: readonly string[], outputs: readonly UpstreamOutput[]) {
  const stepProblem = stepNameProblem(request.stepName, stepNames);
  if (stepProblem) throw new AddStepError(stepProblem);
  const scriptProblem = scriptNameProblem(request.scriptName);
  if (scriptProblem) throw new AddStepError(scriptProblem);
  const seen: string[] = [];
  for (const name of [...request.inputs.map((input) => input.name), ...request.outputs]) {
    const problem = portNameProblem(name, seen);
    if (problem) throw new AddStepError(problem);
    seen.push(name);
  }
  for (const input of request.inputs) {
    if (!outputs.some((output) => output.step === input.from.step && output.output === input.from.output))
      throw new AddStepError(
        `Input ${input.name} reads ${input.from.step}.${input.from.output}, which no step of the pipeline outputs.`,
      );
  }
}

/**
 * The new component, script and pipeline text. Throws AddStepError when the request does not fit the pipeline or a
 * file it would create is already there (`exists`).
 */
export function planAddStep(
  text: string,
  pipelineFile: string,
  request: AddStepRequest,
  readText: ReadText,
  exists: (absolutePath: string) => boolean,
): AddStepPlan {
  if (!isAbsolute(pipelineFile)) throw new AddStepError(`The pipeline's path must be absolute: ${pipelineFile}`);
  const pipeline = readPipeline(text, pipelineFile);
  const upstream = pipelineStepOutputs(text, pipelineFile, readText);
  checkRequest(request, Object.keys(pipeline.jobs), upstream);
  const { componentsDir, codeDir, environment } = projectLayout(pipeline, readText);
  const componentFile = join(componentsDir, `${request.stepName}.yml`);
  const scriptFile = join(codeDir, request.scriptName);
  for (const file of [componentFile, scriptFile]) {
    if (exists(file))
      throw new AddStepError(
        `${relative(pipeline.fileDir, file)} already exists; choose another step or script name, or move that file.`,
      );
  }
  const typeOfInput = (input: NewStepInput) =>
    upstream.find((output) => output.step === input.from.step && output.output === input.from.output)!.type;
  const component = componentYaml(request, {
    code: yamlRelative(componentsDir, codeDir),
    environment,
    inputTypes: request.inputs.map(typeOfInput),
  });
  return {
    pipelineText: withStep(text, request, yamlRelative(pipeline.fileDir, componentFile)),
    files: [
      { path: componentFile, content: component },
      { path: scriptFile, content: scriptStub(request) },
    ],
    componentFile,
    scriptFile,
  };
}

function componentYaml(
  request: AddStepRequest,
  { code, environment, inputTypes }: { code: string; environment: string; inputTypes: readonly string[] },
): string {
  const { stringify } = yamlLibrary();
  const argumentsOf = [
    ...request.inputs.map((input) => `--${input.name} \${{inputs.${input.name}}}`),
    ...request.outputs.map((output) => `--${output} \${{outputs.${output}}}`),
  ];
  const body: Mapping = {
    $schema: 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json',
    type: 'command',
    name: request.stepName,
    display_name: request.stepName.replace(/_/g, '-'),
    version: '1',
    ...(request.inputs.length > 0
      ? {
          inputs: Object.fromEntries(request.inputs.map((input, index) => [input.name, { type: inputTypes[index] }])),
        }
      : {}),
    ...(request.outputs.length > 0
      ? { outputs: Object.fromEntries(request.outputs.map((output) => [output, { type: DEFAULT_TYPE }])) }
      : {}),
    code,
    environment,
    command: ['python', request.scriptName, ...argumentsOf].join(' '),
  };
  return stringify(body, { lineWidth: 0 });
}

function scriptStub(request: AddStepRequest): string {
  const lines = [
    `"""${request.stepName}: a pipeline step. Replace the body of main() with the step's work."""`,
    'import argparse',
    'import os',
    '',
    '',
    'def parse_args():',
    `    parser = argparse.ArgumentParser(description="${request.stepName}")`,
    ...request.inputs.map((input) => `    parser.add_argument("--${input.name}", type=str, required=True)`),
    ...request.outputs.map((output) => `    parser.add_argument("--${output}", type=str, required=True)`),
    '    return parser.parse_args()',
    '',
    '',
    'def main(args):',
    ...request.inputs.map(
      (input) =>
        `    names = sorted(os.listdir(args.${input.name})) if os.path.isdir(args.${input.name}) else [args.${input.name}]\n` +
        `    print(f"${input.name}: {args.${input.name}} ({len(names)} entries)", flush=True)`,
    ),
    ...request.outputs.map((output) => `    os.makedirs(args.${output}, exist_ok=True)`),
    ...(request.inputs.length + request.outputs.length === 0 ? ['    pass'] : []),
    `    print("${request.stepName} done", flush=True)`,
    '',
    '',
    'if __name__ == "__main__":',
    '    main(parse_args())',
    '',
  ];
  return lines.join('\n');
}

/**
 * The pipeline text with the step appended to `jobs:` (or a new `jobs:` at the end): only text is inserted, at the
 * end of the last step, indented like the steps, after a blank line when the steps are separated by one.
 */
function withStep(text: string, request: AddStepRequest, componentPath: string): string {
  const { parseDocument, stringify, isMap } = yamlLibrary();
  const document = parseDocument(text);
  const step: Mapping = {
    type: 'command',
    component: componentPath,
    ...(request.inputs.length > 0
      ? {
          inputs: Object.fromEntries(
            request.inputs.map((input) => [
              input.name,
              `\${{parent.jobs.${input.from.step}.outputs.${input.from.output}}}`,
            ]),
          ),
        }
      : {}),
    ...(request.outputs.length > 0 ? { outputs: Object.fromEntries(request.outputs.map((name) => [name, null])) } : {}),
  };
  const rendered = (indent: number) =>
    stringify({ [request.stepName]: step }, { lineWidth: 0, nullStr: '', indent })
      .trimEnd()
      .split('\n');
  const jobs = document.get('jobs', true);
  const withNewline = text.endsWith('\n') || text === '' ? text : `${text}\n`;
  if (jobs === undefined || jobs === null || (isMap(jobs) && jobs.items.length === 0)) {
    if (jobs !== undefined && jobs !== null)
      throw new AddStepError('The pipeline has an empty `jobs: {}`; remove it, or add the first step by hand.');
    return `${withNewline}\njobs:\n${rendered(2)
      .map((line) => `  ${line}`)
      .join('\n')}\n`;
  }
  if (!isMap(jobs) || jobs.flow || !jobs.range)
    throw new AddStepError("The pipeline's `jobs` is not a block mapping of steps, so a step cannot be added to it.");
  const firstKey = jobs.items[0].key as { range?: [number, number, number] };
  const keyStart = firstKey.range?.[0] ?? jobs.range[0];
  const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  // Insert at the start of the line after the last step's value.
  const valueEnd = jobs.range[1];
  const lineEnd = text.indexOf('\n', valueEnd > 0 ? valueEnd - 1 : 0);
  const at = valueEnd > 0 && text[valueEnd - 1] === '\n' ? valueEnd : lineEnd === -1 ? text.length : lineEnd + 1;
  const before = at === text.length ? withNewline : text.slice(0, at);
  const separated = jobs.items.slice(1).some((pair, index) => {
    const previousStart = (jobs.items[index].key as { range?: number[] }).range?.[0] ?? 0;
    const start = (pair.key as { range?: number[] }).range?.[0] ?? 0;
    return /\n[ \t]*\r?\n/.test(text.slice(previousStart, start));
  });
  const innerIndent = Math.max(2, indentOfSecondLevel(text, jobs) ?? 2);
  const block = rendered(innerIndent)
    .map((line) => `${' '.repeat(indent)}${line}`)
    .join('\n');
  const blank = separated && !/\n[ \t]*\n$/.test(before) ? '\n' : '';
  return `${before}${blank}${block}\n${text.slice(at)}`;
}

/** How far a step's keys sit below its name in this file (2 when it cannot tell). */
function indentOfSecondLevel(text: string, jobs: { items: { key: unknown; value: unknown }[] }): number | undefined {
  for (const pair of jobs.items) {
    const value = pair.value as { items?: { key?: { range?: number[] } }[] } | null;
    const keyStart = (pair.key as { range?: number[] }).range?.[0];
    const innerStart = value?.items?.[0]?.key?.range?.[0];
    if (keyStart === undefined || innerStart === undefined) continue;
    const column = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
    return column(innerStart) - column(keyStart);
  }
  return undefined;
}
