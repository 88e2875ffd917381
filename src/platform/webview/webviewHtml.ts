// The page a webview is served: no `vscode` import, so plain mocha can check the policy it carries.
import { randomBytes } from 'node:crypto';

export interface WebviewPage {
  /** Fresh for every render, so a script cannot reuse one it has seen. */
  nonce: string;
  /** `webview.cspSource`: the origin(s) the webview serves local resources from. */
  cspSource: string;
  /** The bundle, already through `webview.asWebviewUri`. */
  scriptUri: string;
  /** Optional stylesheets, already through `webview.asWebviewUri`. */
  stylesheetUris?: readonly string[];
  title: string;
}

export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * Nothing loads unless named here: scripts only with the nonce, styles from the webview's own origin
 * or with the nonce, images and fonts only from its own origin (images also as data: URLs, which
 * charts and icons produce). No inline handlers, no eval, no other host.
 */
export function contentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
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
  const stylesheets = (page.stylesheetUris ?? [])
    .map((uri) => `\n    <link rel="stylesheet" href="${escapeHtml(uri)}" />`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(page.nonce, page.cspSource))}" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>${escapeHtml(page.title)}</title>
    <style nonce="${nonce}">${themeStyles}</style>${stylesheets}
  </head>
  <body>
    <div id="app"></div>
    <script nonce="${nonce}" src="${escapeHtml(page.scriptUri)}"></script>
  </body>
</html>
`;
}

/** For text and double-quoted attributes, the only places values go. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
