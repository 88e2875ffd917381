/** What a submit decides around the conversion: the job's name, re-run overrides, and where a service error points. */

const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * The job's name, fixed before the first PUT so that a retried submit addresses the same job. The
 * file's own `name:` wins; otherwise the file's stem and ten random characters, within Azure's
 * pattern (a letter or digit first, then letters, digits, `-` and `_`, at most 255).
 */
export function jobNameFor(document: unknown, fileName: string, random: () => number = Math.random): string {
  const own = (document as { name?: unknown } | null)?.name;
  if (typeof own === 'string' && own.trim()) return own.trim();
  const stem = fileName
    .replace(/\.ya?ml$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 200);
  const suffix = Array.from({ length: 10 }, () => NAME_ALPHABET[Math.floor(random() * NAME_ALPHABET.length)]).join('');
  return `${stem || 'job'}_${suffix}`;
}

/**
 * `key=value` pairs separated by spaces, as `az ml job create --set` takes them: the key is a dotted
 * path into the YAML, the value is read as a number, boolean or null when it looks like one.
 */
export function parseOverrides(text: string): { overrides: Record<string, unknown>; error?: string } {
  const overrides: Record<string, unknown> = {};
  for (const pair of text.split(/\s+/).filter(Boolean)) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return { overrides, error: `"${pair}" is not key=value (for example inputs.epochs=5).` };
    const key = pair.slice(0, equals);
    if (!/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/.test(key)) {
      return { overrides, error: `"${key}" is not a dotted path into the YAML (for example inputs.epochs).` };
    }
    overrides[key] = scalar(pair.slice(equals + 1));
  }
  return { overrides };
}

export function formatOverrides(overrides: Record<string, unknown>): string {
  return Object.entries(overrides)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

function scalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  return text;
}

/** The REST field a service error names (`properties.inputs.training_data.uri`), if its message names one. */
export function serviceErrorPath(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== 'string') return undefined;
  return /\b(properties(?:\.[A-Za-z0-9_$-]+|\[[^\]]+\])+)/.exec(message)?.[1];
}

/** REST names that the YAML spells differently. */
const YAML_NAMES: Record<string, string> = {
  uri: 'path',
  jobInputType: 'type',
  jobOutputType: 'type',
  computeId: 'compute',
  environmentId: 'environment',
  codeId: 'code',
  componentId: 'component',
  distributionType: 'type',
};

/** Where a REST field lives in the job's YAML (`properties.inputs.x.uri` → `inputs.x.path`), to underline it. */
export function yamlPathForRestField(restPath: string | undefined): string[] | undefined {
  if (!restPath) return undefined;
  const segments = restPath
    .replace(/\[['"]?([^\]'"]+)['"]?\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  if (segments[0] !== 'properties') return undefined;
  const mapped = segments.slice(1).map((segment, index, all) => {
    // Names of inputs, outputs and steps are the user's own; only field names are translated.
    const isUserName = index > 0 && ['inputs', 'outputs', 'jobs', 'environmentVariables'].includes(all[index - 1]);
    if (isUserName) return segment;
    return YAML_NAMES[segment] ?? segment.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  });
  return mapped;
}
