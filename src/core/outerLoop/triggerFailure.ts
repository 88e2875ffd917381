/**
 * A failed trigger or run lookup, worded for its service, with the outer loop's ways forward. The model
 * version stays registered whatever happened: the message says so, and Retry Trigger is always offered.
 */
import { classifyError } from '../errors/classify';
import type { ErrorKind } from '../errors/kinds';
import type { CiProvider, ModelVersionRef } from './ciRun';

export type OuterLoopAction = 'retryTrigger' | 'configureOuterLoop' | 'signInToGitHub' | 'storeToken';

export interface TriggerFailure {
  kind: ErrorKind;
  message: string;
  /** Buttons to offer, most useful first; Retry Trigger is always among them. */
  actions: OuterLoopAction[];
}

export function describeTriggerFailure(error: unknown, provider: CiProvider, model: ModelVersionRef): TriggerFailure {
  const classified = classifyError(error);
  const actions: OuterLoopAction[] = [];
  switch (classified.kind) {
    case 'unauthorized':
    case 'signedOut':
      // A GitHub session can be renewed by signing in; a token (either service) can be replaced.
      if (provider === 'github') actions.push('signInToGitHub');
      actions.push('storeToken');
      break;
    case 'forbidden':
    case 'notFound':
    case 'invalidInput':
    case 'settings':
      actions.push('configureOuterLoop');
      break;
  }
  actions.push('retryTrigger');
  return {
    kind: classified.kind,
    message: `The outer loop was not started for ${model.name}:${model.version}, which stays registered. ${classified.message}`,
    actions,
  };
}
