import { SCHEMA_FILES } from './schemas';
import type { SchemaJson } from './schemaCatalog';

export type SchemaObject = Record<string, unknown>;

/** Where a schema object sits: its file's `$id` and its JSON pointer there, so references can be followed. */
export interface SchemaLocation {
  readonly fileId: string;
  readonly pointer: string;
}

const locations = new WeakMap<object, SchemaLocation>();
const filesById = new Map<string, SchemaJson>();

function index(): void {
  if (filesById.size > 0) return;
  for (const file of SCHEMA_FILES) {
    filesById.set(file.$id, file);
    walk(file, file.$id, '');
  }
}

function walk(value: unknown, fileId: string, pointer: string): void {
  if (typeof value !== 'object' || value === null) return;
  locations.set(value, { fileId, pointer });
  for (const [key, child] of Object.entries(value)) walk(child, fileId, `${pointer}/${escapePointer(key)}`);
}

export function schemaFiles(): ReadonlyMap<string, SchemaJson> {
  index();
  return filesById;
}

export function locate(schema: object): SchemaLocation | undefined {
  index();
  return locations.get(schema);
}

/** Follows `$ref` (relative to the file the schema sits in) until a schema without one. */
export function resolveSchema(schema: SchemaObject | boolean, depth = 0): SchemaObject {
  // `true` (anything goes) and `false` (nothing does) carry no keywords to read.
  if (typeof schema !== 'object' || schema === null) return {};
  const ref = schema.$ref;
  if (typeof ref !== 'string' || depth > 20) return schema;
  const base = locate(schema)?.fileId;
  if (!base) return schema;
  const target = new URL(ref, base);
  const fragment = decodeURIComponent(target.hash.replace(/^#/, ''));
  target.hash = '';
  const file = schemaFiles().get(target.href);
  if (!file) return schema;
  const resolved = fragment === '' ? file : pointerGet(file, fragment);
  return resolved ? resolveSchema(resolved, depth + 1) : schema;
}

function pointerGet(root: unknown, pointer: string): SchemaObject | undefined {
  let node: unknown = root;
  for (const segment of pointer.slice(1).split('/')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return typeof node === 'object' && node !== null ? (node as SchemaObject) : undefined;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
