import assert from 'node:assert/strict';
import { ReadyGate } from '../../../src/platform/webview/readyGate';
import { canInline, contentSecurityPolicy, createNonce, webviewHtml } from '../../../src/platform/webview/webviewHtml';
import { policyProblems, readServedPage } from '../../support/servedPage';

const CSP_SOURCE = "'self' https://*.vscode-cdn.net";
const SCRIPT = 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/jobDetails.js';

describe('platform/webview: the served page', () => {
  it('carries a nonce policy: nothing by default, scripts by nonce, styles, images and fonts from the webview', () => {
    assert.equal(
      contentSecurityPolicy('N0nce', CSP_SOURCE),
      "default-src 'none'; script-src 'nonce-N0nce'; " +
        `style-src ${CSP_SOURCE} 'nonce-N0nce'; img-src ${CSP_SOURCE} data:; font-src ${CSP_SOURCE}`,
    );
  });

  it('lets a page that asks fetch its own resources, and no other page', () => {
    assert.ok(contentSecurityPolicy('N0nce', CSP_SOURCE, true).endsWith(`; connect-src ${CSP_SOURCE}`));
    assert.doesNotMatch(contentSecurityPolicy('N0nce', CSP_SOURCE, false), /connect-src/);
    const page = readServedPage(
      webviewHtml({ nonce: 'n', cspSource: CSP_SOURCE, scriptUri: SCRIPT, title: 't', fetchesResources: true }),
    );
    assert.deepEqual(page.policy.get('connect-src'), CSP_SOURCE.split(' '));
    assert.deepEqual(policyProblems(page, CSP_SOURCE), []);
  });

  it('puts the policy, the nonce and the bundle into the page, with nothing the policy would not allow', () => {
    const html = webviewHtml({
      nonce: 'abc+/=',
      cspSource: CSP_SOURCE,
      scriptUri: SCRIPT,
      stylesheetUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/jobDetails.css'],
      title: 'Job details',
    });
    const page = readServedPage(html);
    assert.deepEqual(policyProblems(page, CSP_SOURCE), []);
    assert.deepEqual(page.policy.get('script-src'), ["'nonce-abc+/='"]);
    assert.deepEqual(page.scripts, [{ nonce: 'abc+/=', src: SCRIPT }]);
    assert.deepEqual(page.styles, [{ nonce: 'abc+/=' }]);
    assert.deepEqual(
      page.links.map((link) => link.href),
      ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/jobDetails.css'],
    );
    assert.equal(page.title, 'Job details');
    assert.match(html, /<div id="app"><\/div>/);
  });

  it('serves a bundle and stylesheets inside the page under the nonce, fetching neither', () => {
    const script = 'document.body.dataset.ran = String(1 < 2);';
    const style = '.chart { color: red; }';
    const html = webviewHtml({
      nonce: 'n0nce',
      cspSource: CSP_SOURCE,
      scriptUri: SCRIPT,
      inlineScript: script,
      inlineStyles: [style],
      title: 'Job details',
    });
    const page = readServedPage(html);
    assert.deepEqual(policyProblems(page, CSP_SOURCE), []);
    assert.deepEqual(page.scripts, [{ nonce: 'n0nce' }], 'one script, with the nonce and no src');
    assert.deepEqual(page.styles, [{ nonce: 'n0nce' }, { nonce: 'n0nce' }], 'the theme and the stylesheet');
    assert.deepEqual(page.links, []);
    assert.ok(html.includes(`<script nonce="n0nce">${script}</script>`), 'the script text is as given');
    assert.ok(html.includes(`<style nonce="n0nce">${style}</style>`), 'the stylesheet text is as given');
  });

  it('refuses to put inside the page text that would end its element early', () => {
    for (const text of ['a = "</script>";', 'b = "</SCRIPT ";', '/* </style> */', 'c = "<!--";']) {
      assert.equal(canInline(text), false, text);
      const page = { nonce: 'n', cspSource: CSP_SOURCE, scriptUri: SCRIPT, title: 't' };
      assert.throws(() => webviewHtml({ ...page, inlineScript: text }), /end its element early/, text);
      assert.throws(() => webviewHtml({ ...page, inlineScript: '', inlineStyles: [text] }), /end its element/, text);
    }
    assert.equal(canInline('if (a < b / 2) x = "<scrip" + "t>";'), true);
  });

  it('styles the page with the theme variables VS Code sets', () => {
    const html = webviewHtml({ nonce: 'n', cspSource: CSP_SOURCE, scriptUri: SCRIPT, title: 't' });
    for (const variable of ['--vscode-foreground', '--vscode-editor-background', '--vscode-font-family']) {
      assert.ok(html.includes(`var(${variable})`), variable);
    }
    assert.ok(html.includes('body.vscode-high-contrast'), 'high-contrast themes get their own focus outline');
  });

  it('escapes the title and URIs, so neither can add markup', () => {
    const html = webviewHtml({
      nonce: 'n',
      cspSource: CSP_SOURCE,
      scriptUri: 'https://x.vscode-cdn.net/a"><script>alert(1)</script>.js',
      title: '</title><script>alert(1)</script>',
    });
    const page = readServedPage(html);
    assert.equal(page.scripts.length, 1);
    assert.equal(page.scripts[0].src, 'https://x.vscode-cdn.net/a"><script>alert(1)</script>.js');
    assert.equal(page.title, '</title><script>alert(1)</script>');
    assert.deepEqual(policyProblems(page, CSP_SOURCE), []);
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => createNonce()));
    assert.equal(nonces.size, 200);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
  });
});

describe('test support: policyProblems catches what a weaker page would do', () => {
  const strict = () => webviewHtml({ nonce: 'n1', cspSource: CSP_SOURCE, scriptUri: SCRIPT, title: 't' });

  it('flags unsafe sources, foreign origins, extra directives and scripts or styles without the nonce', () => {
    const cases: [string, string][] = [
      ["script-src 'nonce-n1'", "script-src 'nonce-n1' 'unsafe-eval'"],
      ["style-src 'self'", "style-src 'unsafe-inline' 'self'"],
      ['img-src', 'img-src https://cdn.example.com'],
      ["default-src 'none'", "default-src 'none'; connect-src *"],
      ["default-src 'none'", "default-src 'none'; connect-src https://cdn.example.com"],
      ["default-src 'none'", "default-src 'self'"],
      ['<script nonce="n1"', '<script>inline()</script><script nonce="n1"'],
      ['<style nonce="n1">', '<style>'],
    ];
    for (const [from, to] of cases) {
      const weaker = strict().replace(from, to);
      assert.notEqual(weaker, strict(), `the case "${to}" changed nothing`);
      assert.notDeepEqual(policyProblems(readServedPage(weaker), CSP_SOURCE), [], to);
    }
  });
});

describe('platform/webview: ReadyGate', () => {
  it('holds items until opened, then delivers them in order, and later ones at once', () => {
    const delivered: number[] = [];
    const gate = new ReadyGate<number>((item) => delivered.push(item));
    gate.pass(1);
    gate.pass(2);
    assert.deepEqual(delivered, []);
    assert.equal(gate.heldCount, 2);
    assert.equal(gate.isOpen, false);
    gate.open();
    assert.deepEqual(delivered, [1, 2]);
    assert.equal(gate.isOpen, true);
    gate.pass(3);
    assert.deepEqual(delivered, [1, 2, 3]);
    assert.equal(gate.heldCount, 0);
  });

  it('holds again once closed, until the next open', () => {
    const delivered: string[] = [];
    const gate = new ReadyGate<string>((item) => delivered.push(item));
    gate.open();
    gate.pass('a');
    gate.close();
    gate.pass('b');
    assert.deepEqual(delivered, ['a']);
    gate.open();
    assert.deepEqual(delivered, ['a', 'b']);
  });

  it('puts what a delivery sends behind what was already held', () => {
    const delivered: string[] = [];
    const gate: ReadyGate<string> = new ReadyGate<string>((item) => {
      delivered.push(item);
      if (item === 'first') gate.pass('reply to first');
    });
    gate.pass('first');
    gate.pass('second');
    gate.open();
    assert.deepEqual(delivered, ['first', 'second', 'reply to first']);
  });

  it('forgets what it holds when cleared', () => {
    const delivered: number[] = [];
    const gate = new ReadyGate<number>((item) => delivered.push(item));
    gate.pass(1);
    gate.clear();
    gate.open();
    assert.deepEqual(delivered, []);
  });
});
