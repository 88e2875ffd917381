/**
 * A candidate model version: what it is registered from, the tags that say where it came from, the
 * checks before it is registered, and the PUT itself. The version number is fixed before the PUT and a
 * PUT of the same name and version addresses the same version, so a retried registration never makes two.
 */
import type { AzureMlArm } from '../azure/armClient';
import { CANDIDATE_TAG } from '../azure/models';
import type { ModelVersionInfo } from '../azure/resources';
import { workspaceId, type WorkspaceRef } from '../azure/resourceIds';
import type { ModelVersionRef } from '../outerLoop/ciRun';
import type { GitState } from './git';

/** The tags a candidate carries besides `stage=candidate`, read by people in the studio and by the outer loop. */
export const CANDIDATE_TAGS = {
  sourceJob: 'source.job',
  gitCommit: 'git.commit',
  gitBranch: 'git.branch',
  /** `true` when the working tree had changes not committed: the commit alone does not reproduce it. */
  gitUncommitted: 'git.uncommitted',
  /** The uploaded content's hash, so the same files are recognised when registered again. */
  contentHash: 'content.sha256',
} as const;
/** A job's final MLflow metrics become `metric.<key>` tags. */
export const METRIC_TAG_PREFIX = 'metric.';

export const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/** Azure ML's rule for asset names. */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** Where the model's files are. */
export type CandidateSource =
  /** An output of a completed job (`artifacts` is the run's own files, with `path` under them). */
  | { kind: 'jobOutput'; jobName: string; output: string; path?: string }
  /** Local files uploaded to the workspace's default datastore. */
  | { kind: 'upload'; uri: string; contentHash: string; localName: string };

/** The refusal of a registration that cannot be right; the message says why and what to do instead. */
export class CandidateRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandidateRefusal';
  }
}

export function modelUriOf(source: CandidateSource): string {
  if (source.kind === 'upload') return source.uri;
  return `azureml://jobs/${source.jobName}/outputs/${source.output}/paths/${source.path ?? ''}`;
}

/**
 * Only a completed job's outputs are a model: a running job's are not written yet and a failed or
 * cancelled job's may be half written. Throws with the reason otherwise.
 */
export function refuseUnlessCompleted(jobName: string, status: string | undefined, error?: string): void {
  if (status === 'Completed' || status === 'Finished') return;
  const finishedWithout = new Set(['Failed', 'Canceled', 'CancelRequested', 'NotResponding']);
  if (status && finishedWithout.has(status)) {
    const reason = error ? `: ${error}` : '.';
    throw new CandidateRefusal(
      `Job ${jobName} ended ${status === 'Failed' ? 'in failure' : `as ${status}`}${reason} Only a completed job's outputs can be registered as a candidate model; fix and run it again.`,
    );
  }
  throw new CandidateRefusal(
    `Job ${jobName} is ${status ?? 'in an unknown state'}; its outputs are not final until it completes. Register the candidate once it has completed.`,
  );
}

export interface CandidateTagInput {
  sourceJob?: string;
  git?: GitState;
  /** Latest value of each MLflow metric of the job. */
  metrics?: Array<{ key: string; value: number }>;
  contentHash?: string;
}

export function candidateTags(input: CandidateTagInput): Record<string, string> {
  const tags: Record<string, string> = { [CANDIDATE_TAG.key]: CANDIDATE_TAG.value };
  if (input.sourceJob) tags[CANDIDATE_TAGS.sourceJob] = input.sourceJob;
  if (input.git) {
    tags[CANDIDATE_TAGS.gitCommit] = input.git.commit;
    if (input.git.branch) tags[CANDIDATE_TAGS.gitBranch] = input.git.branch;
    if (input.git.uncommittedChanges) tags[CANDIDATE_TAGS.gitUncommitted] = 'true';
  }
  if (input.contentHash) tags[CANDIDATE_TAGS.contentHash] = input.contentHash;
  for (const { key, value } of input.metrics ?? []) {
    if (Number.isFinite(value)) tags[`${METRIC_TAG_PREFIX}${key}`] = String(value);
  }
  return tags;
}

/** A version of the model that already holds this content: the same job output, or the same uploaded files. */
export function versionWithSameContent(
  versions: readonly ModelVersionInfo[],
  modelUri: string,
  contentHash?: string,
): ModelVersionInfo | undefined {
  const normal = (uri: string | undefined) => uri?.replace(/\/+$/, '');
  return versions.find(
    (version) =>
      (version.path !== undefined && normal(version.path) === normal(modelUri)) ||
      (contentHash !== undefined && version.tags[CANDIDATE_TAGS.contentHash] === contentHash),
  );
}

export interface CandidateRegistration {
  name: string;
  version: string;
  modelType: ModelType;
  modelUri: string;
  description?: string;
  jobName?: string;
  tags: Record<string, string>;
}

export type CandidateArm = Pick<AzureMlArm, 'putAssetVersion' | 'getResource'>;

export function modelVersionId(ws: WorkspaceRef, model: ModelVersionRef): string {
  return `${workspaceId(ws)}/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(model.version)}`;
}

/** PUT of the version; the same registration sent again changes nothing. Returns the version's ARM id. */
export function putCandidate(
  arm: CandidateArm,
  ws: WorkspaceRef,
  registration: CandidateRegistration,
): Promise<string> {
  return arm.putAssetVersion(ws, 'models', registration.name, registration.version, {
    modelType: registration.modelType,
    modelUri: registration.modelUri,
    ...(registration.jobName ? { jobName: registration.jobName } : {}),
    ...(registration.description ? { description: registration.description } : {}),
    tags: registration.tags,
  });
}

/** Properties the service sets itself; sent back they would be refused or ignored. */
const READ_ONLY_PROPERTIES = ['provisioningState', 'isAnonymous'];

/**
 * Sets tags on an existing version, keeping the rest of it: the version is read and PUT back with the
 * tags merged in (an empty value removes a tag). Used to promote a version and to record the outer loop.
 */
export async function setModelVersionTags(
  arm: CandidateArm,
  ws: WorkspaceRef,
  model: ModelVersionRef,
  changes: Record<string, string>,
): Promise<Record<string, string>> {
  const resource = await arm.getResource(modelVersionId(ws, model));
  const properties = { ...((resource.properties ?? {}) as Record<string, unknown>) };
  for (const key of READ_ONLY_PROPERTIES) delete properties[key];
  const tags = { ...((properties.tags ?? {}) as Record<string, string>) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === '') delete tags[key];
    else tags[key] = value;
  }
  await arm.putAssetVersion(ws, 'models', model.name, model.version, { ...properties, tags });
  return tags;
}
