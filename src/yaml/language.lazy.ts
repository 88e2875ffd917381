import vscode = require('vscode');
import type { YamlDiagnostic } from '../core/yaml/diagnostic';
import { assetExistence } from '../core/azure/assetExistence';
import { readPages } from '../core/paging';
import { workspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import { analyzeWithReferences, analyzeYaml } from '../core/yaml/engine';
import type { AssetKind, AssetReference, ReferenceLookups } from '../core/yaml/references';
import {
  SCHEMA_SCHEME,
  diagnosticsToShow,
  schemaContentFor,
  schemaUriForText,
  schemasHandedOver,
} from '../core/yaml/yamlExtension';
import {
  assetCompletions,
  bindingCompletionsAt,
  assetContextAt,
  versionCompletions,
  versionedNameIn,
  completeAt,
  hoverAt,
  localPathCompletions,
  localPathContextAt,
  type YamlCompletion,
} from '../core/yaml/language';
import type { Services } from '../services';
import { startRedHatHandOver } from './redHat';

const SOURCE = 'Azure ML';
const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }];
/** Long enough to skip most keystrokes of a word, short enough to feel immediate. */
const DEBOUNCE_MS = 150;

/** The YAML language features, loaded on first use with the engine (ajv and the schemas). */
export interface YamlLanguage {
  /** Checks a document now, skipping the typing delay; returns the diagnostics shown. */
  checkNow(document: vscode.TextDocument): readonly vscode.Diagnostic[];
  /** Checks a document with its local paths and workspace assets; resolves to the diagnostics shown. */
  checkWithReferences(document: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]>;
}

interface ShownFix {
  readonly range: vscode.Range;
  readonly message: string;
  readonly fixes: NonNullable<YamlDiagnostic['fixes']>;
}

export function startYamlLanguage(services: Services): YamlLanguage {
  const { track, settings, errors, session, activeWorkspace } = services;
  const collection = track(vscode.languages.createDiagnosticCollection('azureml-yaml'));
  const fixesByDocument = new Map<string, ShownFix[]>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const reporter = () => settings.get('yaml.diagnostics');
  const enabled = (document: vscode.TextDocument) => document.languageId === 'yaml' && reporter() !== 'off';
  const redHat = startRedHatHandOver(
    services,
    { scheme: SCHEMA_SCHEME, uriFor: schemaUriForText, contentFor: schemaContentFor },
    () => vscode.workspace.textDocuments.forEach(checkBoth),
  );
  /** Of what the engine found, what no other extension reports (see the setting's choices). */
  const ownShare = (document: vscode.TextDocument, found: readonly YamlDiagnostic[]) =>
    diagnosticsToShow(found, reporter(), redHat.stateFor(document));
  /** Red Hat's extension has the schemas, so its hovers and key completions stand for ours. */
  const handedOver = () => schemasHandedOver(reporter(), redHat.isPresent());
  const clear = (document: vscode.TextDocument) => {
    collection.delete(document.uri);
    fixesByDocument.delete(document.uri.toString());
  };
  const show = (document: vscode.TextDocument, found: readonly YamlDiagnostic[]) => {
    const shown = found.map((item) => toDiagnostic(document, item));
    collection.set(document.uri, shown);
    fixesByDocument.set(
      document.uri.toString(),
      found.flatMap((item, index) =>
        item.fixes ? [{ range: shown[index].range, message: item.message, fixes: item.fixes }] : [],
      ),
    );
    return shown;
  };
  const failed = (document: vscode.TextDocument, error: unknown) => {
    // An engine failure must not leave stale problems behind as if they were current.
    clear(document);
    errors.report(error, `Checking ${vscode.workspace.asRelativePath(document.uri)}`, { suppressDisplay: true });
  };

  // One answer cache per active workspace: switching workspaces asks again.
  let assets: { key: string; exists: (reference: AssetReference) => Promise<boolean | undefined> } | undefined;
  const lookupsFor = (document: vscode.TextDocument): ReferenceLookups => {
    const ws = activeWorkspace.current;
    if (ws && assets?.key !== workspaceId(ws)) {
      assets = {
        key: workspaceId(ws),
        exists: assetExistence(async (id) => (await session.getArm()).getResource(id), ws),
      };
    }
    const folder = document.uri.scheme === 'untitled' ? undefined : vscode.Uri.joinPath(document.uri, '..');
    return {
      pathKind: folder && ((path) => pathKind(folder, path)),
      assetExists: ws ? assets?.exists : undefined,
      workspaceName: ws?.name,
    };
  };
  track(activeWorkspace.onDidChange(() => vscode.workspace.textDocuments.forEach((document) => void refine(document))));
  track(session.onDidChange(() => (assets = undefined)));

  const checkNow = (document: vscode.TextDocument): readonly vscode.Diagnostic[] => {
    if (!enabled(document)) {
      clear(document);
      return [];
    }
    try {
      return show(document, ownShare(document, analyzeYaml(document.getText()).diagnostics));
    } catch (error) {
      failed(document, error);
      return [];
    }
  };
  /** The same check, then the local paths and workspace assets it names, unless the text changed meanwhile. */
  const refine = async (document: vscode.TextDocument): Promise<readonly vscode.Diagnostic[]> => {
    if (!enabled(document)) return checkNow(document);
    const version = document.version;
    try {
      const { diagnostics } = await analyzeWithReferences(document.getText(), lookupsFor(document));
      if (document.isClosed || document.version !== version) return [];
      return show(document, ownShare(document, diagnostics));
    } catch (error) {
      failed(document, error);
      return [];
    }
  };
  const checkBoth = (document: vscode.TextDocument) => {
    checkNow(document);
    void refine(document);
  };

  const checkSoon = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        checkBoth(document);
      }, DEBOUNCE_MS),
    );
  };

  track(vscode.workspace.onDidOpenTextDocument(checkBoth));
  track(vscode.workspace.onDidChangeTextDocument((event) => checkSoon(event.document)));
  track(vscode.workspace.onDidCloseTextDocument(clear));
  track(
    settings.onDidChange((event) => {
      if (settings.affects(event, 'yaml.diagnostics')) vscode.workspace.textDocuments.forEach(checkBoth);
    }),
  );
  track({ dispose: () => pending.forEach((timer) => clearTimeout(timer)) });

  track(
    vscode.languages.registerCodeActionsProvider(
      SELECTOR,
      {
        provideCodeActions(document, _range, context) {
          const shown = fixesByDocument.get(document.uri.toString()) ?? [];
          return context.diagnostics.flatMap((diagnostic) => {
            const match = shown.find(
              (item) => item.range.isEqual(diagnostic.range) && item.message === diagnostic.message,
            );
            return (match?.fixes ?? []).map((fix) => {
              const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
              action.diagnostics = [diagnostic];
              action.isPreferred = match?.fixes.length === 1;
              action.edit = new vscode.WorkspaceEdit();
              for (const edit of fix.edits) {
                action.edit.replace(document.uri, rangeOf(document, edit.start, edit.end), edit.text);
              }
              return action;
            });
          });
        },
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );

  track(
    vscode.languages.registerHoverProvider(SELECTOR, {
      provideHover(document, position) {
        if (handedOver()) return undefined;
        const hover = hoverAt(document.getText(), document.offsetAt(position));
        return (
          hover &&
          new vscode.Hover(new vscode.MarkdownString(hover.markdown), rangeOf(document, hover.start, hover.end))
        );
      },
    }),
  );

  // Lists per workspace, kind (and asset, for versions), kept a minute: completion asks on every keystroke.
  const listed = new Map<string, { at: number; values: Promise<YamlCompletion[]> }>();
  track(activeWorkspace.onDidChange(() => listed.clear()));
  track(session.onDidChange(() => listed.clear()));
  const workspaceAssets = async (
    context: { kind: AssetKind; replaceStart: number; typed: string },
    cancellation: vscode.CancellationToken,
  ): Promise<YamlCompletion[]> => {
    const ws = activeWorkspace.current;
    if (!ws) return [];
    const name = context.kind === 'computes' ? undefined : versionedNameIn(context.typed);
    const key = `${workspaceId(ws)}|${context.kind}|${name ?? ''}|${context.replaceStart}`;
    let entry = listed.get(key);
    if (!entry || Date.now() - entry.at > 60_000) {
      const values = name
        ? listVersions(context.kind, ws, name).then((versions) =>
            versionCompletions(name, versions, context.replaceStart),
          )
        : listAssets(context.kind, ws).then((assets) => assetCompletions(context.kind, assets, context.replaceStart));
      entry = { at: Date.now(), values };
      listed.set(key, entry);
      values.catch(() => listed.delete(key));
    }
    try {
      const values = await entry.values;
      return cancellation.isCancellationRequested ? [] : values;
    } catch (error) {
      // Completion still offers the schema's values; the reason is in the output channel.
      errors.report(error, `Listing ${context.kind} of ${ws.name} for completion`, { suppressDisplay: true });
      return [];
    }
  };
  /** Enough pages for any workspace a person browses by name; beyond that, typing narrows the list. */
  const MAX_PAGES = 10;
  const listAssets = async (kind: AssetKind, ws: WorkspaceRef) => {
    const arm = await session.getArm();
    const read = {
      computes: (token?: string) => arm.listComputes(ws, token),
      environments: (token?: string) => arm.listEnvironments(ws, token),
      data: (token?: string) => arm.listDataAssets(ws, token),
      models: (token?: string) => arm.listModels(ws, token),
      components: (token?: string) => arm.listComponents(ws, token),
    }[kind];
    return (await readPages<{ name: string; latestVersion?: string }>(read, { maxPages: MAX_PAGES })).items;
  };
  const listVersions = async (kind: AssetKind, ws: WorkspaceRef, name: string): Promise<string[]> => {
    const arm = await session.getArm();
    const read =
      kind === 'data'
        ? (token?: string) => arm.listDataVersions(ws, name, token)
        : kind === 'models'
          ? (token?: string) => arm.listModelVersions(ws, name, token)
          : (token?: string) =>
              arm.listAssetVersions(ws, kind === 'environments' ? 'environments' : 'components', name, token);
    return (await readPages<{ version: string }>(read, { maxPages: MAX_PAGES })).items.map((item) => item.version);
  };

  track(
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        async provideCompletionItems(document, position, cancellation) {
          const text = document.getText();
          const offset = document.offsetAt(position);
          const completions = handedOver() ? (bindingCompletionsAt(text, offset) ?? []) : completeAt(text, offset);
          const assetContext = assetContextAt(text, offset);
          if (assetContext) completions.push(...(await workspaceAssets(assetContext, cancellation)));
          const pathContext = document.uri.scheme === 'untitled' ? undefined : localPathContextAt(text, offset);
          if (pathContext) {
            const entries = await folderEntries(vscode.Uri.joinPath(document.uri, '..'), pathContext.typed);
            completions.push(
              ...localPathCompletions(pathContext.typed, entries, pathContext.expects, pathContext.replaceStart),
            );
          }
          return completions.map((completion) => toCompletionItem(document, position, completion));
        },
      },
      ' ',
      ':',
    ),
  );

  vscode.workspace.textDocuments.forEach(checkBoth);
  return { checkNow, checkWithReferences: refine };
}

function toCompletionItem(document: vscode.TextDocument, position: vscode.Position, completion: YamlCompletion) {
  const item = new vscode.CompletionItem(
    completion.label,
    completion.kind === 'key' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.Value,
  );
  item.detail = completion.detail;
  if (completion.documentation) item.documentation = new vscode.MarkdownString(completion.documentation);
  const start = document.positionAt(completion.replaceStart);
  item.range = new vscode.Range(start, position);
  // A key whose value is a mapping or a list opens an indented line below it.
  item.insertText = completion.insertText.endsWith('\n')
    ? new vscode.SnippetString(`${completion.insertText.replace(/\$/g, '\\$')}${' '.repeat(start.character + 2)}$0`)
    : completion.insertText;
  return item;
}

function toDiagnostic(document: vscode.TextDocument, item: YamlDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(
    rangeOf(document, item.start, item.end),
    item.message,
    SEVERITY[item.severity],
  );
  diagnostic.source = SOURCE;
  diagnostic.code = item.code;
  return diagnostic;
}

const SEVERITY: Record<YamlDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function rangeOf(document: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(document.positionAt(start), document.positionAt(end));
}

async function pathKind(folder: vscode.Uri, path: string): Promise<'file' | 'directory' | undefined> {
  const target = path.startsWith('/') ? folder.with({ path }) : vscode.Uri.joinPath(folder, path);
  try {
    const stat = await vscode.workspace.fs.stat(target);
    return stat.type & vscode.FileType.Directory ? 'directory' : 'file';
  } catch {
    return undefined;
  }
}

/** The entries of the folder a typed relative path points into; none when it is not a folder. */
async function folderEntries(base: vscode.Uri, typed: string): Promise<{ name: string; directory: boolean }[]> {
  const folder = typed.slice(0, typed.lastIndexOf('/') + 1);
  try {
    const entries = await vscode.workspace.fs.readDirectory(folder ? vscode.Uri.joinPath(base, folder) : base);
    return entries.map(([name, type]) => ({ name, directory: (type & vscode.FileType.Directory) !== 0 }));
  } catch {
    return [];
  }
}
