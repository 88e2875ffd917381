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
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const SettingSection = 'azureml';
