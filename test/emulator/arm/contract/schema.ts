/**
 * Building blocks for the JSON Schemas of the Azure ML REST contract (Microsoft.MachineLearningServices,
 * api-version 2025-09-01). The published contract is Swagger 2.0; these helpers spell its idioms in
 * JSON Schema for ajv:
 * - `x-nullable: true` becomes a type that also allows null;
 * - "[Required]" strings carry `minLength: 1` and the pattern `[a-zA-Z0-9_]` (at least one word character);
 * - `readOnly` members are marked `serviceOwned`: the service computes them, so a client's value is dropped;
 * - a `discriminator` becomes ajv's discriminator over `oneOf` branches, one per discriminator value.
 * Unknown members are kept, not rejected: the service ignores members it does not know.
 */

export type Schema = Record<string, unknown>;

/** The keyword that drops a member a client may not set (see index.ts). */
export const SERVICE_OWNED_KEYWORD = 'serviceOwned';

export const serviceOwned: Schema = { [SERVICE_OWNED_KEYWORD]: true };

export const text: Schema = { type: 'string' };
export const nullableText: Schema = { type: ['string', 'null'] };
export const requiredText: Schema = { type: 'string', minLength: 1, pattern: '[a-zA-Z0-9_]' };
export const int32: Schema = { type: 'integer' };
export const nullableInt32: Schema = { type: ['integer', 'null'] };
export const nullableObject: Schema = { type: ['object', 'null'] };
export const nullableTextList: Schema = { type: ['array', 'null'], items: text };

export function withDefault(schema: Schema, value: unknown): Schema {
  return { ...schema, default: value };
}

export function oneOfValues(values: readonly string[]): Schema {
  return { type: 'string', enum: [...values] };
}

/** A dictionary whose values may be null (`additionalProperties` with `x-nullable`), itself nullable. */
export function nullableMapOf(values: Schema): Schema {
  return { type: ['object', 'null'], additionalProperties: values };
}

/** tags, properties, environmentVariables...: string to string, where a value may be null. */
export const stringMap: Schema = nullableMapOf(nullableText);

export function object(properties: Record<string, Schema>, required: readonly string[] = []): Schema {
  return { type: 'object', properties, ...(required.length > 0 ? { required: [...required] } : {}) };
}

export function nullable(schema: Schema): Schema {
  const type = schema.type;
  const types = Array.isArray(type) ? (type as string[]) : [type as string];
  return types.includes('null') ? schema : { ...schema, type: [...types, 'null'] };
}

export interface Branch {
  /** Members of this discriminator value on top of the base members. */
  properties?: Record<string, Schema>;
  required?: readonly string[];
}

/**
 * A polymorphic type: `tag` chooses the branch; `base` holds the members every branch shares (the Swagger
 * base definition). The tag value must match exactly, as in the published enums.
 */
export function discriminated(
  tag: string,
  base: Record<string, Schema>,
  branches: Record<string, Branch>,
  baseRequired: readonly string[] = [],
): Schema {
  return {
    type: 'object',
    required: [tag, ...baseRequired],
    discriminator: { propertyName: tag },
    oneOf: Object.entries(branches).map(([value, branch]) => ({
      properties: { ...base, ...branch.properties, [tag]: { const: value } },
      ...(branch.required?.length ? { required: [...branch.required] } : {}),
    })),
  };
}

/** ResourceBase: the description, tags and properties every asset, job and datastore has. */
export const resourceBase: Record<string, Schema> = {
  description: nullableText,
  properties: stringMap,
  tags: stringMap,
};

/** The ARM envelope of a PUT body: `{ properties: {...} }`; id, name, type and systemData are the service's. */
export function envelope(properties: Schema): Schema {
  return object({ properties, id: serviceOwned, name: serviceOwned, type: serviceOwned, systemData: serviceOwned }, [
    'properties',
  ]);
}
