/** The tag MLOps v2 uses to mark a model version for the outer loop to test and deploy. */
export const CANDIDATE_TAG = { key: 'stage', value: 'candidate' } as const;

export function isCandidate(tags: Record<string, string> | undefined): boolean {
  return tags?.[CANDIDATE_TAG.key] === CANDIDATE_TAG.value;
}

/** Tags as `key=value`, without the candidate tag where the candidate mark already says it. */
export function describeTags(tags: Record<string, string> | undefined, { omitCandidate = false } = {}): string[] {
  return Object.entries(tags ?? {})
    .filter(([key, value]) => !(omitCandidate && key === CANDIDATE_TAG.key && value === CANDIDATE_TAG.value))
    .map(([key, value]) => `${key}=${value}`);
}
