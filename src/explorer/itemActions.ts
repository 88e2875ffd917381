import vscode = require('vscode');
import type { AzureSession } from '../auth/azureSession';
import { assetReference } from '../core/azure/resourceIds';
import { studioUrl } from '../core/azure/studio';
import { DetailsDocuments } from './details/detailsDocuments';
import { isResourceItem, type ResourceItem } from './tree/resourceNode';

/** Copy id, copy azureml: reference, open in studio, show details: the actions on one resource row. */

function requireResource(node: unknown): ResourceItem {
  if (!isResourceItem(node)) throw new Error('Run this command from an item in the Azure ML views.');
  return node;
}

async function copy(text: string): Promise<string> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
  return text;
}

export function copyResourceId(node: unknown): Promise<string> {
  return copy(requireResource(node).resourceId);
}

export function copyAssetReference(node: unknown): Promise<string> {
  const reference = assetReference(requireResource(node).resourceId);
  if (!reference) throw new Error('Only data assets, models and environments have an azureml: reference.');
  return copy(reference);
}

export function openInStudio(session: AzureSession, node: unknown): string {
  const target = requireResource(node).studioTarget;
  if (!target) throw new Error('Azure ML studio has no page for this item.');
  const url = studioUrl(session.cloud(), target);
  // Not awaited: in a browser-hosted VS Code the promise waits on the user's answer to a prompt.
  void vscode.env.openExternal(vscode.Uri.parse(url));
  return url;
}

export async function showDetails(node: unknown): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(DetailsDocuments.uriFor(requireResource(node).resourceId));
  await vscode.languages.setTextDocumentLanguage(document, 'yaml');
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}
