// The page a webview is served: no `vscode` import, so plain mocha can check the policy it carries.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** Fresh for every render, so a script cannot reuse one it has seen. */
  nonce: string;
  /** `webview.cspSource`: the origin(s) the webview serves local resources from. */
  cspSource: string;
  /** The bundle, already through `webview.asWebviewUri`; ignored when `inlineScript` is given. */
  scriptUri: string;
  /** Optional stylesheets, already through `webview.asWebviewUri`. */
  stylesheetUris?: readonly string[];
  /**
   * The bundle's own text, served inside the page under the nonce instead of fetched from `scriptUri`:
   * a webview fetches each file through its service worker and the workbench, round trips a page that
   * draws at once should not wait for. Must pass `canInline`.
   */
  inlineScript?: string;
  /** Stylesheet texts served inside the page under the nonce, after any linked ones. Each must pass `canInline`. */
  inlineStyles?: readonly string[];
  /** Whether the page may fetch() its own resources (to decode pictures at the size it shows them). */
  fetchesResources?: boolean;
  title: string;
}

/**
 * Whether `text` can sit inside a <script> or <style> element as it is: the HTML parser ends such an element
 * at its closing tag and treats `<!--` in a script specially, whatever the JavaScript or CSS around them means.
 */
export function canInline(text: string): boolean {
  return !/<\/(script|style)|<!--/i.test(text);
}

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing loads unless named here: scripts only with the nonce, styles from the webview's own origin
 * or with the nonce, images and fonts only from its own origin (images also as data: URLs, which
 * charts and icons produce), and fetch() only of its own resources and only for a page that asks. No inline
 * handlers, no eval, no other host.
 */
export function contentSecurityPolicy(nonce: string, cspSource: string, fetchesResources = false): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    ...(fetchesResources ? [`connect-src ${cspSource}`] : []),
  ].join('; ');
}

/**
 * Follows the VS Code theme through the variables the workbench sets on the page; it also puts
 * vscode-light, vscode-dark or vscode-high-contrast on <body> for rules that need more than colours.
 */
const themeStyles = `
  body {
    margin: 0;
    padding: 0 20px;
    color: var(--vscode-foreground);
    background-color: var(--vscode-editor-background);
    font-family: var(--vscode-font-family);
    font-size: var(--vscode-font-size);
    font-weight: var(--vscode-font-weight);
  }
  a {
    color: var(--vscode-textLink-foreground);
  }
  a:hover,
  a:active {
    color: var(--vscode-textLink-activeForeground);
  }
  :focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: -1px;
  }
  body.vscode-high-contrast :focus-visible,
  body.vscode-high-contrast-light :focus-visible {
    outline-style: dashed;
  }
`;

export function webviewHtml(page: WebviewPage): string {
  const nonce = escapeHtml(page.nonce);
  const inlined = [page.inlineScript, ...(page.inlineStyles ?? [])].filter((text) => text !== undefined);
  if (!inlined.every(canInline))
    throw new Error('A script or stylesheet served inside the page would end its element early.');
  const stylesheets =
    (page.stylesheetUris ?? []).map((uri) => `\n    <link rel="stylesheet" href="${escapeHtml(uri)}" />`).join('') +
    (page.inlineStyles ?? []).map((text) => `\n    <style nonce="${nonce}">${text}</style>`).join('');
  const script =
    page.inlineScript === undefined
      ? `<script nonce="${nonce}" src="${escapeHtml(page.scriptUri)}"></script>`
      : `<script nonce="${nonce}">${page.inlineScript}</script>`;
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.nonce, page.cspSource, page.fetchesResources))}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${escapeHtml(page.title)}</title>
    <style nonce="${nonce}">${themeStyles}</style>${stylesheets}
  </head>
  <body>
    <div id="app"></div>
    ${script}
  </body>
</html>
`;
}

/** For text and double-quoted attributes, the only places values go. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
