import { CommandId } from '../../constants';
import { describeStatusGroup, STATUS_GROUPS, type StatusGroup } from '../../core/azure/jobStatus';
import { isBack } from '../../platform/userInput';
import type { Services } from '../../services';
import type { JobFilterState } from './jobFilter';

/** Filter by status, by name, and clear: each asks through the platform's user input unless given its answer. */
export function registerJobFilterCommands({ commands, userInput }: Services, jobFilter: JobFilterState): void {
  commands.register(CommandId.filterJobsByStatus, async (_call, statuses?: StatusGroup[]) => {
    if (!statuses) {
      const current = new Set(jobFilter.current.statuses ?? []);
      const picked = await userInput.pickMany({
        title: 'Show jobs with status',
        placeholder: 'Pick none to show every status',
        items: (Object.keys(STATUS_GROUPS) as StatusGroup[]).map((group) => ({
          label: group,
          description: describeStatusGroup(group),
          value: group,
          picked: current.has(group),
        })),
      });
      if (isBack(picked)) return;
      statuses = picked;
    }
    await jobFilter.update({ statuses });
  });
  commands.register(CommandId.filterJobsByText, async (_call, text?: string) => {
    if (text === undefined) {
      const answer = await userInput.input({
        title: 'Filter jobs by name',
        prompt: 'Jobs whose display name or job name contains this text (any case); empty shows all.',
        value: jobFilter.current.text ?? '',
      });
      if (isBack(answer)) return;
      text = answer;
    }
    await jobFilter.update({ text });
  });
  commands.register(CommandId.clearJobFilters, () => jobFilter.clear());
}
