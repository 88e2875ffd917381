/** The azureml-examples job corpus and resolvers that record what a conversion asked for. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { InlineEnvironment, JobResolvers } from '../../../../src/core/jobs/restJob';

export const corpus = join(__dirname, '../../../fixtures/azureml-examples/cli/jobs');
export const workspace = { subscriptionId: 'sub-1', resourceGroup: 'rg-1', name: 'ws-1' };
export const wsId =
  '/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1';

/** Resolvers that record what they were asked and answer with ids derived from the request. */
export function fakeResolvers(files: Record<string, unknown> = {}) {
  const asked = {
    code: [] as string[],
    localInput: [] as Array<[string, string]>,
    environment: [] as InlineEnvironment[],
    component: [] as Record<string, unknown>[],
    latestVersion: [] as Array<[string, string]>,
    readYaml: [] as string[],
  };
  const resolvers: JobResolvers = {
    code: async (folder) => {
      asked.code.push(folder);
      return `${wsId}/codes/code-${asked.code.length}/versions/1`;
    },
    localInput: async (path, type) => {
      asked.localInput.push([path, type]);
      return `azureml://datastores/workspaceblobstore/paths/LocalUpload/${relative(corpus, path).split('\\').join('/')}`;
    },
    environment: async (spec) => {
      asked.environment.push(spec);
      return `${wsId}/environments/env-${asked.environment.length}/versions/1`;
    },
    component: async (spec) => {
      asked.component.push(spec);
      return `${wsId}/components/component-${asked.component.length}/versions/1`;
    },
    latestVersion: async (kind, name) => {
      asked.latestVersion.push([kind, name]);
      return '7';
    },
    readYaml: async (path) => {
      asked.readYaml.push(path);
      if (path in files) return files[path];
      return parse(readFileSync(path, 'utf8'));
    },
  };
  return { resolvers, asked };
}

export function jobFiles(): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry)) {
        const document = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
        const schema = typeof document?.$schema === 'string' ? document.$schema : '';
        const unschematisedJob =
          !schema &&
          document !== null &&
          typeof document === 'object' &&
          ('command' in document || 'jobs' in document || 'trial' in document || document.type === 'finetuning');
        if (/Job\.schema\.json$/i.test(schema) || unschematisedJob)
          found.push(relative(corpus, path).split('\\').join('/'));
      }
    }
  };
  walk(corpus);
  return found.sort();
}

/** Corpus job files this converter refuses, with the YAML path and the reason it gives. */
const REFUSED: Record<string, { path: (string | number)[]; reason: RegExp }> = {
  'basics/hello-automl/hello-automl-job-basic.yml': { path: ['type'], reason: /AutoML jobs cannot be submitted/ },
  'finetuning/standalone/model-as-a-service/text-generation/text-generation-finetuning.yaml': {
    path: ['type'],
    reason: /Fine-tuning jobs/,
  },
  'nebulaml/cifar10_deepspeed/job.yml': { path: ['compute'], reason: /placeholder < your compute name >/ },
  'parallel/2a_iris_batch_prediction/pipeline.yml': {
    path: ['jobs', 'batch_prediction', 'type'],
    reason: /parallel steps/,
  },
  'pipelines-with-components/pipeline_job_with_flow_as_component/pipeline.yml': {
    path: ['jobs', 'flow_node_from_dag', 'type'],
    reason: /parallel steps/,
  },
  'pipelines-with-components/shakespear_sample_and_word_count_using_spark/pipeline.yml': {
    path: ['jobs', 'sample_word', 'type'],
    reason: /Spark steps/,
  },
  'pipelines/automl/cli-automl-classification-task-bankmarketing-pipeline/pipeline.yml': {
    path: ['jobs', 'classification_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/automl/cli-automl-regression-housepricing-pipeline/pipeline.yml': {
    path: ['jobs', 'regression_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/automl/cli-automl-text-classification-newsgroup-pipeline/pipeline.yml': {
    path: ['jobs', 'text_classification_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/automl/demand-forecast-pipeline/pipeline.yml': {
    path: ['jobs', 'forecasting_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/automl/image-multilabel-classification-fridge-items-pipeline/pipeline.yml': {
    path: ['jobs', 'image_multilabel_classification_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/automl/image-object-detection-task-fridge-items-pipeline/pipeline.yml': {
    path: ['jobs', 'image_object_detection_node', 'type'],
    reason: /AutoML steps/,
  },
  'pipelines/iris-batch-prediction-using-parallel/pipeline.yml': {
    path: ['jobs', 'batch_prediction', 'type'],
    reason: /parallel steps/,
  },
  'pipelines/mnist-batch-identification-using-parallel/pipeline.yml': {
    path: ['jobs', 'predict_digits_mnist', 'type'],
    reason: /parallel steps/,
  },
  // The example's environment file is not part of the examples repository.
  'single-step/gpu_perf/gpu_perf_job.yml': { path: ['environment'], reason: /Could not read the environment file/ },
};

export function refusal(file: string): { path: (string | number)[]; reason: RegExp } | undefined {
  if (file.startsWith('automl-standalone-jobs/')) return { path: ['type'], reason: /AutoML jobs cannot be submitted/ };
  if (/^spark\/.*-standalone-/.test(file)) return { path: ['type'], reason: /Spark jobs cannot be submitted/ };
  if (/^spark\/.*-pipeline-/.test(file)) return { path: ['jobs', 'spark_job', 'type'], reason: /Spark steps/ };
  return REFUSED[file];
}
