/**
 * The files of a job's `code:` folder or of a local input, chosen and hashed the way Azure ML's own
 * client library (azure-ai-ml, behind `az ml`) chooses and hashes them, so that content either of us
 * uploaded is recognised by the other:
 *
 * - One ignore file, in the root folder only: `.amlignore` if there is one, else `.gitignore`. Ignore
 *   files in subfolders are ordinary files. Nothing else is excluded, not even `.git` or the ignore
 *   file itself. A single file (not a folder) is never filtered.
 * - Each pattern is matched on its own against the path relative to the root, and the last pattern
 *   that matches decides (gitignore syntax, case-sensitive). Unlike git, a file can be re-included
 *   inside an excluded folder, because folders are not pruned while the files are listed.
 * - The object hash (the `LocalUpload/{hash}` folder) is an MD5 that starts from a fixed phrase and
 *   walks the tree: entries sorted by lower-cased name, each adding its name, then a file's bytes or
 *   a folder's entries. An excluded folder is skipped whole here, even where a pattern re-includes a
 *   file inside it.
 * - The content hash (recorded on the code version, `hash_sha256`, hash version 202208) is a SHA-256
 *   of the file count, then `#{relative path}#{size}` per file, then every file's bytes, files sorted
 *   by lower-cased relative path.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const AML_IGNORE_FILE = '.amlignore';
export const GIT_IGNORE_FILE = '.gitignore';

/** The phrase azure-ai-ml seeds its MD5 object hash with. */
const OBJECT_HASH_SEED = 'Initialize for october 2021 AML CLI version';
/** The version of the content-hash algorithm below, as the service knows it. */
export const CONTENT_HASH_VERSION = '202208';

export interface SnapshotFile {
  /** Where to read the bytes (through a symbolic link where the snapshot has one). */
  absolutePath: string;
  /** Relative to the snapshot's root, with `/`; for a single file, its name. */
  relativePath: string;
  size: number;
}

export interface Snapshot {
  /** The folder or file, resolved. */
  rootPath: string;
  /** The last segment of the path as given: the folder under `LocalUpload/{hash}/` in storage. */
  name: string;
  isFile: boolean;
  /** The ignore file that applied, if any (`.amlignore` or `.gitignore`). */
  ignoreFile?: string;
  /** What gets uploaded, sorted by relative path (code point order), as azure-ai-ml sorts them. */
  files: SnapshotFile[];
  totalBytes: number;
  /** MD5 object hash: the storage folder `LocalUpload/{objectHash}`. */
  objectHash: string;
  /**
   * SHA-256 content hash, version CONTENT_HASH_VERSION: read on demand (it reads every file again), since
   * only a new code version records it and content already uploaded needs only the object hash.
   */
  contentHash(): Promise<string>;
}

/** A local path that cannot be snapshotted: missing, or a folder with nothing to upload. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** Reads the folder (or file) at `localPath`: which files go up, and both hashes. */
export async function takeSnapshot(localPath: string): Promise<Snapshot> {
  const given = path.resolve(localPath);
  let rootPath: string;
  let isFile: boolean;
  try {
    rootPath = await realpath(given);
    isFile = (await stat(rootPath)).isFile();
  } catch {
    throw new SnapshotError(`No such file or folder: ${given}. Check the path in the job's YAML.`);
  }
  const name = path.basename(given);

  if (isFile) {
    const { size } = await stat(rootPath);
    const file: SnapshotFile = { absolutePath: rootPath, relativePath: name, size };
    const objectHash = createHash('md5').update(OBJECT_HASH_SEED);
    await hashFileInto(objectHash, rootPath);
    return {
      rootPath,
      name,
      isFile,
      files: [file],
      totalBytes: size,
      objectHash: objectHash.digest('hex'),
      contentHash: once(() => contentHashOf([file])),
    };
  }

  const rules = await loadIgnoreRules(rootPath);
  const files = await listFiles(rootPath, rules);
  if (files.length === 0) {
    throw new SnapshotError(
      `The folder ${given} has no files to upload${rules.file ? ` (after ${rules.file})` : ''}. Add files or change the path.`,
    );
  }
  files.sort((a, b) => compareCodePoints(a.relativePath, b.relativePath));
  const objectHash = createHash('md5').update(OBJECT_HASH_SEED);
  await hashFolderInto(objectHash, rootPath, '', rules);
  return {
    rootPath,
    name,
    isFile,
    ignoreFile: rules.file,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    objectHash: objectHash.digest('hex'),
    contentHash: once(() => contentHashOf(files)),
  };
}

/**
 * A snapshot of chosen files, as if they were the only files of a folder named `name` laid out by their
 * relative paths: the same hashes takeSnapshot would give that folder, so content uploaded this way and
 * content uploaded from such a folder are recognised as one.
 */
export async function snapshotOfFiles(
  name: string,
  chosen: ReadonlyArray<{ absolutePath: string; relativePath: string }>,
): Promise<Snapshot> {
  if (chosen.length === 0) throw new SnapshotError(`There are no files to upload for ${name}.`);
  const files: SnapshotFile[] = [];
  const tree: VirtualFolder = new Map();
  for (const file of chosen) {
    const parts = file.relativePath.split('/');
    if (parts.some((part) => part === '' || part === '.' || part === '..'))
      throw new SnapshotError(`${file.relativePath} is not a relative path below ${name}.`);
    let folder = tree;
    for (const part of parts.slice(0, -1)) {
      let below = folder.get(part);
      if (typeof below === 'string')
        throw new SnapshotError(`${file.relativePath} lies below a file of the same name.`);
      if (!below) folder.set(part, (below = new Map()));
      folder = below;
    }
    const leaf = parts[parts.length - 1];
    if (folder.has(leaf)) throw new SnapshotError(`${file.relativePath} is named twice.`);
    folder.set(leaf, file.absolutePath);
    let size: number;
    try {
      size = (await stat(file.absolutePath)).size;
    } catch {
      throw new SnapshotError(`No such file: ${file.absolutePath}.`);
    }
    files.push({ absolutePath: file.absolutePath, relativePath: file.relativePath, size });
  }
  files.sort((a, b) => compareCodePoints(a.relativePath, b.relativePath));
  const objectHash = createHash('md5').update(OBJECT_HASH_SEED);
  await hashVirtualFolderInto(objectHash, tree);
  return {
    rootPath: '',
    name,
    isFile: false,
    files,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    objectHash: objectHash.digest('hex'),
    contentHash: once(() => contentHashOf(files)),
  };
}

/** Entry name → a file's absolute path, or the entries of a folder. */
type VirtualFolder = Map<string, string | VirtualFolder>;

/** hashFolderInto over a tree held in memory: entries sorted by lower-cased name, each its name then its content. */
async function hashVirtualFolderInto(hash: Hash, folder: VirtualFolder): Promise<void> {
  const entries = [...folder.keys()].sort((a, b) => compareCodePoints(a.toLowerCase(), b.toLowerCase()));
  for (const entry of entries) {
    hash.update(entry, 'utf8');
    const content = folder.get(entry) as string | VirtualFolder;
    if (typeof content === 'string') await hashFileInto(hash, content);
    else await hashVirtualFolderInto(hash, content);
  }
}

/** The root folder's ignore rules: `.amlignore` wins over `.gitignore`; neither means nothing is excluded. */
export interface IgnoreRules {
  /** Name of the ignore file the rules came from. */
  file?: string;
  /** Whether the path (relative to the root, `/`-separated, no trailing slash) is excluded. */
  isExcluded(relativePath: string): boolean;
}

export async function loadIgnoreRules(rootFolder: string): Promise<IgnoreRules> {
  for (const file of [AML_IGNORE_FILE, GIT_IGNORE_FILE]) {
    let text: string;
    try {
      const target = path.join(rootFolder, file);
      if (!(await stat(target)).isFile()) continue;
      text = await readFile(target, 'utf8');
    } catch {
      continue;
    }
    return { file, isExcluded: parseIgnoreRules(text) };
  }
  return { isExcluded: () => false };
}

/**
 * Gitignore text to a matcher with azure-ai-ml's semantics: every pattern tested on its own against
 * the path, the last match deciding. One `ignore` instance per pattern keeps git's own rule (a file in
 * an excluded folder stays excluded) from applying across patterns.
 */
export function parseIgnoreRules(text: string): (relativePath: string) => boolean {
  const patterns: { matcher: Ignore; excludes: boolean }[] = [];
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    // azure-ai-ml strips trailing whitespace from every line before parsing it.
    const line = rawLine.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    if (pattern === '') continue;
    patterns.push({ matcher: ignore({ ignorecase: false }).add(pattern), excludes: !negated });
  }
  return (relativePath) => {
    let excluded = false;
    for (const { matcher, excludes } of patterns) {
      if (matcher.ignores(relativePath)) excluded = excludes;
    }
    return excluded;
  };
}

/**
 * Every file below the root that the rules keep, following symbolic links (named by the link, read
 * through it). Folders are not pruned: each file is tested by its own path, as azure-ai-ml lists them.
 */
async function listFiles(rootPath: string, rules: IgnoreRules): Promise<SnapshotFile[]> {
  const files: SnapshotFile[] = [];
  const visiting = new Set<string>();
  const walk = async (folder: string, relativeFolder: string): Promise<void> => {
    const real = await realpath(folder);
    if (visiting.has(real)) return; // a link back up the tree
    visiting.add(real);
    for (const entry of await readdir(folder)) {
      const absolutePath = path.join(folder, entry);
      const relativePath = relativeFolder ? `${relativeFolder}/${entry}` : entry;
      const info = await statFollowingLinks(absolutePath);
      if (!info) continue;
      if (info.isDirectory()) {
        await walk(absolutePath, relativePath);
      } else if (info.isFile() && !rules.isExcluded(relativePath)) {
        files.push({ absolutePath, relativePath, size: info.size });
      }
    }
    visiting.delete(real);
  };
  await walk(rootPath, '');
  return files;
}

/** azure-ai-ml's folder walk for the object hash: excluded entries, folders included, are skipped whole. */
async function hashFolderInto(hash: Hash, folder: string, relativeFolder: string, rules: IgnoreRules): Promise<void> {
  const entries = (await readdir(folder)).sort((a, b) => compareCodePoints(a.toLowerCase(), b.toLowerCase()));
  for (const entry of entries) {
    const relativePath = relativeFolder ? `${relativeFolder}/${entry}` : entry;
    if (rules.isExcluded(relativePath)) continue;
    hash.update(entry, 'utf8');
    const absolutePath = path.join(folder, entry);
    const info = await statFollowingLinks(absolutePath);
    if (info?.isFile()) await hashFileInto(hash, absolutePath);
    else if (info?.isDirectory()) await hashFolderInto(hash, absolutePath, relativePath, rules);
  }
}

function once<T>(compute: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= compute());
}

async function contentHashOf(files: SnapshotFile[]): Promise<string> {
  const hash = createHash('sha256').update(String(files.length));
  const ordered = [...files].sort((a, b) =>
    compareCodePoints(a.relativePath.toLowerCase(), b.relativePath.toLowerCase()),
  );
  for (const file of ordered) hash.update(`#${file.relativePath}#`, 'utf8').update(String(file.size));
  for (const file of ordered) await hashFileInto(hash, file.absolutePath);
  return hash.digest('hex');
}

async function hashFileInto(hash: Hash, file: string): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/** The target's stat for a link (undefined for a dangling one), the entry's own otherwise. */
async function statFollowingLinks(file: string): Promise<Stats | undefined> {
  try {
    const own = await lstat(file);
    return own.isSymbolicLink() ? await stat(file) : own;
  } catch {
    return undefined;
  }
}

/** Python's string order (by code point), which differs from JavaScript's (by UTF-16 unit) beyond U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done || y.done) return x.done === y.done ? 0 : x.done ? -1 : 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}
