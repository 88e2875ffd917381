/**
 * The defaults of a one-pick registration: which of a job's outputs is most likely its model, which
 * existing model the job's experiment registered before, and what the registration hands over to.
 * Each is a guess the user sees in full before choosing it; every other choice stays one item away.
 */
import type { ModelVersionInfo } from '../azure/resources';
import type { CiSettings } from '../outerLoop/ciSettings';
import { CANDIDATE_TAGS, MODEL_TYPES, type CandidateSource, type ModelType } from './candidate';

/** One place a model can be registered from, with the type it suggests. */
export interface SourceChoice {
  source: CandidateSource;
  type: ModelType;
  /** What it is, as a phrase after "from": "output model", "the MLflow model", "outputs/". */
  label: string;
  /** A short note on where the files are. */
  description: string;
}

/** The run tag MLflow writes when a model is logged: a JSON list with each logged model's `artifact_path`. */
export const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

/** Where the run's last logged MLflow model is, under its artifacts; undefined when it logged none. */
export function loggedModelPath(runTags: Record<string, string>): string | undefined {
  const history = runTags[LOGGED_MODELS_TAG];
  if (!history) return undefined;
  try {
    const entries = JSON.parse(history) as unknown;
    if (!Array.isArray(entries)) return undefined;
    const last = entries.at(-1) as { artifact_path?: unknown } | undefined;
    const artifactPath = last?.artifact_path;
    return typeof artifactPath === 'string' && artifactPath.trim()
      ? artifactPath.trim().replace(/^\/+|\/+$/g, '')
      : undefined;
  } catch {
    // A tag someone else wrote by hand: no evidence either way.
    return undefined;
  }
}

const isModelType = (type: string | undefined): type is ModelType =>
  (MODEL_TYPES as readonly string[]).includes(type ?? '');

/**
 * Every place the job's model may be, the likeliest first: outputs declared as a model type (MLflow
 * first), the MLflow model the run logged, the other declared outputs, the MLflow model at `model/`
 * when the run's tags do not say, and the job's `outputs/` folder.
 */
export function jobSourceChoices(
  jobName: string,
  outputs: Record<string, { jobOutputType?: string }>,
  loggedModel?: string,
): SourceChoice[] {
  const declared = Object.entries(outputs).map(([name, output]) => ({
    typed: isModelType(output.jobOutputType),
    choice: {
      source: { kind: 'jobOutput' as const, jobName, output: name },
      type: isModelType(output.jobOutputType) ? output.jobOutputType : 'custom_model',
      label: `output ${name}`,
      description: output.jobOutputType ?? 'output',
    } satisfies SourceChoice,
  }));
  const typed = declared
    .filter((entry) => entry.typed)
    .map((entry) => entry.choice)
    .sort((a, b) => Number(b.type === 'mlflow_model') - Number(a.type === 'mlflow_model'));
  const others = declared.filter((entry) => !entry.typed).map((entry) => entry.choice);
  const mlflowPath = loggedModel ?? 'model';
  const mlflow: SourceChoice = {
    source: { kind: 'jobOutput', jobName, output: 'artifacts', path: `${mlflowPath}/` },
    type: 'mlflow_model',
    label: 'the MLflow model',
    description: loggedModel
      ? `${mlflowPath}/, logged by the run`
      : `${mlflowPath}/, what mlflow.<flavor>.log_model(…, "model") writes`,
  };
  const outputsFolder: SourceChoice = {
    source: { kind: 'jobOutput', jobName, output: 'artifacts', path: 'outputs/' },
    type: 'custom_model',
    label: 'outputs/',
    description: 'the files the job wrote to ./outputs',
  };
  return loggedModel ? [...typed, mlflow, ...others, outputsFolder] : [...typed, ...others, mlflow, outputsFolder];
}

/** The job a version was registered from: its `source.job` tag, else the job the service recorded. */
export function sourceJobOf(version: ModelVersionInfo): string | undefined {
  return version.tags[CANDIDATE_TAGS.sourceJob] || version.jobName || undefined;
}

/**
 * The model an experiment registers its versions under: of the models' newest versions, the most
 * recent one whose source job belongs to `experiment`. `experimentOf` knows the jobs that could be read.
 */
export function modelOfExperiment(
  newestVersions: readonly ModelVersionInfo[],
  experimentOf: ReadonlyMap<string, string | undefined>,
  experiment: string,
): string | undefined {
  const created = (version: ModelVersionInfo) => Date.parse(version.createdAt ?? '') || 0;
  return newestVersions
    .filter((version) => {
      const job = sourceJobOf(version);
      return job !== undefined && experimentOf.get(job) === experiment;
    })
    .sort((a, b) => created(b) - created(a))[0]?.modelName;
}

/** What registering hands over to, in a few words: the workflow or pipeline the settings name. */
export function handOverSummary(settings: CiSettings | undefined): string {
  if (!settings) return 'no outer loop configured';
  if (settings.provider === 'github') {
    return `starts ${settings.workflow} in ${settings.owner}/${settings.repo}`;
  }
  return `queues pipeline ${settings.pipelineId} in ${settings.project}`;
}
