import type { ClassifiedError } from './kinds';

/** Node's file-system error codes, each with what it means for the user. */
const FILE_SYSTEM_CODES: Record<string, [kind: ClassifiedError['kind'], meaning: string]> = {
  ENOENT: ['notFound', 'does not exist'],
  EACCES: ['forbidden', 'cannot be accessed: permission denied'],
  EPERM: ['forbidden', 'cannot be changed: operation not permitted'],
  EISDIR: ['invalidInput', 'is a folder, not a file'],
  ENOTDIR: ['invalidInput', 'is not a folder'],
  EEXIST: ['conflict', 'already exists'],
  ENOTEMPTY: ['conflict', 'is a folder that is not empty'],
  ENOSPC: ['server', 'cannot be written: the disk is full'],
  EROFS: ['forbidden', 'is on a read-only file system'],
  EMFILE: ['server', 'cannot be opened: too many open files'],
};

export function isFileSystemError(error: unknown): boolean {
  const { code, syscall } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    syscall?: unknown;
  };
  return typeof code === 'string' && code in FILE_SYSTEM_CODES && typeof syscall === 'string';
}

/** A Node file-system error, with the path it is about. */
export function classifyFileSystemError(error: unknown): ClassifiedError {
  const { code, path, message } = error as { code: string; path?: string; message: string };
  const [kind, meaning] = FILE_SYSTEM_CODES[code];
  return {
    kind,
    source: 'fileSystem',
    message: path ? `${path} ${meaning}.` : `${message} (${meaning}).`,
    action: kind === 'server' ? 'retry' : 'none',
  };
}
