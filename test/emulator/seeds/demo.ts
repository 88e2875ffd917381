/**
 * The demo seed: 2 subscriptions, 3 workspaces, data assets of every type, ~30 jobs over 3 experiments
 * (one pipeline with steps, completed/failed/canceled/running), models with tagged versions, computes,
 * environments, components and the default datastores.
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
  stableUuid,
  workspaceResource,
} from './builders';
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
    '    loss = round(1.0 / (1 + 0.05 * step) + 0.01 * math.sin(step), 5)',
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

export function demoSeed(ctx: SeedContext): SeedData {
  const resources: ArmResource[] = [];
  const jobHistories: SeededJobInfo[] = [];
  const jobsToStart: string[] = [];

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
  for (const [index, w] of workspaces.entries()) {
    const wsId = workspaceId(w.ref.subscriptionId, w.ref.resourceGroup, w.ref.workspace);
    const created = addMinutes(BASE, -60 * 24 * 30 + index * 60);
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

  // 26 terminal command jobs over three experiments, plus a pipeline with 3 steps, plus 2 running jobs.
  const experiments = ['iris-training', 'image-classification', 'sentiment-analysis'];
  for (let i = 0; i < 26; i++) {
    const experiment = experiments[i % 3];
    const wsId = experiment === 'sentiment-analysis' ? nlp : i % 7 === 6 ? prod : vision;
    const status = i % 9 === 4 ? 'Failed' : i === 13 ? 'Canceled' : 'Completed';
    const name = `${experiment.split('-')[0]}_${stableUuid(`demo-job-${i}`).slice(0, 8)}`;
    const created = addMinutes(BASE, i * 95);
    const durationMinutes = 4 + (i % 5) * 3;
    const lr = [0.1, 0.03, 0.01, 0.003][i % 4];
    const job = jobResource(
      ctx,
      wsId,
      name,
      commandJobProperties(wsId, experiment, `${experiment} run ${i + 1}`, lr, i),
      status,
      created,
      addMinutes(created, durationMinutes),
    );
    resources.push(job);
    jobHistories.push(history(job.id, created, durationMinutes, status, lr, i));
  }

  const pipelineName = `pipeline_${stableUuid('demo-pipeline').slice(0, 8)}`;
  const pipelineCreated = addMinutes(BASE, 27 * 95);
  const steps = ['prep_data', 'train_model', 'evaluate_model'];
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
        raw: {
          jobInputType: 'uri_file',
          uri: datastorePath('workspaceblobstore', 'demo/iris/iris.csv'),
          mode: 'ReadOnlyMount',
        },
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
  jobHistories.push({ ...history(pipeline.id, pipelineCreated, 25, 'Completed', 0.01, 99), metrics: {} });
  steps.forEach((step, index) => {
    const childName = `${pipelineName}_${step}`;
    const created = addMinutes(pipelineCreated, 1 + index * 8);
    const child = jobResource(
      ctx,
      vision,
      childName,
      {
        ...commandJobProperties(vision, 'iris-training', step, 0.01, index),
        properties: {
          [PIPELINE_PARENT_PROPERTY]: pipelineName,
          'azureml.nodeid': step,
          'azureml.runsource': 'azureml.StepRun',
        },
      },
      'Completed',
      created,
      addMinutes(created, 7),
    );
    resources.push(child);
    jobHistories.push({ ...history(child.id, created, 7, 'Completed', 0.01, index), parentJobName: pipelineName });
  });

  // Running jobs: created as NotStarted now, then really executed by the runtime.
  for (const [index, wsId] of [vision, nlp].entries()) {
    const experiment = index === 0 ? 'image-classification' : 'sentiment-analysis';
    const name = `live_${stableUuid(`demo-running-${index}`).slice(0, 8)}`;
    const now = new Date(Date.now() - (2 - index) * 1000);
    const properties = {
      ...commandJobProperties(wsId, experiment, `${experiment} (live)`, 0.01, index),
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

  resources.push(...models(ctx, vision, 'iris-classifier', 5, [2, 4], BASE, jobHistories));
  resources.push(...models(ctx, vision, 'resnet-finetuned', 3, [3], addMinutes(BASE, 400), jobHistories));
  resources.push(...models(ctx, nlp, 'sentiment-bert', 4, [1, 4], addMinutes(BASE, 800), jobHistories));
  resources.push(...models(ctx, prod, 'iris-classifier', 2, [2], addMinutes(BASE, 1200), jobHistories));
  resources.push(
    ...assetWithVersions(ctx, vision, 'codes', 'train-src', [
      {
        version: '1',
        createdAt: BASE,
        properties: {
          codeUri: `${ctx.storage.blobEndpoint}/azureml-blobstore-00000000-0000-4000-8000-000000000000/LocalUpload/train-src/1`,
          description: 'training scripts',
        },
      },
    ]),
  );

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
  };
}

function commandJobProperties(
  wsId: string,
  experiment: string,
  displayName: string,
  lr: number,
  i: number,
): Record<string, unknown> {
  return {
    jobType: 'Command',
    displayName,
    experimentName: experiment,
    description: `Train with learning rate ${lr}`,
    tags: { lr: String(lr), ...(i % 4 === 0 ? { baseline: 'true' } : {}), owner: i % 2 === 0 ? 'alice' : 'bob' },
    computeId: `${wsId}/computes/${i % 3 === 1 ? 'gpu-cluster' : 'cpu-cluster'}`,
    environmentId: `${wsId}/environments/sklearn-env/versions/2`,
    codeId: `${wsId}/codes/train-src/versions/1`,
    command: `python train.py --learning-rate ${lr} --epochs 10 --data \${{inputs.training_data}} --model-dir \${{outputs.model}}`,
    inputs: {
      training_data: {
        jobInputType: 'uri_file',
        uri: datastorePath('workspaceblobstore', 'demo/iris/iris.csv'),
        mode: 'ReadOnlyMount',
      },
      learning_rate: { jobInputType: 'literal', value: String(lr) },
    },
    outputs: {
      model: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' },
    },
    resources: { instanceCount: 1 },
    environmentVariables: {},
  };
}

function history(jobId: string, created: Date, minutes: number, status: string, lr: number, i: number): SeededJobInfo {
  const steps = 10;
  const loss = Array.from({ length: steps }, (_, s) =>
    round(1.2 * Math.exp(-lr * 20 * (s + 1)) + 0.05 + (i % 3) * 0.01),
  );
  const accuracy = Array.from({ length: steps }, (_, s) =>
    round(Math.min(0.99, 0.55 + (s + 1) * lr * 4 + (i % 4) * 0.01)),
  );
  const failed = status === 'Failed';
  const lines = [`Starting training with learning rate ${lr}`];
  const upTo = failed ? 4 : status === 'Canceled' ? 6 : steps;
  for (let s = 0; s < upTo; s++) lines.push(`epoch ${s + 1}/${steps} loss=${loss[s]} accuracy=${accuracy[s]}`);
  if (failed)
    lines.push(
      'Traceback (most recent call last):',
      '  File "train.py", line 42, in <module>',
      'ValueError: Input contains NaN',
    );
  if (!failed && status !== 'Canceled') lines.push('Training complete, model saved to outputs/model');
  return {
    jobId,
    startTimeUtc: addMinutes(created, 1).toISOString(),
    endTimeUtc: addMinutes(created, minutes).toISOString(),
    stdLog: `${lines.join('\n')}\n`,
    metrics: { loss: loss.slice(0, upTo), accuracy: accuracy.slice(0, upTo) },
    params: { learning_rate: String(lr), epochs: String(steps) },
    ...(failed
      ? {
          error: {
            code: 'UserError',
            message:
              "Execution failed. User process 'python' exited with status code 1. Please check log file 'user_logs/std_log.txt' for error details. Error: ValueError: Input contains NaN",
          },
        }
      : {}),
  };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

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
          description: 'PyTorch 2.2 with CUDA 12.1',
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
  ];
}

function models(
  ctx: SeedContext,
  wsId: string,
  name: string,
  count: number,
  candidates: number[],
  start: Date,
  jobs: SeededJobInfo[],
): ArmResource[] {
  const wsJobs = jobs.filter((j) => j.jobId.toLowerCase().startsWith(`${wsId.toLowerCase()}/jobs/`));
  return assetWithVersions(
    ctx,
    wsId,
    'models',
    name,
    Array.from({ length: count }, (_, index) => {
      const version = index + 1;
      const job = wsJobs[index % Math.max(1, wsJobs.length)];
      const jobName = job?.jobId.split('/').pop();
      return {
        version: String(version),
        createdAt: addMinutes(start, index * 120),
        properties: {
          modelType: index % 2 === 0 ? 'mlflow_model' : 'custom_model',
          modelUri: jobName
            ? `azureml://jobs/${jobName}/outputs/artifacts/paths/model/`
            : datastorePath('workspaceblobstore', `models/${name}/${version}/`),
          jobName,
          description: `${name} v${version}`,
          tags: {
            framework: name.includes('bert') ? 'pytorch' : 'sklearn',
            ...(candidates.includes(version) ? { stage: 'candidate' } : {}),
          },
          properties: { accuracy: String(0.8 + version * 0.02) },
          flavors: index % 2 === 0 ? { python_function: { data: { loader_module: 'mlflow.sklearn' } } } : {},
        },
      };
    }),
    { description: `${name} model family`, tags: { domain: name.split('-')[0] } },
  );
}
