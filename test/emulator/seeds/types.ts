/** What a seed produces, and the extra per-job facts the runtime needs for jobs that never ran here. */
import type { ArmResource, ResourceStore, StorageRuntime } from '../contracts';

export interface SeedSubscription {
  subscriptionId: string;
  displayName: string;
  resourceGroups: string[];
}

/**
 * History of a seeded job that is already terminal (or running with prior history): the runtime must not
 * execute it but serves these as its run history, logs and MLflow metrics.
 */
export interface SeededJobInfo {
  /** Full ARM id of the job. */
  jobId: string;
  startTimeUtc?: string;
  endTimeUtc?: string;
  /** Contents of user_logs/std_log.txt. */
  stdLog?: string;
  /** Metric key → values, one per step, timestamps spread between start and end. */
  metrics: Record<string, number[]>;
  params: Record<string, string>;
  /** For a failed job: the error run history reports. */
  error?: { code: string; message: string; componentName?: string };
  /** Name of the pipeline job this is a step of (also in properties.properties['azureml.pipelinerunid']). */
  parentJobName?: string;
}

export interface SeedData {
  subscriptions: SeedSubscription[];
  resources: ArmResource[];
  /** Terminal seeded jobs; keyed by lower-case job id in the registry. */
  jobHistories: SeededJobInfo[];
  /** Jobs seeded as NotStarted that the emulator hands to jobRuntime.start after seeding. */
  jobsToStart: string[];
  /** Files the seeded assets point at (code snapshots, data), written to storage before the emulator serves. */
  blobs?: SeedBlob[];
}

/** One file in the emulator's storage account. */
export interface SeedBlob {
  containerName: string;
  /** Path inside the container, no leading slash. */
  blobPath: string;
  content: string | Buffer;
}

export interface SeedContext {
  origin: string;
  tenantId: string;
  storage: StorageRuntime;
  /** Client id recorded as createdBy in systemData. */
  createdBy: string;
}

export type SeedName = 'demo' | 'scale' | 'empty';

const histories = new WeakMap<ResourceStore, Map<string, SeededJobInfo>>();

/** Called by the emulator after seeding a store. */
export function registerSeededJobs(store: ResourceStore, infos: SeededJobInfo[]): void {
  histories.set(store, new Map(infos.map((info) => [info.jobId.toLowerCase(), info])));
}

/** For the runtime: the seeded history of a job in this store, or undefined if it was not seeded as terminal. */
export function seededJobInfo(store: ResourceStore, jobId: string): SeededJobInfo | undefined {
  return histories.get(store)?.get(jobId.toLowerCase());
}
