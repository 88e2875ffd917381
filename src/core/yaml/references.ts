import type { YamlDiagnostic } from './diagnostic';
import { nodeAt, type ParsedYaml } from './parse';
import { isPlainObject, type YamlKind } from './schemaCatalog';
import { schemaFiles, type SchemaObject } from './schemaIndex';
import { applicable, childSchemas, conditionCheck } from './schemaWalker';
import { validator } from './validate';

export type AssetKind = 'environments' | 'data' | 'models' | 'components' | 'computes';

/** `azureml:name:version`, `azureml:name@label` or `azureml:name`, for one kind of workspace asset. */
export interface AssetReference {
  readonly kind: AssetKind;
  readonly name: string;
  readonly version?: string;
  readonly label?: string;
}

/** What the engine may ask outside the text; each answer is optional, and no answer means no check. */
export interface ReferenceLookups {
  /** `file`, `directory`, or undefined when nothing is at a path relative to the YAML file's folder. */
  readonly pathKind?: (relativePath: string) => Promise<'file' | 'directory' | undefined>;
  /** Whether an asset exists in the active workspace; undefined when that cannot be told now. */
  readonly assetExists?: (reference: AssetReference) => Promise<boolean | undefined>;
  /** The active workspace's name, for messages. */
  readonly workspaceName?: string;
}

interface Found {
  readonly pointer: string;
  readonly value: string;
  readonly localPath?: string;
  readonly assetKind?: AssetKind;
}

/** Local paths that do not exist and `azureml:` references the active workspace does not have: warnings. */
export async function checkReferences(
  parsed: ParsedYaml,
  kind: YamlKind,
  lookups: ReferenceLookups,
): Promise<YamlDiagnostic[]> {
  const root = schemaFiles().get(kind.schemaId);
  if (!root || parsed.value === undefined) return [];
  const found: Found[] = [];
  collect(applicable(root, parsed.value, conditionCheck(validator())), parsed.value, '', found);
  const checks = found.map(async (item): Promise<YamlDiagnostic | undefined> => {
    const range = nodeAt(parsed.document, item.pointer).node?.range;
    if (!range) return undefined;
    const at = { start: range[0], end: range[1], severity: 'warning' as const };
    const path = item.localPath ? withinCodeFolder(parsed.value, item.pointer, localPathOf(item.value)) : undefined;
    if (path !== undefined && lookups.pathKind && (await lookups.pathKind(path)) === undefined) {
      return {
        ...at,
        code: 'missing-path',
        message: `\`${path}\` does not exist in this file's folder; local paths are read relative to it.`,
      };
    }
    const reference = item.assetKind ? parseAssetReference(item.assetKind, item.value) : undefined;
    if (reference && lookups.assetExists && (await lookups.assetExists(reference)) === false) {
      const where = lookups.workspaceName ? ` in workspace \`${lookups.workspaceName}\`` : ' in the active workspace';
      const what = reference.version ? ` version \`${reference.version}\`` : '';
      return {
        ...at,
        code: 'missing-asset',
        message: `No ${SINGULAR[reference.kind]} \`${reference.name}\`${what}${where}.`,
      };
    }
    return undefined;
  });
  return (await Promise.all(checks)).filter((item): item is YamlDiagnostic => item !== undefined);
}

const SINGULAR: Record<AssetKind, string> = {
  environments: 'environment',
  data: 'data asset',
  models: 'model',
  components: 'component',
  computes: 'compute',
};

function collect(schemas: SchemaObject[], value: unknown, pointer: string, found: Found[]): void {
  if (typeof value === 'string') {
    const localPath = schemas.find((schema) => schema['x-azureml-localPath'])?.['x-azureml-localPath'] as
      string | undefined;
    const assetKind = schemas.find((schema) => schema['x-azureml-assetKind'])?.['x-azureml-assetKind'] as
      AssetKind | undefined;
    if (localPath || assetKind) found.push({ pointer, value, localPath, assetKind });
    return;
  }
  const check = conditionCheck(validator());
  if (Array.isArray(value)) {
    value.forEach((item, index) =>
      collect(childSchemas(schemas, String(index), item, check), item, `${pointer}/${index}`, found),
    );
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
      collect(childSchemas(schemas, key, child, check), child, `${pointer}/${escaped}`, found);
    }
  }
}

/** A `scoring_script` is relative to the `code` folder beside it (code_configuration), not to the YAML's folder. */
function withinCodeFolder(document: unknown, pointer: string, path: string | undefined): string | undefined {
  if (path === undefined || !pointer.endsWith('/scoring_script')) return path;
  let parent: unknown = document;
  for (const key of pointer.split('/').slice(1, -1)) {
    parent = isPlainObject(parent) ? parent[key.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  }
  const code = isPlainObject(parent) && typeof parent.code === 'string' ? localPathOf(parent.code) : undefined;
  return code === undefined ? path : `${code.replace(/\/+$/, '')}/${path}`;
}

/** The path a value names on disk, or undefined for URLs, `azureml:` references and bindings. */
export function localPathOf(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.includes('${{')) return undefined;
  if (/^file:/i.test(trimmed)) return trimmed.slice('file:'.length);
  // A scheme of two letters or more (https:, azureml:, wasbs:); one letter is a Windows drive.
  if (/^[a-z][a-z0-9+.-]+:/i.test(trimmed)) return undefined;
  return trimmed;
}

export function parseAssetReference(kind: AssetKind, value: string): AssetReference | undefined {
  const match = /^azureml:([A-Za-z0-9_][\w.-]*)(?:(?::([\w.-]+))|(?:@([\w.-]+)))?$/.exec(value.trim());
  if (!match) return undefined;
  return { kind, name: match[1], version: match[2], label: match[3] };
}
