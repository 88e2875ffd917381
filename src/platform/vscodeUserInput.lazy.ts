// Bundle entry of dist/quick-input.js: prompts on VS Code's quick input, loaded with the first prompt.
import vscode = require('vscode');
import { CancelledError } from '../core/errors/kinds';
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
} from './userInput';

type QuickItem<T> = vscode.QuickPickItem & { item: PickItem<T> };

/** UserInput on VS Code's quick input, with step counts, a Back button and a busy state while items load. */
export class VsCodeUserInput implements UserInput {
  async pick<T>(options: PickOptions<T>): Promise<T | Back> {
    const chosen = await this.show(options, false);
    return chosen === BACK ? BACK : (chosen as PickItem<T>[])[0].value;
  }

  async pickMany<T>(options: PickOptions<T>): Promise<T[] | Back> {
    const chosen = await this.show(options, true);
    return chosen === BACK ? BACK : (chosen as PickItem<T>[]).map((item) => item.value);
  }

  private show<T>(options: PickOptions<T>, canPickMany: boolean): Promise<PickItem<T>[] | Back> {
    const quickPick = vscode.window.createQuickPick<QuickItem<T>>();
    quickPick.title = options.title;
    quickPick.placeholder = options.placeholder;
    quickPick.canSelectMany = canPickMany;
    quickPick.matchOnDescription = options.matchOnDescription ?? false;
    quickPick.matchOnDetail = options.matchOnDetail ?? false;
    quickPick.step = options.step?.index;
    quickPick.totalSteps = options.step?.count;
    quickPick.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    quickPick.busy = true;
    return new Promise<PickItem<T>[] | Back>((resolve, reject) => {
      const settle = settleOnce(quickPick);
      quickPick.onDidTriggerButton(() => settle(() => resolve(BACK)));
      quickPick.onDidAccept(() => {
        const chosen = canPickMany ? quickPick.selectedItems : quickPick.activeItems.slice(0, 1);
        if (!canPickMany && chosen.length === 0) return;
        settle(() => resolve(chosen.map((quick) => quick.item)));
      });
      quickPick.onDidHide(() => settle(() => reject(new CancelledError())));
      quickPick.show();
      Promise.resolve(options.items).then(
        (items) => {
          const quickItems = items.map((item) => ({
            label: item.label,
            description: item.description,
            detail: item.detail,
            picked: item.picked,
            item,
          }));
          quickPick.items = quickItems;
          const current = quickItems.filter((quick) => quick.item.picked);
          if (canPickMany) quickPick.selectedItems = current;
          else if (current.length > 0) quickPick.activeItems = current.slice(0, 1);
          quickPick.busy = false;
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  async saveLocation(options: SaveOptions): Promise<string> {
    const chosen = await vscode.window.showSaveDialog({
      title: options.title,
      defaultUri: vscode.Uri.file(options.defaultPath),
      filters: options.filters,
      saveLabel: options.saveLabel,
    });
    if (!chosen) throw new CancelledError();
    return chosen.fsPath;
  }

  async chooseFolder(options: FolderOptions): Promise<string> {
    const chosen = await vscode.window.showOpenDialog({
      title: options.title,
      defaultUri: vscode.Uri.file(options.defaultPath),
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: options.openLabel,
    });
    if (!chosen?.[0]) throw new CancelledError();
    return chosen[0].fsPath;
  }

  async confirm(options: ConfirmOptions): Promise<string | undefined> {
    return vscode.window.showWarningMessage(
      options.message,
      { modal: true, detail: options.detail },
      ...options.actions,
    );
  }

  input(options: InputOptions): Promise<string | Back> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    box.step = options.step?.index;
    box.totalSteps = options.step?.count;
    box.buttons = options.canGoBack ? [vscode.QuickInputButtons.Back] : [];
    return new Promise<string | Back>((resolve, reject) => {
      const settle = settleOnce(box);
      box.onDidChangeValue((value) => (box.validationMessage = options.validate?.(value)));
      box.onDidTriggerButton(() => settle(() => resolve(BACK)));
      box.onDidAccept(() => {
        const problem = options.validate?.(box.value);
        if (problem) box.validationMessage = problem;
        else settle(() => resolve(box.value));
      });
      box.onDidHide(() => settle(() => reject(new CancelledError())));
      box.show();
    });
  }
}

/** The first of accept, Back and hide answers the prompt and closes it; later events are ignored. */
function settleOnce(input: vscode.QuickInput): (finish: () => void) => void {
  let settled = false;
  return (finish) => {
    if (settled) return;
    settled = true;
    finish();
    input.dispose();
  };
}
