/**
 * Checks of a generated project, each returning problems as sentences (empty when the project passes): Azure ML
 * YAML with the extension's engine, GitHub workflows with a real validator and against the reusable workflows they
 * call, Azure DevOps pipelines against their templates and variables, Terraform parsed by HCL's own parser, Bicep's
 * structure, Python compiled, and the outer-loop settings against the workflows they name.
 */
import { validateWorkflow } from '@action-validator/core';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { globSync } from 'tinyglobby';
import { parse } from 'yaml';
import { parseCiSettings, type CiSettings } from '../../../../src/core/outerLoop/ciSettings';
import { analyzeWithReferences } from '../../../../src/core/yaml/engine';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface Project {
  readonly root: string;
  /** Relative paths with `/`. */
  readonly files: readonly string[];
}

const read = (project: Project, path: string) => readFileSync(join(project.root, path), 'utf8');

/** Whether a relative path (a glob such as data*.yml allowed) names something in the project. */
function present(project: Project, path: string): boolean {
  if (path.includes('*')) return globSync(path, { cwd: project.root }).length > 0;
  return existsSync(join(project.root, path));
}

/** Every Azure ML YAML file (and MLTable) analysed by the engine with its local paths: no error, no warning. */
export async function checkAzureMlYaml(project: Project): Promise<string[]> {
  const problems: string[] = [];
  const candidates = project.files.filter(
    (file) => (file.startsWith('mlops/azureml/') && /\.ya?ml$/.test(file)) || /(^|\/)MLTable$/.test(file),
  );
  for (const file of candidates) {
    const folder = dirname(join(project.root, file));
    const { schema, diagnostics } = await analyzeWithReferences(read(project, file), {
      pathKind: async (path) => {
        try {
          return statSync(resolve(folder, path)).isDirectory() ? 'directory' : 'file';
        } catch {
          return undefined;
        }
      },
    });
    const conda = /conda/.test(file);
    if (!conda && schema.by !== 'url' && !file.endsWith('MLTable'))
      problems.push(`${file}: not recognised as Azure ML YAML by its $schema`);
    for (const diagnostic of diagnostics)
      if (diagnostic.severity === 'error' || diagnostic.severity === 'warning')
        problems.push(`${file}: ${diagnostic.severity} ${diagnostic.message}`);
  }
  if (candidates.length === 0) problems.push('no Azure ML YAML was generated');
  return problems;
}

/** Relative paths a script or value names in the project's own folders (globs such as data*.yml included). */
function namedPaths(text: string): string[] {
  const pattern =
    /(?<![\w/.-])(?:\.github|mlops|data-science|infrastructure|data)\/[\w./*-]+\.(?:ya?ml|json|py|sh|bicep|tf|txt|csv)\b/g;
  return [...new Set(text.match(pattern) ?? [])];
}

function expressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((match) => match[1]);
}

interface WorkflowCall {
  inputs: Record<string, { required?: boolean; default?: unknown }>;
  secrets: Record<string, { required?: boolean }>;
  outputs: Record<string, unknown>;
}

function workflowCallOf(workflow: Json): WorkflowCall | undefined {
  const on = workflow.on;
  if (!isObject(on) || !('workflow_call' in on)) return undefined;
  const call = isObject(on.workflow_call) ? on.workflow_call : {};
  return {
    inputs: (isObject(call.inputs) ? call.inputs : {}) as WorkflowCall['inputs'],
    secrets: (isObject(call.secrets) ? call.secrets : {}) as WorkflowCall['secrets'],
    outputs: isObject(call.outputs) ? call.outputs : {},
  };
}

/** The README's words: a secret an entry workflow reads must be one the README tells the user to create. */
export function checkGithubWorkflows(project: Project): string[] {
  const problems: string[] = [];
  const workflows = project.files.filter((file) => file.startsWith('.github/workflows/'));
  if (workflows.length === 0) return ['no GitHub workflow was generated'];
  const readme = read(project, 'README.md');
  const parsed = new Map<string, Json>();
  for (const file of workflows) {
    const text = read(project, file);
    const state = validateWorkflow(text);
    for (const error of state.errors)
      problems.push(`${file}: ${error.title}${'detail' in error && error.detail ? `: ${error.detail}` : ''}`);
    try {
      parsed.set(file, parse(text) as Json);
    } catch (error) {
      problems.push(`${file}: not YAML: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  for (const [file, workflow] of parsed) {
    const text = read(project, file);
    const call = workflowCallOf(workflow);
    for (const path of namedPaths(text))
      if (!present(project, path)) problems.push(`${file}: names ${path}, which the project does not have`);
    // Secrets: declared when reusable, documented in the README when an entry workflow.
    for (const expression of expressions(text)) {
      for (const [, secret] of expression.matchAll(/\bsecrets\.(\w+)/g)) {
        if (call && !(secret in call.secrets))
          problems.push(`${file}: uses secrets.${secret}, which it does not declare`);
        if (!call && !readme.includes(`\`${secret}\``))
          problems.push(`${file}: uses secrets.${secret}, which the README does not ask for`);
      }
      for (const [, input] of expression.matchAll(/\binputs\.(\w+)/g)) {
        const on = workflow.on as Json;
        const dispatch = isObject(on.workflow_dispatch) && isObject(on.workflow_dispatch.inputs);
        const declared = call?.inputs ?? (dispatch ? ((on.workflow_dispatch as Json).inputs as Json) : {});
        if (!(input in declared)) problems.push(`${file}: uses inputs.${input}, which it does not declare`);
      }
    }
    const jobs = isObject(workflow.jobs) ? workflow.jobs : {};
    for (const [jobName, job] of Object.entries(jobs)) {
      if (!isObject(job)) continue;
      const needs = Array.isArray(job.needs) ? job.needs.map(String) : job.needs ? [String(job.needs)] : [];
      for (const need of needs) if (!(need in jobs)) problems.push(`${file}: job ${jobName} needs unknown job ${need}`);
      // Outputs of the jobs it needs: a reusable workflow's declared outputs, or a plain job's outputs.
      for (const expression of expressions(JSON.stringify(job))) {
        for (const [, source, output] of expression.matchAll(/\bneeds\.([\w-]+)\.outputs\.(\w+)/g)) {
          if (!needs.includes(source)) {
            problems.push(`${file}: job ${jobName} reads needs.${source} without needing it`);
            continue;
          }
          const needed = jobs[source];
          const outputs = isObject(needed) && typeof needed.uses === 'string' ? calledOutputs(needed.uses) : undefined;
          const declared = outputs ?? (isObject(needed) && isObject(needed.outputs) ? needed.outputs : {});
          if (!(output in declared))
            problems.push(`${file}: job ${jobName} reads ${source}'s output ${output}, which it has not`);
        }
      }
      if (typeof job.uses !== 'string') continue;
      if (!job.uses.startsWith('./')) {
        problems.push(`${file}: job ${jobName} calls ${job.uses}, outside the project`);
        continue;
      }
      const called = posix.normalize(job.uses.slice(2));
      const calledWorkflow = parsed.get(called);
      const calledCall = calledWorkflow && workflowCallOf(calledWorkflow);
      if (!calledCall) {
        problems.push(`${file}: job ${jobName} calls ${called}, which is not a reusable workflow of the project`);
        continue;
      }
      const given = isObject(job.with) ? job.with : {};
      for (const input of Object.keys(given))
        if (!(input in calledCall.inputs))
          problems.push(`${file}: job ${jobName} passes ${input}, which ${called} does not take`);
      for (const [input, spec] of Object.entries(calledCall.inputs))
        if (spec?.required && !(input in given))
          problems.push(`${file}: job ${jobName} leaves out ${called}'s required input ${input}`);
      const secrets = isObject(job.secrets) ? job.secrets : {};
      for (const secret of Object.keys(secrets))
        if (!(secret in calledCall.secrets))
          problems.push(`${file}: job ${jobName} passes secret ${secret}, which ${called} does not declare`);
      for (const [secret, spec] of Object.entries(calledCall.secrets))
        if (spec?.required && !(secret in secrets))
          problems.push(`${file}: job ${jobName} leaves out ${called}'s required secret ${secret}`);
    }
  }
  return problems;

  function calledOutputs(uses: string): Json | undefined {
    const called = parsed.get(posix.normalize(uses.replace(/^\.\//, '')));
    return called && workflowCallOf(called)?.outputs;
  }
}

/** The variables of a config file, as Azure DevOps and read-config.sh see them. */
export function configVariables(project: Project, file: string): Json {
  const config = parse(read(project, file)) as Json;
  return isObject(config.variables) ? config.variables : {};
}

const PREDEFINED_VARIABLE = /^(Build|Agent|System|Pipeline|Environment|Release)\./;

export function checkAzureDevOpsPipelines(project: Project): string[] {
  const problems: string[] = [];
  const files = project.files.filter((file) => file.startsWith('mlops/devops-pipelines/'));
  if (files.length === 0) return ['no Azure DevOps pipeline was generated'];
  const readme = read(project, 'README.md');
  const configKeys = new Set(Object.keys(configVariables(project, 'config-infra-dev.yml')));
  for (const file of files) {
    const text = read(project, file);
    let document: Json;
    try {
      document = parse(text) as Json;
    } catch (error) {
      problems.push(`${file}: not YAML: ${(error as Error).message}`);
      continue;
    }
    const declaredParameters = new Set(
      (Array.isArray(document.parameters) ? document.parameters : []).map((parameter: Json) => String(parameter.name)),
    );
    const localVariables = new Set<string>();
    const visit = (value: unknown) => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (!isObject(value)) return;
      if (isObject(value.variables)) Object.keys(value.variables).forEach((name) => localVariables.add(name));
      if (typeof value.group === 'string' && !readme.includes(value.group))
        problems.push(`${file}: names the variable group ${value.group}, which the README does not describe`);
      if (typeof value.template === 'string') {
        const target = posix.normalize(posix.join(posix.dirname(file), value.template));
        if (!project.files.includes(target))
          problems.push(`${file}: names the template ${value.template}, which does not exist`);
        else problems.push(...templateCall(project, file, target, isObject(value.parameters) ? value.parameters : {}));
      }
      Object.values(value).forEach(visit);
    };
    visit(document);
    for (const [, name] of text.matchAll(/\$\(([A-Za-z_][\w.]*)\)/g))
      if (!configKeys.has(name) && !localVariables.has(name) && !PREDEFINED_VARIABLE.test(name))
        problems.push(`${file}: uses $(${name}), which no config file or stage defines`);
    for (const expression of expressions(text)) {
      for (const [, name] of expression.matchAll(/\bparameters\.(\w+)/g))
        if (!declaredParameters.has(name)) problems.push(`${file}: uses parameters.${name}, which it does not declare`);
      for (const [, name] of expression.matchAll(/\bvariables\.(\w+)/g))
        if (!configKeys.has(name)) problems.push(`${file}: uses variables.${name}, which the config files lack`);
    }
    for (const path of namedPaths(text))
      if (!present(project, path)) problems.push(`${file}: names ${path}, which the project does not have`);
  }
  return problems;
}

function templateCall(project: Project, caller: string, template: string, given: Json): string[] {
  const document = parse(read(project, template)) as Json;
  if (!Array.isArray(document.parameters)) {
    // A variables template (the config files) or a template without parameters.
    return Object.keys(given).length > 0 ? [`${caller}: passes parameters to ${template}, which takes none`] : [];
  }
  const declared = new Map<string, Json>(
    document.parameters.map((parameter: Json) => [String(parameter.name), parameter]),
  );
  const problems: string[] = [];
  for (const name of Object.keys(given))
    if (!declared.has(name)) problems.push(`${caller}: passes ${name}, which ${template} does not take`);
  for (const [name, parameter] of declared)
    if (!('default' in parameter) && !(name in given))
      problems.push(`${caller}: leaves out ${template}'s parameter ${name}`);
  return problems;
}

/** Terraform parsed by HCL's parser (hcl2json); module calls against the modules' variables; var.x declared. */
export async function checkTerraform(project: Project): Promise<string[]> {
  const problems: string[] = [];
  const files = project.files.filter((file) => file.endsWith('.tf'));
  if (files.length === 0) return ['no Terraform was generated'];
  const byFolder = new Map<string, Json[]>();
  for (const file of files) {
    try {
      const json = await parseHcl(file, read(project, file));
      byFolder.set(posix.dirname(file), [...(byFolder.get(posix.dirname(file)) ?? []), json]);
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  const variablesOf = (folder: string) => {
    const variables = new Map<string, Json>();
    for (const json of byFolder.get(folder) ?? [])
      for (const [name, blocks] of Object.entries(isObject(json.variable) ? json.variable : {}))
        variables.set(name, (blocks as Json[])[0] ?? {});
    return variables;
  };
  for (const file of files) {
    const folder = posix.dirname(file);
    const declared = variablesOf(folder);
    for (const [, name] of read(project, file).matchAll(/\bvar\.(\w+)/g))
      if (!declared.has(name)) problems.push(`${file}: uses var.${name}, which ${folder} does not declare`);
  }
  for (const [folder, jsons] of byFolder) {
    for (const json of jsons) {
      for (const [name, blocks] of Object.entries(isObject(json.module) ? json.module : {})) {
        const call = (blocks as Json[])[0];
        const source = posix.normalize(posix.join(folder, String(call.source)));
        if (!byFolder.has(source)) {
          problems.push(`${folder}: module ${name} has source ${String(call.source)}, which has no .tf files`);
          continue;
        }
        const variables = variablesOf(source);
        const given = Object.keys(call).filter(
          (key) => !['source', 'version', 'count', 'for_each', 'providers', 'depends_on'].includes(key),
        );
        for (const argument of given)
          if (!variables.has(argument))
            problems.push(`${folder}: module ${name} passes ${argument}, which ${source} does not declare`);
        for (const [variable, spec] of variables)
          if (!('default' in spec) && !given.includes(variable))
            problems.push(`${folder}: module ${name} leaves out ${variable}`);
      }
    }
  }
  return problems;
}

/** Bicep's structure: balanced brackets outside strings and comments; module paths and their params. */
export function checkBicep(project: Project, ciFiles: readonly string[]): string[] {
  const problems: string[] = [];
  const files = project.files.filter((file) => file.endsWith('.bicep'));
  if (files.length === 0) return ['no Bicep was generated'];
  const paramsOf = (file: string) =>
    new Map(
      [...read(project, file).matchAll(/^param\s+(\w+)\s+\w+(\s*=)?/gm)].map((match) => [
        match[1],
        match[2] !== undefined,
      ]),
    );
  for (const file of files) {
    const text = read(project, file);
    const unbalanced = bracketProblem(text);
    if (unbalanced) problems.push(`${file}: ${unbalanced}`);
    const declaredHere = new Set(
      [...text.matchAll(/^(?:param|var|resource|module|output)\s+(\w+)/gm)].map((m) => m[1]),
    );
    for (const match of text.matchAll(/^module\s+(\w+)\s+'([^']+)'\s*=[^{]*\{([\s\S]*?)^\}/gm)) {
      const [, name, path, body] = match;
      const target = posix.normalize(posix.join(posix.dirname(file), path));
      if (!project.files.includes(target)) {
        problems.push(`${file}: module ${name} names ${path}, which does not exist`);
        continue;
      }
      const params = /params:\s*\{([\s\S]*?)\n\s{2}\}/.exec(body)?.[1] ?? '';
      const given = [...params.matchAll(/^\s{4}(\w+):/gm)].map((m) => m[1]);
      const declared = paramsOf(target);
      for (const param of given)
        if (!declared.has(param))
          problems.push(`${file}: module ${name} passes ${param}, which ${target} does not declare`);
      for (const [param, hasDefault] of declared)
        if (!hasDefault && !given.includes(param)) problems.push(`${file}: module ${name} leaves out ${param}`);
    }
    for (const [, symbol] of text.matchAll(/\b(\w+)\.outputs\.\w+/g))
      if (!declaredHere.has(symbol)) problems.push(`${file}: reads outputs of ${symbol}, which it does not declare`);
  }
  // The CI passes main.bicep's parameters by name: each must be one main.bicep declares.
  const mainParams = paramsOf('infrastructure/bicep/main.bicep');
  for (const file of ciFiles) {
    const text = read(project, file);
    if (!text.includes('main.bicep')) continue;
    const section = text.slice(text.indexOf('--parameters'));
    for (const [, name] of section.matchAll(/^\s*(\w+)="/gm))
      if (!mainParams.has(name)) problems.push(`${file}: passes ${name} to main.bicep, which does not declare it`);
  }
  return problems;
}

function bracketProblem(text: string): string | undefined {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
    } else if (char === "'") {
      // Strings may hold ${…} interpolations; their braces balance within the string.
      for (i++; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
    } else if ('([{'.includes(char)) stack.push(char);
    else if (char in pairs) {
      if (stack.pop() !== pairs[char]) return `unbalanced ${char} at offset ${i}`;
    }
  }
  return stack.length ? `unclosed ${stack.join('')}` : undefined;
}

/** Every Python file compiled by python3 -m py_compile, in one process. */
export function compilePython(project: Project): string[] {
  const files = project.files.filter((file) => file.endsWith('.py'));
  if (files.length === 0) return ['no Python was generated'];
  const result = spawnSync('python3', ['-m', 'py_compile', ...files], { cwd: project.root, encoding: 'utf8' });
  return result.status === 0 ? [] : [`python compile failed: ${result.stderr || result.error?.message}`];
}

/**
 * The outer-loop settings: what the candidate-model feature's reader accepts once the values only the user knows
 * are filled in (the GitHub repository, the Azure DevOps pipeline's id), naming a workflow or pipeline that takes a model.
 */
export function checkOuterLoop(project: Project): string[] {
  const text = read(project, '.azureml/outer-loop.json');
  const raw = JSON.parse(text) as Json;
  const problems: string[] = [];
  const section = (raw.provider === 'github' ? raw.github : raw.azureDevOps) as Json | undefined;
  if (!isObject(section)) return [`outer-loop.json: no section for provider ${String(raw.provider)}`];
  const completed = {
    ...raw,
    [raw.provider === 'github' ? 'github' : 'azureDevOps']: {
      ...section,
      ...(raw.provider === 'github' ? { owner: section.owner || 'contoso', repo: section.repo || 'mlops' } : {}),
      ...(raw.provider === 'azure-devops'
        ? { organizationUrl: section.organizationUrl || 'https://dev.azure.com/contoso' }
        : {}),
      ...(raw.provider === 'azure-devops' ? { project: section.project || 'ml', pipelineId: 7 } : {}),
    },
  };
  let settings: CiSettings;
  try {
    settings = parseCiSettings(JSON.stringify(completed));
  } catch (error) {
    return [`outer-loop.json: the candidate feature cannot read it: ${(error as Error).message}`];
  }
  if (settings.provider === 'github') {
    const file = `.github/workflows/${settings.workflow}`;
    if (!project.files.includes(file)) return [...problems, `outer-loop.json: names ${file}, which does not exist`];
    const on = (parse(read(project, file)) as Json).on as Json;
    const inputs =
      isObject(on.workflow_dispatch) && isObject(on.workflow_dispatch.inputs) ? on.workflow_dispatch.inputs : {};
    if (!('model_name' in inputs) || !('model_version' in inputs))
      problems.push(`${file}: its workflow_dispatch lacks model_name or model_version`);
    const dispatch = isObject(on.repository_dispatch) ? on.repository_dispatch : {};
    if (!Array.isArray(dispatch.types) || !dispatch.types.includes(settings.eventType))
      problems.push(`${file}: does not listen to repository_dispatch of type ${settings.eventType}`);
  } else {
    if (typeof section.pipelineName !== 'string') problems.push('outer-loop.json: pipelineName is not a string');
    const file = `mlops/devops-pipelines/${String(section.pipelineName)}.yml`;
    if (!project.files.includes(file)) return [...problems, `outer-loop.json: names ${file}, which does not exist`];
    const parameters = ((parse(read(project, file)) as Json).parameters ?? []) as Json[];
    for (const name of ['model_name', 'model_version'])
      if (!parameters.some((parameter) => parameter.name === name))
        problems.push(`${file}: lacks the parameter ${name}`);
  }
  return problems;
}

/** The conda files' pip pins are requirements.txt's, which Dependabot and the dependency scan read. */
export function checkPins(project: Project): string[] {
  const pins = (text: string) => [...text.matchAll(/^\s*-?\s*([A-Za-z0-9_.-]+==\S+)\s*$/gm)].map((m) => m[1]).sort();
  const requirements = pins(read(project, 'data-science/environment/requirements.txt'));
  const conda = pins(read(project, 'data-science/environment/train-conda.yml'));
  return JSON.stringify(requirements) === JSON.stringify(conda)
    ? []
    : [`train-conda.yml pins ${conda.join(', ')} but requirements.txt ${requirements.join(', ')}`];
}

export function relativeFiles(root: string): string[] {
  return globSync('**/*', { cwd: root, dot: true })
    .map((file) => relative(root, join(root, file)).split('\\').join('/'))
    .sort();
}
