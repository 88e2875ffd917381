/**
 * Which files an MLTable names: its `paths` list, each entry a `file`, a `folder` or a `pattern` (a glob with
 * `*`, `**` and `?`), relative to the MLTable's own folder or an `azureml://` address. A labeling project made
 * from an mltable data asset takes those files (the images or texts among them) as its items.
 */
import type { MlTablePath } from './model';

export class MlTablePathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MlTablePathError';
  }
}

/** Where the MLTable's folder is in storage, to read `azureml://` entries that point inside it. */
export interface MlTableLocation {
  datastore: string;
  /** The folder's path in the datastore, without leading or trailing `/`. */
  path: string;
}

const AZUREML_SHORT = /^azureml:\/\/datastores\/([^/]+)\/paths\/(.*)$/i;
const AZUREML_LONG =
  /^azureml:\/\/subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/[^/]+\/datastores\/([^/]+)\/paths\/(.*)$/i;

/**
 * The `paths` of a parsed MLTable document, each made relative to the MLTable's folder (`/` separators, no
 * leading `./`). Throws MlTablePathError for a document without paths, for an entry of another kind, and
 * for an entry outside the folder (another datastore or folder, a web address), which cannot be labeled here.
 */
export function mlTablePaths(document: unknown, location?: MlTableLocation): MlTablePath[] {
  const paths = (document as { paths?: unknown } | null)?.paths;
  if (!Array.isArray(paths) || paths.length === 0) throw new MlTablePathError('The MLTable file has no `paths`.');
  return paths.map((entry, index) => {
    const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const kind = (['file', 'folder', 'pattern'] as const).find((key) => typeof record[key] === 'string');
    if (!kind)
      throw new MlTablePathError(`Entry ${index + 1} of the MLTable's \`paths\` is not a file, folder or pattern.`);
    const relative = relativeToFolder(record[kind] as string, location);
    if (relative === undefined)
      throw new MlTablePathError(
        `The MLTable names ${String(record[kind])}, which is outside its own folder; only files stored with the MLTable can be labeled. Register a data asset whose MLTable lists files beside it.`,
      );
    if (kind === 'file') return { file: relative };
    if (kind === 'folder') return { folder: relative };
    return { pattern: relative };
  });
}

function relativeToFolder(value: string, location: MlTableLocation | undefined): string | undefined {
  const text = value.trim();
  const address = AZUREML_SHORT.exec(text) ?? AZUREML_LONG.exec(text);
  if (address) {
    if (!location || address[1].toLowerCase() !== location.datastore.toLowerCase()) return undefined;
    const path = safeDecode(address[2]).replace(/^\/+/, '');
    const base = location.path.replace(/^\/+|\/+$/g, '');
    if (base === '') return normalize(path);
    if (path === base) return '';
    return path.startsWith(`${base}/`) ? normalize(path.slice(base.length + 1)) : undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) || text.startsWith('/')) return undefined;
  return normalize(text);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `./a/./b/` → `a/b`; undefined when `..` climbs out of the folder. */
function normalize(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** A glob of MLTable's pattern syntax as a regular expression over `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index];
    if (character === '*' && pattern[index + 1] === '*') {
      const slashAfter = pattern[index + 2] === '/';
      // `**/` matches no folder or any number of them; a lone `**` matches anything.
      source += slashAfter ? '(?:.*/)?' : '.*';
      index += slashAfter ? 2 : 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Whether a file (its path relative to the MLTable's folder) is one the paths name. */
export function isNamedByMlTable(relativePath: string, paths: readonly MlTablePath[]): boolean {
  return paths.some((entry) => {
    if ('file' in entry) return relativePath === entry.file;
    if ('folder' in entry) return entry.folder === '' || relativePath.startsWith(`${entry.folder}/`);
    return globToRegExp(entry.pattern).test(relativePath);
  });
}

/** The files of `relativePaths` that the MLTable's paths name, in the order given. */
export function filesNamedByMlTable(relativePaths: readonly string[], paths: readonly MlTablePath[]): string[] {
  return relativePaths.filter((path) => isNamedByMlTable(path, paths));
}
