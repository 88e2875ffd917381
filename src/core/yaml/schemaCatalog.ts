import { SCHEMA_FILES } from './schemas';

/** How a file without `$schema` is recognised: its `type:` value and keys it must have or lack. */
export interface ShapeRule {
  readonly type?: string;
  readonly keys?: readonly string[];
  readonly without?: readonly string[];
}

/** One YAML kind (command job, managed online deployment, …), read from its schema file's `x-azureml` block. */
export interface YamlKind {
  readonly kind: string;
  readonly title: string;
  /** The schema's `$id`, which the validator is compiled under. */
  readonly schemaId: string;
  /** Last segments of the published `$schema` URLs, lower case. */
  readonly urlNames: readonly string[];
  /** The published schema's file name, as written in a `$schema` line. */
  readonly schemaFileName: string;
  readonly match: readonly ShapeRule[];
}

/** The keywords of this project's own, beyond JSON Schema; the validator registers them. */
export const PROJECT_KEYWORDS = ['x-azureml', 'x-azureml-assetKind', 'x-azureml-localPath'] as const;

/** Hosts that publish Azure ML YAML schemas; a `$schema` elsewhere (GitHub workflows, …) is not ours. */
const SCHEMA_HOSTS = ['azuremlschemas.azureedge.net', 'azuremlsdk2.blob.core.windows.net'];

export type SchemaJson = Record<string, unknown> & { $id: string };

let kinds: readonly YamlKind[] | undefined;

export function allKinds(): readonly YamlKind[] {
  kinds ??= SCHEMA_FILES.flatMap((schema) => {
    const block = schema['x-azureml'] as
      { kind: string; title: string; urlNames: string[]; match?: ShapeRule[] } | undefined;
    if (!block) return [];
    return [
      {
        kind: block.kind,
        title: block.title,
        schemaId: schema.$id,
        urlNames: block.urlNames.map((name) => name.toLowerCase()),
        schemaFileName: block.urlNames[0],
        match: block.match ?? [],
      },
    ];
  });
  return kinds;
}

export type SchemaChoice =
  | { readonly by: 'url' | 'shape'; readonly kind: YamlKind }
  /** An Azure ML schema URL this project has no schema for. */
  | { readonly by: 'unknownUrl'; readonly url: string }
  | { readonly by: 'none' };

/** Which schema applies: the `$schema` URL first, then `type:` and shape, else none (not Azure ML YAML). */
export function chooseSchema(value: unknown): SchemaChoice {
  if (!isPlainObject(value)) return { by: 'none' };
  const url = value.$schema;
  if (typeof url === 'string' && url.trim() !== '') {
    const parsed = parseSchemaUrl(url);
    if (!parsed) return { by: 'none' };
    const kind = allKinds().find((candidate) => candidate.urlNames.includes(parsed.name));
    return kind ? { by: 'url', kind } : { by: 'unknownUrl', url };
  }
  return chooseByShape(value);
}

function chooseByShape(value: Record<string, unknown>): SchemaChoice {
  let best: YamlKind | undefined;
  let bestScore = -1;
  let tie = false;
  for (const kind of allKinds()) {
    for (const rule of kind.match) {
      if (rule.type !== undefined ? value.type !== rule.type : value.type !== undefined) continue;
      if (!(rule.keys ?? []).every((key) => key in value)) continue;
      if ((rule.without ?? []).some((key) => key in value)) continue;
      const score = (rule.keys?.length ?? 0) + (rule.type !== undefined ? 1 : 0);
      if (score > bestScore) {
        best = kind;
        bestScore = score;
        tie = false;
      } else if (score === bestScore && kind !== best) {
        tie = true;
      }
    }
  }
  // Two kinds that fit equally well: guessing would report the other kind's keys as mistakes.
  return best && !tie ? { by: 'shape', kind: best } : { by: 'none' };
}

/** The lower-case last segment of an Azure ML schema URL, or undefined for any other URL. */
export function parseSchemaUrl(url: string): { name: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (!SCHEMA_HOSTS.includes(parsed.hostname.toLowerCase())) return undefined;
  const name = parsed.pathname.split('/').pop()?.toLowerCase();
  return name ? { name } : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
