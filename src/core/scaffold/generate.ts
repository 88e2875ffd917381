/**
 * Plans a project from the options and the template tree, then writes it through the caller's file operations.
 * Nothing is written when a planned file already exists unless the caller decided to overwrite it, and nothing is
 * ever written outside the target folder.
 */
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { templateContext } from './context';
import { validateOptions, type OptionProblem, type ScaffoldOptions } from './options';
import { isBinaryTemplate, renderTemplate } from './render';
import { entryApplies, loadTemplateTree, type TemplateTree } from './templates';

export interface PlannedFile {
  /** Relative to the target folder, with `/` separators. */
  readonly path: string;
  readonly content: Buffer;
}

/** The file operations generate uses; the CLI passes node:fs, the extension its workspace file system. */
export interface ScaffoldTarget {
  /** Absolute. */
  readonly folder: string;
  exists(absolutePath: string): Promise<boolean>;
  /** Creates the parent folders as needed. */
  write(absolutePath: string, content: Buffer): Promise<void>;
}

export interface GenerateSettings {
  /** Which existing files may be replaced: none (the default), all, or these relative paths. */
  readonly overwrite?: boolean | readonly string[];
  readonly templateRoot?: string;
}

export interface GenerateResult {
  readonly files: readonly PlannedFile[];
  /** Planned files that already exist, relative paths. */
  readonly conflicts: readonly string[];
  /** What was written; empty when a conflict was not cleared to overwrite (then nothing is written). */
  readonly written: readonly string[];
}

export class ScaffoldOptionsError extends Error {
  constructor(readonly problems: readonly OptionProblem[]) {
    super(problems.map((problem) => problem.message).join(' '));
    this.name = 'ScaffoldOptionsError';
  }
}

/** A path that would land outside the target folder. */
export class PathEscapeError extends Error {
  constructor(readonly path: string) {
    super(`Refusing to write ${path}: it is outside the target folder.`);
    this.name = 'PathEscapeError';
  }
}

/** The files a project with these options has, rendered, without touching the disk. */
export function planProject(options: ScaffoldOptions, tree: TemplateTree = loadTemplateTree()): PlannedFile[] {
  const problems = validateOptions(options);
  if (problems.length > 0) throw new ScaffoldOptionsError(problems);
  const context = templateContext(options);
  const planned = new Map<string, PlannedFile>();
  for (const entry of tree.entries) {
    if (!entryApplies(entry, options)) continue;
    const sources = tree.files.has(entry.from)
      ? [[entry.from, entry.to] as const]
      : [...tree.files.keys()]
          .filter((path) => path.startsWith(`${entry.from}/`))
          .map((path) => [path, posix.join(entry.to, path.slice(entry.from.length + 1))] as const);
    if (sources.length === 0) throw new Error(`The template manifest names ${entry.from}, which has no files.`);
    for (const [source, target] of sources) {
      const bytes = tree.files.get(source)!;
      const content = isBinaryTemplate(source)
        ? bytes
        : Buffer.from(renderTemplate(source, bytes.toString('utf8'), context), 'utf8');
      // A later entry replaces an earlier one's file: scenario files override the shared ones.
      planned.set(target, { path: target, content });
    }
  }
  return [...planned.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The absolute path of `path` inside `folder`; refuses absolute paths and any that climb out. */
export function resolveInside(folder: string, path: string): string {
  if (isAbsolute(path) || path.includes('\\')) throw new PathEscapeError(path);
  const root = resolve(folder);
  const target = resolve(root, path);
  const fromRoot = relative(root, target);
  if (fromRoot === '' || fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot))
    throw new PathEscapeError(path);
  return target;
}

export async function generate(
  options: ScaffoldOptions,
  target: ScaffoldTarget,
  settings: GenerateSettings = {},
): Promise<GenerateResult> {
  const tree = settings.templateRoot ? loadTemplateTree(settings.templateRoot) : loadTemplateTree();
  const files = planProject(options, tree);
  return writePlanned(files, target, settings.overwrite ?? false);
}

/** Writes planned files: first every path is checked and every conflict found, then, if all is clear, the files. */
export async function writePlanned(
  files: readonly PlannedFile[],
  target: ScaffoldTarget,
  overwrite: boolean | readonly string[] = false,
): Promise<GenerateResult> {
  const absolute = files.map((file) => resolveInside(target.folder, file.path));
  const existing = await Promise.all(absolute.map((path) => target.exists(path)));
  const conflicts = files.filter((_, index) => existing[index]).map((file) => file.path);
  const allowed = (path: string) => overwrite === true || (Array.isArray(overwrite) && overwrite.includes(path));
  if (conflicts.some((path) => !allowed(path))) return { files, conflicts, written: [] };
  const written: string[] = [];
  for (const [index, file] of files.entries()) {
    await target.write(absolute[index], file.content);
    written.push(file.path);
  }
  return { files, conflicts, written };
}
