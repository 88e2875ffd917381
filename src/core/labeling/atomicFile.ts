/**
 * Whole-file replacement that survives a crash at any instant: the new content goes to a temporary file in
 * the same folder, is flushed to the disk, renamed over the target (an atomic step on every file system VS
 * Code runs on), and the folder is flushed so the rename itself is durable. A reader, or the next start after
 * a power cut, sees the complete old file or the complete new one, never a mix.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMPORARY_MARK = '.tmp-';

/** The temporary files a crash mid-write can leave next to `target`. */
function isTemporaryOf(target: string, name: string): boolean {
  return name.startsWith(`.${basename(target)}${TEMPORARY_MARK}`);
}

export interface FileIdentity {
  /** SHA-256 of the content, hex. */
  hash: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export function hashContent(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function writeFileAtomic(target: string, content: string | Buffer): Promise<FileIdentity> {
  const folder = dirname(target);
  const temporary = join(
    folder,
    `.${basename(target)}${TEMPORARY_MARK}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncFolder(folder);
  const after = await stat(target);
  return { hash: hashContent(bytes), size: after.size, mtimeMs: after.mtimeMs, ino: after.ino };
}

/** Makes a rename in `folder` durable. Windows cannot open a folder for this; there NTFS journals the rename. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL, EPERM): nothing more can be done there.
  } finally {
    await handle.close();
  }
}

/**
 * Removes temporary files a killed writer left next to `target`; they never hold anything acknowledged. A
 * temporary file of a process still running (another window on the same project) is left alone.
 */
export async function removeStaleTemporaries(target: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch {
    return;
  }
  const stale = names.filter((name) => {
    if (!isTemporaryOf(target, name)) return false;
    const writer = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    return !Number.isInteger(writer) || !isRunning(writer);
  });
  await Promise.all(stale.map((name) => unlink(join(dirname(target), name)).catch(() => undefined)));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
