import { describeStatusGroup, STATUS_GROUPS, type StatusGroup } from '../../core/azure/jobStatus';
import { isBack, type UserInput } from '../../platform/userInput';

/** Asks which status groups to show; undefined when the user went back. */
export async function askStatusGroups(
  userInput: UserInput,
  current: StatusGroup[],
): Promise<StatusGroup[] | undefined> {
  const picked = await userInput.pickMany({
    title: 'Show jobs with status',
    placeholder: 'Pick none to show every status',
    items: (Object.keys(STATUS_GROUPS) as StatusGroup[]).map((group) => ({
      label: group,
      description: describeStatusGroup(group),
      value: group,
      picked: current.includes(group),
    })),
  });
  return isBack(picked) ? undefined : picked;
}

/** Asks for the text job names must contain; undefined when the user went back. */
export async function askFilterText(userInput: UserInput, current: string): Promise<string | undefined> {
  const answer = await userInput.input({
    title: 'Filter jobs by name',
    prompt: 'Jobs whose display name or job name contains this text (any case); empty shows all.',
    value: current,
  });
  return isBack(answer) ? undefined : answer;
}
