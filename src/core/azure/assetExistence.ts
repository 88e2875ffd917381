import type { AssetReference } from '../yaml/references';
import { workspaceId, type WorkspaceRef } from './resourceIds';

/** Answers stay this long, so typing in a file does not ask Azure again for every keystroke. */
const ANSWER_TTL_MS = 5 * 60_000;

/**
 * Whether `azureml:` references exist in a workspace, by reading the one resource each names (404: no).
 * Any other failure (signed out, 403, offline) is "cannot tell", never a warning.
 */
export function assetExistence(
  getResource: (id: string) => Promise<unknown>,
  ws: WorkspaceRef,
  now: () => number = Date.now,
): (reference: AssetReference) => Promise<boolean | undefined> {
  const answers = new Map<string, { exists: boolean; at: number }>();
  return async (reference) => {
    const id = resourceIdOf(ws, reference);
    const cached = answers.get(id.toLowerCase());
    if (cached && now() - cached.at < ANSWER_TTL_MS) return cached.exists;
    let exists: boolean;
    try {
      await getResource(id);
      exists = true;
    } catch (error) {
      if ((error as { statusCode?: unknown }).statusCode !== 404) return undefined;
      exists = false;
    }
    answers.set(id.toLowerCase(), { exists, at: now() });
    return exists;
  };
}

function resourceIdOf(ws: WorkspaceRef, reference: AssetReference): string {
  const base = `${workspaceId(ws)}/${reference.kind}/${encodeURIComponent(reference.name)}`;
  return reference.version && reference.kind !== 'computes'
    ? `${base}/versions/${encodeURIComponent(reference.version)}`
    : base;
}
