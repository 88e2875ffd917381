import assert from 'node:assert/strict';
import { runWizard, type WizardStep } from '../../../src/platform/wizard';
import { scriptedInput } from '../../support/scriptedInput';

interface NewProject {
  scenario?: string;
  ci?: string;
  name?: string;
}

const steps: WizardStep<NewProject>[] = [
  {
    async prompt(context, input, step) {
      const answer = await input.pick({
        title: 'Scenario',
        step,
        items: [
          { label: 'classical', value: 'classical' },
          { label: 'cv', value: 'cv' },
        ],
      });
      if (typeof answer !== 'string') return answer;
      context.scenario = answer;
      return undefined;
    },
  },
  {
    // Computer vision projects here always use GitHub; the step is skipped for them.
    shouldPrompt: (context) => context.scenario !== 'cv',
    async prompt(context, input, step) {
      const answer = await input.pick({
        title: 'CI',
        step,
        canGoBack: true,
        items: [
          { label: 'github', value: 'github' },
          { label: 'azure-devops', value: 'azure-devops' },
        ],
      });
      if (typeof answer !== 'string') return answer;
      context.ci = answer;
      return undefined;
    },
  },
  {
    async prompt(context, input, step) {
      const answer = await input.input({ title: 'Name', step, canGoBack: true });
      if (typeof answer !== 'string') return answer;
      context.name = answer;
      return undefined;
    },
  },
];

describe('platform/wizard: multi-step input with back navigation', () => {
  it('goes back a step and asks again, keeping the later answers for the new pass', async () => {
    const input = scriptedInput([
      { pick: 'classical' },
      { pick: 'github' },
      'back',
      { pick: 'azure-devops' },
      { input: 'churn' },
    ]);
    const result = await runWizard(steps, {}, input);
    assert.deepEqual(result, { scenario: 'classical', ci: 'azure-devops', name: 'churn' });
    assert.deepEqual(
      input.prompts.map((prompt) => `${prompt.title} ${prompt.step?.index}/${prompt.step?.count}`),
      ['Scenario 1/3', 'CI 2/3', 'Name 3/3', 'CI 2/3', 'Name 3/3'],
    );
  });

  it('skips a step an earlier answer decides, also when going back', async () => {
    const input = scriptedInput([{ pick: 'cv' }, 'back', { pick: 'cv' }, { input: 'defects' }]);
    const result = await runWizard(steps, {}, input);
    assert.deepEqual(result, { scenario: 'cv', name: 'defects' });
    assert.deepEqual(
      input.prompts.map((prompt) => prompt.title),
      ['Scenario', 'Name', 'Scenario', 'Name'],
    );
  });

  it('stops with nothing done when a prompt is dismissed', async () => {
    const input = scriptedInput([{ pick: 'classical' }, 'cancel']);
    await assert.rejects(runWizard(steps, {}, input), { name: 'CancelledError' });
  });
});
