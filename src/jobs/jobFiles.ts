const JOB_SCHEMA = /^\$schema:\s*['"]?https?:\/\/\S+\/(CommandJob|PipelineJob|SweepJob)\.schema\.json/im;
const JOB_TYPE = /^type:\s*['"]?(command|pipeline|sweep)['"]?\s*$/im;
const COMPONENT_SCHEMA = /^\$schema:\s*['"]?https?:\/\/\S+Component\.schema\.json/im;

/**
 * A cheap look at the text for a job file, for the CodeLens: the engine decides for real on submit.
 * A command component also says `type: command`, but jobs name what they run on and components do not.
 */
export function looksLikeJobFile(text: string): boolean {
  if (JOB_SCHEMA.test(text)) return true;
  if (COMPONENT_SCHEMA.test(text) || !JOB_TYPE.test(text)) return false;
  return /^(compute|environment|jobs|experiment_name|trial):/m.test(text);
}
