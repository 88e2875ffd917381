/**
 * The 400 the service answers for a body that breaks its contract. Azure ML words it as
 * `{ code: "UserError", message: "Request is invalid and/or missing fields.", details: [{ code:
 * "RequestInvalid", message: "The value provided is not a valid enum value. Field: x. Allowed values: A,B." }] }`.
 * Clients often show only `error.message`, so the emulator repeats the detail there: the message then names
 * the field (as a JSON path, `properties.inputs.training_data.uri`) and what is wrong with it.
 */
import type { ErrorObject } from 'ajv';
import { ArmError } from '../../http';

const SUMMARY = 'Request is invalid and/or missing fields.';

export function contractError(error: ErrorObject): ArmError {
  const detail = describe(error);
  return new ArmError(
    400,
    'UserError',
    `${SUMMARY} ${detail}`,
    {},
    { details: [{ code: 'RequestInvalid', message: detail }] },
  );
}

function describe(error: ErrorObject): string {
  const at = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `The field is required. Field: ${jsonPath([...at, String(params.missingProperty)])}.`;
    case 'discriminator': {
      const field = jsonPath([...at, String(params.tag)]);
      if (params.error !== 'mapping') return `The value provided must be a string. Field: ${field}.`;
      return notAllowed(field, discriminatorValues(error));
    }
    case 'enum':
      return notAllowed(jsonPath(at), (params.allowedValues as unknown[]).map(String));
    case 'const':
      return notAllowed(jsonPath(at), [String(params.allowedValue)]);
    case 'type':
      if (at.length === 0) return 'The request body must be a JSON object.';
      return `The value provided has the wrong type: expected ${expected(String(params.type))}, got ${kindOf(error.data)}. Field: ${jsonPath(at)}.`;
    case 'minLength':
      return `The value provided must not be empty. Field: ${jsonPath(at)}.`;
    case 'pattern':
      return `The value provided does not match the pattern ${String(params.pattern)}. Field: ${jsonPath(at)}.`;
    default:
      return `The value provided is invalid: ${error.message ?? error.keyword}. Field: ${jsonPath(at)}.`;
  }
}

function notAllowed(field: string, allowed: string[]): string {
  return `The value provided is not a valid enum value. Field: ${field}. Allowed values: ${allowed.join(',')}.`;
}

/** The tag values of a discriminated schema: each branch pins its tag with `const`. */
function discriminatorValues(error: ErrorObject): string[] {
  const parent = error.parentSchema as { oneOf?: Array<{ properties?: Record<string, { const?: unknown }> }> };
  const tag = String((error.params as { tag?: unknown }).tag);
  return (parent?.oneOf ?? []).map((branch) => String(branch.properties?.[tag]?.const));
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `properties.inputs.training_data.uri`; keys that would read ambiguously in brackets, indexes as `[0]`. */
function jsonPath(segments: string[]): string {
  let path = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[\w-]+$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `['${segment.replace(/'/g, "\\'")}']`;
  }
  return path;
}

function expected(types: string): string {
  const names = types
    .split(',')
    .map((type) => (type === 'null' ? 'null' : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`));
  return names.join(' or ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}
