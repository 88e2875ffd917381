import { resolveSchema, type SchemaObject } from './schemaIndex';

const BINDING_HINT = 'a binding such as `${{parent.inputs.name}}`';

/** What a schema accepts, in words: "an integer ≥ 1", "one of `a`, `b`", "a binding such as …". */
export function describeExpected(schema: SchemaObject): string {
  const resolved = resolveSchema(schema);
  if (Array.isArray(resolved.enum)) return `one of ${listValues(resolved.enum)}`;
  if ('const' in resolved) return `\`${String(resolved.const)}\``;
  const branches = (resolved.anyOf ?? resolved.oneOf) as SchemaObject[] | undefined;
  if (Array.isArray(branches)) return unique(branches.map(describeExpected)).join(' or ');
  if (typeof resolved.pattern === 'string') {
    if (resolved.pattern.includes('\\$\\{\\{')) return BINDING_HINT;
    if (resolved.pattern.startsWith('^azureml:')) return 'an `azureml:` reference';
  }
  const types = Array.isArray(resolved.type) ? (resolved.type as string[]) : [resolved.type as string | undefined];
  const words = types.filter((type) => type !== undefined).map((type) => describeType(type, resolved));
  if (words.length > 0) return unique(words).join(' or ');
  if (resolved.properties) return 'a mapping';
  return 'a valid value';
}

function describeType(type: string, schema: SchemaObject): string {
  switch (type) {
    case 'integer':
      return `an integer${bounds(schema)}`;
    case 'number':
      return `a number${bounds(schema)}`;
    case 'string':
      return schema.minLength === 1 ? 'a non-empty string' : 'a string';
    case 'boolean':
      return '`true` or `false`';
    case 'object':
      return 'a mapping (`key: value` lines)';
    case 'array':
      return 'a list (`- item` lines)';
    case 'null':
      return 'empty';
    default:
      return type;
  }
}

function bounds(schema: SchemaObject): string {
  const min = schema.minimum as number | undefined;
  const max = schema.maximum as number | undefined;
  const exclusiveMin = schema.exclusiveMinimum as number | undefined;
  const exclusiveMax = schema.exclusiveMaximum as number | undefined;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`≥ ${min}`);
  if (exclusiveMin !== undefined) parts.push(`> ${exclusiveMin}`);
  if (max !== undefined) parts.push(`≤ ${max}`);
  if (exclusiveMax !== undefined) parts.push(`< ${exclusiveMax}`);
  return parts.length ? ` ${parts.join(' and ')}` : '';
}

export function listValues(values: readonly unknown[], limit = 10): string {
  const shown = values.slice(0, limit).map((value) => `\`${String(value)}\``);
  return values.length > limit ? `${shown.join(', ')}, …` : shown.join(', ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
