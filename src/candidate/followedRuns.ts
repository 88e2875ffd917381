/**
 * The outer-loop runs this VS Code workspace is following, kept in its workspaceState: after a restart
 * they are followed again without anyone asking. Only which model versions they are for is kept; the
 * run itself is read from the version's tags, which stay the record. Small on purpose: activation
 * reads it to decide whether anything needs loading at all.
 */
import type * as vscode from 'vscode';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';

const STATE_KEY = 'azureml.outerLoop.followedRuns';

/** A model version whose outer-loop run is being followed. */
export interface FollowedRun {
  workspace: WorkspaceRef;
  name: string;
  version: string;
}

export function followedRuns(state: vscode.Memento): FollowedRun[] {
  const value = state.get<unknown>(STATE_KEY);
  return Array.isArray(value) ? value.filter(isFollowedRun) : [];
}

export function followKey(run: FollowedRun): string {
  return `${workspaceId(run.workspace)}/models/${run.name}/versions/${run.version}`.toLowerCase();
}

export async function rememberFollowed(state: vscode.Memento, run: FollowedRun): Promise<void> {
  const runs = followedRuns(state);
  if (runs.some((other) => followKey(other) === followKey(run))) return;
  await state.update(STATE_KEY, [...runs, { workspace: run.workspace, name: run.name, version: run.version }]);
}

export async function forgetFollowed(state: vscode.Memento, run: FollowedRun): Promise<void> {
  const runs = followedRuns(state);
  const kept = runs.filter((other) => followKey(other) !== followKey(run));
  if (kept.length !== runs.length) await state.update(STATE_KEY, kept.length > 0 ? kept : undefined);
}

function isFollowedRun(value: unknown): value is FollowedRun {
  const run = value as Partial<FollowedRun> | null;
  const ws = run?.workspace as Partial<WorkspaceRef> | undefined;
  return (
    typeof run?.name === 'string' &&
    typeof run.version === 'string' &&
    typeof ws?.subscriptionId === 'string' &&
    typeof ws.resourceGroup === 'string' &&
    typeof ws.name === 'string'
  );
}
