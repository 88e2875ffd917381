import vscode = require('vscode');
import { SETTING_DEFAULTS, SettingSection, type SettingName, type SettingTypes } from '../constants';
import { SettingsError } from '../core/errors/kinds';

/**
 * Typed access to the `azureml` settings. Defaults come from SETTING_DEFAULTS; a value of the wrong
 * type (hand-edited settings.json) is an error that names the setting, not a silent fallback.
 */
export class Settings {
  get<K extends SettingName>(name: K): SettingTypes[K] {
    const fallback = SETTING_DEFAULTS[name];
    const value = vscode.workspace.getConfiguration(SettingSection).get<unknown>(name, fallback);
    if (!sameShape(value, fallback)) {
      throw new SettingsError(
        `azureml.${name} must be ${describeShape(fallback)}, but it is ${JSON.stringify(value)}.`,
        `azureml.${name}`,
      );
    }
    return value as SettingTypes[K];
  }

  /** True when the change touches `name`, or any azureml setting without a name. */
  affects(event: vscode.ConfigurationChangeEvent, name?: SettingName): boolean {
    return event.affectsConfiguration(name ? `${SettingSection}.${name}` : SettingSection);
  }

  onDidChange(listener: (event: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (this.affects(event)) listener(event);
    });
  }

  /** Opens the Settings editor at `setting` (a full id such as azureml.cloud), or at all of ours. */
  open(setting: string = SettingSection): Thenable<unknown> {
    return vscode.commands.executeCommand('workbench.action.openSettings', setting);
  }
}

function sameShape(value: unknown, fallback: unknown): boolean {
  if (Array.isArray(fallback)) return Array.isArray(value) && value.every((item) => typeof item === 'string');
  return typeof value === typeof fallback;
}

function describeShape(fallback: unknown): string {
  if (Array.isArray(fallback)) return 'a list of strings';
  return typeof fallback === 'number' ? 'a number' : typeof fallback === 'boolean' ? 'true or false' : 'text';
}
