import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/constants';
import { readServedPage } from '../support/servedPage';

/**
 * Checks that a panel's page carries its own code: no stylesheet or script to fetch through the webview's
 * service worker, and each of `files` (in dist/webviews of the installed extension) inside the page as built.
 */
export function assertPageCarriesItsCode(html: string, files: readonly string[]): void {
  const page = readServedPage(html);
  assert.deepEqual(page.links, [], 'no stylesheet to fetch');
  assert.deepEqual(
    page.scripts.map((script) => script.src),
    [undefined],
    'one script, with no file to fetch',
  );
  const bundleFolder = vscode.Uri.joinPath(
    vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri,
    'dist',
    'webviews',
  ).fsPath;
  for (const file of files) {
    assert.ok(html.includes(readFileSync(join(bundleFolder, file), 'utf8')), `${file} is in the page`);
  }
}
