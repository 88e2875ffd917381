import assert from 'node:assert/strict';
import { NodeContext } from '../../../src/constants';
import { ModelVersionNode } from '../../../src/explorer/models/modelNodes';

const WS = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

describe('explorer: model version rows', () => {
  const version = (tags: Record<string, string>) =>
    new ModelVersionNode(undefined, {
      id: `${WS}/models/iris/versions/2`,
      modelName: 'iris',
      version: '2',
      modelType: 'mlflow_model',
      jobName: 'job_1',
      tags,
    }).getTreeItem();

  it('marks a candidate once, with a star, and still shows its other tags', () => {
    const candidate = version({ stage: 'candidate', framework: 'sklearn' });
    assert.equal(candidate.description, 'candidate · mlflow_model · framework=sklearn · from job job_1');
    assert.deepEqual(candidate.icon, { id: 'star-full', color: 'charts.yellow' });
    assert.equal(candidate.contextValue, NodeContext.candidateModelVersion);
    assert.equal(candidate.id, `modelVersion:${WS.toLowerCase()}/models/iris/versions/2`);
  });

  it('shows a plain version without the mark', () => {
    const plain = version({ framework: 'sklearn' });
    assert.equal(plain.description, 'mlflow_model · framework=sklearn · from job job_1');
    assert.equal(plain.contextValue, NodeContext.modelVersion);
  });
});
