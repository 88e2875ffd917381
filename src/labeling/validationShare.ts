// The validation share that Export Labels and Register Labeled Data both ask for: one question, so the two
// commands accept the same answers and split the same way.
import { BACK } from '../platform/userInput';
import type { WizardStep } from '../platform/wizard';

/** The split's seed: the same items go to validation on every export and every machine. */
export const EXPORT_SPLIT_SEED = 42;

/** A larger share would leave too little to train on. */
const MAX_VALIDATION_SHARE = 0.9;

/** Why `value` is not a validation share, or undefined when it is one. */
export function validationShareProblem(value: string): string | undefined {
  const share = Number(value.trim());
  return value.trim() && Number.isFinite(share) && share >= 0 && share <= MAX_VALIDATION_SHARE
    ? undefined
    : `Give a number from 0 to ${MAX_VALIDATION_SHARE}, such as 0.2.`;
}

/**
 * A wizard step asking for the share of items held out for validation, into the context's `fraction`.
 * `share` says what the share becomes and `zeroMeans` what 0 does, in the command's words.
 */
export function validationShareStep<C extends { fraction?: number }>(wording: {
  title: string;
  share: string;
  zeroMeans: string;
}): WizardStep<C> {
  return {
    async prompt(context, userInput, step) {
      const fraction = await userInput.input({
        title: wording.title,
        prompt: `${wording.share}, 0 to ${MAX_VALIDATION_SHARE} (0: ${wording.zeroMeans}; seed ${EXPORT_SPLIT_SEED})`,
        value: context.fraction === undefined ? '0' : String(context.fraction),
        step,
        canGoBack: true,
        validate: validationShareProblem,
      });
      if (typeof fraction !== 'string') return BACK;
      context.fraction = Number(fraction.trim());
      return undefined;
    },
  };
}
