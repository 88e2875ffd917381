/** Every id the manifest and the code share lives here, so the two cannot drift apart. */
export const EXTENSION_ID = 'azureml-inner-loop.azureml-inner-loop';
export const OUTPUT_CHANNEL_NAME = 'Azure ML';

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
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const SettingSection = 'azureml';

/** Scheme of the read-only details documents. */
export const DETAILS_SCHEME = 'azureml-details';

/** Keys under the `azureml` section. */
export const Setting = {
  cloud: 'cloud',
  customArmEndpoint: 'customCloud.armEndpoint',
  customAuthorityHost: 'customCloud.authorityHost',
  customStudioUrl: 'customCloud.studioUrl',
  jobsRefreshSeconds: 'jobs.refreshIntervalSeconds',
  authentication: 'authentication',
  tenantId: 'tenantId',
  subscriptions: 'subscriptions',
} as const;

export const ContextKey = {
  hasActiveWorkspace: 'azureml.hasActiveWorkspace',
  signedOut: 'azureml.signedOut',
  noSubscriptions: 'azureml.noSubscriptions',
  jobsFiltered: 'azureml.jobsFiltered',
} as const;

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
  model: 'azureml.model',
  modelVersion: 'azureml.modelVersion',
  candidateModelVersion: 'azureml.modelVersion.candidate',
  retryable: 'azureml.error.retryable',
  loadMore: 'azureml.loadMore',
} as const;
