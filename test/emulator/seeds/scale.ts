/**
 * The scale seed: one workspace with 10,000 jobs, 2,000 model versions and 1,000 data versions, generated
 * deterministically (fixed clock, derived names) so paging and benchmarks are reproducible.
 */
import type { ArmResource } from '../contracts';
import { workspaceId, type WorkspaceRef } from '../arm/ids';
import {
  addMinutes,
  assetWithVersions,
  computeResource,
  datastorePath,
  defaultDatastores,
  jobResource,
  roundMetric,
  workspaceResource,
} from './builders';
import type { SeedContext, SeedData, SeededJobInfo } from './types';

export const SCALE_SUBSCRIPTION = '5c0a1e00-0000-4000-8000-00000000a5ca';
export const SCALE_WORKSPACE: WorkspaceRef = {
  subscriptionId: SCALE_SUBSCRIPTION,
  resourceGroup: 'rg-scale',
  workspace: 'mlw-scale',
};
export const SCALE_COUNTS = { jobs: 10_000, modelVersions: 2_000, dataVersions: 1_000 };

const BASE = new Date('2024-01-01T00:00:00.000Z');
const STATUSES = ['Completed', 'Completed', 'Completed', 'Failed', 'Completed', 'Canceled', 'Completed'];
const EXPERIMENTS = ['scale-exp-a', 'scale-exp-b', 'scale-exp-c', 'scale-exp-d'];

export function scaleSeed(ctx: SeedContext): SeedData {
  const ws = SCALE_WORKSPACE;
  const wsId = workspaceId(ws.subscriptionId, ws.resourceGroup, ws.workspace);
  const resources: ArmResource[] = [
    workspaceResource(ctx, ws, {
      location: 'eastus',
      friendlyName: 'Scale test',
      description: 'Large listings',
      createdAt: BASE,
    }),
    ...defaultDatastores(ctx, wsId, BASE),
    computeResource(ctx, wsId, 'eastus', 'cpu-cluster', 'AmlCompute', 'STANDARD_DS3_V2', BASE),
  ];
  const jobHistories: SeededJobInfo[] = [];
  for (let i = 0; i < SCALE_COUNTS.jobs; i++) {
    const name = `scale_job_${String(i).padStart(5, '0')}`;
    const created = addMinutes(BASE, i * 7);
    const status = STATUSES[i % STATUSES.length];
    const job = jobResource(
      ctx,
      wsId,
      name,
      {
        jobType: 'Command',
        displayName: `Scale job ${i}`,
        experimentName: EXPERIMENTS[i % EXPERIMENTS.length],
        tags: { batch: String(Math.floor(i / 1000)), ...(i % 10 === 0 ? { tenth: 'true' } : {}) },
        computeId: `${wsId}/computes/cpu-cluster`,
        environmentId: `${wsId}/environments/sklearn-env/versions/1`,
        command: 'python train.py',
        inputs: {},
        outputs: {},
      },
      status,
      created,
      addMinutes(created, 5),
    );
    resources.push(job);
    jobHistories.push({
      jobId: job.id,
      startTimeUtc: addMinutes(created, 1).toISOString(),
      endTimeUtc: addMinutes(created, 5).toISOString(),
      metrics: { loss: [roundMetric(1 / (1 + (i % 50)))] },
      params: {},
      ...(status === 'Failed' ? { error: { code: 'UserError', message: 'Synthetic failure' } } : {}),
    });
  }
  // 20 models × 100 versions, 10 data assets × 100 versions.
  for (let m = 0; m < SCALE_COUNTS.modelVersions / 100; m++) {
    resources.push(
      ...assetWithVersions(
        ctx,
        wsId,
        'models',
        `scale-model-${String(m).padStart(2, '0')}`,
        Array.from({ length: 100 }, (_, v) => ({
          version: String(v + 1),
          createdAt: addMinutes(BASE, m * 1000 + v),
          properties: {
            modelType: 'custom_model',
            modelUri: datastorePath('workspaceblobstore', `models/${m}/${v + 1}/`),
            tags: v % 10 === 0 ? { stage: 'candidate' } : {},
          },
        })),
      ),
    );
  }
  for (let d = 0; d < SCALE_COUNTS.dataVersions / 100; d++) {
    const dataType = ['uri_file', 'uri_folder', 'mltable'][d % 3];
    resources.push(
      ...assetWithVersions(
        ctx,
        wsId,
        'data',
        `scale-data-${String(d).padStart(2, '0')}`,
        Array.from({ length: 100 }, (_, v) => ({
          version: String(v + 1),
          createdAt: addMinutes(BASE, d * 1000 + v),
          properties: {
            dataType,
            dataUri: datastorePath(
              'workspaceblobstore',
              `data/${d}/${v + 1}/${dataType === 'uri_file' ? 'file.csv' : ''}`,
            ),
          },
        })),
        { dataType },
      ),
    );
  }
  return {
    subscriptions: [{ subscriptionId: SCALE_SUBSCRIPTION, displayName: 'Scale Test', resourceGroups: ['rg-scale'] }],
    resources,
    jobHistories,
    jobsToStart: [],
  };
}
