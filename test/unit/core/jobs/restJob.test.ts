import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { corpus, fakeResolvers, jobFiles, refusal, workspace, wsId } from './corpus';
import {
  JobConversionError,
  missingForSubmit,
  toRestJob,
  type ConvertOptions,
} from '../../../../src/core/jobs/restJob';

/** A converted body, walked freely by the assertions (which check the values they reach). */
interface Tree {
  [key: string]: Tree;
}

function corpusFile(path: string): { document: unknown; fileDir: string } {
  const file = join(corpus, path);
  return { document: parse(readFileSync(file, 'utf8')), fileDir: dirname(file) };
}

async function convertCorpus(path: string, overrides?: ConvertOptions['overrides']) {
  const { document, fileDir } = corpusFile(path);
  const fake = fakeResolvers();
  const job = await toRestJob(document, { fileDir, workspace, resolvers: fake.resolvers, overrides });
  return { job, properties: job.body.properties as Tree, asked: fake.asked, fileDir };
}

async function convertInline(yaml: string, overrides?: ConvertOptions['overrides'], files?: Record<string, unknown>) {
  const fake = fakeResolvers(files);
  const fileDir = join(corpus, 'single-step', 'lightgbm', 'iris');
  const job = await toRestJob(parse(yaml), { fileDir, workspace, resolvers: fake.resolvers, overrides });
  return { job, properties: job.body.properties as Tree, asked: fake.asked, fileDir };
}

async function conversionError(yaml: string): Promise<JobConversionError> {
  try {
    await convertInline(yaml);
  } catch (error) {
    assert.ok(error instanceof JobConversionError, `expected a JobConversionError, got ${String(error)}`);
    return error;
  }
  return assert.fail('the conversion should have failed');
}

describe('core/jobs/restJob: the azureml-examples job corpus', () => {
  const files = jobFiles();

  it('finds the corpus job files', () => {
    assert.ok(files.length > 50, `only ${files.length} job files found`);
  });

  for (const file of files) {
    const expected = refusal(file);
    it(`${expected ? 'refuses' : 'converts'} ${file}`, async () => {
      const { document, fileDir } = corpusFile(file);
      const fake = fakeResolvers();
      const conversion = toRestJob(document, { fileDir, workspace, resolvers: fake.resolvers });
      if (!expected) {
        const job = await conversion;
        const properties = job.body.properties as Record<string, unknown>;
        assert.match(String(properties.jobType), /^(Command|Sweep|Pipeline)$/);
        assert.equal(typeof properties.experimentName, 'string');
        return;
      }
      await assert.rejects(conversion, (error: unknown) => {
        assert.ok(error instanceof JobConversionError);
        assert.deepEqual(error.path, expected.path);
        assert.match(error.message, expected.reason);
        return true;
      });
    });
  }
});

describe('core/jobs/restJob: command jobs', () => {
  it('converts the dask example field by field', async () => {
    const { job, properties, asked, fileDir } = await convertCorpus('single-step/dask/nyctaxi/job.yml');
    assert.equal(job.name, undefined);
    assert.equal(properties.jobType, 'Command');
    assert.equal(properties.displayName, 'dask-nyctaxi-example');
    assert.equal(properties.experimentName, 'dask-nyctaxi-example');
    assert.match(String(properties.description), /^This sample shows how to run a distributed DASK job/);
    assert.equal(properties.computeId, `${wsId}/computes/cpu-cluster-lg`);
    assert.deepEqual(asked.code, [join(fileDir, 'src')]);
    assert.equal(properties.codeId, `${wsId}/codes/code-1/versions/1`);
    assert.equal(
      properties.command,
      'python startDask.py --script prep-nyctaxi.py  --nyc_taxi_dataset ${{inputs.nyc_taxi_dataset}} --output_folder ${{outputs.output_folder}}',
    );
    assert.equal(properties.environmentId, `${wsId}/environments/env-1/versions/1`);
    assert.deepEqual(properties.inputs, {
      nyc_taxi_dataset: {
        jobInputType: 'uri_folder',
        uri: 'wasbs://datasets@azuremlexamples.blob.core.windows.net/nyctaxi/',
        mode: 'ReadOnlyMount',
      },
    });
    assert.deepEqual(properties.outputs, { output_folder: { jobOutputType: 'uri_folder' } });
    assert.deepEqual(properties.distribution, { distributionType: 'PyTorch' });
    assert.deepEqual(properties.resources, { instanceCount: 4 });
  });

  it('registers an inline environment with its image and the conda file read next to the YAML', async () => {
    const { asked } = await convertCorpus('single-step/dask/nyctaxi/job.yml');
    assert.equal(asked.environment.length, 1);
    assert.equal(asked.environment[0].image, 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04');
    const conda = parse(readFileSync(join(corpus, 'single-step/dask/nyctaxi/conda.yaml'), 'utf8'));
    assert.deepEqual(parse(asked.environment[0].condaFile ?? ''), conda);
  });

  it('registers a Docker build context as an absolute folder with the default Dockerfile', async () => {
    const { asked, fileDir } = await convertCorpus('single-step/r/accidents/job.yml');
    assert.deepEqual(asked.environment, [
      { build: { context: join(fileDir, 'docker-context'), dockerfilePath: 'Dockerfile' } },
    ]);
  });

  it('uploads a local input and gives a folder URI its trailing slash', async () => {
    const { properties, asked, fileDir } = await convertCorpus('single-step/pytorch/word-language-model/job.yml');
    assert.deepEqual(asked.localInput, [[join(fileDir, 'data'), 'uri_folder']]);
    assert.deepEqual(properties.inputs.corpus, {
      jobInputType: 'uri_folder',
      uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/single-step/pytorch/word-language-model/data/',
      mode: 'Download',
    });
    assert.deepEqual(properties.inputs.epochs, { jobInputType: 'literal', value: '1' });
    assert.deepEqual(properties.inputs.model, { jobInputType: 'literal', value: 'Transformer' });
  });

  it('converts the limits timeout to an ISO 8601 duration and keeps distribution counts', async () => {
    const { properties } = await convertCorpus('deepspeed/deepspeed-training/job.yml');
    assert.deepEqual(properties.limits, { jobLimitsType: 'Command', timeout: 'PT15M' });
    assert.deepEqual(properties.distribution, { distributionType: 'PyTorch', processCountPerInstance: 8 });
    assert.deepEqual(properties.outputs.output, {
      jobOutputType: 'uri_folder',
      uri: 'azureml://datastores/workspaceblobstore/paths/outputs/training_results',
      mode: 'ReadWriteMount',
    });
  });

  it('passes registry environments and curated @latest names through as azure-ai-ml does', async () => {
    const diabetes = await convertCorpus('single-step/scikit-learn/diabetes/job.yml');
    assert.equal(
      diabetes.properties.environmentId,
      'azureml://registries/azureml/environments/sklearn-1.5/labels/latest',
    );
    const mnist = await convertCorpus('single-step/tensorflow/mnist/job.yml');
    assert.equal(mnist.properties.environmentId, 'azureml:AzureML-tensorflow-2.16-cuda12@latest');
    assert.deepEqual(mnist.asked.latestVersion, []);
  });

  it('resolves workspace environments by version, by @latest and by ARM id', async () => {
    const base = 'command: echo hi\ncompute: cpu\nenvironment: ';
    assert.equal(
      (await convertInline(`${base}azureml:my-env:3`)).properties.environmentId,
      `${wsId}/environments/my-env/versions/3`,
    );
    const latest = await convertInline(`${base}azureml:my-env@latest`);
    assert.equal(latest.properties.environmentId, `${wsId}/environments/my-env/versions/7`);
    assert.deepEqual(latest.asked.latestVersion, [['environments', 'my-env']]);
    const armId = `${wsId}/environments/other/versions/2`;
    assert.equal((await convertInline(`${base}azureml:${armId}`)).properties.environmentId, armId);
  });

  it('writes compute as its ARM id whether given with azureml:, bare, or as an ARM id', async () => {
    const base = 'command: echo hi\nenvironment: azureml:e:1\ncompute: ';
    assert.equal((await convertInline(`${base}azureml:gpu`)).properties.computeId, `${wsId}/computes/gpu`);
    assert.equal((await convertInline(`${base}gpu`)).properties.computeId, `${wsId}/computes/gpu`);
    assert.equal((await convertInline(`${base}${wsId}/computes/x`)).properties.computeId, `${wsId}/computes/x`);
    assert.equal((await convertInline(`${base}azureml:serverless`)).properties.computeId, undefined);
  });

  it('writes every input type and mode with the REST names, and data references as ARM ids', async () => {
    const { properties, asked } = await convertInline(`
command: python run.py
environment: azureml:e:1
compute: cpu
inputs:
  rate: 0.5
  flag: true
  label: hello
  count: { type: integer, default: 3 }
  file: { type: uri_file, path: azureml:iris:2, mode: ro_mount }
  folder: { type: uri_folder, path: azureml:images@latest, mode: rw_mount }
  table: { type: mltable, path: azureml://datastores/workspaceblobstore/paths/t/, mode: eval_mount }
  table2: { type: mltable, path: abfss://c@acct.dfs.core.windows.net/t, mode: eval_download }
  custom: { type: custom_model, path: azureml:my-model:4, mode: download }
  flow: { type: mlflow_model, path: azureml:flow-model@latest, mode: direct }
  triton: { type: triton_model, path: azureml://jobs/run-1/outputs/artifacts/paths/model/, mode: mount }
  remote: { type: uri_file, path: https://example.com/data.csv }
`);
    assert.deepEqual(properties.inputs, {
      rate: { jobInputType: 'literal', value: '0.5' },
      flag: { jobInputType: 'literal', value: 'True' },
      label: { jobInputType: 'literal', value: 'hello' },
      count: { jobInputType: 'literal', value: '3' },
      file: { jobInputType: 'uri_file', uri: `${wsId}/data/iris/versions/2`, mode: 'ReadOnlyMount' },
      folder: { jobInputType: 'uri_folder', uri: `${wsId}/data/images/versions/7`, mode: 'ReadWriteMount' },
      table: { jobInputType: 'mltable', uri: 'azureml://datastores/workspaceblobstore/paths/t/', mode: 'EvalMount' },
      table2: { jobInputType: 'mltable', uri: 'abfss://c@acct.dfs.core.windows.net/t', mode: 'EvalDownload' },
      custom: { jobInputType: 'custom_model', uri: `${wsId}/models/my-model/versions/4`, mode: 'Download' },
      flow: { jobInputType: 'mlflow_model', uri: `${wsId}/models/flow-model/versions/7`, mode: 'Direct' },
      triton: {
        jobInputType: 'triton_model',
        uri: 'azureml://jobs/run-1/outputs/artifacts/paths/model/',
        mode: 'ReadOnlyMount',
      },
      remote: { jobInputType: 'uri_file', uri: 'https://example.com/data.csv' },
    });
    assert.deepEqual(asked.latestVersion, [
      ['data', 'images'],
      ['models', 'flow-model'],
    ]);
  });

  it('writes outputs of every type and mode, with asset name and version', async () => {
    const { properties } = await convertInline(`
command: python run.py
environment: azureml:e:1
compute: cpu
outputs:
  model: { type: mlflow_model, mode: upload, name: my-model, version: 3 }
  folder: { mode: rw_mount, path: azureml://datastores/workspaceblobstore/paths/out/ }
  file: { type: uri_file, mode: direct }
  table: { type: mltable }
  custom: { type: custom_model }
  triton: { type: triton_model, mode: mount }
  empty:
`);
    assert.deepEqual(properties.outputs, {
      model: { jobOutputType: 'mlflow_model', mode: 'Upload', assetName: 'my-model', assetVersion: '3' },
      folder: {
        jobOutputType: 'uri_folder',
        uri: 'azureml://datastores/workspaceblobstore/paths/out/',
        mode: 'ReadWriteMount',
      },
      file: { jobOutputType: 'uri_file', mode: 'Direct' },
      table: { jobOutputType: 'mltable' },
      custom: { jobOutputType: 'custom_model' },
      triton: { jobOutputType: 'triton_model', mode: 'ReadWriteMount' },
      empty: { jobOutputType: 'uri_folder' },
    });
  });

  it('writes resources, tensorflow and mpi distributions, identity, services, queue settings and metadata', async () => {
    const { properties } = await convertInline(`
name: my-run-1
command: python run.py
environment: azureml:e:1
compute: cpu
tags: { team: vision, attempt: 2 }
properties: { reason: test }
environment_variables: { DEBUG: 1 }
resources: { instance_count: 2, instance_type: Standard_NC6, shm_size: 8g, docker_args: --ipc=host, properties: { key: value } }
distribution: { type: tensorflow, worker_count: 2, parameter_server_count: 1 }
identity: { type: managed, client_id: abc }
services:
  lab: { type: jupyter_lab }
  board: { type: tensor_board, log_dir: outputs/tb }
queue_settings: { job_tier: spot }
limits: { timeout: 90061 }
`);
    assert.deepEqual(properties.tags, { team: 'vision', attempt: '2' });
    assert.deepEqual(properties.properties, { reason: 'test' });
    assert.deepEqual(properties.environmentVariables, { DEBUG: '1' });
    assert.deepEqual(properties.resources, {
      instanceCount: 2,
      instanceType: 'Standard_NC6',
      shmSize: '8g',
      dockerArgs: '--ipc=host',
      properties: { key: 'value' },
    });
    assert.deepEqual(properties.distribution, {
      distributionType: 'TensorFlow',
      workerCount: 2,
      parameterServerCount: 1,
    });
    assert.deepEqual(properties.identity, { identityType: 'Managed', clientId: 'abc' });
    assert.deepEqual(properties.services, {
      lab: { jobServiceType: 'JupyterLab' },
      board: { jobServiceType: 'TensorBoard', properties: { logDir: 'outputs/tb' } },
    });
    assert.deepEqual(properties.queueSettings, { jobTier: 'Spot' });
    assert.deepEqual(properties.limits, { jobLimitsType: 'Command', timeout: 'P1DT1H1M1S' });
    const mpi = await convertCorpus('single-step/lightgbm/iris/job.yml');
    assert.equal(mpi.properties.distribution, undefined);
    const { properties: withMpi } = await convertInline(
      'command: a\nenvironment: azureml:e:1\ncompute: c\ndistribution: { type: mpi, process_count_per_instance: 4 }',
    );
    assert.deepEqual(withMpi.distribution, { distributionType: 'Mpi', processCountPerInstance: 4 });
  });

  it('returns the YAML name separately from the body', async () => {
    const { job } = await convertInline('name: my-run-1\ncommand: a\nenvironment: azureml:e:1\ncompute: c');
    assert.equal(job.name, 'my-run-1');
    assert.equal('name' in job.body.properties, false);
  });

  it('lets overrides win over the file, and defaults the experiment to the folder name', async () => {
    const yaml =
      'command: python run.py --lr ${{inputs.lr}}\nenvironment: azureml:e:1\ncompute: cpu\ndisplay_name: file\ninputs: { lr: 0.1 }';
    const { properties } = await convertInline(yaml, {
      compute: 'azureml:gpu',
      experimentName: 'chosen',
      displayName: 'rerun',
      set: { 'inputs.lr': 0.5 },
    });
    assert.equal(properties.computeId, `${wsId}/computes/gpu`);
    assert.equal(properties.experimentName, 'chosen');
    assert.equal(properties.displayName, 'rerun');
    assert.deepEqual(properties.inputs.lr, { jobInputType: 'literal', value: '0.5' });
    assert.equal((await convertInline(yaml)).properties.experimentName, 'iris');
  });
});

describe('core/jobs/restJob: pipeline jobs', () => {
  it('registers each component file once and binds steps to pipeline inputs, outputs and other steps', async () => {
    const { properties, asked, fileDir } = await convertCorpus(
      'pipelines-with-components/nyc_taxi_data_regression/pipeline.yml',
    );
    assert.equal(properties.jobType, 'Pipeline');
    assert.deepEqual(properties.settings, {
      default_datastore: `${wsId}/datastores/workspaceblobstore`,
      default_compute: `${wsId}/computes/cpu-cluster`,
      continue_on_step_failure: false,
      _source: 'YAML.JOB',
    });
    assert.deepEqual(properties.outputs, {
      pipeline_job_trained_model: { jobOutputType: 'mlflow_model', mode: 'ReadWriteMount' },
      pipeline_job_predictions: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' },
      pipeline_job_score_report: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' },
    });
    assert.equal(asked.component.length, 5);
    const prep = asked.component[0];
    assert.equal(prep.name, 'prep_taxi_data');
    assert.equal(prep.code, `azureml:${wsId}/codes/code-1/versions/1`);
    assert.equal(prep.environment, 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest');
    assert.deepEqual(asked.code[0], join(fileDir, 'prep_src'));
    const jobs = properties.jobs;
    assert.deepEqual(jobs.prep_job, {
      name: 'prep_job',
      type: 'command',
      inputs: {
        raw_data: {
          job_input_type: 'uri_folder',
          uri: 'azureml://datastores/workspaceblobstore/paths/LocalUpload/pipelines-with-components/nyc_taxi_data_regression/data/',
        },
      },
      _source: 'YAML.JOB',
      componentId: `${wsId}/components/component-1/versions/1`,
    });
    assert.deepEqual(jobs.train_job.inputs, {
      training_data: { job_input_type: 'literal', value: '${{parent.jobs.transform_job.outputs.transformed_data}}' },
    });
    assert.deepEqual(jobs.train_job.outputs, {
      model_output: { value: '${{parent.outputs.pipeline_job_trained_model}}', type: 'literal' },
    });
  });

  it('resolves registered components by @latest and carries step services', async () => {
    const { properties, asked } = await convertCorpus(
      'pipelines-with-components/basics/1b_e2e_registered_components/pipeline.yml',
    );
    assert.deepEqual(asked.latestVersion, [
      ['components', 'my_train'],
      ['components', 'my_score'],
      ['components', 'my_eval'],
    ]);
    const train = properties.jobs.train_job;
    assert.equal(train.componentId, `${wsId}/components/my_train/versions/7`);
    assert.deepEqual(train.inputs.max_epocs, {
      job_input_type: 'literal',
      value: '${{parent.inputs.pipeline_job_training_max_epocs}}',
    });
    assert.deepEqual(train.services.my_tensorboard, {
      job_service_type: 'TensorBoard',
      properties: { logDir: 'outputs/tblogs' },
    });
    assert.deepEqual(properties.inputs.pipeline_job_training_learning_rate, { jobInputType: 'literal', value: '1.8' });
    assert.deepEqual(properties.outputs.pipeline_job_trained_model, { jobOutputType: 'uri_folder', mode: 'Upload' });
  });

  it('builds anonymous components for inline steps with types inferred from their bindings', async () => {
    const { properties, asked } = await convertCorpus('pipelines/cifar-10/pipeline.yml');
    assert.equal(asked.component.length, 3);
    const train = asked.component[1];
    assert.equal(train.type, 'command');
    assert.equal(
      train.environment,
      'azureml://registries/azureml/environments/acpt-pytorch-2.8-cuda12.6/labels/latest',
    );
    assert.deepEqual(train.inputs, { epochs: { type: 'integer', default: 1 }, cifar: { type: 'uri_folder' } });
    assert.deepEqual(train.outputs, { model_dir: { type: 'uri_folder' } });
    const step = properties.jobs.train_model;
    assert.equal(step.componentId, `${wsId}/components/component-2/versions/1`);
    assert.deepEqual(step.distribution, { distribution_type: 'PyTorch', process_count_per_instance: 1 });
    assert.deepEqual(step.resources, { instance_count: 2 });
    assert.equal(step.computeId, `${wsId}/computes/gpu-cluster`);
  });

  it('converts a sweep step with its trial component file', async () => {
    const { properties, asked } = await convertCorpus(
      'pipelines-with-components/pipeline_with_hyperparameter_sweep/pipeline.yml',
    );
    const sweep = properties.jobs.sweep_step;
    assert.equal(sweep.type, 'sweep');
    assert.deepEqual(sweep.trial, { componentId: `${wsId}/components/component-1/versions/1` });
    assert.equal(asked.component[0].name, 'train_model');
    assert.equal(sweep.sampling_algorithm, 'random');
    assert.deepEqual(sweep.search_space.c_value, { type: 'uniform', min_value: 0.5, max_value: 0.9 });
    assert.deepEqual(sweep.inputs.shrinking, { job_input_type: 'literal', value: 'False' });
    assert.equal(sweep.outputs, undefined);
  });

  it('applies the chosen compute as the default compute', async () => {
    const { properties } = await convertCorpus('pipelines/tensorflow-image-segmentation/pipeline.yml', {
      compute: 'cpu-cluster',
    });
    assert.equal(properties.settings.default_compute, `${wsId}/computes/cpu-cluster`);
    assert.equal(properties.settings.continue_on_step_failure, true);
  });
});

describe('core/jobs/restJob: sweep jobs', () => {
  it('converts the lightgbm sweep field by field', async () => {
    const { properties, fileDir, asked } = await convertCorpus('single-step/lightgbm/iris/job-sweep.yml');
    assert.equal(properties.jobType, 'Sweep');
    assert.deepEqual(properties.samplingAlgorithm, { samplingAlgorithmType: 'Random' });
    assert.deepEqual(properties.searchSpace, {
      learning_rate: ['uniform', [0.01, 0.9]],
      boosting: ['choice', [['gbdt', 'dart']]],
    });
    assert.deepEqual(properties.objective, { goal: 'Minimize', primaryMetric: 'test-multi_logloss' });
    assert.deepEqual(properties.limits, {
      jobLimitsType: 'Sweep',
      maxTotalTrials: 20,
      maxConcurrentTrials: 10,
      timeout: 'PT2H',
    });
    assert.deepEqual(asked.code, [join(fileDir, 'src')]);
    assert.equal(properties.trial.codeId, `${wsId}/codes/code-1/versions/1`);
    assert.match(String(properties.trial.command), /--learning-rate \$\{\{search_space\.learning_rate\}\}/);
  });

  it('writes every search-space type, sampling object and early-termination policy', async () => {
    const base = `
type: sweep
compute: cpu
trial: { command: python t.py, environment: azureml:e:1 }
objective: { goal: maximize, primary_metric: acc }
limits: { max_total_trials: 4, trial_timeout: 60 }
search_space:
  a: { type: choice, values: [1, 2] }
  b: { type: randint, upper: 5 }
  c: { type: uniform, min_value: 0, max_value: 1 }
  d: { type: loguniform, min_value: -3, max_value: 0 }
  e: { type: quniform, min_value: 1, max_value: 9, q: 2 }
  f: { type: qloguniform, min_value: 1, max_value: 3, q: 1 }
  g: { type: normal, mu: 0, sigma: 1 }
  h: { type: lognormal, mu: 0, sigma: 1 }
  i: { type: qnormal, mu: 0, sigma: 1, q: 1 }
  j: { type: qlognormal, mu: 0, sigma: 1, q: 2 }
`;
    const { properties } = await convertInline(`${base}
sampling_algorithm: { type: random, seed: 42, rule: sobol }
early_termination: { type: bandit, evaluation_interval: 2, delay_evaluation: 6, slack_factor: 0.2 }
`);
    assert.deepEqual(properties.searchSpace, {
      a: ['choice', [[1, 2]]],
      b: ['randint', [5]],
      c: ['uniform', [0, 1]],
      d: ['loguniform', [-3, 0]],
      e: ['quniform', [1, 9, 2]],
      f: ['qloguniform', [1, 3, 1]],
      g: ['normal', [0, 1]],
      h: ['lognormal', [0, 1]],
      i: ['qnormal', [0, 1, 1]],
      j: ['qlognormal', [0, 1, 2]],
    });
    assert.deepEqual(properties.samplingAlgorithm, { samplingAlgorithmType: 'Random', seed: 42, rule: 'Sobol' });
    assert.deepEqual(properties.earlyTermination, {
      policyType: 'Bandit',
      evaluationInterval: 2,
      delayEvaluation: 6,
      slackFactor: 0.2,
    });
    assert.deepEqual(properties.objective, { goal: 'Maximize', primaryMetric: 'acc' });
    assert.deepEqual(properties.limits, { jobLimitsType: 'Sweep', maxTotalTrials: 4, trialTimeout: 'PT1M' });
    const median = await convertInline(
      `${base}\nsampling_algorithm: grid\nearly_termination: { type: median_stopping, evaluation_interval: 1 }`,
    );
    assert.deepEqual(median.properties.samplingAlgorithm, { samplingAlgorithmType: 'Grid' });
    assert.deepEqual(median.properties.earlyTermination, { policyType: 'MedianStopping', evaluationInterval: 1 });
    const truncation = await convertInline(
      `${base}\nsampling_algorithm: bayesian\nearly_termination: { type: truncation_selection, truncation_percentage: 20 }`,
    );
    assert.deepEqual(truncation.properties.samplingAlgorithm, { samplingAlgorithmType: 'Bayesian' });
    assert.deepEqual(truncation.properties.earlyTermination, {
      policyType: 'TruncationSelection',
      truncationPercentage: 20,
    });
  });
});

describe('core/jobs/restJob: missingForSubmit', () => {
  it('asks for compute only when nothing names one', () => {
    assert.deepEqual(missingForSubmit(parse('command: a')), ['compute']);
    assert.deepEqual(missingForSubmit(parse('command: a\ncompute: azureml:cpu')), []);
    assert.deepEqual(missingForSubmit(parse('type: sweep\ntrial: { command: a }')), ['compute']);
    assert.deepEqual(
      missingForSubmit(parse('type: pipeline\nsettings: { default_compute: cpu }\njobs: { a: { command: x } }')),
      [],
    );
    assert.deepEqual(missingForSubmit(parse('type: pipeline\njobs: { a: { compute: c }, b: { compute: d } }')), []);
    assert.deepEqual(missingForSubmit(parse('type: pipeline\njobs: { a: { compute: c }, b: { command: x } }')), [
      'compute',
    ]);
  });

  it('agrees with the corpus: the tensorflow pipeline leaves one step without compute', () => {
    assert.deepEqual(missingForSubmit(corpusFile('pipelines/tensorflow-image-segmentation/pipeline.yml').document), []);
    assert.deepEqual(
      missingForSubmit(corpusFile('pipelines-with-components/basics/3a_basic_pipeline/pipeline.yml').document),
      [],
    );
  });
});

describe('core/jobs/restJob: errors', () => {
  it('points at the key a mistake is about', async () => {
    const cases: Array<[string, (string | number)[], RegExp]> = [
      ['type: automl\ntask: classification', ['type'], /AutoML jobs cannot be submitted/],
      ['type: spark\nentry: { file: a.py }', ['type'], /Spark jobs/],
      ['environment: azureml:e:1\ncompute: c', ['command'], /needs a `command`/],
      ['command: a ${{inputs.missing}}\nenvironment: azureml:e:1', ['command'], /no input `missing`/],
      ['command: a\nenvironment: my-env', ['environment'], /azureml:my-env/],
      ['command: a\nenvironment: azureml:my-env', ['environment'], /must name a version/],
      [
        'command: a\nenvironment: azureml:e:1\ninputs: { x: { type: uri_file, path: a, mode: upload } }',
        ['inputs', 'x', 'mode'],
        /not an input mode/,
      ],
      [
        'command: a\nenvironment: azureml:e:1\ninputs: { x: { type: table, path: a } }',
        ['inputs', 'x', 'type'],
        /not a data type/,
      ],
      [
        'command: a\nenvironment: azureml:e:1\noutputs: { y: { mode: download } }',
        ['outputs', 'y', 'mode'],
        /not an output mode/,
      ],
      [
        'command: a\nenvironment: azureml:e:1\ndistribution: { type: ray }',
        ['distribution', 'type'],
        /pytorch, tensorflow or mpi/,
      ],
      [
        'command: a\nenvironment: azureml:e:1\nresources: { instance_count: 0 }',
        ['resources', 'instance_count'],
        /at least 1/,
      ],
      ['command: a\nenvironment: azureml:e:1\nlimits: { timeout: soon }', ['limits', 'timeout'], /seconds/],
      [
        'command: a\nenvironment: azureml:e:1\ninputs: { bad-name: 1 }',
        ['inputs', 'bad-name'],
        /letters, digits and underscores/,
      ],
      [
        'type: sweep\ntrial: { command: a, environment: azureml:e:1 }\nobjective: { goal: up, primary_metric: m }\nsampling_algorithm: random\nsearch_space: { x: { type: choice, values: [1] } }',
        ['objective', 'goal'],
        /minimize or maximize/,
      ],
      [
        'type: sweep\ntrial: { command: a, environment: azureml:e:1 }\nobjective: { goal: minimize, primary_metric: m }\nsampling_algorithm: random\nsearch_space: { x: { type: gaussian } }',
        ['search_space', 'x', 'type'],
        /not a search-space type/,
      ],
      [
        'type: sweep\ntrial: { command: "a ${{search_space.y}}", environment: azureml:e:1 }\nobjective: { goal: minimize, primary_metric: m }\nsampling_algorithm: random\nsearch_space: { x: { type: randint, upper: 3 } }',
        ['trial', 'command'],
        /does not define/,
      ],
      ['type: pipeline\njobs: { s: { type: parallel } }', ['jobs', 's', 'type'], /parallel steps/],
      ['type: pipeline\njobs: { s: { command: a } }', ['jobs', 's'], /needs an `environment`/],
      [
        'type: pipeline\njobs: { s: { command: a, environment: azureml:e:1, inputs: { x: "${{parent.inputs.nope}}" } } }',
        ['jobs', 's', 'inputs', 'x'],
        /no pipeline input `nope`/,
      ],
      ['type: pipeline\njobs: { s: { component: azureml:comp } }', ['jobs', 's', 'component'], /must name a version/],
      ['type: pipeline\njobs: {}', ['jobs'], /at least one step/],
    ];
    for (const [yaml, path, message] of cases) {
      const error = await conversionError(yaml);
      assert.deepEqual(error.path, path, `path for: ${yaml}`);
      assert.match(error.message, message, `message for: ${yaml}`);
    }
  });

  it('names a component file that cannot be read', async () => {
    const error = await conversionError('type: pipeline\njobs: { s: { component: ./missing.yml } }');
    assert.deepEqual(error.path, ['jobs', 's', 'component']);
    assert.match(error.message, /Could not read the component file \.\/missing\.yml/);
  });
});
