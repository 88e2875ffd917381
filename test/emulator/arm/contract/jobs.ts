/**
 * JobBase (PUT .../jobs/{id}) after the 2025-09-01 contract: Command, Pipeline and Sweep in full, with their
 * nested polymorphic members. AutoML checks its required members and the task type but not every task's
 * settings, and Spark its entry, code and resources: enough for the types the emulator stores and runs.
 */
import {
  discriminated,
  envelope,
  int32,
  nullable,
  nullableInt32,
  nullableMapOf,
  nullableObject,
  nullableText,
  nullableTextList,
  object,
  oneOfValues,
  requiredText,
  resourceBase,
  serviceOwned,
  stringMap,
  text,
  withDefault,
  type Branch,
  type Schema,
} from './schema';

const INPUT_DELIVERY_MODES = ['ReadOnlyMount', 'ReadWriteMount', 'Download', 'Direct', 'EvalMount', 'EvalDownload'];
const OUTPUT_DELIVERY_MODES = ['ReadWriteMount', 'Upload', 'Direct'];
const ASSET_TYPES = ['uri_file', 'uri_folder', 'mltable', 'custom_model', 'mlflow_model', 'triton_model'];

/** AssetJobInput: an asset input needs its uri. */
const assetInput: Branch = {
  properties: { uri: requiredText, mode: oneOfValues(INPUT_DELIVERY_MODES) },
  required: ['uri'],
};

export const jobInput: Schema = nullable(
  discriminated(
    'jobInputType',
    { description: nullableText },
    {
      literal: { properties: { value: requiredText }, required: ['value'] },
      ...Object.fromEntries(ASSET_TYPES.map((type) => [type, assetInput])),
    },
  ),
);

/** AssetJobOutput: uri and mode are optional; assetName/assetVersion come from newer api-versions. */
const assetOutput: Branch = {
  properties: {
    uri: nullableText,
    mode: oneOfValues(OUTPUT_DELIVERY_MODES),
    assetName: nullableText,
    assetVersion: nullableText,
  },
};

export const jobOutput: Schema = nullable(
  discriminated(
    'jobOutputType',
    { description: nullableText },
    Object.fromEntries(ASSET_TYPES.map((type) => [type, assetOutput])),
  ),
);

const inputs = nullableMapOf(jobInput);
const outputs = nullableMapOf(jobOutput);

const distribution = nullable(
  discriminated(
    'distributionType',
    {},
    {
      PyTorch: { properties: { processCountPerInstance: nullableInt32 } },
      TensorFlow: { properties: { parameterServerCount: withDefault(int32, 0), workerCount: nullableInt32 } },
      Mpi: { properties: { processCountPerInstance: nullableInt32 } },
    },
  ),
);

const identity = nullable(
  discriminated(
    'identityType',
    {},
    {
      Managed: { properties: { clientId: nullableText, objectId: nullableText, resourceId: nullableText } },
      AMLToken: {},
      UserIdentity: {},
    },
  ),
);

/** JobLimits: a command job takes CommandJobLimits only, a sweep job SweepJobLimits only. */
function limits(type: 'Command' | 'Sweep'): Schema {
  const branch: Branch =
    type === 'Command'
      ? {}
      : {
          properties: {
            maxConcurrentTrials: nullableInt32,
            maxTotalTrials: nullableInt32,
            trialTimeout: nullableText,
          },
        };
  return discriminated('jobLimitsType', { timeout: nullableText }, { [type]: branch });
}

/** JobResourceConfiguration: the defaults apply when a client sends the object. */
const resources: Schema = object({
  instanceCount: withDefault(int32, 1),
  instanceType: nullableText,
  properties: nullableMapOf(nullableObject),
  dockerArgs: nullableText,
  shmSize: withDefault({ type: 'string', pattern: '\\d+[bBkKmMgG]' }, '2g'),
});

const queueSettings = nullable(object({ jobTier: oneOfValues(['Null', 'Spot', 'Basic', 'Standard', 'Premium']) }));

const jobService: Schema = nullable(
  object({
    endpoint: nullableText,
    jobServiceType: nullableText,
    nodes: nullable(discriminated('nodesValueType', {}, { All: {} })),
    port: nullableInt32,
    properties: stringMap,
    errorMessage: serviceOwned,
    status: serviceOwned,
  }),
);

const notificationSetting = nullable(
  object({
    emailOn: { type: ['array', 'null'], items: oneOfValues(['JobCompleted', 'JobFailed', 'JobCancelled']) },
    emails: nullableTextList,
    webhooks: nullableMapOf(nullable(discriminated('webhookType', { eventType: nullableText }, { AzureDevOps: {} }))),
  }),
);

const secretConfiguration = nullable(object({ uri: nullableText, workspaceSecretName: nullableText }));

/** JobBase: what every job type has. */
const jobBase: Record<string, Schema> = {
  ...resourceBase,
  componentId: nullableText,
  computeId: nullableText,
  displayName: nullableText,
  experimentName: withDefault(text, 'Default'),
  identity,
  isArchived: withDefault({ type: 'boolean' }, false),
  notificationSetting,
  secretsConfiguration: nullableMapOf(secretConfiguration),
  services: nullableMapOf(jobService),
  status: serviceOwned,
};

const earlyTermination = nullable(
  discriminated(
    'policyType',
    { delayEvaluation: withDefault(int32, 0), evaluationInterval: withDefault(int32, 0) },
    {
      Bandit: {
        properties: {
          slackAmount: withDefault({ type: 'number' }, 0),
          slackFactor: withDefault({ type: 'number' }, 0),
        },
      },
      MedianStopping: {},
      TruncationSelection: { properties: { truncationPercentage: withDefault(int32, 0) } },
    },
  ),
);

const samplingAlgorithm = discriminated(
  'samplingAlgorithmType',
  {},
  {
    Grid: {},
    Random: { properties: { rule: oneOfValues(['Random', 'Sobol']), seed: nullableInt32 } },
    Bayesian: {},
  },
);

const objective = object({ goal: oneOfValues(['Minimize', 'Maximize']), primaryMetric: requiredText }, [
  'goal',
  'primaryMetric',
]);

const trialComponent = object(
  {
    codeId: nullableText,
    command: requiredText,
    distribution,
    environmentId: requiredText,
    environmentVariables: stringMap,
    resources,
  },
  ['command', 'environmentId'],
);

const TASK_TYPES = [
  'Classification',
  'Regression',
  'Forecasting',
  'ImageClassification',
  'ImageClassificationMultilabel',
  'ImageObjectDetection',
  'ImageInstanceSegmentation',
  'TextClassification',
  'TextClassificationMultilabel',
  'TextNER',
];

/** The MLTableJobInput AutoML takes its data as. */
const mlTableInput = object(
  { jobInputType: { const: 'mltable' }, uri: requiredText, mode: oneOfValues(INPUT_DELIVERY_MODES) },
  ['jobInputType', 'uri'],
);

const sparkEntry = discriminated(
  'sparkJobEntryType',
  {},
  {
    SparkJobPythonEntry: { properties: { file: requiredText }, required: ['file'] },
    SparkJobScalaEntry: { properties: { className: requiredText }, required: ['className'] },
  },
);

const jobProperties = discriminated('jobType', jobBase, {
  Command: {
    properties: {
      codeId: nullableText,
      command: requiredText,
      distribution,
      environmentId: requiredText,
      environmentVariables: stringMap,
      inputs,
      limits: nullable(limits('Command')),
      outputs,
      parameters: serviceOwned,
      queueSettings,
      resources,
    },
    required: ['command', 'environmentId'],
  },
  Pipeline: {
    properties: {
      inputs,
      // The contract leaves each step free-form, but a step is an object.
      jobs: nullableMapOf(nullableObject),
      outputs,
      settings: nullableObject,
      sourceJobId: nullableText,
    },
  },
  Sweep: {
    properties: {
      earlyTermination,
      inputs,
      limits: limits('Sweep'),
      objective,
      outputs,
      queueSettings,
      samplingAlgorithm,
      searchSpace: { type: 'object' },
      trial: trialComponent,
    },
    required: ['objective', 'samplingAlgorithm', 'searchSpace', 'trial'],
  },
  // Looser than the contract: the task's own settings (limits, featurization, training...) are not checked.
  AutoML: {
    properties: {
      environmentId: nullableText,
      environmentVariables: stringMap,
      outputs,
      queueSettings,
      resources,
      taskDetails: object(
        { taskType: oneOfValues(TASK_TYPES), trainingData: mlTableInput, targetColumnName: nullableText },
        ['taskType', 'trainingData'],
      ),
    },
    required: ['taskDetails'],
  },
  // Looser than the contract: conf, files and resources are checked for shape only.
  Spark: {
    properties: {
      archives: nullableTextList,
      args: nullableText,
      codeId: requiredText,
      conf: stringMap,
      entry: sparkEntry,
      environmentId: nullableText,
      environmentVariables: stringMap,
      files: nullableTextList,
      inputs,
      jars: nullableTextList,
      outputs,
      pyFiles: nullableTextList,
      queueSettings,
      resources: nullable(object({ instanceType: nullableText, runtimeVersion: text })),
    },
    required: ['codeId', 'entry'],
  },
});

export const jobBaseResource: Schema = envelope(jobProperties);
