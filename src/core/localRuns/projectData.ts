/**
 * A local run's stand-in for `azureml:` data: the data YAML files of the project itself. An MLOps project
 * registers its data asset from a file such as `mlops/azureml/train/data.yml` (`name: taxi-data`, `path:
 * ../../../data/taxi-data.csv`) and its pipeline reads `azureml:taxi-data@latest`; run locally, the pipeline reads
 * the local file that YAML names, with no workspace and no download. The pipeline keeps its `azureml:` input, so the
 * job submitted to Azure still reads the registered, versioned asset.
 */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { loadYaml } from '../lazy/load';

export interface ProjectDataAsset {
  readonly name: string;
  readonly type: string;
  /** Absolute. */
  readonly path: string;
  /** The data YAML that declares it. */
  readonly file: string;
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.azureml', '.venv', '__pycache__']);
const DATA_SCHEMA = /\/data\.schema\.json$/i;
const REMOTE = /^[a-z][a-z0-9+.-]*:/i;

/** Data YAML files under `folder` whose `path` is local: by `$schema`, or `type` + `name` + `path` and nothing else. */
export async function findProjectDataAssets(folder: string, depth = 6): Promise<ProjectDataAsset[]> {
  const { parse } = await loadYaml();
  const found: ProjectDataAsset[] = [];
  const walk = async (dir: string, level: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (level < depth && !SKIPPED_FOLDERS.has(entry.name)) await walk(path, level + 1);
        continue;
      }
      if (!/\.ya?ml$/i.test(entry.name)) continue;
      let value: unknown;
      try {
        value = parse(await readFile(path, 'utf8'));
      } catch {
        continue;
      }
      const asset = dataAssetOf(value, path);
      if (asset) found.push(asset);
    }
  };
  await walk(resolve(folder), 0);
  return found;
}

function dataAssetOf(value: unknown, file: string): ProjectDataAsset | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { $schema, name, path, type } = value as Record<string, unknown>;
  const declared = typeof $schema === 'string' && DATA_SCHEMA.test($schema);
  if (!declared && ($schema !== undefined || !['uri_file', 'uri_folder', 'mltable'].includes(String(type))))
    return undefined;
  if (typeof name !== 'string' || typeof path !== 'string' || !path.trim()) return undefined;
  const local = path.trim().replace(/^file:/, '');
  if (REMOTE.test(local) && !isAbsolute(local)) return undefined;
  return {
    name,
    type: typeof type === 'string' ? type : 'uri_folder',
    path: resolve(dirname(file), local),
    file,
  };
}

/** The asset name of `azureml:name@latest`, `azureml:name:version` or `azureml:name`; undefined for other references. */
export function dataAssetName(reference: string): string | undefined {
  const match = /^azureml:([A-Za-z0-9][\w.-]*)(?:@latest|:[^:/@]+)?$/.exec(reference.trim());
  return match?.[1];
}

/**
 * A resolver for LocalRunOptions.resolveAsset: the project's own data YAML when it declares the asset, else
 * `fallback` (downloading from the workspace, in the extension).
 */
export function projectDataResolver(
  assets: readonly ProjectDataAsset[],
  fallback: (reference: string, type: string, signal: AbortSignal) => Promise<string>,
): (reference: string, type: string, signal: AbortSignal) => Promise<string> {
  const byName = new Map(assets.map((asset) => [asset.name, asset]));
  return (reference, type, signal) => {
    const name = dataAssetName(reference);
    const asset = name === undefined ? undefined : byName.get(name);
    return asset ? Promise.resolve(asset.path) : fallback(reference, type, signal);
  };
}
