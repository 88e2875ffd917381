import { mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { PathEscapeError, type ScaffoldTarget } from './generate';

/**
 * A target folder on this machine's file system. Besides the path check generate makes, a write whose folder is
 * reached through a symbolic link that leads out of the target is refused.
 */
export function nodeTarget(folder: string): ScaffoldTarget {
  const root = resolve(folder);
  return {
    folder: root,
    async exists(path) {
      try {
        await stat(path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
    async write(path, content) {
      await mkdir(dirname(path), { recursive: true });
      const [realRoot, realParent] = await Promise.all([realpath(root), realpath(dirname(path))]);
      const fromRoot = relative(realRoot, realParent);
      if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || resolve(realRoot, fromRoot) !== realParent)
        throw new PathEscapeError(relative(root, path));
      await writeFile(path, content);
    },
  };
}
