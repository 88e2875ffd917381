import type { YamlDiagnostic } from './diagnostic';
import { kindOf } from './language';
import { SCHEMA_FILES } from './schemas';

/**
 * Who reports problems in Azure ML YAML (the `azureml.yaml.diagnostics` setting): this extension, a general YAML
 * extension (Red Hat's) with this extension's schemas, or nobody.
 */
export type DiagnosticsReporter = 'azureml' | 'yaml-extension' | 'off';

/** A general YAML extension in the editor: whether its own validation is on for the file at hand. */
export interface YamlExtensionState {
  readonly validates: boolean;
}

/** The URI scheme under which the YAML extension asks this extension for schemas; also the contributor's name. */
export const SCHEMA_SCHEME = 'azureml-schema';
const SCHEMA_HOST = 'schemas';
/** What the YAML extension gets when it is not to check a file: no keys, no constraints, just a name. */
const NO_CHECKS_FILE = 'checked-elsewhere.schema.json';

/** Checks that need more than a schema (bindings, files on disk, workspace assets): no YAML extension makes them. */
const BEYOND_SCHEMA = new Set(['binding', 'missing-path', 'missing-asset', 'no-schema', 'placeholder']);

/**
 * The engine's diagnostics this extension shows, so that no problem is reported twice: a YAML extension that
 * validates reports what the YAML parser rejects in every file, and with `yaml-extension` the schema problems
 * too. Without one that validates, `yaml-extension` falls back to this extension's checks.
 */
export function diagnosticsToShow(
  found: readonly YamlDiagnostic[],
  reporter: DiagnosticsReporter,
  yamlExtension: YamlExtensionState | undefined,
): readonly YamlDiagnostic[] {
  if (reporter === 'off') return [];
  if (!yamlExtension?.validates) return found;
  const parserLeftToIt = found.filter((diagnostic) => !diagnostic.yamlParser);
  if (reporter === 'azureml') return parserLeftToIt;
  return parserLeftToIt.filter((diagnostic) => diagnostic.code === 'syntax' || BEYOND_SCHEMA.has(diagnostic.code));
}

/** Whether the YAML extension has this extension's schemas, so its hovers and key completions stand for ours. */
export function schemasHandedOver(reporter: DiagnosticsReporter, yamlExtensionPresent: boolean): boolean {
  return reporter === 'yaml-extension' && yamlExtensionPresent;
}

/**
 * The schema URI the YAML extension should use for a file: the kind's schema when it reports, a schema that checks
 * nothing otherwise (so it neither reports a second time nor guesses a schema of its own), and none for YAML that
 * is not Azure ML YAML.
 */
export function schemaUriForText(text: string, reporter: DiagnosticsReporter): string | undefined {
  const found = kindOf(text);
  if (!found) return undefined;
  return schemaUri(reporter === 'yaml-extension' ? fileNameOf(found.kind.schemaId) : NO_CHECKS_FILE);
}

/**
 * The JSON of a schema URI this extension handed out. Its `$id` becomes that URI, so the files it refers to
 * resolve under the same scheme and are asked for in turn.
 */
export function schemaContentFor(uri: string): string | undefined {
  const name = fileNameInUri(uri);
  if (!name) return undefined;
  if (name === NO_CHECKS_FILE) {
    return JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: schemaUri(NO_CHECKS_FILE),
      title: 'Azure ML YAML (checked by the Azure ML extension)',
    });
  }
  const file = SCHEMA_FILES.find((candidate) => fileNameOf(candidate.$id) === name);
  return file && JSON.stringify({ ...file, $id: schemaUri(name) });
}

function schemaUri(fileName: string): string {
  return `${SCHEMA_SCHEME}://${SCHEMA_HOST}/${fileName}`;
}

function fileNameOf(schemaId: string): string {
  return schemaId.slice(schemaId.lastIndexOf('/') + 1);
}

function fileNameInUri(uri: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${SCHEMA_SCHEME}:` || parsed.hostname !== SCHEMA_HOST) return undefined;
  const segments = parsed.pathname.split('/').filter(Boolean);
  return segments.length === 1 ? decodeURIComponent(segments[0]) : undefined;
}
