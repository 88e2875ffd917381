import { CommandId } from '../constants';
import type { Services } from '../services';
import type { CandidateActions } from './candidate.lazy';
import { followedRuns, type FollowedRun } from './followedRuns';

type CandidateModule = typeof import('./candidate.lazy');

/** How long after activation the runs followed when VS Code closed are followed again: off activation's path. */
const RESUME_DELAY_MS = 5_000;

/** What integration tests reach of the candidate feature. */
export interface CandidateTestHandle {
  /** The commands' work, once the first of them has loaded it. */
  readonly actions: () => CandidateActions | undefined;
  /** What closing VS Code does to the outer loop: every follow stops, its records kept. */
  endSession(): void;
  /** What activation does after its delay: follows again the runs the ended session was following. */
  resumeAfterActivation(): Promise<void>;
}

/** Register Candidate Model and the outer-loop hand-off; the work loads with the first of these commands. */
export function registerCandidate(services: Services): CandidateTestHandle {
  const { commands, track } = services;
  const state = services.extensionContext.workspaceState;
  let actions: CandidateActions | undefined;
  const load = (): CandidateActions =>
    (actions ??= (require('./candidate.lazy') as CandidateModule).createCandidateActions(services));
  const endSession = () => {
    actions?.dispose();
    actions = undefined;
  };
  track({ dispose: endSession });

  commands.register(CommandId.registerCandidateModel, (call, target?: unknown) => load().register(call, target));
  commands.register(CommandId.retryOuterLoopTrigger, (call, target?: unknown) => load().retryTrigger(call, target));
  commands.register(CommandId.followOuterLoopRun, (call, target?: unknown) => load().followAgain(call, target));
  commands.register(CommandId.configureOuterLoop, (call) => load().configure(call));
  commands.register(CommandId.setOuterLoopToken, (call) => load().setToken(call));
  // The Models view listed versions whose outer-loop run is recorded as going on.
  commands.register(CommandId.resumeOuterLoopRuns, (_call, targets: FollowedRun[]) => load().resumeFollowing(targets));

  // Nothing is loaded unless the last session left runs going on; then the work loads after activation.
  const resumeAfterActivation = async () => {
    if (followedRuns(state).length > 0) await load().resumeFollowing();
  };
  const timer = setTimeout(() => void resumeAfterActivation(), RESUME_DELAY_MS);
  track({ dispose: () => clearTimeout(timer) });
  return { actions: () => actions, endSession, resumeAfterActivation };
}
