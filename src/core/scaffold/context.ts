/**
 * The values templates see as `it`: the options, and the names derived from them in one place so every file
 * that mentions a model, a data asset or an endpoint names the same one.
 */
import type { ScaffoldOptions } from './options';

export interface ScenarioNames {
  /** Shown in READMEs and descriptions. */
  title: string;
  modelName: string;
  dataName: string;
  trainEnvironment: string;
  experimentName: string;
  /** What the deployment pipelines send to an online endpoint as a test request. */
  sampleRequest: string;
  /** The compute size the training cluster gets (GPU for AutoML vision and text). */
  computeSize: string;
}

export interface TemplateContext extends ScaffoldOptions, ScenarioNames {
  deployOnline: boolean;
  deployBatch: boolean;
  github: boolean;
  azureDevOps: boolean;
  bicep: boolean;
  terraform: boolean;
  /** The project's resource names for the development environment, as the config files derive them. */
  resourceGroup: string;
  workspace: string;
  onlineEndpoint: string;
  batchEndpoint: string;
  batchCompute: string;
  /** The deployment workflow or pipeline the outer loop starts when a candidate model is registered. */
  outerLoopWorkflow: string;
}

function scenarioNames(options: ScaffoldOptions): ScenarioNames {
  switch (options.scenario) {
    case 'classical':
      return {
        title: 'taxi fare regression (scikit-learn)',
        modelName: 'taxi-model',
        dataName: 'taxi-data',
        trainEnvironment: 'taxi-train-env',
        experimentName: 'taxi-fare-training',
        sampleRequest: 'data/taxi-request.json',
        computeSize: 'Standard_DS3_v2',
      };
    case 'cv':
      return {
        title: 'image classification (AutoML for images)',
        modelName: 'image-classifier',
        dataName: 'images-train',
        trainEnvironment: 'image-register-env',
        experimentName: 'image-classification-training',
        sampleRequest: 'data/image-request.json',
        computeSize: 'Standard_NC6s_v3',
      };
    case 'nlp':
      return options.nlpTask === 'ner'
        ? {
            title: 'named entity recognition (AutoML for text)',
            modelName: 'ner-model',
            dataName: 'ner-train',
            trainEnvironment: 'text-register-env',
            experimentName: 'ner-training',
            sampleRequest: 'data/text-request.json',
            computeSize: 'Standard_NC6s_v3',
          }
        : {
            title: 'text classification (AutoML for text)',
            modelName: 'text-classifier',
            dataName: 'text-train',
            trainEnvironment: 'text-register-env',
            experimentName: 'text-classification-training',
            sampleRequest: 'data/text-request.json',
            computeSize: 'Standard_NC6s_v3',
          };
  }
}

export function templateContext(options: ScaffoldOptions): TemplateContext {
  const suffix = `${options.namespace}-${options.postfix}${options.environment}`;
  const deployOnline = options.deploy !== 'batch';
  const deployBatch = options.deploy !== 'online';
  const deployFile = deployOnline ? 'deploy-online-endpoint.yml' : 'deploy-batch-endpoint.yml';
  return {
    ...options,
    ...scenarioNames(options),
    deployOnline,
    deployBatch,
    github: options.ci === 'github',
    azureDevOps: options.ci === 'azure-devops',
    bicep: options.iac === 'bicep',
    terraform: options.iac === 'terraform',
    resourceGroup: `rg-${suffix}`,
    workspace: `mlw-${suffix}`,
    onlineEndpoint: `oe-${suffix}`,
    batchEndpoint: `be-${suffix}`,
    batchCompute: 'batch-cluster',
    outerLoopWorkflow: options.ci === 'github' ? deployFile : deployFile.replace(/\.yml$/, ''),
  };
}
