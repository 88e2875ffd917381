import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, type Node } from '../lazy/yaml';
import type { YamlDiagnostic, YamlFix } from './diagnostic';
import { describeExpected, listValues } from './describeSchema';
import { closest } from './nearMiss';
import { nodeAt, type ParsedYaml } from './parse';
import { PROJECT_KEYWORDS, type YamlKind } from './schemaCatalog';
import { locate, schemaFiles, type SchemaObject } from './schemaIndex';

let ajv: Ajv | undefined;

/** The one validator of the engine, with every schema added; schemas compile on first use. */
export function validator(): Ajv {
  if (!ajv) {
    // Unknown keywords are mistakes in a schema; a bare `if` condition (`required` without `type`) is not.
    ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, allowUnionTypes: true });
    ajv.addVocabulary([...PROJECT_KEYWORDS]);
    for (const file of schemaFiles().values()) ajv.addSchema(file);
  }
  return ajv;
}

function compiled(id: string): ValidateFunction {
  const validate = validator().getSchema(id);
  if (!validate) throw new Error(`No schema ${id} is bundled with the YAML engine`);
  return validate;
}

/** Schema errors of a parsed file, in plain words at the key or value they are about, one per mistake. */
export function validateAgainst(parsed: ParsedYaml, kind: YamlKind): YamlDiagnostic[] {
  const validate = compiled(kind.schemaId);
  if (validate(parsed.value)) return [];
  const errors = simplify([...(validate.errors ?? [])], parsed.value);
  return withoutCascades(errors)
    .map((error) => toDiagnostic(error, parsed))
    .sort((a, b) => a.start - b.start);
}

type Explained = ErrorObject & { combined?: SchemaObject };

/**
 * ajv reports every branch of an `anyOf` that failed, then the `anyOf` itself. Keep what explains the mistake:
 * the errors of the one branch whose type fits the value, or one "must be X or Y" when none or several do.
 */
function simplify(errors: Explained[], root: unknown): Explained[] {
  const result = errors.filter((error) => error.keyword !== 'if');
  for (let k = result.length - 1; k >= 0; k--) {
    const error = result[k];
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue;
    if (error.keyword === 'oneOf' && (error.params as { passingSchemas?: unknown }).passingSchemas) continue;
    const branches = (error.parentSchema as SchemaObject | undefined)?.[error.keyword] as SchemaObject[] | undefined;
    const location = error.parentSchema ? locate(error.parentSchema) : undefined;
    if (!branches || !location) continue;
    const data = valueAt(root, error.instancePath);
    const perBranch = branches.map((_, index) => {
      const validate = compiled(`${location.fileId}#${location.pointer}/${error.keyword}/${index}`);
      validate(data);
      return (validate.errors ?? [])
        .filter((inner) => inner.keyword !== 'if')
        .map((inner) => ({ ...inner, instancePath: error.instancePath + inner.instancePath }));
    });
    const rawCount = branches.reduce((sum, _, index) => sum + countRaw(location, error.keyword, index, data), 0);
    const start = k - rawCount;
    const block = result.slice(Math.max(0, start), k);
    // If the block is not what the branches produced, keep ajv's errors rather than drop an unrelated one.
    if (start < 0 || block.some((inner) => !inner.instancePath.startsWith(error.instancePath))) {
      result.splice(k, 1);
      continue;
    }
    result.splice(start, rawCount + 1, ...explainBranches(error, branches, perBranch, root));
    k = start;
  }
  return result;
}

function countRaw(
  location: { fileId: string; pointer: string },
  keyword: string,
  index: number,
  data: unknown,
): number {
  const validate = compiled(`${location.fileId}#${location.pointer}/${keyword}/${index}`);
  validate(data);
  return validate.errors?.length ?? 0;
}

function explainBranches(
  error: Explained,
  branches: SchemaObject[],
  perBranch: Explained[][],
  root: unknown,
): Explained[] {
  const wrongType = (errors: Explained[]) =>
    errors.some((inner) => inner.instancePath === error.instancePath && inner.keyword === 'type');
  const fitting = perBranch.map((errors, index) => ({ errors, index })).filter(({ errors }) => !wrongType(errors));
  const valueLevel = new Set(['pattern', 'enum', 'const', 'format']);
  if (fitting.length === 1) {
    const { errors } = fitting[0];
    const onlyValueMismatch = errors.every(
      (inner) => inner.instancePath === error.instancePath && valueLevel.has(inner.keyword),
    );
    // A string where "an integer or a binding" was expected is not a bad binding: say what is accepted.
    if (!(onlyValueMismatch && branches.length > 1)) return simplify(errors, root);
  }
  return [{ ...error, combined: error.parentSchema as SchemaObject }];
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let value = root;
  for (const segment of pointer.slice(1).split('/')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return value;
}

/** One mistake, one message: a misspelled key is not also a missing one, and duplicates go. */
function withoutCascades(errors: Explained[]): Explained[] {
  const renamedTo = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const suggestion = suggestKey(error);
    if (suggestion) renamedTo.add(`${error.instancePath}/${suggestion}`);
  }
  const seen = new Set<string>();
  return errors.filter((error) => {
    if (error.keyword === 'required') {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (renamedTo.has(`${error.instancePath}/${missing}`)) return false;
    }
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function allowedKeys(error: Explained): string[] {
  const properties = (error.parentSchema as SchemaObject | undefined)?.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

function suggestKey(error: Explained): string | undefined {
  const extra = (error.params as { additionalProperty: string }).additionalProperty;
  return closest(extra, allowedKeys(error));
}

function nameOf(pointer: string): string {
  if (pointer === '') return 'The file';
  const segments = pointer.slice(1).split('/');
  const last = segments[segments.length - 1].replace(/~1/g, '/').replace(/~0/g, '~');
  if (/^\d+$/.test(last)) {
    const parent = segments.length > 1 ? segments[segments.length - 2] : undefined;
    return parent ? `Item ${Number(last) + 1} of \`${parent}\`` : `Item ${Number(last) + 1}`;
  }
  return `\`${last}\``;
}

function toDiagnostic(error: Explained, parsed: ParsedYaml): YamlDiagnostic {
  const { node, pair } = nodeAt(parsed.document, error.instancePath);
  const empty = node === undefined || (isScalar(node) && node.value === null);
  // An empty value has no text of its own: underline the key.
  const valueRange = (empty ? undefined : rangeOf(node)) ??
    rangeOf(pair?.key as Node | undefined) ?? { start: 0, end: 1 };
  const name = nameOf(error.instancePath);
  const base = { severity: 'error' as const, code: error.keyword };
  const mustBe = (expected: string) =>
    empty && error.instancePath !== ''
      ? `${name} has no value; it must be ${expected}.`
      : `${name} must be ${expected}.`;

  if (error.combined) {
    return { ...base, code: 'type', ...valueRange, message: mustBe(describeExpected(error.combined)) };
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const extraPair = nodeAt(
        parsed.document,
        `${error.instancePath}/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      ).pair;
      const keyRange = rangeOf(extraPair?.key as Node | undefined) ?? valueRange;
      const suggestion = suggestKey(error);
      const where = error.instancePath === '' ? '' : ` in ${name}`;
      if (suggestion) {
        return {
          ...base,
          code: 'unknown-key',
          ...keyRange,
          message: `Unknown key \`${extra}\`${where}; did you mean \`${suggestion}\`?`,
          fixes: [replaceFix(`Rename to \`${suggestion}\``, keyRange, suggestion)],
        };
      }
      const allowed = allowedKeys(error)
        .filter((key) => key !== '$schema')
        .sort();
      const hint = allowed.length ? ` Known keys: ${listValues(allowed, 12)}.` : '';
      return { ...base, code: 'unknown-key', ...keyRange, message: `Unknown key \`${extra}\`${where}.${hint}` };
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const anchor = rangeOf(pair?.key as Node | undefined) ?? firstKeyRange(node) ?? valueRange;
      const owner = error.instancePath === '' ? '' : ` in ${name}`;
      return { ...base, code: 'missing-key', ...anchor, message: `Missing required key \`${missing}\`${owner}.` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
      const given = isScalar(node) ? String(node.value) : undefined;
      const suggestion = given ? closest(given, allowed.map(String)) : undefined;
      const message = `${name} must be one of ${listValues(allowed)}${suggestion ? `; did you mean \`${suggestion}\`?` : '.'}`;
      const fixes = suggestion ? [replaceFix(`Change to \`${suggestion}\``, valueRange, suggestion)] : undefined;
      return { ...base, ...valueRange, message, fixes };
    }
    case 'type':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'const':
    case 'pattern':
      return { ...base, ...valueRange, message: mustBe(describeExpected(error.parentSchema as SchemaObject)) };
    case 'minLength':
      return { ...base, ...valueRange, message: `${name} must not be empty.` };
    case 'minItems':
      return {
        ...base,
        ...valueRange,
        message: `${name} must have at least ${(error.params as { limit: number }).limit} item(s).`,
      };
    default:
      return { ...base, ...valueRange, message: `${name} ${error.message ?? 'is not valid'}.` };
  }
}

function rangeOf(node: Node | undefined): { start: number; end: number } | undefined {
  const range = node?.range;
  if (!range) return undefined;
  return { start: range[0], end: Math.max(range[1], range[0] + 1) };
}

function firstKeyRange(node: Node | undefined): { start: number; end: number } | undefined {
  return isMap(node) && node.items.length > 0 ? rangeOf(node.items[0].key as Node) : undefined;
}

function replaceFix(title: string, range: { start: number; end: number }, text: string): YamlFix {
  return { title, edits: [{ start: range.start, end: range.end, text }] };
}
