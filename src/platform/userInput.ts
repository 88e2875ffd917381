/**
 * What the extension asks the user through quick picks and input boxes. Features prompt through this
 * interface, never through `vscode.window` directly, so integration tests can script the answers
 * (including "Back") and see what was offered. No vscode import: unit tests use it too.
 */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  /** Pre-selected in a multi-select pick; marks the current choice in a single pick. */
  picked?: boolean;
}

export interface StepPosition {
  index: number;
  count: number;
}

export interface PickOptions<T> {
  title?: string;
  placeholder?: string;
  items: PickItem<T>[] | Promise<PickItem<T>[]>;
  step?: StepPosition;
  /** Shows a Back button; choosing it answers BACK. */
  canGoBack?: boolean;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
}

export interface InputOptions {
  title?: string;
  prompt?: string;
  placeholder?: string;
  value?: string;
  step?: StepPosition;
  canGoBack?: boolean;
  /** Hides what is typed (a token). */
  password?: boolean;
  /** A message when the text cannot be accepted, undefined when it can. */
  validate?(value: string): string | undefined;
}

export interface SaveOptions {
  title?: string;
  /** The file suggested, as a path: its folder is where the dialog opens. */
  defaultPath: string;
  /** Kinds of file the dialog offers, by name: `{ 'CSV files': ['csv'] }`. */
  filters?: Record<string, string[]>;
  /** The dialog's button. */
  saveLabel?: string;
}

export interface FolderOptions {
  title?: string;
  /** The folder the dialog opens in. */
  defaultPath: string;
  /** The dialog's button. */
  openLabel?: string;
}

export interface ConfirmOptions {
  /** The question, shown in a modal dialog. */
  message: string;
  detail?: string;
  /** The buttons besides Cancel. */
  actions: string[];
}

/** The answer "go back one step" (the quick input's Back button). */
export interface Back {
  readonly back: true;
}
export const BACK: Back = Object.freeze({ back: true as const });

// Compared by shape, not identity: test bundles carry their own copy of this module.
export function isBack(value: unknown): value is Back {
  return typeof value === 'object' && value !== null && (value as Partial<Back>).back === true;
}

/** Dismissing a prompt (Escape) throws a CancelledError, which the command wrapper treats as quiet. */
export interface UserInput {
  pick<T>(options: PickOptions<T>): Promise<T | Back>;
  pickMany<T>(options: PickOptions<T>): Promise<T[] | Back>;
  input(options: InputOptions): Promise<string | Back>;
  /** Where to save a file: the path chosen in the save dialog. */
  saveLocation(options: SaveOptions): Promise<string>;
  /** A folder chosen in the open dialog (it may be created there). */
  chooseFolder(options: FolderOptions): Promise<string>;
  /** A modal question: the action chosen, or undefined for Cancel. */
  confirm(options: ConfirmOptions): Promise<string | undefined>;
}

/** A UserInput whose implementation can be swapped, for tests; the extension uses VS Code's. */
export class SwitchableUserInput implements UserInput {
  constructor(private current: UserInput) {}

  /** Uses `input` until the returned function is called. */
  use(input: UserInput): () => void {
    const previous = this.current;
    this.current = input;
    return () => {
      this.current = previous;
    };
  }

  pick<T>(options: PickOptions<T>): Promise<T | Back> {
    return this.current.pick(options);
  }

  pickMany<T>(options: PickOptions<T>): Promise<T[] | Back> {
    return this.current.pickMany(options);
  }

  input(options: InputOptions): Promise<string | Back> {
    return this.current.input(options);
  }

  saveLocation(options: SaveOptions): Promise<string> {
    return this.current.saveLocation(options);
  }

  chooseFolder(options: FolderOptions): Promise<string> {
    return this.current.chooseFolder(options);
  }

  confirm(options: ConfirmOptions): Promise<string | undefined> {
    return this.current.confirm(options);
  }
}

/** A UserInput made on first use, so its module loads when the first prompt is shown. */
export function createdOnFirstUse(create: () => UserInput): UserInput {
  let input: UserInput | undefined;
  const get = () => (input ??= create());
  return {
    pick: (options) => get().pick(options),
    pickMany: (options) => get().pickMany(options),
    input: (options) => get().input(options),
    saveLocation: (options) => get().saveLocation(options),
    chooseFolder: (options) => get().chooseFolder(options),
    confirm: (options) => get().confirm(options),
  };
}
