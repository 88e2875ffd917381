/** The items of a project's source: image or text files below a folder, or the rows of a CSV / JSON Lines file. */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { parseCsv } from './csv';
import { filesNamedByMlTable } from './mltablePaths';
import { IMAGE_EXTENSIONS, TEXT_EXTENSIONS, isImageTask, sortByItemId } from './model';
import type { LabelProject, ProjectSource, TableColumns } from './model';

export interface LabelItem {
  /** The id annotations use: path below the source folder with `/` separators, or the row's key. */
  id: string;
  /** The file, for file items. */
  absolutePath?: string;
  /** The text, for rows of a table (text files are read on demand with readItemText). */
  text?: string;
}

export class SourceError extends Error {}

/** The folder a project's relative paths start from. */
export function projectFolder(projectFilePath: string): string {
  return dirname(resolve(projectFilePath));
}

export function sourceFolder(projectFilePath: string, source: ProjectSource): string | undefined {
  if (source.kind === 'folder') return resolve(projectFolder(projectFilePath), source.path);
  if (source.kind === 'dataAsset') return resolve(projectFolder(projectFilePath), source.cacheFolder);
  return undefined;
}

/** Every item of the source, sorted by id. */
export async function listSourceItems(projectFilePath: string, project: LabelProject): Promise<LabelItem[]> {
  const source = project.source;
  if (source.kind === 'dataAsset' && source.table) {
    if (isImageTask(project.task)) throw new SourceError('Image projects take their items from files, not a table.');
    const file = join(resolve(projectFolder(projectFilePath), source.cacheFolder), ...source.table.path.split('/'));
    if (!existsSync(file)) throw new SourceError(notDownloaded(source));
    return tableItems(file, `${source.table.path} of ${source.name}:${source.version}`, source.table);
  }
  const folder = sourceFolder(projectFilePath, source);
  if (folder) {
    const extensions = isImageTask(project.task) ? IMAGE_EXTENSIONS : TEXT_EXTENSIONS;
    let files: string[];
    try {
      files = await listFiles(folder, extensions);
    } catch (error) {
      if (source.kind !== 'dataAsset' || !(error instanceof SourceError)) throw error;
      throw new SourceError(notDownloaded(source));
    }
    if (source.kind === 'dataAsset' && source.paths) files = filesNamedByMlTable(files, source.paths);
    return sortByItemId(files, (id) => id).map((id) => ({ id, absolutePath: join(folder, ...id.split('/')) }));
  }
  if (source.kind !== 'table') throw new SourceError('The project names no source of items.');
  if (isImageTask(project.task)) throw new SourceError('Image projects take their items from a folder.');
  return tableItems(resolve(projectFolder(projectFilePath), source.path), source.path, source);
}

function notDownloaded(source: Extract<ProjectSource, { kind: 'dataAsset' }>): string {
  return `The files of data asset ${source.name}:${source.version} are not on this machine (${source.cacheFolder}). Start "New Labeling Project…" from the same data asset once: it downloads them to that folder again (cancel at the labels), and this project reads them from there.`;
}

/** The rows of a CSV or JSON Lines file as items: the text in `column`, named by `keyColumn` or the row number. */
async function tableItems(file: string, name: string, columns: TableColumns): Promise<LabelItem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SourceError(`Cannot read ${name}: ${(error as Error).message}`);
  }
  const rows = extname(file).toLowerCase() === '.csv' ? csvRows(text, name) : jsonLinesRows(text, name);
  const items: LabelItem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const value = row[columns.column];
    if (value === undefined) throw new SourceError(`Row ${index + 1} of ${name} has no column "${columns.column}".`);
    const key = columns.keyColumn === undefined ? `row:${index + 1}` : row[columns.keyColumn];
    if (key === undefined || key === '')
      throw new SourceError(`Row ${index + 1} of ${name} has no value in the key column "${columns.keyColumn}".`);
    if (seen.has(key)) throw new SourceError(`The key "${key}" names two rows of ${name}.`);
    seen.add(key);
    items.push({ id: key, text: value });
  });
  return sortByItemId(items, (item) => item.id);
}

/** The text of a text item: a row's value, or the .txt file's content. */
export async function readItemText(item: LabelItem): Promise<string> {
  if (item.text !== undefined) return item.text;
  if (!item.absolutePath) throw new SourceError(`The item ${item.id} has no text.`);
  return readFile(item.absolutePath, 'utf8');
}

async function listFiles(root: string, extensions: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (folder: string, prefix: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (prefix === '') throw new SourceError(`Cannot read the folder ${root}: ${(error as Error).message}`);
      return;
    }
    const below: Promise<void>[] = [];
    for (const entry of entries) {
      // Hidden files and folders (.git, .azureml, editor temporaries) are never items.
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) below.push(walk(join(folder, entry.name), `${prefix}${entry.name}/`));
      else if (entry.isFile() && extensions.includes(extname(entry.name).toLowerCase()))
        found.push(`${prefix}${entry.name}`);
    }
    await Promise.all(below);
  };
  await walk(root, '');
  return found;
}

function csvRows(text: string, name: string): Record<string, string>[] {
  const rows = parseCsv(text).filter((row) => !(row.length === 1 && row[0] === ''));
  if (rows.length === 0) throw new SourceError(`${name} is empty.`);
  const [header, ...data] = rows;
  return data.map((row, index) => {
    if (row.length !== header.length)
      throw new SourceError(`Row ${index + 1} of ${name} has ${row.length} fields; the header has ${header.length}.`);
    return Object.fromEntries(header.map((column, position) => [column, row[position]]));
  });
}

function jsonLinesRows(text: string, name: string): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SourceError(`Line ${index + 1} of ${name} is not JSON.`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new SourceError(`Line ${index + 1} of ${name} is not a JSON object.`);
    rows.push(
      Object.fromEntries(
        Object.entries(value).map(([key, field]) => [key, typeof field === 'string' ? field : JSON.stringify(field)]),
      ),
    );
  });
  return rows;
}

/** `absolute` as a path below `folder` with `/` separators, or undefined when it is outside. */
export function relativeItemPath(folder: string, absolute: string): string | undefined {
  const base = resolve(folder) + sep;
  const full = resolve(absolute);
  if (!full.startsWith(base)) return undefined;
  return full.slice(base.length).split(sep).join('/');
}
