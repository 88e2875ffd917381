import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/constants';
import { WebviewHost } from '../../src/platform/webview/webviewHost';
import type { Envelope, MessageFault } from '../../src/webviews/messaging';
import { nonceOf, policyProblems, readServedPage } from '../support/servedPage';
import { probeMessageNames, type FromProbe, type ToProbe } from './webviews/probe/contract';

/** Where build.mjs puts the test-only front ends, relative to the extension's root. */
const PROBE_FOLDER = 'out/test/webviews';
const TIMEOUT_MS = 20_000;

describe('webview foundation: the probe page in a real webview panel', () => {
  let extensionUri: vscode.Uri;
  let panel: vscode.WebviewPanel;
  let host: WebviewHost<ToProbe, FromProbe>;
  let received: Envelope<FromProbe>[];
  let faults: MessageFault[];
  let readyCount: number;

  before(() => {
    extensionUri = vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri;
  });

  beforeEach(() => {
    received = [];
    faults = [];
    readyCount = 0;
    panel = vscode.window.createWebviewPanel('azureml.test.webviewProbe', 'Webview probe', vscode.ViewColumn.One);
    host = new WebviewHost<ToProbe, FromProbe>(panel.webview, {
      extensionUri,
      bundle: 'probe',
      bundleFolder: PROBE_FOLDER,
      title: 'Webview probe',
      accepts: probeMessageNames.fromWebview,
      onFault: (fault) => faults.push(fault),
    });
    host.onMessage((message) => received.push(message));
    host.onReady(() => readyCount++);
  });

  afterEach(() => {
    host.dispose();
    panel.dispose();
  });

  /** Resolves once `condition` holds; on timeout says what did arrive, which is what a failure needs. */
  async function until(what: string, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + TIMEOUT_MS;
    while (!condition()) {
      if (Date.now() > deadline) {
        assert.fail(
          `timed out waiting for ${what}; ready ${readyCount} time(s), received ${JSON.stringify(received)}, ` +
            `faults ${JSON.stringify(faults.map((fault) => fault.problem))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  function messagesOf<K extends keyof FromProbe>(type: K): FromProbe[K][] {
    return received.filter((message) => message.type === type).map((message) => message.payload as FromProbe[K]);
  }

  it('serves the bundle inside the page under a nonce policy, with scripts on and only the bundle folder readable', () => {
    const page = readServedPage(panel.webview.html);
    assert.deepEqual(policyProblems(page, panel.webview.cspSource), []);
    const nonce = nonceOf(page.policy.get('script-src'));
    // The bundle goes inside the page, with nothing to fetch through the webview's service worker.
    assert.deepEqual(
      page.scripts.map((script) => script.src),
      [undefined],
    );
    const bundle = readFileSync(vscode.Uri.joinPath(extensionUri, PROBE_FOLDER, 'probe.js').fsPath, 'utf8');
    assert.ok(panel.webview.html.includes(bundle), 'probe.js is in the page');
    assert.ok(page.scripts.every((script) => script.nonce === nonce));
    assert.equal(page.title, 'Webview probe');
    const options = panel.webview.options;
    assert.equal(options.enableScripts, true);
    assert.deepEqual(
      options.localResourceRoots?.map((uri) => uri.toString()),
      [vscode.Uri.joinPath(extensionUri, PROBE_FOLDER).toString()],
    );
    assert.ok(!options.enableCommandUris, 'command links stay off');
    assert.equal(options.portMapping, undefined);
  });

  it('holds messages posted before the page is ready, then delivers them in order, and later ones at once', async () => {
    assert.equal(host.isReady, false, 'the page cannot have loaded yet');
    for (const sequence of [1, 2, 3]) host.post('ping', { sequence, text: `early ${sequence}` });
    await until('three pongs', () => messagesOf('pong').length === 3);
    assert.equal(host.isReady, true);
    assert.equal(readyCount, 1);
    host.post('ping', { sequence: 4, text: 'after ready' });
    await until('the fourth pong', () => messagesOf('pong').length === 4);
    assert.deepEqual(messagesOf('pong'), [
      { sequence: 1, text: 'early 1' },
      { sequence: 2, text: 'early 2' },
      { sequence: 3, text: 'early 3' },
      { sequence: 4, text: 'after ready' },
    ]);
    assert.deepEqual(faults, []);
  });

  it('renders afresh with a new nonce, holding posts until the new page is ready', async () => {
    await until('the first ready', () => readyCount === 1);
    const firstNonce = nonceOf(readServedPage(panel.webview.html).policy.get('script-src'));
    host.render();
    assert.equal(host.isReady, false);
    const secondPage = readServedPage(panel.webview.html);
    assert.deepEqual(policyProblems(secondPage, panel.webview.cspSource), []);
    assert.notEqual(nonceOf(secondPage.policy.get('script-src')), firstNonce);
    host.post('ping', { sequence: 1, text: 'to the new page' });
    await until('the pong from the new page', () => messagesOf('pong').length === 1);
    assert.equal(readyCount, 2);
  });

  it('hears ready again when a hidden panel comes back, its page started over, so owners can resend', async () => {
    await until('the first ready', () => readyCount === 1);
    // A second panel in the same column hides the probe, whose page VS Code then lets go of.
    const cover = vscode.window.createWebviewPanel('azureml.test.cover', 'Cover', vscode.ViewColumn.One);
    try {
      await until('the probe to be hidden', () => !panel.visible);
    } finally {
      cover.dispose();
    }
    await until('the probe to show again', () => panel.visible);
    await until('the reloaded page to say ready', () => readyCount === 2);
    host.post('ping', { sequence: 1, text: 'to the reloaded page' });
    await until('the pong from the reloaded page', () => messagesOf('pong').length === 1);
  });

  it('follows the theme, and its policy is in force in the page', async () => {
    host.post('describe', null);
    await until('the description', () => messagesOf('description').length === 1);
    const [page] = messagesOf('description');
    const themeClasses = ['vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light'];
    assert.ok(
      page.bodyClasses.some((name) => themeClasses.includes(name)),
      `body classes: ${page.bodyClasses.join(' ')}`,
    );
    assert.notEqual(page.editorBackgroundVariable, '', 'VS Code sets the theme variables on the page');
    // VS Code's own page style leaves the body transparent: the editor background is the nonce'd style's.
    assert.equal(page.bodyBackground, page.themedBackground);
    assert.notEqual(page.bodyBackground, 'rgba(0, 0, 0, 0)');
    assert.equal(page.bodyColor, page.themedColor);
    assert.equal(page.evalBlocked, true, 'the page may not turn strings into code');
  });

  it('reports malformed messages from the page instead of throwing, and keeps working', async () => {
    host.post('sendMalformed', null);
    await until('malformedSent', () => messagesOf('malformedSent').length === 1);
    assert.deepEqual(messagesOf('malformedSent'), [{ count: 3 }]);
    assert.deepEqual(
      faults.map((fault) => fault.problem),
      ['not an object but string', 'no string "type"', 'unknown type "notInTheContract"'],
    );
    assert.deepEqual(faults[2].value, { type: 'notInTheContract', payload: 1 });
    assert.deepEqual(
      received.map((message) => message.type),
      ['malformedSent'],
    );
    host.post('ping', { sequence: 9, text: 'still there' });
    await until('a pong after the malformed ones', () => messagesOf('pong').length === 1);
  });

  it('has the page drop what is not in its contract, and say so', async () => {
    await until('ready', () => host.isReady);
    await panel.webview.postMessage({ type: 'notForTheProbe', payload: 1 });
    await panel.webview.postMessage('not even an envelope');
    await until('two dropped reports', () => messagesOf('dropped').length === 2);
    assert.deepEqual(messagesOf('dropped'), [
      { problem: 'unknown type "notForTheProbe"' },
      { problem: 'not an object but string' },
    ]);
  });

  it('stops posting and listening once disposed', async () => {
    await until('ready', () => host.isReady);
    const raw: unknown[] = [];
    const rawListener = panel.webview.onDidReceiveMessage((value: unknown) => raw.push(value));
    try {
      host.dispose();
      host.post('ping', { sequence: 1, text: 'after dispose' });
      // Straight to the page, past the disposed host: the page answers, the host must not hear it.
      await panel.webview.postMessage({ type: 'ping', payload: { sequence: 2, text: 'raw' } });
      await until('the raw pong', () => raw.length > 0);
      assert.deepEqual(raw, [{ type: 'pong', payload: { sequence: 2, text: 'raw' } }]);
      assert.deepEqual(received, []);
      assert.deepEqual(faults, []);
    } finally {
      rawListener.dispose();
    }
  });
});
