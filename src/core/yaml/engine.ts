import { isMap, isScalar } from '../lazy/yaml';
import type { YamlDiagnostic } from './diagnostic';
import { nodeAt, parseYaml, type ParsedYaml } from './parse';
import { chooseSchema, type SchemaChoice, type YamlKind } from './schemaCatalog';
import { checkBindings } from './bindings';
import { checkReferences, type ReferenceLookups } from './references';
import { validateAgainst } from './validate';

export interface YamlAnalysis {
  readonly parsed: ParsedYaml;
  readonly schema: SchemaChoice;
  readonly diagnostics: readonly YamlDiagnostic[];
}

/**
 * Everything the engine knows about one YAML text without looking outside it: syntax, which Azure ML kind it
 * is, and schema errors. Files that are not Azure ML YAML get no diagnostics beyond syntax, and only when
 * they say they are Azure ML YAML.
 */
export function analyzeYaml(text: string): YamlAnalysis {
  const parsed = parseYaml(text);
  if (parsed.syntaxErrors.length > 0) {
    // What the parser recovered is enough to tell whose file this is, not to check it.
    const schema = chooseSchema(recovered(parsed));
    const ours = schema.by !== 'none' || mentionsAzureMlSchema(text);
    return { parsed, schema, diagnostics: ours ? parsed.syntaxErrors : [] };
  }
  const schema = chooseSchema(parsed.value);
  if (schema.by === 'none') return { parsed, schema, diagnostics: [] };
  if (schema.by === 'unknownUrl') {
    const range = nodeAt(parsed.document, '/$schema').node?.range ?? [0, 1];
    return {
      parsed,
      schema,
      diagnostics: [
        {
          start: range[0],
          end: range[1],
          severity: 'information',
          code: 'unknown-schema',
          message: `This extension has no schema for ${schema.url}, so the file is not checked.`,
        },
      ],
    };
  }
  const diagnostics = [...validateAgainst(parsed, schema.kind), ...checkBindings(parsed)];
  if (schema.by === 'shape') diagnostics.push(addSchemaHint(parsed, schema.kind));
  return { parsed, schema, diagnostics: diagnostics.sort((a, b) => a.start - b.start) };
}

function mentionsAzureMlSchema(text: string): boolean {
  return /\$schema\s*:\s*['"]?https?:\/\/(azuremlschemas\.azureedge\.net|azuremlsdk2\.blob\.core\.windows\.net)\//i.test(
    text,
  );
}

/** The top-level scalars of a document that did not parse cleanly: enough for `$schema`, `type` and shape. */
function recovered(parsed: ParsedYaml): Record<string, unknown> | undefined {
  const contents = parsed.document.contents;
  if (!isMap(contents)) return undefined;
  const value: Record<string, unknown> = {};
  for (const pair of contents.items) {
    if (isScalar(pair.key)) value[String(pair.key.value)] = isScalar(pair.value) ? pair.value.value : true;
  }
  return value;
}

/** analyzeYaml, plus what needs a look outside the text: local paths and workspace assets (warnings). */
export async function analyzeWithReferences(text: string, lookups: ReferenceLookups): Promise<YamlAnalysis> {
  const analysis = analyzeYaml(text);
  const { schema, parsed } = analysis;
  if (schema.by !== 'url' && schema.by !== 'shape') return analysis;
  if (parsed.syntaxErrors.length > 0) return analysis;
  const found = await checkReferences(parsed, schema.kind, lookups);
  return { ...analysis, diagnostics: [...analysis.diagnostics, ...found].sort((a, b) => a.start - b.start) };
}

/** A file recognised by its shape: offer the `$schema` line that makes every tool agree on its kind. */
function addSchemaHint(parsed: ParsedYaml, kind: YamlKind): YamlDiagnostic {
  const url = `https://azuremlschemas.azureedge.net/latest/${kind.schemaFileName}`;
  const first = parsed.document.contents?.range?.[0] ?? 0;
  return {
    start: first,
    end: parsed.text.indexOf('\n', first) === -1 ? parsed.text.length : parsed.text.indexOf('\n', first),
    severity: 'hint',
    code: 'no-schema',
    message: `Checked as ${kind.title} by its keys; add \`$schema\` so that every tool reads it the same way.`,
    fixes: [{ title: 'Add `$schema`', edits: [{ start: first, end: first, text: `$schema: ${url}\n` }] }],
  };
}
