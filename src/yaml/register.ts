import vscode = require('vscode');
import type { Services } from '../services';
import type { YamlLanguage } from './language.lazy';

type LanguageModule = typeof import('./language.lazy');

/** What integration tests reach of YAML authoring. */
export interface YamlTestHandle {
  /** The language features, once the first Azure ML-looking YAML file has loaded them. */
  readonly language: () => YamlLanguage | undefined;
}

// Top-level keys that Azure ML YAML starts with; anything else is left to other YAML tools without loading ours.
const AZURE_ML_LOOKING =
  /^(\$schema:\s*['"]?https?:\/\/(azuremlschemas\.azureedge\.net|azuremlsdk2\.blob\.core\.windows\.net)\/|(type|name|endpoint_name|compute|environment|command|component|jobs|trigger|paths)\s*:)/im;

/** YAML authoring: activation only watches for YAML documents; the engine loads with the first that may be ours. */
export function registerYaml(services: Services): YamlTestHandle {
  let language: YamlLanguage | undefined;
  const consider = (document: vscode.TextDocument) => {
    if (language || document.languageId !== 'yaml' || !AZURE_ML_LOOKING.test(document.getText())) return;
    language = (require('./language.lazy') as LanguageModule).startYamlLanguage(services);
  };
  services.track(vscode.workspace.onDidOpenTextDocument(consider));
  vscode.workspace.textDocuments.forEach(consider);
  return { language: () => language };
}
