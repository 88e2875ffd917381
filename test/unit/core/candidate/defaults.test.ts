// The defaults of a one-pick candidate registration: the likeliest source of the model, the model the
// job's experiment registered before, and what the registration hands over to.
import assert from 'node:assert/strict';
import type { ModelVersionInfo } from '../../../../src/core/azure/resources';
import { modelUriOf } from '../../../../src/core/candidate/candidate';
import {
  handOverSummary,
  jobSourceChoices,
  loggedModelPath,
  LOGGED_MODELS_TAG,
  modelOfExperiment,
  sourceJobOf,
} from '../../../../src/core/candidate/defaults';

function version(modelName: string, partial: Partial<ModelVersionInfo> = {}): ModelVersionInfo {
  return { id: `/x/models/${modelName}/versions/1`, modelName, version: '1', tags: {}, ...partial };
}

describe('core/candidate/defaults: what one pick registers', () => {
  it('reads where the run logged its last MLflow model, and nothing from a tag it cannot read', () => {
    const history = [
      { run_id: 'r', artifact_path: 'first', flavors: {} },
      { run_id: 'r', artifact_path: 'classifier/', flavors: {} },
    ];
    assert.equal(loggedModelPath({ [LOGGED_MODELS_TAG]: JSON.stringify(history) }), 'classifier');
    assert.equal(loggedModelPath({}), undefined);
    assert.equal(loggedModelPath({ [LOGGED_MODELS_TAG]: 'not json' }), undefined);
    assert.equal(loggedModelPath({ [LOGGED_MODELS_TAG]: '[{"flavors":{}}]' }), undefined);
  });

  it('offers model-typed outputs first (MLflow first), then what the run logged, other outputs, the MLflow default and outputs/', () => {
    const outputs = {
      metrics: { jobOutputType: 'uri_file' },
      weights: { jobOutputType: 'custom_model' },
      mlflow: { jobOutputType: 'mlflow_model' },
    };
    const logged = jobSourceChoices('job1', outputs, 'sk_model');
    assert.deepEqual(
      logged.map((choice) => [choice.label, choice.type, modelUriOf(choice.source)]),
      [
        ['output mlflow', 'mlflow_model', 'azureml://jobs/job1/outputs/mlflow/paths/'],
        ['output weights', 'custom_model', 'azureml://jobs/job1/outputs/weights/paths/'],
        ['the MLflow model', 'mlflow_model', 'azureml://jobs/job1/outputs/artifacts/paths/sk_model/'],
        ['output metrics', 'custom_model', 'azureml://jobs/job1/outputs/metrics/paths/'],
        ['outputs/', 'custom_model', 'azureml://jobs/job1/outputs/artifacts/paths/outputs/'],
      ],
    );
    const unlogged = jobSourceChoices('job1', { model: { jobOutputType: 'uri_folder' } });
    assert.deepEqual(
      unlogged.map((choice) => [choice.label, modelUriOf(choice.source)]),
      [
        ['output model', 'azureml://jobs/job1/outputs/model/paths/'],
        ['the MLflow model', 'azureml://jobs/job1/outputs/artifacts/paths/model/'],
        ['outputs/', 'azureml://jobs/job1/outputs/artifacts/paths/outputs/'],
      ],
    );
    assert.equal(jobSourceChoices('job1', {})[0].label, 'the MLflow model');
  });

  it("names the model whose newest version most recently came from the experiment's jobs", () => {
    const versions = [
      version('old-iris', { jobName: 'iris_1', createdAt: '2024-01-01T00:00:00Z' }),
      version('iris-classifier', { jobName: 'iris_2', createdAt: '2024-03-01T00:00:00Z' }),
      version('resnet', { jobName: 'image_1', createdAt: '2024-04-01T00:00:00Z' }),
      version('tagged', { tags: { 'source.job': 'iris_3' }, jobName: 'other', createdAt: '2024-02-01T00:00:00Z' }),
      version('uploaded', { createdAt: '2024-05-01T00:00:00Z' }),
    ];
    const experimentOf = new Map<string, string | undefined>([
      ['iris_1', 'iris-training'],
      ['iris_2', 'iris-training'],
      ['iris_3', 'iris-training'],
      ['image_1', 'image-classification'],
      ['other', undefined],
    ]);
    assert.equal(modelOfExperiment(versions, experimentOf, 'iris-training'), 'iris-classifier');
    assert.equal(modelOfExperiment(versions, experimentOf, 'image-classification'), 'resnet');
    assert.equal(modelOfExperiment(versions, experimentOf, 'sentiment'), undefined);
    assert.equal(sourceJobOf(versions[3]), 'iris_3', 'the source.job tag wins over the recorded job');
    assert.equal(sourceJobOf(versions[4]), undefined);
  });

  it('says what the registration hands over to', () => {
    assert.equal(handOverSummary(undefined), 'no outer loop configured');
    assert.equal(
      handOverSummary({
        provider: 'github',
        owner: 'contoso',
        repo: 'mlops',
        workflow: 'deploy-model.yml',
        trigger: 'workflow_dispatch',
        ref: 'main',
        eventType: 'model-registered',
      }),
      'starts deploy-model.yml in contoso/mlops',
    );
    assert.equal(
      handOverSummary({
        provider: 'azure-devops',
        organizationUrl: 'https://dev.azure.com/contoso',
        project: 'ML Ops',
        pipelineId: 7,
        branch: 'refs/heads/main',
      }),
      'queues pipeline 7 in ML Ops',
    );
  });
});
