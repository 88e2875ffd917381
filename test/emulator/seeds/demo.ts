/**
 * The demo seed: 2 subscriptions, 3 workspaces, data assets of every type, ~30 jobs over 3 experiments
 * (one pipeline with steps, completed/failed/canceled/running), models with tagged versions, computes,
 * environments, components and the default datastores.
 *
 * It should read true to a data scientist: each experiment trains one kind of model with one stack
 * (iris: scikit-learn on CPU; flower images: ResNet-50 in PyTorch on GPU; reviews: BERT with PyTorch and
 * transformers on GPU), and every model version comes from a completed job of its own experiment in its
 * own workspace, with that job's framework and final accuracy. Numbers are rounded as a person would log them.
 */
import type { ArmResource } from '../contracts';
import { workspaceId, type WorkspaceRef } from '../arm/ids';
import { PIPELINE_PARENT_PROPERTY } from '../arm/jobs';
import {
  addMinutes,
  assetWithVersions,
  computeResource,
  datastorePath,
  defaultDatastores,
  jobResource,
  roundMetric,
  stableUuid,
  workspaceResource,
} from './builders';
import { WORKSPACE_BLOBSTORE_CONTAINER } from '../runtime';
import { demoBlobs, SHAPE_IMAGES_PATH, SHAPE_TABLE_PATH, TRAINING_CODE_PREFIX } from './trainingFiles';
import type { SeedContext, SeedData, SeededJobInfo } from './types';

export const DEMO_SUBSCRIPTIONS = {
  dev: '6a3c0a1e-7d2b-4c51-9f0e-2b8d1c4e5a01',
  prod: '9e1f4b2c-3a5d-4e67-8b90-c1d2e3f4a502',
};

export const DEMO_WORKSPACES: Record<'vision' | 'nlp' | 'prod', WorkspaceRef> = {
  vision: { subscriptionId: DEMO_SUBSCRIPTIONS.dev, resourceGroup: 'rg-ml-dev', workspace: 'mlw-vision-dev' },
  nlp: { subscriptionId: DEMO_SUBSCRIPTIONS.dev, resourceGroup: 'rg-ml-dev', workspace: 'mlw-nlp-dev' },
  prod: { subscriptionId: DEMO_SUBSCRIPTIONS.prod, resourceGroup: 'rg-ml-prod', workspace: 'mlw-prod' },
};

const BASE = new Date('2025-06-02T08:00:00.000Z');

export type DemoExperiment = 'iris-training' | 'image-classification' | 'sentiment-analysis';

/** What an experiment trains and with which stack; its jobs, their logs and metrics and its models follow it. */
export interface ExperimentProfile {
  /** Start of each job's description; the learning rate follows. */
  task: string;
  script: string;
  /** Extra arguments of the training script besides learning rate, epochs, data and model folder. */
  scriptArgs: string;
  environment: 'sklearn-env/versions/2' | 'pytorch-env/versions/1';
  compute: 'cpu-cluster' | 'gpu-cluster';
  /** The data asset version the jobs train on. */
  trainingData: { reference: string; type: 'uri_file' | 'uri_folder' };
  /** One per job in turn; the first is each sweep's baseline. */
  learningRates: number[];
  epochs: number;
  /** Accuracy and loss after the first epoch, and the best a run reaches after the last. */
  accuracy: { first: number; best: number };
  loss: { first: number; best: number };
  /** Last line of a failed run's traceback. */
  failure: string;
  /** What the models registered from these jobs say about themselves. */
  model: {
    tags: Record<string, string>;
    /** MLflow flavors of the mlflow_model versions. */
    flavors: Record<string, { data: Record<string, string> }>;
    domain: string;
  };
}

const CUDA_OUT_OF_MEMORY =
  'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 392.00 MiB (GPU 0; 15.77 GiB total capacity)';

export const EXPERIMENT_PROFILES: Record<DemoExperiment, ExperimentProfile> = {
  'iris-training': {
    task: 'Train a scikit-learn MLP classifier on iris-csv',
    script: 'train.py',
    scriptArgs: '',
    environment: 'sklearn-env/versions/2',
    compute: 'cpu-cluster',
    trainingData: { reference: 'azureml:iris-csv:3', type: 'uri_file' },
    learningRates: [0.1, 0.03, 0.01, 0.003],
    epochs: 10,
    accuracy: { first: 0.7, best: 0.9667 },
    loss: { first: 0.92, best: 0.11 },
    failure: 'ValueError: Input contains NaN',
    model: {
      tags: { framework: 'sklearn' },
      flavors: {
        python_function: { data: { loader_module: 'mlflow.sklearn' } },
        sklearn: { data: { sklearn_version: '1.5.0', serialization_format: 'cloudpickle' } },
      },
      domain: 'tabular',
    },
  },
  'image-classification': {
    task: 'Fine-tune ResNet-50 (PyTorch) on flower-images',
    script: 'train_image.py',
    scriptArgs: ' --model resnet50 --batch-size 32',
    environment: 'pytorch-env/versions/1',
    compute: 'gpu-cluster',
    trainingData: { reference: 'azureml:flower-images:2', type: 'uri_folder' },
    learningRates: [0.01, 0.003, 0.001, 0.0003],
    epochs: 10,
    accuracy: { first: 0.62, best: 0.9312 },
    loss: { first: 1.31, best: 0.22 },
    failure: CUDA_OUT_OF_MEMORY,
    model: {
      tags: { framework: 'pytorch', architecture: 'resnet50' },
      flavors: {
        python_function: { data: { loader_module: 'mlflow.pytorch' } },
        pytorch: { data: { pytorch_version: '2.2.2' } },
      },
      domain: 'vision',
    },
  },
  'sentiment-analysis': {
    task: 'Fine-tune bert-base-uncased (PyTorch, transformers) on customer-reviews',
    script: 'train_text.py',
    scriptArgs: ' --model bert-base-uncased --max-seq-length 128 --batch-size 16',
    environment: 'pytorch-env/versions/1',
    compute: 'gpu-cluster',
    trainingData: { reference: 'azureml:customer-reviews:2', type: 'uri_folder' },
    learningRates: [5e-5, 3e-5, 2e-5, 1e-5],
    epochs: 4,
    accuracy: { first: 0.8712, best: 0.9358 },
    loss: { first: 0.34, best: 0.17 },
    failure: CUDA_OUT_OF_MEMORY,
    model: {
      tags: { framework: 'pytorch', library: 'transformers' },
      flavors: {
        python_function: { data: { loader_module: 'mlflow.transformers' } },
        transformers: { data: { transformers_version: '4.41.2', task: 'text-classification' } },
      },
      domain: 'nlp',
    },
  },
};

/**
 * The command of the seeded running jobs: prints a line and logs an MLflow metric every second for `seconds`
 * (through the tracking URI and token the runtime puts in the environment; failures to log are printed, not fatal).
 */
export const trainingLoopCommand = (seconds: number): string =>
  [
    'python3 -u -c "',
    'import json, os, ssl, time, math, urllib.request',
    "uri = os.environ.get('MLFLOW_TRACKING_URI', '')",
    "token = os.environ.get('MLFLOW_TRACKING_TOKEN', '')",
    "run_id = os.environ.get('MLFLOW_RUN_ID', '')",
    'ctx = ssl._create_unverified_context()',
    `for step in range(${seconds}):`,
    '    loss = round(1.0 / (1 + 0.05 * step) + 0.01 * math.sin(step), 4)',
    "    print('epoch', step, 'loss', loss, flush=True)",
    "    body = json.dumps({'run_id': run_id, 'key': 'loss', 'value': loss, 'timestamp': int(time.time() * 1000), 'step': step}).encode()",
    "    req = urllib.request.Request(uri + '/api/2.0/mlflow/runs/log-metric', data=body, headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token})",
    '    try:',
    '        urllib.request.urlopen(req, context=ctx, timeout=5).read()',
    '    except Exception as error:',
    "        print('metric not logged:', error, flush=True)",
    '    time.sleep(1)',
    '"',
  ].join('\n');

/** A completed training job, which a model version may be registered from. */
interface CompletedRun {
  wsId: string;
  experiment: DemoExperiment;
  name: string;
  displayName: string;
  endedAt: Date;
  accuracy: number;
}

export function demoSeed(ctx: SeedContext): SeedData {
  const resources: ArmResource[] = [];
  const jobHistories: SeededJobInfo[] = [];
  const jobsToStart: string[] = [];
  const completed: CompletedRun[] = [];

  const workspaces = [
    {
      ref: DEMO_WORKSPACES.vision,
      location: 'eastus',
      friendlyName: 'Vision (dev)',
      description: 'Image classification experiments',
    },
    { ref: DEMO_WORKSPACES.nlp, location: 'westeurope', friendlyName: 'NLP (dev)', description: 'Text models' },
    {
      ref: DEMO_WORKSPACES.prod,
      location: 'eastus',
      friendlyName: 'Production',
      description: 'Promoted models and scheduled retraining',
    },
  ];
  const firstCreated = new Map<string, Date>();
  for (const [index, w] of workspaces.entries()) {
    const wsId = workspaceId(w.ref.subscriptionId, w.ref.resourceGroup, w.ref.workspace);
    const created = addMinutes(BASE, -60 * 24 * 30 + index * 60);
    firstCreated.set(wsId, created);
    resources.push(workspaceResource(ctx, w.ref, { ...w, createdAt: created, tags: { team: 'ml-platform' } }));
    resources.push(...defaultDatastores(ctx, wsId, created));
    resources.push(computeResource(ctx, wsId, w.location, 'cpu-cluster', 'AmlCompute', 'STANDARD_DS3_V2', created));
    resources.push(computeResource(ctx, wsId, w.location, 'gpu-cluster', 'AmlCompute', 'STANDARD_NC6S_V3', created));
    resources.push(
      computeResource(ctx, wsId, w.location, 'dev-instance', 'ComputeInstance', 'STANDARD_DS11_V2', created),
    );
    resources.push(...environments(ctx, wsId, created));
    resources.push(...components(ctx, wsId, created));
    resources.push(...dataAssets(ctx, wsId, created));
    // Every job names this code version, so every workspace has it.
    resources.push(...trainingCode(ctx, wsId, created));
  }

  const vision = workspaceId(
    DEMO_WORKSPACES.vision.subscriptionId,
    DEMO_WORKSPACES.vision.resourceGroup,
    DEMO_WORKSPACES.vision.workspace,
  );
  const nlp = workspaceId(
    DEMO_WORKSPACES.nlp.subscriptionId,
    DEMO_WORKSPACES.nlp.resourceGroup,
    DEMO_WORKSPACES.nlp.workspace,
  );
  const prod = workspaceId(
    DEMO_WORKSPACES.prod.subscriptionId,
    DEMO_WORKSPACES.prod.resourceGroup,
    DEMO_WORKSPACES.prod.workspace,
  );
  resources.push(...reviewData(ctx, nlp, firstCreated.get(nlp)!));

  // 26 terminal command jobs over three experiments, plus a pipeline with 3 steps, plus 2 running jobs.
  const experiments: DemoExperiment[] = ['iris-training', 'image-classification', 'sentiment-analysis'];
  for (let i = 0; i < 26; i++) {
    const experiment = experiments[i % 3];
    const wsId = experiment === 'sentiment-analysis' ? nlp : i % 7 === 6 ? prod : vision;
    const status = i === 13 ? 'Canceled' : i % 9 === 4 ? 'Failed' : 'Completed';
    const name = `${experiment.split('-')[0]}_${stableUuid(`demo-job-${i}`).slice(0, 8)}`;
    const displayName = `${experiment} run ${i + 1}`;
    const created = addMinutes(BASE, i * 95);
    const durationMinutes = 4 + (i % 5) * 3;
    const run = { experiment, lrIndex: i % 4, variant: i };
    const job = jobResource(
      ctx,
      wsId,
      name,
      commandJobProperties(wsId, run, displayName, {
        ...(run.lrIndex === 0 ? { baseline: 'true' } : {}),
        owner: i % 2 === 0 ? 'alice' : 'bob',
      }),
      status,
      created,
      addMinutes(created, durationMinutes),
    );
    resources.push(job);
    const history = trainingHistory(job.id, created, durationMinutes, status, run);
    jobHistories.push(history);
    if (status === 'Completed') {
      completed.push({
        wsId,
        experiment,
        name,
        displayName,
        endedAt: addMinutes(created, durationMinutes),
        accuracy: history.metrics.accuracy.at(-1)!,
      });
    }
  }

  // Production retrains the promoted iris classifier on a schedule; its models come from these runs.
  for (const day of [1, 2]) {
    const name = `iris_${stableUuid(`demo-retrain-${day}`).slice(0, 8)}`;
    const displayName = `iris-training scheduled retrain ${day}`;
    const created = addMinutes(BASE, 60 * 24 * day);
    const run = { experiment: 'iris-training' as const, lrIndex: 1, variant: day };
    const job = jobResource(
      ctx,
      prod,
      name,
      commandJobProperties(prod, run, displayName, { owner: 'mlops', trigger: 'schedule' }),
      'Completed',
      created,
      addMinutes(created, 6),
    );
    resources.push(job);
    const history = trainingHistory(job.id, created, 6, 'Completed', run);
    jobHistories.push(history);
    completed.push({
      wsId: prod,
      experiment: 'iris-training',
      name,
      displayName,
      endedAt: addMinutes(created, 6),
      accuracy: history.metrics.accuracy.at(-1)!,
    });
  }

  const pipelineName = `pipeline_${stableUuid('demo-pipeline').slice(0, 8)}`;
  const pipelineCreated = addMinutes(BASE, 27 * 95);
  const steps = PIPELINE_STEPS.map((step) => step.name);
  const pipeline = jobResource(
    ctx,
    vision,
    pipelineName,
    {
      jobType: 'Pipeline',
      displayName: 'iris end-to-end pipeline',
      experimentName: 'iris-training',
      description: 'Prepare, train and evaluate in one pipeline',
      tags: { kind: 'pipeline', owner: 'demo' },
      computeId: `${vision}/computes/cpu-cluster`,
      settings: { default_compute: `${vision}/computes/cpu-cluster`, continue_on_step_failure: false },
      inputs: {
        raw: { jobInputType: 'uri_file', uri: 'azureml:iris-csv:3', mode: 'ReadOnlyMount' },
      },
      jobs: Object.fromEntries(
        steps.map((step, index) => [
          step,
          {
            type: 'command',
            name: step,
            componentId: `${vision}/components/${step === 'prep_data' ? 'prep_data' : 'train_model'}/versions/1`,
            inputs: index === 0 ? { raw: { job_input_type: 'literal', value: '${{parent.inputs.raw}}' } } : {},
          },
        ]),
      ),
    },
    'Completed',
    pipelineCreated,
    addMinutes(pipelineCreated, 25),
  );
  resources.push(pipeline);
  jobHistories.push({
    jobId: pipeline.id,
    startTimeUtc: addMinutes(pipelineCreated, 1).toISOString(),
    endTimeUtc: addMinutes(pipelineCreated, 25).toISOString(),
    stdLog: `${steps.map((step) => `Step ${step} completed`).join('\n')}\n`,
    metrics: {},
    params: {},
  });
  PIPELINE_STEPS.forEach((step, index) => {
    const childName = `${pipelineName}_${step.name}`;
    const created = addMinutes(pipelineCreated, 1 + index * 8);
    const child = jobResource(
      ctx,
      vision,
      childName,
      {
        jobType: 'Command',
        displayName: step.name,
        experimentName: 'iris-training',
        description: step.description,
        tags: { owner: 'alice' },
        computeId: `${vision}/computes/cpu-cluster`,
        environmentId: `${vision}/environments/sklearn-env/versions/2`,
        codeId: `${vision}/codes/train-src/versions/1`,
        command: step.command,
        inputs: {},
        outputs: {},
        resources: { instanceCount: 1 },
        environmentVariables: {},
        properties: {
          [PIPELINE_PARENT_PROPERTY]: pipelineName,
          'azureml.nodeid': step.name,
          'azureml.runsource': 'azureml.StepRun',
        },
      },
      'Completed',
      created,
      addMinutes(created, 7),
    );
    resources.push(child);
    const history =
      step.name === 'train_model'
        ? trainingHistory(child.id, created, 7, 'Completed', { experiment: 'iris-training', lrIndex: 2, variant: 0 })
        : {
            jobId: child.id,
            startTimeUtc: addMinutes(created, 1).toISOString(),
            endTimeUtc: addMinutes(created, 7).toISOString(),
            stdLog: `${step.log.join('\n')}\n`,
            metrics: step.metrics,
            params: {},
          };
    jobHistories.push({ ...history, parentJobName: pipelineName });
  });

  // Running jobs: created as NotStarted now, then really executed by the runtime.
  for (const [index, wsId] of [vision, nlp].entries()) {
    const experiment: DemoExperiment = index === 0 ? 'image-classification' : 'sentiment-analysis';
    const name = `live_${stableUuid(`demo-running-${index}`).slice(0, 8)}`;
    const now = new Date(Date.now() - (2 - index) * 1000);
    const properties = {
      ...commandJobProperties(wsId, { experiment, lrIndex: 2, variant: index }, `${experiment} (live)`, {
        owner: index === 0 ? 'alice' : 'bob',
      }),
      // One finishes within minutes, so a demo user can watch it complete; the other runs for an hour.
      command: trainingLoopCommand(index === 0 ? 150 : 3600),
      codeId: undefined,
      inputs: {},
      outputs: {},
    };
    const job = jobResource(ctx, wsId, name, properties, 'NotStarted', now);
    resources.push(job);
    jobsToStart.push(job.id);
  }

  const models: ModelFamily[] = [
    { wsId: vision, name: 'iris-classifier', experiment: 'iris-training', versions: 5, candidates: [2, 4] },
    { wsId: vision, name: 'resnet-finetuned', experiment: 'image-classification', versions: 3, candidates: [3] },
    { wsId: nlp, name: 'sentiment-bert', experiment: 'sentiment-analysis', versions: 4, candidates: [1, 4] },
    { wsId: prod, name: 'iris-classifier', experiment: 'iris-training', versions: 2, candidates: [2] },
  ];
  for (const family of models) resources.push(...modelVersions(ctx, family, completed));

  return {
    subscriptions: [
      {
        subscriptionId: DEMO_SUBSCRIPTIONS.dev,
        displayName: 'Contoso ML Dev',
        resourceGroups: ['rg-ml-dev', 'rg-shared'],
      },
      { subscriptionId: DEMO_SUBSCRIPTIONS.prod, displayName: 'Contoso ML Prod', resourceGroups: ['rg-ml-prod'] },
    ],
    resources,
    jobHistories,
    jobsToStart,
    // Every workspace's default datastore is the same container, so one copy serves all three.
    blobs: demoBlobs(WORKSPACE_BLOBSTORE_CONTAINER),
  };
}

/** One training run of an experiment: which of its learning rates, and a number that varies its results. */
interface TrainingRun {
  experiment: DemoExperiment;
  lrIndex: number;
  variant: number;
}

function commandJobProperties(
  wsId: string,
  run: TrainingRun,
  displayName: string,
  tags: Record<string, string>,
): Record<string, unknown> {
  const profile = EXPERIMENT_PROFILES[run.experiment];
  const lr = formatLearningRate(profile.learningRates[run.lrIndex]);
  return {
    jobType: 'Command',
    displayName,
    experimentName: run.experiment,
    description: `${profile.task}, learning rate ${lr}`,
    tags: { lr, ...tags },
    computeId: `${wsId}/computes/${profile.compute}`,
    environmentId: `${wsId}/environments/${profile.environment}`,
    codeId: `${wsId}/codes/train-src/versions/1`,
    command:
      `python ${profile.script}${profile.scriptArgs} --learning-rate ${lr} --epochs ${profile.epochs}` +
      ` --data \${{inputs.training_data}} --model-dir \${{outputs.model}}`,
    inputs: {
      training_data: {
        jobInputType: profile.trainingData.type,
        uri: profile.trainingData.reference,
        mode: 'ReadOnlyMount',
      },
      learning_rate: { jobInputType: 'literal', value: lr },
    },
    outputs: {
      model: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' },
    },
    resources: { instanceCount: 1 },
    environmentVariables: {},
  };
}

/** Small learning rates as people write them (2e-5, not 0.00002). */
function formatLearningRate(lr: number): string {
  return lr < 0.001 ? lr.toExponential() : String(lr);
}

/** Share of the run's progress by the end of each epoch: 0 after the first, 1 after the last, flattening out. */
function learningCurve(epochs: number): number[] {
  const steepness = 3;
  return Array.from(
    { length: epochs },
    (_, e) => (1 - Math.exp((-steepness * e) / (epochs - 1))) / (1 - Math.exp(-steepness)),
  );
}

function trainingHistory(
  jobId: string,
  created: Date,
  minutes: number,
  status: string,
  run: TrainingRun,
): SeededJobInfo & { metrics: { loss: number[]; accuracy: number[] } } {
  const profile = EXPERIMENT_PROFILES[run.experiment];
  const lr = formatLearningRate(profile.learningRates[run.lrIndex]);
  const { epochs } = profile;
  // How close to the experiment's best this run gets: the second learning rate is the best one.
  const reach = [0.9, 1, 0.96, 0.8][run.lrIndex] - ((run.variant * 7) % 5) * 0.01;
  const curve = learningCurve(epochs);
  const loss = curve.map((p) => roundMetric(profile.loss.first - (profile.loss.first - profile.loss.best) * reach * p));
  const accuracy = curve.map((p) =>
    roundMetric(profile.accuracy.first + (profile.accuracy.best - profile.accuracy.first) * reach * p),
  );
  const failed = status === 'Failed';
  const canceled = status === 'Canceled';
  const upTo = failed ? Math.ceil(epochs * 0.4) : canceled ? Math.ceil(epochs * 0.6) : epochs;
  const lines = [`Starting training with learning rate ${lr}`];
  for (let e = 0; e < upTo; e++) lines.push(`epoch ${e + 1}/${epochs} loss=${loss[e]} accuracy=${accuracy[e]}`);
  if (failed)
    lines.push(
      'Traceback (most recent call last):',
      `  File "${profile.script}", line 42, in <module>`,
      profile.failure,
    );
  if (!failed && !canceled) lines.push('Training complete, model saved to outputs/model');
  return {
    jobId,
    startTimeUtc: addMinutes(created, 1).toISOString(),
    endTimeUtc: addMinutes(created, minutes).toISOString(),
    stdLog: `${lines.join('\n')}\n`,
    metrics: { loss: loss.slice(0, upTo), accuracy: accuracy.slice(0, upTo) },
    params: { learning_rate: lr, epochs: String(epochs) },
    ...(failed
      ? {
          error: {
            code: 'UserError',
            message: `Execution failed. User process 'python' exited with status code 1. Please check log file 'user_logs/std_log.txt' for error details. Error: ${profile.failure}`,
            componentName: 'CommonRuntime',
          },
        }
      : {}),
  };
}

/** The iris pipeline's steps; train_model's history is a training run like the command jobs'. */
const PIPELINE_STEPS: Array<{
  name: string;
  description: string;
  command: string;
  log: string[];
  metrics: Record<string, number[]>;
}> = [
  {
    name: 'prep_data',
    description: 'Cleans raw data and splits it',
    command: 'python prep.py --data ${{inputs.data}} --out ${{outputs.output}}',
    log: ['Read 150 rows, 0 with missing values', 'Wrote 120 training rows and 30 test rows'],
    metrics: { train_rows: [120], test_rows: [30] },
  },
  {
    name: 'train_model',
    description: 'Trains a scikit-learn MLP classifier',
    command: 'python train.py --data ${{inputs.data}} --model ${{outputs.output}}',
    log: [],
    metrics: {},
  },
  {
    name: 'evaluate_model',
    description: 'Scores the model on the test rows',
    command: 'python evaluate.py --model ${{inputs.model}} --data ${{inputs.data}} --out ${{outputs.output}}',
    log: ['Scored 30 test rows', 'accuracy=0.9333 f1_macro=0.9327'],
    metrics: { accuracy: [0.9333], f1_macro: [0.9327] },
  },
];

function environments(ctx: SeedContext, wsId: string, created: Date): ArmResource[] {
  return [
    ...assetWithVersions(ctx, wsId, 'environments', 'sklearn-env', [
      {
        version: '1',
        createdAt: created,
        properties: {
          image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
          osType: 'Linux',
          environmentType: 'UserCreated',
          condaFile:
            'name: sklearn\ndependencies:\n  - python=3.10\n  - pip:\n    - scikit-learn==1.3.2\n    - mlflow\n',
          description: 'scikit-learn 1.3',
        },
      },
      {
        version: '2',
        createdAt: addMinutes(created, 30),
        properties: {
          image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
          osType: 'Linux',
          environmentType: 'UserCreated',
          condaFile:
            'name: sklearn\ndependencies:\n  - python=3.11\n  - pip:\n    - scikit-learn==1.5.0\n    - mlflow\n',
          description: 'scikit-learn 1.5',
        },
      },
    ]),
    ...assetWithVersions(ctx, wsId, 'environments', 'pytorch-env', [
      {
        version: '1',
        createdAt: addMinutes(created, 40),
        properties: {
          image: 'mcr.microsoft.com/azureml/curated/acpt-pytorch-2.2-cuda12.1:latest',
          osType: 'Linux',
          environmentType: 'UserCreated',
          condaFile:
            'name: pytorch\ndependencies:\n  - python=3.10\n  - pip:\n    - torch==2.2.2\n    - torchvision==0.17.2\n' +
            '    - transformers==4.41.2\n    - mlflow\n',
          description: 'PyTorch 2.2 with CUDA 12.1, torchvision and transformers',
        },
      },
    ]),
  ];
}

function components(ctx: SeedContext, wsId: string, created: Date): ArmResource[] {
  const spec = (name: string, version: string, command: string): Record<string, unknown> => ({
    $schema: 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json',
    name,
    version,
    type: 'command',
    display_name: name.replace('_', ' '),
    inputs: { data: { type: 'uri_folder' } },
    outputs: { output: { type: 'uri_folder' } },
    command,
    environment: `azureml:sklearn-env:2`,
  });
  return [
    ...assetWithVersions(ctx, wsId, 'components', 'prep_data', [
      {
        version: '1',
        createdAt: created,
        properties: {
          componentSpec: spec('prep_data', '1', 'python prep.py --data ${{inputs.data}} --out ${{outputs.output}}'),
          description: 'Cleans raw data',
        },
      },
    ]),
    ...assetWithVersions(ctx, wsId, 'components', 'train_model', [
      {
        version: '1',
        createdAt: created,
        properties: {
          componentSpec: spec(
            'train_model',
            '1',
            'python train.py --data ${{inputs.data}} --model ${{outputs.output}}',
          ),
          description: 'Trains a model',
        },
      },
      {
        version: '2',
        createdAt: addMinutes(created, 90),
        properties: {
          componentSpec: spec(
            'train_model',
            '2',
            'python train.py --epochs 20 --data ${{inputs.data}} --model ${{outputs.output}}',
          ),
          description: 'Trains longer',
        },
      },
    ]),
  ];
}

function dataAssets(ctx: SeedContext, wsId: string, created: Date): ArmResource[] {
  const versions = (
    count: number,
    make: (v: number) => Record<string, unknown>,
  ): Array<{ version: string; createdAt: Date; properties: Record<string, unknown> }> =>
    Array.from({ length: count }, (_, index) => ({
      version: String(index + 1),
      createdAt: addMinutes(created, 60 * index),
      properties: make(index + 1),
    }));
  return [
    ...assetWithVersions(
      ctx,
      wsId,
      'data',
      'iris-csv',
      versions(3, (v) => ({
        dataType: 'uri_file',
        dataUri: datastorePath('workspaceblobstore', `demo/iris/v${v}/iris.csv`),
        description: `Iris measurements, revision ${v}`,
        tags: { format: 'csv', ...(v === 3 ? { validated: 'true' } : {}) },
      })),
      { dataType: 'uri_file', description: 'Iris flower measurements' },
    ),
    ...assetWithVersions(
      ctx,
      wsId,
      'data',
      'flower-images',
      versions(2, (v) => ({
        dataType: 'uri_folder',
        dataUri: datastorePath('workspaceblobstore', `demo/flowers/v${v}/`),
        description: `Labelled flower photos, batch ${v}`,
        tags: { format: 'jpeg' },
      })),
      { dataType: 'uri_folder', description: 'Flower photos by class' },
    ),
    ...assetWithVersions(
      ctx,
      wsId,
      'data',
      'taxi-trips',
      versions(4, (v) => ({
        dataType: 'mltable',
        dataUri: datastorePath('workspaceblobstore', `demo/taxi/v${v}/`),
        referencedUris: [datastorePath('workspaceblobstore', `demo/taxi/v${v}/trips.parquet`)],
        description: `NYC taxi trips, month ${v}`,
        tags: { format: 'parquet' },
      })),
      { dataType: 'mltable', description: 'NYC taxi trips as MLTable' },
    ),
    // Unlabeled pictures, for New Labeling Project from a data asset.
    ...assetWithVersions(
      ctx,
      wsId,
      'data',
      'shape-images',
      versions(1, () => ({
        dataType: 'uri_folder',
        dataUri: datastorePath('workspaceblobstore', `${SHAPE_IMAGES_PATH}/`),
        description: 'Pictures of circles, squares and triangles, not labeled yet',
        tags: { format: 'png' },
      })),
      { dataType: 'uri_folder', description: 'Shape pictures to label' },
    ),
    ...assetWithVersions(
      ctx,
      wsId,
      'data',
      'shape-table',
      versions(1, () => ({
        dataType: 'mltable',
        dataUri: datastorePath('workspaceblobstore', `${SHAPE_TABLE_PATH}/`),
        referencedUris: ['./images/*.png'],
        description: 'The shape pictures as an MLTable whose paths name them',
        tags: { format: 'png' },
      })),
      { dataType: 'mltable', description: 'Shape pictures to label, as MLTable' },
    ),
  ];
}

/** Labelled reviews for the NLP workspace's sentiment models. */
function reviewData(ctx: SeedContext, wsId: string, created: Date): ArmResource[] {
  return assetWithVersions(
    ctx,
    wsId,
    'data',
    'customer-reviews',
    [1, 2].map((v) => ({
      version: String(v),
      createdAt: addMinutes(created, 60 * 24 * 7 * v),
      properties: {
        dataType: 'uri_folder',
        dataUri: datastorePath('workspaceblobstore', `demo/reviews/v${v}/`),
        description: `Product reviews labelled positive or negative, export ${v}`,
        tags: { format: 'jsonl', labels: 'positive,negative' },
      },
    })),
    { dataType: 'uri_folder', description: 'Customer reviews with sentiment labels' },
  );
}

/** The training scripts every demo job runs, uploaded once per workspace. */
function trainingCode(ctx: SeedContext, wsId: string, created: Date): ArmResource[] {
  return assetWithVersions(ctx, wsId, 'codes', 'train-src', [
    {
      version: '1',
      createdAt: created,
      properties: {
        codeUri: `${ctx.storage.blobEndpoint}/${WORKSPACE_BLOBSTORE_CONTAINER}/${TRAINING_CODE_PREFIX}`,
        description: 'training scripts',
      },
    },
  ]);
}

interface ModelFamily {
  wsId: string;
  name: string;
  /** The experiment whose completed jobs register its versions. */
  experiment: DemoExperiment;
  versions: number;
  candidates: number[];
}

/**
 * A model's versions, each registered a quarter of an hour after a completed job of its experiment in its
 * workspace finished (one job per version, spread over the runs, oldest first), with the tags of that
 * experiment's stack and the job's final accuracy.
 */
function modelVersions(ctx: SeedContext, family: ModelFamily, completed: CompletedRun[]): ArmResource[] {
  const profile = EXPERIMENT_PROFILES[family.experiment];
  const runs = completed
    .filter((run) => run.wsId === family.wsId && run.experiment === family.experiment)
    .sort((a, b) => a.endedAt.getTime() - b.endedAt.getTime());
  if (runs.length < family.versions) {
    throw new Error(
      `The demo seed has ${runs.length} completed ${family.experiment} jobs for the ${family.versions} versions of ${family.name}.`,
    );
  }
  return assetWithVersions(
    ctx,
    family.wsId,
    'models',
    family.name,
    Array.from({ length: family.versions }, (_, index) => {
      const version = index + 1;
      const spread = family.versions === 1 ? runs.length - 1 : (index * (runs.length - 1)) / (family.versions - 1);
      const run = runs[Math.round(spread)];
      const mlflow = index % 2 === 0;
      return {
        version: String(version),
        createdAt: addMinutes(run.endedAt, 15),
        properties: {
          modelType: mlflow ? 'mlflow_model' : 'custom_model',
          modelUri: `azureml://jobs/${run.name}/outputs/artifacts/paths/model/`,
          jobName: run.name,
          description: `${family.name} v${version}, from ${run.displayName}`,
          tags: {
            ...profile.model.tags,
            ...(family.candidates.includes(version) ? { stage: 'candidate' } : {}),
          },
          properties: { accuracy: String(run.accuracy) },
          flavors: mlflow ? profile.model.flavors : {},
        },
      };
    }),
    { description: `${family.name} model family`, tags: { domain: profile.model.domain } },
  );
}
