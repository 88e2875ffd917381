import Ajv from 'ajv';
import { locate, resolveSchema, type SchemaObject } from './schemaIndex';

/** Compiles `if` conditions on first use, to tell which branch of a discriminated schema applies to a value. */
export type ConditionCheck = (condition: SchemaObject, value: unknown) => boolean;

export function conditionCheck(ajv: Ajv): ConditionCheck {
  return (condition, value) => {
    const location = locate(condition);
    const validate = location ? ajv.getSchema(`${location.fileId}#${location.pointer}`) : undefined;
    return validate ? Boolean(validate(value)) : false;
  };
}

/**
 * The concrete schemas that apply to `value`: `$ref` followed, `allOf` merged in, the `then` of each `if`
 * the value meets, and the `anyOf`/`oneOf` branches whose type fits it.
 */
export function applicable(schema: SchemaObject, value: unknown, check: ConditionCheck, depth = 0): SchemaObject[] {
  if (depth > 12) return [];
  const resolved = resolveSchema(schema);
  const found: SchemaObject[] = [resolved];
  for (const part of (resolved.allOf as SchemaObject[] | undefined) ?? []) {
    found.push(...applicable(part, value, check, depth + 1));
  }
  if (resolved.if && typeof resolved.if === 'object') {
    const branch = (check(resolved.if as SchemaObject, value) ? resolved.then : resolved.else) as
      SchemaObject | undefined;
    if (branch) found.push(...applicable(branch, value, check, depth + 1));
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = resolved[key] as SchemaObject[] | undefined;
    if (!branches) continue;
    for (const branch of branches) {
      if (fitsType(resolveSchema(branch), value)) found.push(...applicable(branch, value, check, depth + 1));
    }
  }
  return found;
}

function fitsType(schema: SchemaObject, value: unknown): boolean {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return true;
  if (value === undefined) return true;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return types.some(
    (type) =>
      type === actual || (type === 'integer' && actual === 'number') || (type === 'object' && actual === 'object'),
  );
}

/** A property's schema at one step down, with the description written where the property is declared. */
export interface PropertySchema {
  readonly name: string;
  readonly schema: SchemaObject;
  readonly description?: string;
}

/** The properties the concrete schemas declare, first declaration of each name winning. */
export function propertiesOf(schemas: readonly SchemaObject[]): PropertySchema[] {
  const byName = new Map<string, PropertySchema>();
  for (const schema of schemas) {
    const properties = schema.properties as Record<string, SchemaObject> | undefined;
    if (!properties) continue;
    for (const [name, property] of Object.entries(properties)) {
      const existing = byName.get(name);
      const description =
        (property.description as string | undefined) ?? (resolveSchema(property).description as string | undefined);
      if (!existing) byName.set(name, { name, schema: property, description });
      else if (!existing.description && description) byName.set(name, { ...existing, description });
    }
  }
  return [...byName.values()];
}

/** The schemas of `segment` below `schemas` (a property, a list item, or a free-form mapping's value). */
export function childSchemas(
  schemas: readonly SchemaObject[],
  segment: string,
  childValue: unknown,
  check: ConditionCheck,
): SchemaObject[] {
  const found: SchemaObject[] = [];
  for (const schema of schemas) {
    const properties = schema.properties as Record<string, SchemaObject> | undefined;
    const items = schema.items as SchemaObject | undefined;
    const extra = schema.additionalProperties as SchemaObject | boolean | undefined;
    if (/^\d+$/.test(segment) && items && typeof items === 'object' && !Array.isArray(items)) {
      found.push(...applicable(items, childValue, check));
    } else if (properties?.[segment]) {
      found.push(...applicable(properties[segment], childValue, check));
    } else if (extra && typeof extra === 'object' && !properties?.[segment]) {
      found.push(...applicable(extra, childValue, check));
    }
  }
  return found;
}

/** Walks from the root schema along `path`, using the document's value to pick branches. */
export function schemasAt(
  root: SchemaObject,
  rootValue: unknown,
  path: readonly string[],
  check: ConditionCheck,
): SchemaObject[] {
  let value = rootValue;
  let schemas = applicable(root, value, check);
  for (const segment of path) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    schemas = childSchemas(schemas, segment, value, check);
    if (schemas.length === 0) break;
  }
  return schemas;
}
