// Entry point the VS Code extension host loads through `extensionTestsPath` for `npm run bench`: measures
// what AZUREML_BENCH_SUITE names and writes the raw numbers as JSON to the file named by
// AZUREML_BENCH_RESULTS; scripts/bench.mjs turns them into rows. `explorer` (the default): the Jobs view
// against the emulator's scale seed (10,000 jobs); `runs`: the job details panel (runs/measure.ts); `labeling`:
// the labeling editor on 10,000 pictures (labeling/measure.ts); `labeling-grid`: its thumbnail grid's memory
// (labeling/grid.ts).
import { AzureMachineLearningWorkspaces, type JobBase } from '@azure/arm-machinelearning';
import { appendFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID, NodeContext } from '../../src/constants';
import { resolveCloud } from '../../src/core/azure/cloud';
import { createIdentityCredential } from '../../src/core/azure/credentials';
import type { WorkspaceRef } from '../../src/core/azure/resourceIds';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/explorer/tree/treeNode';
import { childNamed, contextOf, isJobRow, labelOf } from '../integration/tree';
import { measureGrid } from './labeling/grid';
import { measureLabeling } from './labeling/measure';
import { measureRuns } from './runs/measure';

/** What bench.mjs reads back: every sample, so it reports medians and can say how many runs it had. */
export interface ExplorerBenchResults {
  experiment: string;
  /** Jobs (not counting "Load more…") on the first page of the experiment. */
  firstPageJobs: number;
  firstPageMs: number[];
  naiveMs: number[];
  naiveJobs: number;
  naivePages: number;
  heapBeforeBytes: number;
  heapAfterBytes: number;
  /** Jobs the experiment shows after the ten "Load more…" pages. */
  jobsAfterLoadMore: number;
}

const SCALE_SUBSCRIPTION = 'Scale Test';
const SCALE_WORKSPACE = 'mlw-scale';
const WARMUP_RUNS = 1;
const FIRST_PAGE_RUNS = 7;
const LOAD_MORE_PAGES = 10;
/** The naive loop is run again while one run stays under this, up to NAIVE_MAX_RUNS times. */
const NAIVE_REPEAT_BELOW_MS = 10_000;
const NAIVE_MAX_RUNS = 5;

function log(...args: unknown[]): void {
  const outputFile = process.env.AZUREML_TEST_OUTPUT;
  if (outputFile) appendFileSync(outputFile, `${format(...args)}\n`);
}

export async function run(): Promise<void> {
  const resultsFile = process.env.AZUREML_BENCH_RESULTS;
  if (!resultsFile) throw new Error('AZUREML_BENCH_RESULTS is not set: run this module with `npm run bench`');
  try {
    const suite = process.env.AZUREML_BENCH_SUITE ?? 'explorer';
    const results =
      suite === 'runs'
        ? await measureRuns(log)
        : suite === 'labeling'
          ? await measureLabeling(log)
          : suite === 'labeling-grid'
            ? await measureGrid(log)
            : suite === 'explorer'
              ? await measure()
              : unknownSuite(suite);
    writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  } catch (error) {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    throw error;
  }
}

function unknownSuite(suite: string): never {
  throw new Error(`AZUREML_BENCH_SUITE is "${suite}"; it must be "explorer", "runs", "labeling" or "labeling-grid"`);
}

async function measure(): Promise<ExplorerBenchResults> {
  const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
  const workspaceNode = await childNamed(
    await childNamed(api.explorer.workspacesTree, SCALE_SUBSCRIPTION),
    SCALE_WORKSPACE,
  );
  await vscode.commands.executeCommand(CommandId.setActiveWorkspace, workspaceNode);
  const workspace = api.auth.activeWorkspace.current!;
  api.explorer.jobsTree.refresh();
  const experiments = await api.explorer.jobsTree.rootChildren();
  // Most recently used first, as the view lists them; each scale experiment holds 2,500 jobs.
  const experiment = experiments[0];
  log(`${SCALE_WORKSPACE}: experiments ${experiments.map(labelOf).join(', ')}; measuring ${labelOf(experiment)}`);

  const firstPageMs: number[] = [];
  let firstPageJobs = 0;
  for (let i = 0; i < WARMUP_RUNS + FIRST_PAGE_RUNS; i++) {
    const { ms, children } = await expandFresh(api, experiment);
    firstPageJobs = checkFirstPage(children);
    if (i >= WARMUP_RUNS) firstPageMs.push(ms);
  }

  // Heap before the naive loop, whose SDK copy and 10,000 jobs would otherwise be in the picture.
  const heap = await heapGrowthOverLoadMore(api, experiment);

  const naive = await naiveListThenRender(workspace);

  return {
    experiment: labelOf(experiment),
    firstPageJobs,
    firstPageMs,
    naiveMs: naive.samplesMs,
    naiveJobs: naive.jobs,
    naivePages: naive.pages,
    ...heap,
  };
}

/** Forgets the node's pages, then times what expanding it costs: its children and their tree items. */
async function expandFresh(api: ExtensionApi, experiment: TreeNode): Promise<{ ms: number; children: TreeNode[] }> {
  api.explorer.jobsTree.refresh(experiment);
  const start = performance.now();
  const children = await experiment.getChildren();
  for (const child of children) api.explorer.jobsTree.getTreeItem(child);
  return { ms: performance.now() - start, children };
}

/** Jobs on a first page; throws unless it is a page of jobs followed by "Load more…". */
function checkFirstPage(children: TreeNode[]): number {
  const jobs = children.filter((node) => isJobRow(node)).length;
  if (jobs === 0 || jobs !== children.length - 1 || contextOf(children[children.length - 1]) !== NodeContext.loadMore) {
    throw new Error(`Expected a page of jobs and "Load more…", got: ${children.slice(0, 3).map(labelOf).join(', ')}…`);
  }
  return jobs;
}

/** Heap in use after a full collection, so garbage waiting to be collected does not count. */
function heapUsedAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function heapGrowthOverLoadMore(api: ExtensionApi, experiment: TreeNode) {
  let { children } = await expandFresh(api, experiment);
  const heapBeforeBytes = heapUsedAfterGc();
  for (let page = 0; page < LOAD_MORE_PAGES; page++) {
    const loadMore = children[children.length - 1];
    if (contextOf(loadMore) !== NodeContext.loadMore) {
      throw new Error(`Page ${page + 1} has no "Load more…" to click; it ends with "${labelOf(loadMore)}"`);
    }
    await vscode.commands.executeCommand(CommandId.loadMore, loadMore);
    // Rendered again as the view does after "Load more…".
    children = await experiment.getChildren();
    for (const child of children) api.explorer.jobsTree.getTreeItem(child);
  }
  const heapAfterBytes = heapUsedAfterGc();
  const jobsAfterLoadMore = children.filter((node) => isJobRow(node)).length;
  return { heapBeforeBytes, heapAfterBytes, jobsAfterLoadMore };
}

/**
 * What the view would cost without paging: every job of the workspace through the ARM SDK, every page,
 * then a tree item for each. The client and its token are warmed up first, as the extension's are.
 */
async function naiveListThenRender(ws: WorkspaceRef): Promise<{ samplesMs: number[]; jobs: number; pages: number }> {
  const armEndpoint = process.env.AZUREML_EMULATOR_ORIGIN ?? '';
  const cloud = resolveCloud({ cloud: 'Custom', customArmEndpoint: armEndpoint, customAuthorityHost: armEndpoint });
  const credential = await createIdentityCredential('environment', cloud, process.env);
  const client = new AzureMachineLearningWorkspaces(credential, ws.subscriptionId, {
    endpoint: armEndpoint.replace(/\/$/, ''),
    credentialScopes: [cloud.armScope],
  });
  await client.jobs.list(ws.resourceGroup, ws.name).byPage().next();
  const samplesMs: number[] = [];
  let jobs = 0;
  let pages = 0;
  do {
    const start = performance.now();
    const all: JobBase[] = [];
    pages = 0;
    for await (const page of client.jobs.list(ws.resourceGroup, ws.name).byPage()) {
      pages++;
      all.push(...page);
    }
    const items = all.map((job) => {
      const item = new vscode.TreeItem(job.properties.displayName ?? job.name ?? '');
      item.id = `job:${job.id}`;
      item.description = [job.properties.status, job.properties.computeId?.split('/').pop()]
        .filter(Boolean)
        .join(' · ');
      item.iconPath = new vscode.ThemeIcon(job.properties.status === 'Completed' ? 'pass' : 'clock');
      item.contextValue = NodeContext.job;
      return item;
    });
    samplesMs.push(performance.now() - start);
    jobs = items.length;
  } while (samplesMs.length < NAIVE_MAX_RUNS && samplesMs[samplesMs.length - 1] < NAIVE_REPEAT_BELOW_MS);
  return { samplesMs, jobs, pages };
}
