import assert from 'node:assert/strict';
import { NodeContext } from '../../../src/constants';
import { DataAssetNode, DatastoreNode, DataVersionNode } from '../../../src/explorer/data/dataNodes';
import { ExperimentNode, JobNode } from '../../../src/explorer/jobs/jobNodes';
import { JobsPoller } from '../../../src/explorer/jobs/jobsPoller';
import { LocalRunNode, LocalRunsNode } from '../../../src/explorer/jobs/localRunNodes';
import { ModelNode, ModelVersionNode } from '../../../src/explorer/models/modelNodes';
import {
  ComputeNode,
  EnvironmentNode,
  SubscriptionNode,
  WorkspaceNode,
} from '../../../src/explorer/workspaces/workspaceNodes';
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

describe('explorer: every row with an identity has a stable id', () => {
  it('gives each node kind an id from what it shows, the same on every render', () => {
    const ws = { subscriptionId: 's1', resourceGroup: 'rg', name: 'ws' };
    const context = {
      arm: () => Promise.reject(new Error('not used')),
      subscriptionFilter: () => [],
      contextKeys: { set: () => undefined },
      isActive: () => false,
      runHistory: () => Promise.reject(new Error('not used')),
      filter: () => ({}),
      watch: () => undefined,
      listLocalRuns: () => Promise.reject(new Error('not used')),
    };
    const localRun = new LocalRunNode(new LocalRunsNode(undefined, []), '/project/.azureml/local-runs/local-1', {
      version: 1,
      runName: 'local-1',
      yamlPath: 'pipeline.yml',
      jobType: 'pipeline',
      experimentName: 'demo',
      status: 'Completed',
      createdUtc: '2026-01-01T00:00:00Z',
      steps: [
        { name: 'prep', status: 'Completed', mlflowRunId: 'a1', outputs: {}, logPath: 'prep/user_logs/std_log.txt' },
      ],
    });
    const workspace = new WorkspaceNode(undefined as never, { id: WS, ref: ws }, context);
    const [compute, environments] = workspace.getChildren();
    const nodes = [
      new SubscriptionNode(undefined as never, { subscriptionId: 's1', displayName: 'Dev' }, context),
      workspace,
      compute,
      environments,
      new ComputeNode(undefined, { id: `${WS}/computes/cpu`, name: 'cpu' }),
      new EnvironmentNode(undefined, { id: `${WS}/environments/sk`, name: 'sk' }),
      new DataAssetNode(undefined as never, { id: `${WS}/data/iris`, name: 'iris' }, () => Promise.reject()),
      new DataVersionNode(undefined, { id: `${WS}/data/iris/versions/1`, assetName: 'iris', version: '1' }),
      new DatastoreNode(undefined, { id: `${WS}/datastores/blob`, name: 'blob', isDefault: true }),
      new ModelNode(undefined as never, { id: `${WS}/models/m`, name: 'm' }, () => Promise.reject()),
      new ModelVersionNode(undefined, { id: `${WS}/models/m/versions/1`, modelName: 'm', version: '1', tags: {} }),
      new ExperimentNode(undefined as never, ws, { experimentId: 'e1', name: 'iris' }, context),
      new JobNode(undefined as never, ws, { runId: 'r1', status: 'Completed' }, context),
      localRun.parent as LocalRunsNode,
      localRun,
      ...localRun.getChildren(),
    ];
    const ids = nodes.map((node) => node.getTreeItem().id);
    assert.ok(
      ids.every((id, index) => id && id === nodes[index].id && id === nodes[index].getTreeItem().id),
      JSON.stringify(ids),
    );
    assert.equal(new Set(ids).size, ids.length, 'no two kinds share an id');
  });
});
