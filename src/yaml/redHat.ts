import vscode = require('vscode');
import { RedHatYaml } from '../constants';
import type { DiagnosticsReporter, YamlExtensionState } from '../core/yaml/yamlExtension';
import type { Services } from '../services';

/** What Red Hat's YAML extension returns from `activate`, as far as this extension uses it. */
interface RedHatYamlApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => Promise<string> | string,
    label?: string,
  ): boolean;
}

/** The schemas to hand over, from the YAML engine (core/yaml/yamlExtension), which the caller has loaded. */
export interface HandedSchemas {
  /** The URI scheme of the schema URIs, which names the contributor. */
  readonly scheme: string;
  uriFor(text: string, reporter: DiagnosticsReporter): string | undefined;
  contentFor(uri: string): string | undefined;
}

/** Red Hat's YAML extension as the YAML features see it. */
export interface RedHatYamlHandOver {
  /** Undefined when the extension is not installed (or disabled). */
  stateFor(document: vscode.TextDocument): YamlExtensionState | undefined;
  isPresent(): boolean;
}

/**
 * Hands this extension's schemas to Red Hat's YAML extension: a schema contributor that names, for each Azure ML
 * YAML file, the schema Red Hat should use and serves it. Started with the YAML
 * features, that is once an Azure ML YAML file is open, and again if Red Hat's extension is installed later.
 * `onChange` runs when Red Hat's extension comes or goes or its validation setting changes.
 */
export function startRedHatHandOver(
  services: Services,
  schemas: HandedSchemas,
  onChange: () => void,
): RedHatYamlHandOver {
  const { track, settings, errors } = services;
  let registered = false;

  const requestSchema = (resource: string): string | undefined => {
    const document = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === resource);
    if (!document || document.languageId !== 'yaml') return undefined;
    return schemas.uriFor(document.getText(), settings.get('yaml.diagnostics'));
  };
  const requestSchemaContent = (uri: string): string => {
    const content = schemas.contentFor(uri);
    if (content === undefined) throw new Error(`The Azure ML extension has no schema at ${uri}.`);
    return content;
  };

  const register = async () => {
    const extension = vscode.extensions.getExtension<RedHatYamlApi>(RedHatYaml.extensionId);
    if (registered || !extension) return;
    registered = true;
    try {
      const api = await extension.activate();
      if (typeof api?.registerContributor !== 'function') {
        throw new Error(`${RedHatYaml.extensionId} offers no registerContributor; it may be too old.`);
      }
      // False means a contributor of this name exists already: ours, from an earlier start in this session.
      api.registerContributor(schemas.scheme, requestSchema, requestSchemaContent);
    } catch (error) {
      errors.report(error, "Handing Azure ML schemas to Red Hat's YAML extension", { suppressDisplay: true });
    }
  };

  void register();
  track(
    vscode.extensions.onDidChange(() => {
      void register();
      onChange();
    }),
  );
  track(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${RedHatYaml.section}.${RedHatYaml.validate}`)) onChange();
    }),
  );

  const isPresent = () => vscode.extensions.getExtension(RedHatYaml.extensionId) !== undefined;
  return {
    isPresent,
    stateFor: (document) =>
      isPresent()
        ? {
            validates:
              vscode.workspace.getConfiguration(RedHatYaml.section, document.uri).get<boolean>(RedHatYaml.validate) !==
              false,
          }
        : undefined,
  };
}
