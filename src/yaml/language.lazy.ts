import vscode = require('vscode');
import type { YamlDiagnostic } from '../core/yaml/diagnostic';
import { analyzeYaml } from '../core/yaml/engine';
import { completeAt, hoverAt } from '../core/yaml/language';
import type { Services } from '../services';

const SOURCE = 'Azure ML';
const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }];
/** Long enough to skip most keystrokes of a word, short enough to feel immediate. */
const DEBOUNCE_MS = 150;

/** The YAML language features, loaded on first use with the engine (ajv and the schemas). */
export interface YamlLanguage {
  /** Checks a document now, skipping the typing delay; resolves to the diagnostics shown. */
  checkNow(document: vscode.TextDocument): readonly vscode.Diagnostic[];
}

interface ShownFix {
  readonly range: vscode.Range;
  readonly message: string;
  readonly fixes: NonNullable<YamlDiagnostic['fixes']>;
}

export function startYamlLanguage(services: Services): YamlLanguage {
  const { track, settings, errors } = services;
  const collection = track(vscode.languages.createDiagnosticCollection('azureml-yaml'));
  const fixesByDocument = new Map<string, ShownFix[]>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const checkNow = (document: vscode.TextDocument): readonly vscode.Diagnostic[] => {
    const key = document.uri.toString();
    if (document.languageId !== 'yaml' || settings.get('yaml.diagnostics') === 'off') {
      collection.delete(document.uri);
      fixesByDocument.delete(key);
      return [];
    }
    let found: readonly YamlDiagnostic[];
    try {
      found = analyzeYaml(document.getText()).diagnostics;
    } catch (error) {
      // An engine failure must not leave stale problems behind as if they were current.
      collection.delete(document.uri);
      errors.report(error, `Checking ${vscode.workspace.asRelativePath(document.uri)}`, { suppressDisplay: true });
      return [];
    }
    const shown = found.map((item) => toDiagnostic(document, item));
    collection.set(document.uri, shown);
    fixesByDocument.set(
      key,
      found.flatMap((item, index) =>
        item.fixes ? [{ range: shown[index].range, message: item.message, fixes: item.fixes }] : [],
      ),
    );
    return shown;
  };
  const checkSoon = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    clearTimeout(pending.get(key));
    pending.set(
      key,
      setTimeout(() => {
        pending.delete(key);
        checkNow(document);
      }, DEBOUNCE_MS),
    );
  };

  track(vscode.workspace.onDidOpenTextDocument(checkNow));
  track(vscode.workspace.onDidChangeTextDocument((event) => checkSoon(event.document)));
  track(
    vscode.workspace.onDidCloseTextDocument((document) => {
      collection.delete(document.uri);
      fixesByDocument.delete(document.uri.toString());
    }),
  );
  track(
    settings.onDidChange((event) => {
      if (settings.affects(event, 'yaml.diagnostics')) vscode.workspace.textDocuments.forEach(checkNow);
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
        const hover = hoverAt(document.getText(), document.offsetAt(position));
        return (
          hover &&
          new vscode.Hover(new vscode.MarkdownString(hover.markdown), rangeOf(document, hover.start, hover.end))
        );
      },
    }),
  );

  track(
    vscode.languages.registerCompletionItemProvider(
      SELECTOR,
      {
        provideCompletionItems(document, position) {
          const offset = document.offsetAt(position);
          return completeAt(document.getText(), offset).map((completion) => {
            const item = new vscode.CompletionItem(
              completion.label,
              completion.kind === 'key' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember,
            );
            item.detail = completion.detail;
            if (completion.documentation) item.documentation = new vscode.MarkdownString(completion.documentation);
            item.range = new vscode.Range(document.positionAt(completion.replaceStart), position);
            const indent = ' '.repeat(document.positionAt(completion.replaceStart).character + 2);
            item.insertText = completion.insertText.endsWith('\n')
              ? new vscode.SnippetString(`${completion.insertText.replace(/\$/g, '\\$')}${indent}$0`)
              : completion.insertText;
            return item;
          });
        },
      },
      ' ',
      ':',
    ),
  );

  vscode.workspace.textDocuments.forEach(checkNow);
  return { checkNow };
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
