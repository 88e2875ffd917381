import assert from 'node:assert/strict';
import { NodeContext } from '../../../src/constants';
import type { JobNode } from '../../../src/explorer/jobs/jobNodes';
import { JobsPoller } from '../../../src/explorer/jobs/jobsPoller';
import { ModelVersionNode } from '../../../src/explorer/models/modelNodes';
import { manualTimers } from '../support/manualTimers';

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

describe('explorer: the Jobs view poller', () => {
  it('polls a running job at least every 15 s, however long nothing changed', async () => {
    const clock = manualTimers();
    const polled: string[] = [];
    const poller = new JobsPoller(
      () => 10_000,
      { polled: (node) => polled.push(node.id), tick: () => undefined, failed: () => undefined },
      clock.timers,
    );
    const running = {
      id: 'job:a',
      isActive: true,
      poll: async () => ({ changed: false, finished: false }),
    } as unknown as JobNode;
    poller.watch(running);
    const delays: number[] = [];
    for (let round = 0; round < 6; round++) delays.push(await clock.fire());
    poller.dispose();
    assert.deepEqual(delays, [10_000, 15_000, 15_000, 15_000, 15_000, 15_000]);
    assert.equal(polled.length, 6);
  });
});
