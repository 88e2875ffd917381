import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * How a load went: compiled from the cached bytecode, or from the source (no cache yet, V8 refused it, or no
 * folder to keep one in).
 */
export type CodeCacheStatus = 'used' | 'missing' | 'rejected' | 'noFolder';

export interface CodeCacheLoad {
  readonly exports: unknown;
  readonly status: CodeCacheStatus;
  /** Why a cache file that is there could not be read; the load went on without it. */
  readonly readProblem?: string;
  /**
   * Writes V8's bytecode for the module as it is now, functions compiled since the load included, so the next
   * load skips parsing and compiling them. Does nothing when this load used the cache or has no folder for it.
   */
  saveCache(): void;
}

const CACHE_SUFFIX = '.code-cache';
/** The CommonJS wrapper Node puts around a module, on a line of its own so the module's lines keep their numbers. */
const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {\n';

/**
 * Loads a CommonJS file as `require` would, compiling it with V8 bytecode cached in `cacheDir` by an earlier
 * load. V8 checks a cache only against the source's length, so the cache file is named after checksums of the
 * source and of this V8: a changed bundle or runtime never runs bytecode of another.
 */
export function loadWithCodeCache(
  file: string,
  cacheDir: string | undefined,
  requireFromFile: NodeJS.Require,
): CodeCacheLoad {
  const source = readFileSync(file, 'utf8');
  const key = checksum(`${process.versions.v8}\0${process.arch}`) + checksum(source);
  const cachePrefix = `${basename(file)}.`;
  const cacheFile = cacheDir && join(cacheDir, `${cachePrefix}${key}${CACHE_SUFFIX}`);
  let cachedData: Buffer | undefined;
  let readProblem: string | undefined;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') readProblem = `${cacheFile}: ${String(error)}`;
  }
  const script = new Script(`${WRAPPER_START}${source}\n})`, { filename: file, lineOffset: -1, cachedData });
  const status: CodeCacheStatus = !cacheFile
    ? 'noFolder'
    : !cachedData
      ? 'missing'
      : script.cachedDataRejected
        ? 'rejected'
        : 'used';
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    requireFromFile,
    module,
    file,
    dirname(file),
  );
  return {
    exports: module.exports,
    status,
    readProblem,
    saveCache() {
      if (!cacheDir || !cacheFile || status === 'used') return;
      mkdirSync(cacheDir, { recursive: true });
      // Written beside and renamed, so a crash mid-write leaves no half cache for the next start to try.
      const partial = `${cacheFile}.${process.pid}.partial`;
      try {
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch (error) {
        rmSync(partial, { force: true });
        throw error;
      }
      for (const name of readdirSync(cacheDir)) {
        const stale = name.startsWith(cachePrefix) && name.endsWith(CACHE_SUFFIX) && name !== basename(cacheFile);
        if (stale) rmSync(join(cacheDir, name), { force: true });
      }
    },
  };
}

/** Eight hex digits: zlib's CRC-32 where this Node has it (cheaper on a start than a first SHA-256), else SHA-256's. */
function checksum(text: string): string {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(text).toString(16).padStart(8, '0');
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
