import { isMap, isScalar, isSeq, type Node } from '../lazy/yaml';
import type { YamlDiagnostic, YamlFix } from './diagnostic';
import { closest } from './nearMiss';
import { nodeAt, type ParsedYaml } from './parse';
import { isPlainObject } from './schemaCatalog';

const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * Binding expressions (`${{parent.inputs.x}}`, `${{parent.jobs.step.outputs.y}}`, `${{inputs.z}}`,
 * `${{search_space.p}}`) that name something the file does not declare. Anything else inside `${{…}}`
 * (the job name, the default datastore, …) is left to the service.
 */
export function checkBindings(parsed: ParsedYaml): YamlDiagnostic[] {
  const root = parsed.value;
  if (!isPlainObject(root)) return [];
  const found: YamlDiagnostic[] = [];
  walk(parsed.document.contents as Node | null, [], (node, path) => {
    const source = parsed.text.slice(node.range![0], node.range![1]);
    for (const match of source.matchAll(EXPRESSION)) {
      const start = node.range![0] + match.index;
      const problem = explain(match[1], path, root);
      if (!problem) continue;
      const nameStart = start + match[0].indexOf(match[1]) + match[1].lastIndexOf(problem.name);
      const fixes: YamlFix[] = [];
      if (problem.suggestion) {
        fixes.push({
          title: `Change to \`${problem.suggestion}\``,
          edits: [{ start: nameStart, end: nameStart + problem.name.length, text: problem.suggestion }],
        });
      }
      const declare = problem.section === 'inputs' ? declaration(parsed, problem.ownerPath, problem.name) : undefined;
      if (declare) fixes.push({ title: `Create input \`${problem.name}\``, edits: [declare] });
      found.push({
        start,
        end: start + match[0].length,
        severity: 'error',
        code: 'binding',
        message: problem.message,
        fixes: fixes.length > 0 ? fixes : undefined,
      });
    }
  });
  return found;
}

interface Problem {
  readonly message: string;
  readonly name: string;
  readonly suggestion?: string;
  /** Where the missing name would be declared: the section, under the map at ownerPath. */
  readonly section?: string;
  readonly ownerPath?: readonly string[];
}

/**
 * The edit that declares input `name` under `inputs:` of the map at `ownerPath` (the file, or a pipeline
 * step), adding `inputs:` when there is none. Its value is left empty for the user to fill in; the schema
 * then says what it may be. Flow-style maps (`{…}`) are left alone: no certain place to write.
 */
function declaration(
  parsed: ParsedYaml,
  ownerPath: readonly string[] | undefined,
  name: string,
): YamlFix['edits'][number] | undefined {
  if (!ownerPath) return undefined;
  const owner = ownerPath.length === 0 ? parsed.document.contents : nodeAt(parsed.document, pointerOf(ownerPath)).node;
  if (!isMap(owner) || owner.flow || owner.items.length === 0) return undefined;
  const text = parsed.text;
  const inputs = owner.items.find((pair) => isScalar(pair.key) && pair.key.value === 'inputs');
  if (inputs && isMap(inputs.value) && !inputs.value.flow && inputs.value.items.length > 0) {
    const items = inputs.value.items;
    const indent = columnOf(text, (items[0].key as Node).range![0]);
    return { ...lineEndAfter(text, items[items.length - 1]), text: `\n${' '.repeat(indent)}${name}: ` };
  }
  if (inputs) return undefined;
  const indent = columnOf(text, (owner.items[0].key as Node).range![0]);
  const child = ' '.repeat(indent + 2);
  return {
    ...lineEndAfter(text, owner.items[owner.items.length - 1]),
    text: `\n${' '.repeat(indent)}inputs:\n${child}${name}: `,
  };
}

function pointerOf(path: readonly string[]): string {
  return `/${path.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** An empty range at the end of the last line a pair takes (after any comment there). */
function lineEndAfter(text: string, pair: { key: unknown; value: unknown }): { start: number; end: number } {
  let end = ((pair.value as Node | null) ?? (pair.key as Node)).range![1];
  // A block value's range can run past its last line break.
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  const lineBreak = text.indexOf('\n', end);
  const offset = lineBreak === -1 ? text.length : lineBreak;
  return { start: offset, end: offset };
}

function explain(expression: string, path: readonly string[], root: Record<string, unknown>): Problem | undefined {
  const parts = expression.split('.');
  // In a pipeline, `parent.` is the pipeline itself; a step's own command refers to the step's inputs.
  const step = path[0] === 'jobs' && path.length > 2 && isPlainObject(root.jobs) ? root.jobs[path[1]] : undefined;
  const owner = isPlainObject(step) ? step : root;
  const ownerName = owner === root ? 'this file' : `step \`${path[1]}\``;
  const ownerPath = owner === root ? [] : ['jobs', path[1]];
  if (parts[0] === 'parent') {
    if (parts[1] === 'inputs' || parts[1] === 'outputs')
      return missingIn(root, parts[1], parts[2], 'the pipeline', expression, []);
    if (parts[1] === 'jobs' && parts[2] !== undefined) {
      const steps = isPlainObject(root.jobs) ? Object.keys(root.jobs) : [];
      if (!steps.includes(parts[2])) {
        const suggestion = closest(parts[2], steps);
        return {
          name: parts[2],
          suggestion,
          message: `\`\${{${expression}}}\` refers to step \`${parts[2]}\`, which is not under \`jobs\`${hint(suggestion, steps)}`,
        };
      }
    }
    return undefined;
  }
  if (parts[0] === 'inputs' || parts[0] === 'outputs')
    return missingIn(owner, parts[0], parts[1], ownerName, expression, ownerPath);
  if (parts[0] === 'search_space') return missingIn(owner, 'search_space', parts[1], ownerName, expression);
  return undefined;
}

function missingIn(
  owner: Record<string, unknown>,
  section: string,
  name: string | undefined,
  ownerName: string,
  expression: string,
  ownerPath?: readonly string[],
): Problem | undefined {
  if (name === undefined) return undefined;
  const declared = isPlainObject(owner[section]) ? Object.keys(owner[section]) : [];
  if (declared.includes(name)) return undefined;
  const suggestion = closest(name, declared);
  const what = section === 'search_space' ? 'search space entry' : section === 'inputs' ? 'input' : 'output';
  return {
    name,
    suggestion,
    section,
    ownerPath,
    message:
      `\`\${{${expression}}}\` refers to ${what} \`${name}\`, which ${ownerName} does not declare under ` +
      `\`${section}\`${hint(suggestion, declared)}`,
  };
}

function hint(suggestion: string | undefined, declared: readonly string[]): string {
  if (suggestion) return `; did you mean \`${suggestion}\`?`;
  return declared.length ? ` (declared: ${declared.map((name) => `\`${name}\``).join(', ')}).` : '.';
}

function walk(node: Node | null, path: string[], visit: (node: Node, path: string[]) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      walk(pair.value as Node | null, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walk(item as Node, [...path, String(index)], visit));
  } else if (isScalar(node) && typeof node.value === 'string' && node.range && node.value.includes('${{')) {
    visit(node, path);
  }
}

/** The expressions a binding may use at `path` (the key its value belongs to): what the file declares. */
export function bindingTargets(root: unknown, path: readonly string[]): string[] {
  if (!isPlainObject(root)) return [];
  const keys = (value: unknown) => (isPlainObject(value) ? Object.keys(value) : []);
  const targets: string[] = [];
  const steps = isPlainObject(root.jobs) ? root.jobs : undefined;
  const step = path[0] === 'jobs' && path.length > 2 && steps ? steps[path[1]] : undefined;
  if (isPlainObject(step)) {
    // Inside a pipeline step: the pipeline's inputs and outputs, other steps' outputs, and in the step's own
    // command its own inputs and outputs.
    targets.push(...keys(root.inputs).map((name) => `parent.inputs.${name}`));
    targets.push(...keys(root.outputs).map((name) => `parent.outputs.${name}`));
    for (const [name, other] of Object.entries(steps ?? {})) {
      if (name === path[1] || !isPlainObject(other)) continue;
      targets.push(...keys(other.outputs).map((output) => `parent.jobs.${name}.outputs.${output}`));
    }
    if (path[2] !== 'inputs' && path[2] !== 'outputs') {
      targets.push(...keys(step.inputs).map((name) => `inputs.${name}`));
      targets.push(...keys(step.outputs).map((name) => `outputs.${name}`));
      targets.push(...keys(step.search_space).map((name) => `search_space.${name}`));
    }
    return targets;
  }
  targets.push(...keys(root.inputs).map((name) => `inputs.${name}`));
  targets.push(...keys(root.outputs).map((name) => `outputs.${name}`));
  targets.push(...keys(root.search_space).map((name) => `search_space.${name}`));
  return targets;
}
