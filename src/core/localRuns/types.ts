// What a local run is: the same job YAML that runs on Azure ML, run step by step on this machine.
import type { LatestMetric } from '../azure/mlflow';

export type LocalRunStatus = 'Running' | 'Completed' | 'Failed' | 'Canceled';
export type LocalStepStatus = 'NotStarted' | LocalRunStatus;

/** One step of a local run, as saved in its run record. */
export interface LocalStepRecord {
  name: string;
  status: LocalStepStatus;
  startTimeUtc?: string;
  endTimeUtc?: string;
  exitCode?: number;
  /** The step's MLflow run in the run's file store (`<runDir>/mlruns`). */
  mlflowRunId: string;
  /** The command as it ran, with `${{…}}` substituted. */
  command?: string;
  /** Input name → the value or local path the command was given, once the step started. */
  inputs?: Record<string, string>;
  /** Output name → path relative to the run folder. */
  outputs: Record<string, string>;
  /** The step's log, relative to the run folder. */
  logPath: string;
  /** Why the step did not complete. */
  error?: string;
}

/** `<runDir>/run.json`: everything the Local Runs view and the details page show of a run. */
export interface LocalRunRecord {
  version: 1;
  runName: string;
  /** The job YAML, relative to the folder that holds `.azureml`. */
  yamlPath: string;
  jobType: 'command' | 'pipeline';
  displayName?: string;
  experimentName: string;
  status: LocalRunStatus;
  createdUtc: string;
  endTimeUtc?: string;
  /** Steps in the order they run (a command job has one, named after the job). */
  steps: LocalStepRecord[];
  error?: string;
  /** Process id of the VS Code extension host that runs it: a record left Running by a host that died is stale. */
  hostPid?: number;
}

/** Params, tags and the latest value of each metric of one MLflow run in a file store. */
export interface LocalMlflowRun {
  params: Record<string, string>;
  tags: Record<string, string>;
  latestMetrics: LatestMetric[];
}
