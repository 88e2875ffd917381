import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeYaml } from '../../../src/core/yaml/engine';

const SNIPPETS_FILE = join(__dirname, '..', '..', '..', 'snippets', 'azureml.code-snippets');

interface Snippet {
  readonly prefix: string | string[];
  readonly description?: string;
  readonly body: string | string[];
}

/**
 * The kind each snippet must be checked as, by snippet name. A fragment (a snippet that is not a whole file) names
 * the file it is inserted into; `host` puts the expanded fragment where it belongs.
 */
const EXPECTED: Record<string, { kind: string; host?: (fragment: string) => string }> = {
  'Azure ML command job': { kind: 'commandJob' },
  'Azure ML sweep job': { kind: 'sweepJob' },
  'Azure ML pipeline job': { kind: 'pipelineJob' },
  'Azure ML pipeline step': { kind: 'pipelineJob', host: intoPipeline },
  'Azure ML command component': { kind: 'commandComponent' },
  'Azure ML environment': { kind: 'environment' },
  'Azure ML data asset': { kind: 'data' },
  'Azure ML model': { kind: 'model' },
  'Azure ML AutoML classification job': { kind: 'autoMLJob' },
  'Azure ML compute cluster': { kind: 'amlCompute' },
  'Azure ML managed online endpoint': { kind: 'managedOnlineEndpoint' },
  'Azure ML managed online deployment': { kind: 'managedOnlineDeployment' },
  'Azure ML batch endpoint': { kind: 'batchEndpoint' },
  'Azure ML model batch deployment': { kind: 'modelBatchDeployment' },
  'Azure ML schedule': { kind: 'schedule' },
  'Azure ML spark job': { kind: 'sparkJob' },
};

/** Values for tab stops that have no default anywhere in their snippet, by snippet name and tab stop number. */
const FILL: Record<string, Record<number, string>> = {};

/** The values of the snippet variables a test file would get. */
const VARIABLES: Record<string, string> = {
  TM_FILENAME: 'train.yml',
  TM_FILENAME_BASE: 'train',
  TM_DIRECTORY: '/workspace',
  TM_FILEPATH: '/workspace/train.yml',
  WORKSPACE_NAME: 'workspace',
  CURRENT_YEAR: '2025',
  CURRENT_MONTH: '01',
  CURRENT_DATE: '31',
};

/** A pipeline with the input the step fragment binds to, with the step inserted under `jobs:`. */
function intoPipeline(fragment: string): string {
  const indented = fragment
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  return [
    '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
    'type: pipeline',
    'inputs:',
    '  training_data:',
    '    type: uri_folder',
    '    path: azureml:training-data@latest',
    'settings:',
    '  default_compute: azureml:cpu-cluster',
    'jobs:',
    indented,
  ].join('\n');
}

/** JSON with `//` and `/* *\/` comments and trailing commas, as VS Code reads snippet files. */
function parseJsonc(text: string): unknown {
  let out = '';
  let k = 0;
  while (k < text.length) {
    const c = text[k];
    if (c === '"') {
      const start = k++;
      while (k < text.length && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      out += text.slice(start, ++k);
    } else if (c === '/' && text[k + 1] === '/') {
      while (k < text.length && text[k] !== '\n') k++;
    } else if (c === '/' && text[k + 1] === '*') {
      const end = text.indexOf('*/', k + 2);
      if (end === -1) throw new Error('Unterminated block comment');
      k = end + 2;
    } else if (c === ',' && /^\s*[\]}]/.test(text.slice(k + 1))) {
      k++;
    } else {
      out += c;
      k++;
    }
  }
  return JSON.parse(out);
}

interface Expansion {
  readonly text: string;
  /** The values of each choice tab stop (`${2|a,b|}`), by tab stop number. */
  readonly choices: ReadonlyMap<number, readonly string[]>;
}

/**
 * Expands a snippet body the way VS Code inserts it when every placeholder is accepted: `${1:default}` gives its
 * default, `${1|a,b|}` its first choice (or the one `choose` picks), `$1` / `${1}` the value of that tab stop
 * elsewhere in the body (VS Code mirrors it) or else a value from `fill`, `$0` nothing, variables their value in
 * `VARIABLES`. An escaped `\$`, `\}` or `\\` gives the character. Anything else that starts with `$` (an
 * unescaped `${{`, an unknown variable, a transform) is an error, so that no `$` of snippet syntax reaches the YAML.
 */
function expandSnippet(
  body: string,
  { fill = {}, choose = {} }: { fill?: Record<number, string>; choose?: Record<number, number> } = {},
): Expansion {
  if (body.includes('\uE000')) throw new Error('The body contains U+E000, which the expansion uses as a marker');
  const defaults = new Map<number, string>();
  const choiceValues = new Map<number, string[]>();
  const mirrors: number[] = [];
  let pos = 0;

  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${pos}: ${JSON.stringify(body.slice(Math.max(0, pos - 20), pos + 30))}`);
  };

  /** Text up to the end of the body or, inside a placeholder (`closing`), its closing `}`. */
  const parse = (closing: boolean): string => {
    let text = '';
    while (pos < body.length) {
      const c = body[pos];
      if (c === '\\' && ['$', '}', '\\'].includes(body[pos + 1])) {
        text += body[pos + 1];
        pos += 2;
      } else if (c === '}' && closing) {
        pos++;
        return text;
      } else if (c === '$') {
        text += dollar();
      } else {
        text += c;
        pos++;
      }
    }
    if (closing) fail('Unclosed placeholder');
    return text;
  };

  /** Marks a mirrored tab stop with a character snippets cannot contain, replaced once every default is known. */
  const mirror = (index: number): string => {
    if (index === 0) return '';
    mirrors.push(index);
    return `\uE000${mirrors.length - 1}\uE000`;
  };

  const dollar = (): string => {
    const rest = body.slice(pos);
    let match = /^\$(\d+)/.exec(rest) ?? /^\$\{(\d+)\}/.exec(rest);
    if (match) {
      pos += match[0].length;
      return mirror(Number(match[1]));
    }
    match = /^\$\{(\d+):/.exec(rest);
    if (match) {
      pos += match[0].length;
      const index = Number(match[1]);
      const value = parse(true);
      if (index === 0) fail('The final tab stop `$0` cannot have a placeholder');
      if (!defaults.has(index)) defaults.set(index, value);
      return value;
    }
    match = /^\$\{(\d+)\|((?:[^|\\]|\\.)*)\|\}/.exec(rest);
    if (match) {
      pos += match[0].length;
      const choices = match[2].split(/(?<!\\),/).map((choice) => choice.replace(/\\(.)/g, '$1'));
      const index = Number(match[1]);
      if (choices.length < 2 || choices.some((choice) => choice === '')) fail('A choice needs two or more values');
      const value = choices[choose[index] ?? 0];
      if (value === undefined) fail(`Tab stop $${index} has no choice ${choose[index]}`);
      choiceValues.set(index, choices);
      if (!defaults.has(index)) defaults.set(index, value);
      return value;
    }
    match = /^\$([A-Z_][A-Z0-9_]*)/.exec(rest) ?? /^\$\{([A-Z_][A-Z0-9_]*)\}/.exec(rest);
    if (match) {
      const value = VARIABLES[match[1]];
      if (value === undefined) fail(`Unknown variable \`${match[1]}\``);
      pos += match[0].length;
      return value;
    }
    match = /^\$\{([A-Z_][A-Z0-9_]*):/.exec(rest);
    if (match) {
      pos += match[0].length;
      const fallback = parse(true);
      return VARIABLES[match[1]] ?? fallback;
    }
    return fail('Unescaped `$` that is not a tab stop or variable (write `\\$`)');
  };

  const text = parse(false).replace(/\uE000(\d+)\uE000/g, (_, at: string) => {
    const index = mirrors[Number(at)];
    const value = defaults.get(index) ?? fill[index];
    if (value === undefined) throw new Error(`Tab stop $${index} has no default and no fill value in the test`);
    return value;
  });
  return { text, choices: choiceValues };
}

const snippets = parseJsonc(readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, Snippet>;

describe('snippets/azureml.code-snippets', function () {
  // The engine compiles each schema on first use, which takes a few seconds for the big ones.
  this.timeout(30000);

  it('has an expected kind for every snippet and a snippet for every expected kind', () => {
    assert.deepEqual(Object.keys(snippets).sort(), Object.keys(EXPECTED).sort());
  });

  it('gives every snippet an `aml-` prefix and a description', () => {
    const prefixes = new Set<string>();
    for (const [name, snippet] of Object.entries(snippets)) {
      for (const prefix of [snippet.prefix].flat()) {
        assert.match(prefix, /^aml-[a-z0-9-]+$/, `${name}: prefix ${prefix}`);
        assert.ok(!prefixes.has(prefix), `${name}: prefix ${prefix} is used twice`);
        prefixes.add(prefix);
      }
      assert.ok(typeof snippet.description === 'string' && snippet.description.trim() !== '', `${name}: description`);
    }
  });

  for (const [name, snippet] of Object.entries(snippets)) {
    const body = [snippet.body].flat().join('\n');

    it(`${name} expands to a file without errors or warnings`, () => {
      assert.ok(EXPECTED[name], `${name} has no entry in EXPECTED of ${__filename}`);
      assertValid(name, name, expandSnippet(body, { fill: FILL[name] }).text);
    });

    if (!/\$\{\d+\|/.test(body)) continue;
    it(`${name} gives a valid file with every value of its choices`, () => {
      const { choices } = expandSnippet(body, { fill: FILL[name] });
      for (const [index, values] of choices) {
        for (let k = 1; k < values.length; k++) {
          assertValid(
            name,
            `${name} with $${index} = ${values[k]}`,
            expandSnippet(body, { fill: FILL[name], choose: { [index]: k } }).text,
          );
        }
      }
    });
  }
});

/** The expanded snippet, in its host file for a fragment, is of the expected kind and has no error or warning. */
function assertValid(snippetName: string, name: string, expanded: string): void {
  const expected = EXPECTED[snippetName];
  const text = expected.host ? expected.host(expanded) : expanded;
  if (!expected.host) assert.match(text, /^\$schema: https:\/\/azuremlschemas\.azureedge\.net\/latest\/\S+\n/, name);
  const { schema, diagnostics } = analyzeYaml(text);
  assert.equal(schema.by, 'url', `${name}: schema chosen by ${schema.by}\n${text}`);
  assert.equal(schema.kind.kind, expected.kind, `${name}: kind`);
  const problems = diagnostics
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `  ${d.severity} ${d.code} at ${JSON.stringify(text.slice(d.start, d.end))}: ${d.message}`);
  assert.ok(problems.length === 0, `${name}:\n${problems.join('\n')}\n--- expanded ---\n${text}`);
}

describe('expandSnippet (as VS Code inserts a snippet)', () => {
  it('keeps defaults, first choices, mirrors and escaped characters', () => {
    const body = 'a: ${1:x}\nb: ${2|p,q|}\nc: $1 \\${{inputs.$2}} \\} \\\\ $TM_FILENAME_BASE$0';
    assert.equal(expandSnippet(body).text, 'a: x\nb: p\nc: x ${{inputs.p}} } \\ train');
    assert.equal(expandSnippet(body, { choose: { 2: 1 } }).text, 'a: x\nb: q\nc: x ${{inputs.q}} } \\ train');
    assert.deepEqual([...expandSnippet(body).choices], [[2, ['p', 'q']]]);
  });

  it('expands nested placeholders and takes fill values for tab stops without a default', () => {
    assert.equal(expandSnippet('${1:azureml:${2:env}@latest} $3', { fill: { 3: 'v' } }).text, 'azureml:env@latest v');
  });

  it('fails on a tab stop without a value, an unescaped `$` or an unknown variable', () => {
    assert.throws(() => expandSnippet('a: $1'), /no default/);
    assert.throws(() => expandSnippet('a: ${{inputs.x}}'), /Unescaped/);
    assert.throws(() => expandSnippet('a: $NOT_A_VARIABLE'), /Unknown variable/);
    assert.throws(() => expandSnippet('a: ${1:open'), /Unclosed/);
  });

  it('reads comments and trailing commas, and not `//` inside strings', () => {
    assert.deepEqual(parseJsonc('// c\n{ "a": "http://x", /* b */ "b": [1, 2,], }'), { a: 'http://x', b: [1, 2] });
  });
});
