import vscode = require('vscode');
import { readFileSync, statSync } from 'node:fs';
import {
  isReadySignal,
  Messenger,
  type Envelope,
  type MessageFault,
  type MessageMap,
  type MessageNames,
  type MessageType,
  type WebviewMessageMap,
} from '../../webviews/messaging';
import { ReadyGate } from './readyGate';
import { canInline, createNonce, webviewHtml } from './webviewHtml';

/** Where `npm run build` writes the front ends, relative to the extension's root. */
export const DEFAULT_BUNDLE_FOLDER = 'dist/webviews';

export interface WebviewHostOptions<FromWebview extends WebviewMessageMap> {
  extensionUri: vscode.Uri;
  /** File name of the front end's bundle without `.js`. */
  bundle: string;
  /** Folder of the bundle relative to the extension's root (default dist/webviews); the page may read nothing else. */
  bundleFolder?: string;
  /** Folders the page may read besides the bundle folder (a labeling project's images); nothing else. */
  resourceRoots?: readonly vscode.Uri[];
  /** Whether the page may fetch() what it may read (see WebviewPage.fetchesResources). */
  fetchesResources?: boolean;
  /** Stylesheets in the bundle folder, e.g. the `<bundle>.css` esbuild writes when the app imports CSS. */
  stylesheets?: readonly string[];
  /** The page's <title>; panels, views and editors show their own. */
  title: string;
  /** The contract's `fromWebview` names: anything else the page posts is dropped and reported. */
  accepts: MessageNames<FromWebview>;
  /** Hears of dropped, unsendable and failed messages; nothing of the kind is thrown. */
  onFault: (fault: MessageFault) => void;
}

/**
 * Serves one webview front end and talks to it in the terms of its contract. It takes the bare
 * `vscode.Webview`, so a WebviewPanel, a WebviewView and a custom editor use it alike; their owner
 * disposes it with them.
 *
 * Messages posted before the page says it is ready wait and then go in order. A page also starts
 * over when its panel was hidden (VS Code drops messages to a hidden page that does not retain its
 * context), and then says ready again: owners send their whole state from `onReady`.
 */
export class WebviewHost<ToWebview extends MessageMap, FromWebview extends WebviewMessageMap>
  implements vscode.Disposable
{
  private readonly messenger: Messenger<ToWebview, FromWebview>;
  private readonly gate: ReadyGate<Envelope<ToWebview>>;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  private readonly receiving: vscode.Disposable;
  private readonly bundleFolderUri: vscode.Uri;
  private disposed = false;

  /** Fires each time a page has its listener in place: after every render and every reload. */
  readonly onReady = this.readyEmitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly options: WebviewHostOptions<FromWebview>,
  ) {
    this.bundleFolderUri = vscode.Uri.joinPath(options.extensionUri, options.bundleFolder ?? DEFAULT_BUNDLE_FOLDER);
    this.gate = new ReadyGate((message) => this.deliver(message));
    this.messenger = new Messenger((message) => this.gate.pass(message), options.accepts, options.onFault);
    webview.options = {
      enableScripts: true,
      localResourceRoots: [this.bundleFolderUri, ...(options.resourceRoots ?? [])],
    };
    this.receiving = webview.onDidReceiveMessage((value: unknown) => this.receive(value));
    this.render();
  }

  /** Whether the current page has said it is ready, so posts go straight through. */
  get isReady(): boolean {
    return this.gate.isOpen;
  }

  post<K extends MessageType<ToWebview>>(type: K, payload: ToWebview[K]): void {
    if (this.disposed) return;
    this.messenger.post(type, payload);
  }

  onMessage(listener: (message: Envelope<FromWebview>) => void): vscode.Disposable {
    return this.messenger.onMessage(listener);
  }

  /** Serves the page afresh, with a new nonce; posts wait for the new page's ready. */
  render(): void {
    if (this.disposed) return;
    this.gate.close();
    const file = (name: string) => vscode.Uri.joinPath(this.bundleFolderUri, name);
    const resource = (name: string) => this.webview.asWebviewUri(file(name)).toString();
    const scriptName = `${this.options.bundle}.js`;
    const stylesheets = this.options.stylesheets ?? [];
    // The bundle and stylesheets go inside the page: each file the page fetches goes through the webview's service
    // worker and the workbench, and the page's load (with every message to it) waits for them.
    const texts = [scriptName, ...stylesheets].map((name) => inlinable(file(name)));
    const inline = texts.every((text) => text !== undefined);
    this.webview.html = webviewHtml({
      nonce: createNonce(),
      cspSource: this.webview.cspSource,
      scriptUri: resource(scriptName),
      stylesheetUris: inline ? [] : stylesheets.map(resource),
      ...(inline ? { inlineScript: texts[0], inlineStyles: texts.slice(1) } : {}),
      fetchesResources: this.options.fetchesResources,
      title: this.options.title,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gate.clear();
    this.messenger.dispose();
    this.receiving.dispose();
    this.readyEmitter.dispose();
  }

  /**
   * Takes what the page posted: its ready signal, or a message checked against the contract. The webview's
   * own messages come here; tests pass a message the page would post (a click) the same way.
   */
  receive(value: unknown): void {
    if (this.disposed) return;
    if (isReadySignal(value)) {
      this.gate.open();
      this.readyEmitter.fire();
      return;
    }
    this.messenger.receive(value);
  }

  private deliver(message: Envelope<ToWebview>): void {
    const report = (cause: unknown) =>
      this.options.onFault({ problem: `"${message.type}" could not be posted to the webview`, value: message, cause });
    try {
      this.webview.postMessage(message).then(undefined, report);
    } catch (error) {
      report(error);
    }
  }
}

/** Bundle files as last read, by path; read again when the file changes (a rebuild while debugging). */
const inlinedFiles = new Map<string, { modifiedMs: number; text: string | undefined }>();

/**
 * A bundle file's text when it can go inside the page, else undefined: the page then links the file, and a
 * file that cannot be read fails there as it would have anyway.
 */
function inlinable(file: vscode.Uri): string | undefined {
  try {
    const modifiedMs = statSync(file.fsPath).mtimeMs;
    const known = inlinedFiles.get(file.fsPath);
    if (known?.modifiedMs === modifiedMs) return known.text;
    const text = readFileSync(file.fsPath, 'utf8');
    const usable = canInline(text) ? text : undefined;
    inlinedFiles.set(file.fsPath, { modifiedMs, text: usable });
    return usable;
  } catch {
    return undefined;
  }
}
