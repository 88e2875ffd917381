import { CommandId } from '../constants';
import type { Services } from '../services';
import type { CandidateActions } from './candidate.lazy';

type CandidateModule = typeof import('./candidate.lazy');

/** What integration tests reach of the candidate feature. */
export interface CandidateTestHandle {
  /** The commands' work, once the first of them has loaded it. */
  readonly actions: () => CandidateActions | undefined;
}

/** Register Candidate Model and the outer-loop hand-off; the work loads with the first of these commands. */
export function registerCandidate(services: Services): CandidateTestHandle {
  const { commands } = services;
  let actions: CandidateActions | undefined;
  const load = (): CandidateActions =>
    (actions ??= (require('./candidate.lazy') as CandidateModule).createCandidateActions(services));

  commands.register(CommandId.registerCandidateModel, (call, target?: unknown) => load().register(call, target));
  commands.register(CommandId.retryOuterLoopTrigger, (call, target?: unknown) => load().retryTrigger(call, target));
  commands.register(CommandId.followOuterLoopRun, (call, target?: unknown) => load().followAgain(call, target));
  commands.register(CommandId.configureOuterLoop, (call) => load().configure(call));
  commands.register(CommandId.setOuterLoopToken, (call) => load().setToken(call));
  return { actions: () => actions };
}
