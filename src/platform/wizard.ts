import type { Back, StepPosition, UserInput } from './userInput';
import { isBack } from './userInput';

/** One prompt of a multi-step input: it asks, and writes the answer into the shared context. */
export interface WizardStep<C> {
  /** False when an earlier answer already decides this one; the step is then skipped both ways. */
  shouldPrompt?(context: C): boolean;
  prompt(context: C, input: UserInput, position: StepPosition): Promise<void | Back>;
}

/**
 * Runs the steps in order over one context. BACK from a step returns to the previous step that was
 * prompted, which asks again; cancelling (Escape) throws out of the wizard with nothing done.
 */
export async function runWizard<C>(steps: WizardStep<C>[], context: C, input: UserInput): Promise<C> {
  const prompted: number[] = [];
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    if (step.shouldPrompt && !step.shouldPrompt(context)) {
      index++;
      continue;
    }
    const answer = await step.prompt(context, input, { index: prompted.length + 1, count: steps.length });
    if (isBack(answer)) {
      const previous = prompted.pop();
      if (previous !== undefined) index = previous;
      continue;
    }
    prompted.push(index);
    index++;
  }
  return context;
}
