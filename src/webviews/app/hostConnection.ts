// The front end's side of a webview: browser code, bundled into each app.
import {
  Messenger,
  READY_TYPE,
  type Envelope,
  type MessageFault,
  type MessageMap,
  type MessageNames,
  type MessageType,
  type ReadySignal,
  type WebviewMessageMap,
} from '../messaging';

/** What VS Code gives a webview page through `acquireVsCodeApi()`. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let acquired: VsCodeApi | undefined;

/** The page's API. VS Code hands it out once per page, so everyone gets it from here. */
export function vsCodeApi(): VsCodeApi {
  acquired ??= acquireVsCodeApi();
  return acquired;
}

export interface HostConnectionOptions<ToWebview extends MessageMap> {
  /** The contract's `toWebview` names: anything else the host posts is dropped and reported. */
  accepts: MessageNames<ToWebview>;
  onMessage: (message: Envelope<ToWebview>) => void;
  /** Default: the page's console, which Developer: Open Webview Developer Tools shows. */
  onFault?: (fault: MessageFault) => void;
}

export interface HostConnection<FromWebview extends MessageMap> {
  post<K extends MessageType<FromWebview>>(type: K, payload: FromWebview[K]): void;
}

/**
 * Listens for the host's messages, then tells the host it is ready. The listener is given here, not
 * added later, so nothing the host held back for this page can arrive before someone listens.
 */
export function connectToHost<ToWebview extends MessageMap, FromWebview extends WebviewMessageMap>(
  options: HostConnectionOptions<ToWebview>,
): HostConnection<FromWebview> {
  const api = vsCodeApi();
  const onFault =
    options.onFault ??
    ((fault: MessageFault) => console.error(`Webview message: ${fault.problem}`, fault.value, fault.cause));
  const messenger = new Messenger<FromWebview, ToWebview>(
    (message) => api.postMessage(message),
    options.accepts,
    onFault,
  );
  messenger.onMessage(options.onMessage);
  window.addEventListener('message', (event: MessageEvent<unknown>) => messenger.receive(event.data));
  const ready: ReadySignal = { type: READY_TYPE, payload: null };
  api.postMessage(ready);
  return { post: (type, payload) => messenger.post(type, payload) };
}
