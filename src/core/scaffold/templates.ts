/**
 * The template tree: `templates/` next to this file in the sources, `scaffold-templates/` next to the bundle that
 * includes it (scripts/build.mjs copies it there). `manifest.json` at its root says which folder or file goes
 * where, and for which choices.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_FILE = 'manifest.json';

/** A manifest entry: a folder (or one file) of the tree, where it lands in the project, and when. */
export interface ManifestEntry {
  /** A path inside the template tree. */
  readonly from: string;
  /** The target path in the project, relative to its root ('' for the root). */
  readonly to: string;
  /** Every named option must have one of the listed values; no `when` means always. */
  readonly when?: Readonly<Record<string, readonly (string | boolean)[]>>;
}

export interface TemplateTree {
  readonly root: string;
  readonly entries: readonly ManifestEntry[];
  /** Template path (posix, relative to the root) → its bytes. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** Where the templates are: beside the sources when run from them, beside the bundle once built. */
export function defaultTemplateRoot(): string {
  const candidates = [join(__dirname, 'templates'), join(__dirname, 'scaffold-templates')];
  const found = candidates.find((candidate) => existsSync(join(candidate, MANIFEST_FILE)));
  if (!found)
    throw new Error(
      `The project templates are missing (looked for ${candidates.join(' and ')}); reinstall the extension or rebuild.`,
    );
  return found;
}

const trees = new Map<string, TemplateTree>();

/** Reads the whole tree once per process: a few hundred KB, and generating stays a matter of milliseconds. */
export function loadTemplateTree(root = defaultTemplateRoot()): TemplateTree {
  const cached = trees.get(root);
  if (cached) return cached;
  const manifest = JSON.parse(readFileSync(join(root, MANIFEST_FILE), 'utf8')) as { entries?: ManifestEntry[] };
  if (!Array.isArray(manifest.entries)) throw new Error(`${join(root, MANIFEST_FILE)} has no "entries" list.`);
  const files = new Map<string, Buffer>();
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (path !== MANIFEST_FILE) files.set(path, readFileSync(join(root, path)));
    }
  };
  walk('');
  const tree = { root, entries: manifest.entries, files };
  trees.set(root, tree);
  return tree;
}

/** Whether an entry applies to these options. */
export function entryApplies(entry: ManifestEntry, options: object): boolean {
  return Object.entries(entry.when ?? {}).every(([option, allowed]) =>
    allowed.includes((options as Record<string, string | boolean>)[option]),
  );
}
