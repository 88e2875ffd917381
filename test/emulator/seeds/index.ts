/** Seed registry: turns a seed name into the data the emulator loads into its store. */
import { workspaceId } from '../arm/ids';
import { defaultDatastores, workspaceResource } from './builders';
import { demoSeed } from './demo';
import { scaleSeed } from './scale';
import type { SeedContext, SeedData, SeedName } from './types';

export function buildSeed(name: SeedName, ctx: SeedContext): SeedData {
  switch (name) {
    case 'demo':
      return demoSeed(ctx);
    case 'scale':
      return scaleSeed(ctx);
    case 'empty':
      return emptySeed(ctx);
  }
}

export const EMPTY_SUBSCRIPTION = '0e3b7c1d-0000-4000-8000-0000000e3b7c';
export const EMPTY_WORKSPACE = {
  subscriptionId: EMPTY_SUBSCRIPTION,
  resourceGroup: 'rg-empty',
  workspace: 'mlw-empty',
};

/**
 * One subscription with one workspace holding only its default datastores: the emulator cannot create
 * workspaces, so tests that create everything else need this much.
 */
export function emptySeed(ctx: SeedContext): SeedData {
  const ws = EMPTY_WORKSPACE;
  const created = new Date('2025-01-01T00:00:00.000Z');
  const wsId = workspaceId(ws.subscriptionId, ws.resourceGroup, ws.workspace);
  return {
    subscriptions: [{ subscriptionId: EMPTY_SUBSCRIPTION, displayName: 'Empty', resourceGroups: [ws.resourceGroup] }],
    resources: [
      workspaceResource(ctx, ws, {
        location: 'eastus',
        friendlyName: 'Empty workspace',
        description: '',
        createdAt: created,
      }),
      ...defaultDatastores(ctx, wsId, created),
    ],
    jobHistories: [],
    jobsToStart: [],
  };
}

export { seededJobInfo, type SeededJobInfo, type SeedData } from './types';
