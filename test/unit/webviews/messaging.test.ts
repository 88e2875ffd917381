import assert from 'node:assert/strict';
import {
  checkEnvelope,
  isEnvelopeOf,
  isReadySignal,
  Messenger,
  type ContractNames,
  type Envelope,
  type MessageFault,
  type MessageNames,
  type WebviewMessageMap,
} from '../../../src/webviews/messaging';

type ToPage = { show: { id: number; label: string }; clear: null };
type FromPage = { picked: { id: number } };
const names = {
  toWebview: { show: true, clear: true },
  fromWebview: { picked: true },
} as const satisfies ContractNames<ToPage, FromPage>;

// Compile-time checks, held by `npm run lint`: tsc fails once an expected error is gone.
type AcceptedAsFromWebview<M extends WebviewMessageMap> = M;
export type ContractCompileChecks = [
  AcceptedAsFromWebview<FromPage>,
  // @ts-expect-error "ready" is the handshake's own message, so no contract may declare it.
  AcceptedAsFromWebview<{ ready: null }>,
];
// @ts-expect-error The names must cover every message of the map.
export const incompleteNames: MessageNames<ToPage> = { show: true };
// @ts-expect-error ...and no message outside it.
export const extraNames: MessageNames<FromPage> = { picked: true, other: true };

describe('webviews/messaging: envelopes', () => {
  it('accepts an envelope whose type the contract names, and hands it back typed', () => {
    const value: unknown = JSON.parse('{"type":"show","payload":{"id":7,"label":"seven"}}');
    const check = checkEnvelope<ToPage>(value, names.toWebview);
    assert.ok(check.ok);
    const { envelope } = check;
    assert.equal(envelope, value);
    assert.ok(envelope.type === 'show');
    assert.equal(envelope.payload.label, 'seven');
    assert.equal(isEnvelopeOf({ type: 'clear', payload: null }, names.toWebview), true);
  });

  it('rejects a type the contract does not name, including the other direction and Object.prototype names', () => {
    for (const type of ['picked', 'SHOW', 'toString', 'constructor', 'hasOwnProperty', '__proto__', '']) {
      const check = checkEnvelope({ type, payload: null }, names.toWebview);
      assert.deepEqual(check, { ok: false, problem: `unknown type "${type}"` }, type);
    }
  });

  it('rejects values that are not objects, and objects without a string type or without a payload', () => {
    const cases: [unknown, string][] = [
      ['show', 'not an object but string'],
      [42, 'not an object but number'],
      [null, 'not an object but null'],
      [undefined, 'not an object but undefined'],
      [[{ type: 'show', payload: null }], 'not an object but an array'],
      [{ payload: { id: 1 } }, 'no string "type"'],
      [{ type: 3, payload: null }, 'no string "type"'],
      [{ type: 'show' }, '"show" has no "payload"'],
    ];
    for (const [value, problem] of cases) {
      assert.deepEqual(checkEnvelope(value, names.toWebview), { ok: false, problem }, JSON.stringify(value));
      assert.equal(isEnvelopeOf(value, names.toWebview), false);
    }
  });

  it('knows the ready signal, which is no contract message', () => {
    assert.equal(isReadySignal({ type: 'ready', payload: null }), true);
    assert.equal(isReadySignal({ type: 'picked', payload: null }), false);
    assert.equal(isReadySignal('ready'), false);
    assert.equal(checkEnvelope({ type: 'ready', payload: null }, names.fromWebview).ok, false);
  });
});

describe('webviews/messaging: Messenger', () => {
  function pair() {
    const sent: Envelope<FromPage>[] = [];
    const faults: MessageFault[] = [];
    const messenger = new Messenger<FromPage, ToPage>(
      (message) => sent.push(message),
      names.toWebview,
      (fault) => faults.push(fault),
    );
    return { messenger, sent, faults };
  }

  it('posts { type, payload } through its transport', () => {
    const { messenger, sent } = pair();
    messenger.post('picked', { id: 3 });
    assert.deepEqual(sent, [{ type: 'picked', payload: { id: 3 } }]);
  });

  it('hands every listener each valid message, in order, until it unsubscribes', () => {
    const { messenger, faults } = pair();
    const first: Envelope<ToPage>[] = [];
    const second: string[] = [];
    const subscription = messenger.onMessage((message) => first.push(message));
    messenger.onMessage((message) => second.push(message.type));
    messenger.receive({ type: 'show', payload: { id: 1, label: 'one' } });
    messenger.receive({ type: 'clear', payload: null });
    subscription.dispose();
    messenger.receive({ type: 'clear', payload: null });
    assert.deepEqual(first, [
      { type: 'show', payload: { id: 1, label: 'one' } },
      { type: 'clear', payload: null },
    ]);
    assert.deepEqual(second, ['show', 'clear', 'clear']);
    assert.deepEqual(faults, []);
  });

  it('drops malformed and unknown messages, reporting each instead of throwing', () => {
    const { messenger, faults } = pair();
    const heard: unknown[] = [];
    messenger.onMessage((message) => heard.push(message));
    const bad = ['text', { payload: 1 }, { type: 'picked', payload: { id: 1 } }];
    for (const value of bad) assert.doesNotThrow(() => messenger.receive(value));
    assert.deepEqual(heard, []);
    assert.deepEqual(
      faults.map((fault) => [fault.problem, fault.value]),
      [
        ['not an object but string', 'text'],
        ['no string "type"', { payload: 1 }],
        ['unknown type "picked"', { type: 'picked', payload: { id: 1 } }],
      ],
    );
  });

  it('reports a listener that throws and still reaches the other listeners', () => {
    const { messenger, faults } = pair();
    const failure = new Error('listener broke');
    const heard: string[] = [];
    messenger.onMessage(() => {
      throw failure;
    });
    messenger.onMessage((message) => heard.push(message.type));
    assert.doesNotThrow(() => messenger.receive({ type: 'clear', payload: null }));
    assert.deepEqual(heard, ['clear']);
    assert.equal(faults.length, 1);
    assert.equal(faults[0].problem, 'a listener for "clear" threw');
    assert.equal(faults[0].cause, failure);
  });

  it('forgets its listeners when disposed', () => {
    const { messenger } = pair();
    const heard: string[] = [];
    messenger.onMessage((message) => heard.push(message.type));
    messenger.dispose();
    messenger.receive({ type: 'clear', payload: null });
    assert.deepEqual(heard, []);
  });
});
