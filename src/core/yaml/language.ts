import { isMap, isScalar } from '../lazy/yaml';
import { bindingTargets } from './bindings';
import { bindingContextAt, cursorContext, keyPathAt } from './cursor';
import type { AssetKind } from './references';
import { describeExpected } from './describeSchema';
import { hasComplexKey, parseYaml } from './parse';
import { chooseSchema, type YamlKind } from './schemaCatalog';
import { schemaFiles, resolveSchema, type SchemaObject } from './schemaIndex';
import { conditionCheck, propertiesOf, schemasAt } from './schemaWalker';
import { validator } from './validate';

export interface YamlCompletion {
  readonly label: string;
  readonly kind: 'key' | 'value';
  /** Text to insert; `\n` followed by the indentation the editor adds for a nested mapping or list. */
  readonly insertText: string;
  readonly detail?: string;
  readonly documentation?: string;
  readonly replaceStart: number;
}

export interface YamlHover {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

/** The Azure ML kind of a text, as far as it can be told while it is being edited. */
export function kindOf(text: string): { kind: YamlKind; value: unknown } | undefined {
  const parsed = parseYaml(text);
  const value = parsed.value ?? tolerantValue(parsed.document);
  const choice = chooseSchema(value);
  return choice.by === 'url' || choice.by === 'shape' ? { kind: choice.kind, value } : undefined;
}

function tolerantValue(document: ReturnType<typeof parseYaml>['document']): unknown {
  if (!isMap(document.contents)) return undefined;
  try {
    if (hasComplexKey(document.contents)) throw new Error('complex keys');
    return document.toJS({ maxAliasCount: 100 });
  } catch {
    const value: Record<string, unknown> = {};
    for (const pair of document.contents.items)
      if (isScalar(pair.key)) value[String(pair.key.value)] = isScalar(pair.value) ? pair.value.value : {};
    return value;
  }
}

function rootSchema(kind: YamlKind): SchemaObject {
  const file = schemaFiles().get(kind.schemaId);
  if (!file) throw new Error(`No schema ${kind.schemaId} is bundled with the YAML engine`);
  return file;
}

/** Keys (with their descriptions) or values the schema allows at `offset`; inside `${{`, the bindings. */
export function completeAt(text: string, offset: number): YamlCompletion[] {
  return bindingCompletionsAt(text, offset) ?? schemaCompletionsAt(text, offset);
}

/** Inside `${{`: the bindings the file declares that fit what is typed; undefined outside a binding. */
export function bindingCompletionsAt(text: string, offset: number): YamlCompletion[] | undefined {
  const binding = bindingContextAt(text, offset);
  if (!binding) return undefined;
  const found = kindOf(text);
  if (!found) return [];
  return bindingTargets(found.value, binding.path)
    .filter((target) => target.startsWith(binding.typed))
    .map((target) => ({
      label: target,
      kind: 'value' as const,
      insertText: binding.closed ? target : `${target}}}`,
      detail: 'binding',
      replaceStart: binding.replaceStart,
    }));
}

function schemaCompletionsAt(text: string, offset: number): YamlCompletion[] {
  const context = cursorContext(text, offset);
  const found = context && kindOf(text);
  if (!context || !found) return [];
  const check = conditionCheck(validator());
  const schemas = schemasAt(rootSchema(found.kind), found.value, context.path, check);
  if (context.at === 'key') {
    const present = new Set(context.siblingKeys);
    return propertiesOf(schemas)
      .filter((property) => !present.has(property.name) && property.name !== '$schema')
      .map((property) => ({
        label: property.name,
        kind: 'key' as const,
        insertText: opensBlock(property.schema) ? `${property.name}:\n` : `${property.name}: `,
        detail: describeExpected(property.schema),
        documentation: property.description,
        replaceStart: context.replaceStart,
      }));
  }
  return valuesOf(schemas).map((value) => ({
    label: value,
    kind: 'value' as const,
    insertText: value,
    replaceStart: context.replaceStart,
  }));
}

/** When the cursor is in a value that may name a workspace asset: which kind, and where the typed text starts. */
export function assetContextAt(
  text: string,
  offset: number,
): { kind: AssetKind; replaceStart: number; typed: string } | undefined {
  const context = cursorContext(text, offset);
  const found = context?.at === 'value' ? kindOf(text) : undefined;
  if (!context || context.at !== 'value' || !found) return undefined;
  const schemas = schemasAt(rootSchema(found.kind), found.value, context.path, conditionCheck(validator()));
  const kind = schemas.find((schema) => schema['x-azureml-assetKind'])?.['x-azureml-assetKind'] as
    AssetKind | undefined;
  return kind ? { kind, replaceStart: context.replaceStart, typed: context.prefix } : undefined;
}

/** When the cursor is in a value that holds a local path: what it expects and the path typed so far. */
export function localPathContextAt(
  text: string,
  offset: number,
): { expects: 'file' | 'directory' | 'any'; replaceStart: number; typed: string } | undefined {
  const context = cursorContext(text, offset);
  const found = context?.at === 'value' ? kindOf(text) : undefined;
  if (!context || context.at !== 'value' || !found || /^[a-z][a-z0-9+.-]+:/i.test(context.prefix)) return undefined;
  const schemas = schemasAt(rootSchema(found.kind), found.value, context.path, conditionCheck(validator()));
  const expects = schemas.find((schema) => schema['x-azureml-localPath'])?.['x-azureml-localPath'] as
    'file' | 'directory' | 'any' | undefined;
  return expects ? { expects, replaceStart: context.replaceStart, typed: context.prefix } : undefined;
}

/** Entries of the folder a typed path points into, as completions of the whole path. */
export function localPathCompletions(
  typed: string,
  entries: readonly { name: string; directory: boolean }[],
  expects: 'file' | 'directory' | 'any',
  replaceStart: number,
): YamlCompletion[] {
  const folder = typed.slice(0, typed.lastIndexOf('/') + 1);
  return entries
    .filter((entry) => !entry.name.startsWith('.') && (entry.directory || expects !== 'directory'))
    .map((entry) => {
      const path = `${folder}${entry.name}${entry.directory ? '/' : ''}`;
      return {
        label: path,
        kind: 'value' as const,
        insertText: path,
        detail: entry.directory ? 'folder' : 'file',
        replaceStart,
      };
    });
}

/** `azureml:` references to offer for assets of a kind: computes by name, versioned assets at `@latest`. */
export function assetCompletions(
  kind: AssetKind,
  assets: readonly { name: string; latestVersion?: string }[],
  replaceStart: number,
): YamlCompletion[] {
  return assets.map((asset) => {
    const reference = kind === 'computes' ? `azureml:${asset.name}` : `azureml:${asset.name}@latest`;
    return {
      label: reference,
      kind: 'value' as const,
      insertText: reference,
      detail: asset.latestVersion ? `latest version ${asset.latestVersion}` : undefined,
      replaceStart,
    };
  });
}

/** The asset name in `azureml:<name>:` once a colon follows it: the user now wants a version. */
export function versionedNameIn(typed: string): string | undefined {
  return /^azureml:([A-Za-z0-9_][\w.-]*):[\w.-]*$/.exec(typed)?.[1];
}

/** `azureml:<name>:<version>` for each version, newest first as listed. */
export function versionCompletions(name: string, versions: readonly string[], replaceStart: number): YamlCompletion[] {
  return versions.map((version, index) => ({
    label: `azureml:${name}:${version}`,
    kind: 'value' as const,
    insertText: `azureml:${name}:${version}`,
    detail: index === 0 ? 'newest version' : undefined,
    replaceStart,
  }));
}

/** Whether a property's value is written on the lines below it (a mapping or list, never a plain value). */
function opensBlock(schema: SchemaObject): boolean {
  const resolved = resolveSchema(schema);
  const branches = (resolved.anyOf ?? resolved.oneOf) as SchemaObject[] | undefined;
  if (branches) return branches.every(opensBlock);
  const types = Array.isArray(resolved.type) ? resolved.type : [resolved.type];
  return types.length > 0 && types.every((type) => type === 'object' || type === 'array');
}

function valuesOf(schemas: readonly SchemaObject[]): string[] {
  const values = new Set<string>();
  const visit = (schema: SchemaObject, depth: number) => {
    const resolved = resolveSchema(schema);
    if (Array.isArray(resolved.enum)) resolved.enum.forEach((value) => values.add(String(value)));
    if ('const' in resolved) values.add(String(resolved.const));
    if (resolved.type === 'boolean') ['true', 'false'].forEach((value) => values.add(value));
    if (depth < 4)
      for (const branch of ((resolved.anyOf ?? resolved.oneOf) as SchemaObject[] | undefined) ?? [])
        visit(branch, depth + 1);
  };
  schemas.forEach((schema) => visit(schema, 0));
  return [...values];
}

/** The description of the key under the cursor and what its value must be. */
export function hoverAt(text: string, offset: number): YamlHover | undefined {
  const key = keyPathAt(text, offset);
  const found = key && kindOf(text);
  if (!key || !found) return undefined;
  const check = conditionCheck(validator());
  const parentSchemas = schemasAt(rootSchema(found.kind), found.value, key.path.slice(0, -1), check);
  const name = key.path[key.path.length - 1];
  const property = propertiesOf(parentSchemas).find((candidate) => candidate.name === name);
  if (!property) return undefined;
  const lines = [`**${name}** (${found.kind.title})`];
  if (property.description) lines.push('', property.description);
  lines.push('', `Expected: ${describeExpected(property.schema)}.`);
  return { markdown: lines.join('\n'), start: key.start, end: key.end };
}
