import { join } from 'node:path';
import type * as vscode from 'vscode';
import { loadWithCodeCache } from './core/codeCache';
import type * as Extension from './extension';

/** The bundle that activation loads (src/extension.ts and what it imports), beside this file. */
const ACTIVATION_BUNDLE = 'activation.js';
/** After the first views have drawn, so the cache holds the functions a start runs, not only the top level. */
const SAVE_CACHE_AFTER_MS = 10_000;

let extension: typeof Extension | undefined;
let saveTimer: NodeJS.Timeout | undefined;

/**
 * The extension's entry: loads the activation bundle with V8 bytecode that an earlier start cached in the
 * extension's global storage, so a start does not parse and compile the bundle again, then activates it.
 * A cache that cannot be read or written costs only that speed.
 */
export function activate(context: vscode.ExtensionContext): Extension.ExtensionApi {
  const bundle = join(__dirname, ACTIVATION_BUNDLE);
  const storage = context.globalStorageUri;
  const cacheDir = storage.scheme === 'file' ? join(storage.fsPath, 'code-cache') : undefined;
  const load = loadWithCodeCache(bundle, cacheDir, require);
  if (load.readProblem) console.warn(`Azure ML: the code cache was not read (${load.readProblem})`);
  extension = load.exports as typeof Extension;
  const api = extension.activate(context);
  if (load.status === 'missing' || load.status === 'rejected') {
    saveTimer = setTimeout(() => {
      try {
        load.saveCache();
      } catch (error) {
        console.warn(`Azure ML: the code cache was not saved in ${cacheDir}: ${String(error)}`);
      }
    }, SAVE_CACHE_AFTER_MS);
  }
  return api;
}

export function deactivate(): void {
  clearTimeout(saveTimer);
  extension?.deactivate();
}
