// A UserInput that answers prompts from a script, for tests of multi-step commands: it records what
// each prompt offered, and fails loudly when a prompt comes that the script did not expect.
import { CancelledError } from '../../src/core/errors/kinds';
import {
  BACK,
  type Back,
  type ConfirmOptions,
  type FolderOptions,
  type InputOptions,
  type PickItem,
  type PickOptions,
  type SaveOptions,
  type UserInput,
} from '../../src/platform/userInput';

export type ScriptedAnswer =
  | { pick: string }
  | { pickMany: string[] }
  /** Items chosen from what the prompt offers, for lists that depend on what earlier tests left behind. */
  | { pickManyOf: (items: PickItem<unknown>[]) => PickItem<unknown>[] }
  | { input: string }
  /** The path chosen in a save dialog. */
  | { save: string }
  /** The folder chosen in an open dialog. */
  | { folder: string }
  /** The button chosen in a modal question; undefined is Cancel. */
  | { confirm: string | undefined }
  /** The Back button. */
  | 'back'
  /** Escape. */
  | 'cancel';

export interface RecordedPrompt {
  kind: 'pick' | 'pickMany' | 'input' | 'save' | 'folder' | 'confirm';
  title?: string;
  step?: { index: number; count: number };
  canGoBack?: boolean;
  items?: PickItem<unknown>[];
  /** What a pick's placeholder or an input's prompt asked. */
  question?: string;
  /** An input's initial text, the path a save or open dialog suggested, or a question's message. */
  value?: string;
  /** A question's detail and buttons. */
  detail?: string;
  actions?: string[];
}

export interface ScriptedInput extends UserInput {
  readonly prompts: RecordedPrompt[];
  /** Answers not used yet. */
  readonly remaining: ScriptedAnswer[];
}

/** Labels as the user reads them: without a leading $(icon). */
const plainLabel = (label: string) => label.replace(/^\$\([^)]*\)\s*/, '');

export function scriptedInput(answers: ScriptedAnswer[]): ScriptedInput {
  const remaining = [...answers];
  const prompts: RecordedPrompt[] = [];

  function next(prompt: RecordedPrompt): Exclude<ScriptedAnswer, 'cancel'> {
    prompts.push(prompt);
    const answer = remaining.shift();
    if (answer === undefined) throw new Error(`No scripted answer left for the ${prompt.kind} "${prompt.title}"`);
    if (answer === 'cancel') throw new CancelledError();
    return answer;
  }

  function chosen<T>(items: PickItem<T>[], label: string): PickItem<T> {
    const found = items.find((item) => plainLabel(item.label) === label);
    if (!found) throw new Error(`No item "${label}" among ${items.map((item) => item.label).join(', ')}`);
    return found;
  }

  return {
    prompts,
    remaining,
    async pick<T>(options: PickOptions<T>): Promise<T | Back> {
      const items = await options.items;
      const answer = next({
        kind: 'pick',
        title: options.title,
        question: options.placeholder,
        step: options.step,
        canGoBack: options.canGoBack,
        items,
      });
      if (answer === 'back') return BACK;
      if (!('pick' in answer))
        throw new Error(`Expected a pick answer for "${options.title}", got ${JSON.stringify(answer)}`);
      return chosen(items, answer.pick).value;
    },
    async pickMany<T>(options: PickOptions<T>): Promise<T[] | Back> {
      const items = await options.items;
      const answer = next({
        kind: 'pickMany',
        title: options.title,
        step: options.step,
        canGoBack: options.canGoBack,
        items,
      });
      if (answer === 'back') return BACK;
      if ('pickManyOf' in answer) return answer.pickManyOf(items).map((item) => item.value as T);
      if (!('pickMany' in answer)) {
        throw new Error(`Expected a pickMany answer for "${options.title}", got ${JSON.stringify(answer)}`);
      }
      return answer.pickMany.map((label) => chosen(items, label).value);
    },
    async input(options: InputOptions): Promise<string | Back> {
      const answer = next({
        kind: 'input',
        title: options.title,
        question: options.prompt,
        step: options.step,
        canGoBack: options.canGoBack,
        value: options.value,
      });
      if (answer === 'back') return BACK;
      if (!('input' in answer))
        throw new Error(`Expected an input answer for "${options.title}", got ${JSON.stringify(answer)}`);
      const problem = options.validate?.(answer.input);
      if (problem) throw new Error(`The scripted input "${answer.input}" was refused: ${problem}`);
      return answer.input;
    },
    async saveLocation(options: SaveOptions): Promise<string> {
      const answer = next({ kind: 'save', title: options.title, value: options.defaultPath });
      if (answer === 'back' || !('save' in answer))
        throw new Error(`Expected a save answer for "${options.title}", got ${JSON.stringify(answer)}`);
      return answer.save;
    },
    async chooseFolder(options: FolderOptions): Promise<string> {
      const answer = next({ kind: 'folder', title: options.title, value: options.defaultPath });
      if (answer === 'back' || !('folder' in answer))
        throw new Error(`Expected a folder answer for "${options.title}", got ${JSON.stringify(answer)}`);
      return answer.folder;
    },
    async confirm(options: ConfirmOptions): Promise<string | undefined> {
      const answer = next({
        kind: 'confirm',
        value: options.message,
        detail: options.detail,
        actions: options.actions,
      });
      if (answer === 'back' || !('confirm' in answer))
        throw new Error(`Expected a confirm answer for "${options.message}", got ${JSON.stringify(answer)}`);
      if (answer.confirm !== undefined && !options.actions.includes(answer.confirm))
        throw new Error(`No button "${answer.confirm}" among ${options.actions.join(', ')}`);
      return answer.confirm;
    },
  };
}
