// Typed messages between the extension host and a webview front end. Both sides run this same code,
// so it uses neither `vscode`, Node nor the DOM.

/**
 * Message name -> payload type, one direction of a webview's contract. Declare maps with `type`, not
 * `interface` (an interface has no index signature, so it is not a Record). Messages travel as JSON,
 * which drops `undefined`: a message that carries nothing has the payload `null`.
 */
export type MessageMap = Record<string, unknown>;

export type MessageType<M extends MessageMap> = keyof M & string;

/** One message of a map: `{ type, payload }`, a union that `switch (message.type)` narrows. */
export type Envelope<M extends MessageMap> = {
  [K in MessageType<M>]: { type: K; payload: M[K] };
}[MessageType<M>];

/**
 * The names of a map as a value, for checking at run time what arrives. A record rather than a list
 * so the compiler insists on every name, and on no other.
 */
export type MessageNames<M extends MessageMap> = { readonly [K in MessageType<M>]: true };

/** What a contract.ts exports besides its types: the names in each direction. */
export interface ContractNames<ToWebview extends MessageMap, FromWebview extends MessageMap> {
  readonly toWebview: MessageNames<ToWebview>;
  readonly fromWebview: MessageNames<FromWebview>;
}

/**
 * The front end's first message: it has its listener in place, so the host may send. It is not part
 * of any contract, and a contract that declares a message of this name does not compile.
 */
export const READY_TYPE = 'ready';
export type ReadySignal = { type: typeof READY_TYPE; payload: null };
export type WebviewMessageMap = MessageMap & { [READY_TYPE]?: never };

export function isReadySignal(value: unknown): value is ReadySignal {
  return isRecord(value) && value.type === READY_TYPE;
}

export type EnvelopeCheck<M extends MessageMap> = { ok: true; envelope: Envelope<M> } | { ok: false; problem: string };

/** Whether `value` is `{ type, payload }` with a type among `names`; says what is wrong if not. */
export function checkEnvelope<M extends MessageMap>(value: unknown, names: MessageNames<M>): EnvelopeCheck<M> {
  if (!isRecord(value)) return { ok: false, problem: `not an object but ${describe(value)}` };
  if (typeof value.type !== 'string') return { ok: false, problem: 'no string "type"' };
  // Own properties only: "toString" or "constructor" must not pass for a message name.
  if (!Object.hasOwn(names, value.type)) return { ok: false, problem: `unknown type "${value.type}"` };
  if (!('payload' in value)) return { ok: false, problem: `"${value.type}" has no "payload"` };
  return { ok: true, envelope: value as Envelope<M> };
}

export function isEnvelopeOf<M extends MessageMap>(value: unknown, names: MessageNames<M>): value is Envelope<M> {
  return checkEnvelope(value, names).ok;
}

/** A message that was dropped or could not be posted, or that a listener failed on. */
export interface MessageFault {
  problem: string;
  /** The message as it arrived or was to be sent. */
  value: unknown;
  cause?: unknown;
}

/** Structurally a `vscode.Disposable`, so the host side can hand it out as one. */
export interface Subscription {
  dispose(): void;
}

/**
 * Typed send and checked receive for one side of a webview. `send` is the transport (the webview's or
 * the VS Code API's `postMessage`); whatever the other side posts goes to `receive`. A message that
 * is not an envelope of `Incoming`, or a listener that throws, is reported to `onFault`, never thrown
 * at the transport.
 */
export class Messenger<Outgoing extends MessageMap, Incoming extends MessageMap> {
  private readonly listeners = new Set<(message: Envelope<Incoming>) => void>();

  constructor(
    private readonly send: (message: Envelope<Outgoing>) => void,
    private readonly incomingNames: MessageNames<Incoming>,
    private readonly onFault: (fault: MessageFault) => void,
  ) {}

  post<K extends MessageType<Outgoing>>(type: K, payload: Outgoing[K]): void {
    // TypeScript cannot see that one member of the union is built from a generic K.
    this.send({ type, payload } as Envelope<Outgoing>);
  }

  onMessage(listener: (message: Envelope<Incoming>) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  receive(value: unknown): void {
    const check = checkEnvelope(value, this.incomingNames);
    if (!check.ok) {
      this.onFault({ problem: check.problem, value });
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(check.envelope);
      } catch (error) {
        // One failing listener must not keep the message from the others.
        this.onFault({ problem: `a listener for "${check.envelope.type}" threw`, value, cause: error });
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
