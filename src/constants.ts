/** Every id the manifest and the code share lives here, so the two cannot drift apart. */
export const EXTENSION_ID = 'azureml-inner-loop.azureml-inner-loop';
export const OUTPUT_CHANNEL_NAME = 'Azure ML';

/** Red Hat's YAML extension, which gets this extension's schemas, and its setting that turns its validation off. */
export const RedHatYaml = {
  extensionId: 'redhat.vscode-yaml',
  section: 'yaml',
  validate: 'validate',
} as const;

export const ViewContainerId = 'azureml';

export const ViewId = {
  workspaces: 'azureml.workspaces',
  data: 'azureml.data',
  jobs: 'azureml.jobs',
  models: 'azureml.models',
} as const;
export type ViewId = (typeof ViewId)[keyof typeof ViewId];

export const CommandId = {
  showOutput: 'azureml.showOutput',
  signIn: 'azureml.signIn',
  refresh: 'azureml.refresh',
  refreshView: 'azureml.refreshView',
  loadMore: 'azureml.loadMore',
  retry: 'azureml.retry',
  setActiveWorkspace: 'azureml.setActiveWorkspace',
  pickActiveWorkspace: 'azureml.pickActiveWorkspace',
  copyResourceId: 'azureml.copyResourceId',
  copyAssetReference: 'azureml.copyAssetReference',
  openInStudio: 'azureml.openInStudio',
  showDetails: 'azureml.showDetails',
  filterJobsByStatus: 'azureml.filterJobsByStatus',
  filterJobsByText: 'azureml.filterJobsByText',
  clearJobFilters: 'azureml.clearJobFilters',
  submitJob: 'azureml.submitJob',
  rerunJob: 'azureml.rerunJob',
  runLocally: 'azureml.runLocally',
  cancelLocalRun: 'azureml.cancelLocalRun',
  showLocalRunLog: 'azureml.showLocalRunLog',
  revealLocalRunOutputs: 'azureml.revealLocalRunOutputs',
  deleteLocalRun: 'azureml.deleteLocalRun',
  /** Internal: a local run started, changed or was deleted; the Jobs view lists local runs again. */
  refreshLocalRuns: 'azureml.refreshLocalRuns',
  streamJobLogs: 'azureml.streamJobLogs',
  cancelJob: 'azureml.cancelJob',
  showJobLog: 'azureml.showJobLog',
  downloadJobOutputs: 'azureml.downloadJobOutputs',
  downloadJobLogs: 'azureml.downloadJobLogs',
  registerModelFromJob: 'azureml.registerModelFromJob',
  showJobDetails: 'azureml.showJobDetails',
  showPipelineGraph: 'azureml.showPipelineGraph',
  compareJobs: 'azureml.compareJobs',
  addToComparison: 'azureml.addToComparison',
  newMlopsProject: 'azureml.newMlopsProject',
  addPipelineStep: 'azureml.addPipelineStep',
  newLabelingProject: 'azureml.newLabelingProject',
  exportLabels: 'azureml.exportLabels',
  importPreLabels: 'azureml.importPreLabels',
  registerLabeledData: 'azureml.registerLabeledData',
  /** Internal: the Data view selects a data asset version that another feature just registered. */
  revealDataVersion: 'azureml.revealDataVersion',
  /** Internal: the Jobs view selects a job that another feature just created. */
  revealJob: 'azureml.revealJob',
  registerCandidateModel: 'azureml.registerCandidateModel',
  configureOuterLoop: 'azureml.configureOuterLoop',
  setOuterLoopToken: 'azureml.setOuterLoopToken',
  retryOuterLoopTrigger: 'azureml.retryOuterLoopTrigger',
  followOuterLoopRun: 'azureml.followOuterLoopRun',
  /** Internal: the Models view listed model versions whose outer-loop run is recorded as going on. */
  resumeOuterLoopRuns: 'azureml.resumeOuterLoopRuns',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const SettingSection = 'azureml';

/** The labeling editor, for `*.labels.json` project files. */
export const LABELING_EDITOR_VIEW_TYPE = 'azureml.labelingEditor';

/** SecretStorage keys of the outer loop's tokens: never in settings, files or logs. */
export const SecretKey = {
  gitHubToken: 'azureml.outerLoop.gitHubToken',
  azureDevOpsToken: 'azureml.outerLoop.azureDevOpsToken',
} as const;

/** Scheme of the read-only details documents. */
export const DETAILS_SCHEME = 'azureml-details';

/** Every setting under `azureml`, with its type. */
export interface SettingTypes {
  cloud: string;
  'customCloud.armEndpoint': string;
  'customCloud.authorityHost': string;
  'customCloud.studioUrl': string;
  authentication: 'vscode' | 'azureCli' | 'environment';
  tenantId: string;
  subscriptions: string[];
  'jobs.refreshIntervalSeconds': number;
  'yaml.diagnostics': 'azureml' | 'yaml-extension' | 'off';
}
export type SettingName = keyof SettingTypes;

/** The defaults, in one place; a test checks that package.json declares the same. */
export const SETTING_DEFAULTS: Readonly<SettingTypes> = {
  cloud: 'AzureCloud',
  'customCloud.armEndpoint': '',
  'customCloud.authorityHost': '',
  'customCloud.studioUrl': '',
  authentication: 'vscode',
  tenantId: '',
  subscriptions: [],
  'jobs.refreshIntervalSeconds': 10,
  'yaml.diagnostics': 'azureml',
};

/** Context keys the manifest's `when` clauses read; all are booleans. */
export const ContextKey = {
  hasActiveWorkspace: 'azureml.hasActiveWorkspace',
  signedOut: 'azureml.signedOut',
  noSubscriptions: 'azureml.noSubscriptions',
  jobsFiltered: 'azureml.jobsFiltered',
  /** The cloud has a studio address, so "Open in Azure ML Studio" can work. */
  studioAvailable: 'azureml.studioAvailable',
  /** The active editor holds a job YAML, so the editor title offers Submit. */
  jobFileActive: 'azureml.jobFileActive',
  /** The active editor holds a pipeline job YAML, so the editor title and context menu offer Add Pipeline Step. */
  pipelineFileActive: 'azureml.pipelineFileActive',
} as const;
export type ContextKey = (typeof ContextKey)[keyof typeof ContextKey];

/** Tree item contextValues, matched by `view/item/context` menus. */
export const NodeContext = {
  workspace: 'azureml.workspace',
  activeWorkspace: 'azureml.workspace.active',
  compute: 'azureml.compute',
  environment: 'azureml.environment',
  dataAsset: 'azureml.dataAsset',
  dataVersion: 'azureml.dataVersion',
  datastore: 'azureml.datastore',
  experiment: 'azureml.experiment',
  job: 'azureml.job',
  /** A job that can still change: it can be cancelled. */
  activeJob: 'azureml.job.active',
  model: 'azureml.model',
  modelVersion: 'azureml.modelVersion',
  candidateModelVersion: 'azureml.modelVersion.candidate',
  /** Error rows, by their way forward (each has its own inline action). */
  errorRetry: 'azureml.error.retryable',
  errorSignIn: 'azureml.error.signIn',
  errorSettings: 'azureml.error.settings',
  error: 'azureml.error',
  loadMore: 'azureml.loadMore',
  localRuns: 'azureml.localRuns',
  localRun: 'azureml.localRun',
  /** A local run still going: it can be cancelled. */
  activeLocalRun: 'azureml.localRun.active',
  localRunStep: 'azureml.localRunStep',
  brokenLocalRun: 'azureml.localRun.broken',
} as const;
