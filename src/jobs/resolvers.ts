import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { AzureMlArm } from '../core/azure/armClient';
import { loadYaml } from '../core/lazy/load';
import type { WorkspaceRef } from '../core/azure/resourceIds';
import type { InlineEnvironment, JobResolvers } from '../core/jobs/restJob';
import { uploadCode, uploadLocalInput, type UploadOptions } from '../core/jobs/upload';

/** What a submit shows while it uploads. */
export interface TransferProgress {
  checking(what: string): void;
  transferred(what: string, bytesDone: number, bytesTotal: number): void;
}

/** Names azure-ai-ml gives the anonymous versions a job registers, so both tools share them. */
const ANONYMOUS_ENVIRONMENT = 'CliV2AnonymousEnvironment';
const ANONYMOUS_COMPONENT = 'azureml_anonymous';

/**
 * The converter's resolvers for one submit: local code and inputs are uploaded once per content,
 * inline environments and components registered as anonymous versions named by their content, so
 * submitting the same job again registers nothing new.
 */
export function createJobResolvers(options: {
  arm: AzureMlArm;
  workspace: WorkspaceRef;
  abortSignal: AbortSignal;
  progress: TransferProgress;
}): JobResolvers {
  const { arm, workspace, abortSignal, progress } = options;
  const transfer = (what: string): UploadOptions => ({
    abortSignal,
    onProgress: ({ bytesDone, bytesTotal }) => progress.transferred(what, bytesDone, bytesTotal),
  });
  // A pipeline names the same folder in several steps: each is checked and uploaded once.
  const codeIds = new Map<string, Promise<string>>();

  return {
    code(folder) {
      let id = codeIds.get(folder);
      if (!id) {
        progress.checking(`code ${path.basename(folder)}`);
        id = uploadCode(arm, workspace, folder, transfer(`code ${path.basename(folder)}`)).then((c) => c.codeId);
        codeIds.set(folder, id);
      }
      return id;
    },
    async localInput(file) {
      progress.checking(path.basename(file));
      return (await uploadLocalInput(arm, workspace, file, transfer(path.basename(file)))).uri;
    },
    async environment(spec) {
      const properties = await environmentProperties(spec, (folder) =>
        uploadLocalInput(arm, workspace, folder, transfer(`build context ${path.basename(folder)}`)),
      );
      const name = spec.name ?? ANONYMOUS_ENVIRONMENT;
      return arm.putAssetVersion(
        workspace,
        'environments',
        name,
        spec.version ?? contentVersion(properties),
        properties,
      );
    },
    async component(componentSpec) {
      const name = typeof componentSpec.name === 'string' ? componentSpec.name : ANONYMOUS_COMPONENT;
      const version = typeof componentSpec.version === 'string' ? componentSpec.version : contentVersion(componentSpec);
      return arm.putAssetVersion(workspace, 'components', name, version, { componentSpec, isAnonymous: true });
    },
    latestVersion: (kind, name) => arm.latestVersion(workspace, kind, name),
    async readYaml(file) {
      const { parse } = await loadYaml();
      return parse(await readFile(file, 'utf8'));
    },
  };
}

/** The REST body of an inline environment; a local build context is uploaded and named by its blob address. */
async function environmentProperties(
  spec: InlineEnvironment,
  uploadFolder: (folder: string) => Promise<{ containerUrl: string; blobPath: string }>,
): Promise<Record<string, unknown>> {
  const properties: Record<string, unknown> = { isAnonymous: spec.name === undefined };
  if (spec.description) properties.description = spec.description;
  if (spec.tags) properties.tags = spec.tags;
  if (spec.image) properties.image = spec.image;
  if (spec.condaFile) properties.condaFile = spec.condaFile;
  if (spec.osType) properties.osType = spec.osType;
  if (spec.build) {
    const { context, dockerfilePath } = spec.build;
    const contextUri = /^[a-z]+:\/\//i.test(context)
      ? context
      : await uploadFolder(context).then((uploaded) => `${uploaded.containerUrl}/${uploaded.blobPath}/`);
    properties.build = { contextUri, dockerfilePath };
  }
  return properties;
}

/** A version named by content: the same definition gets the same version, so nothing new is registered. */
function contentVersion(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
