import vscode = require('vscode');
import { CommandId } from '../constants';
import { assetReference } from '../core/azure/resourceIds';
import { studioUrl } from '../core/azure/studio';
import type { Services } from '../services';
import { DetailsDocuments } from './details/detailsDocuments';
import { isResourceItem, type ResourceItem } from './tree/resourceNode';

/** Copy id, copy azureml: reference, open in studio, show details: the actions on one resource row. */
export function registerItemActions({ commands, session }: Services): void {
  const requireResource = (node: unknown): ResourceItem => {
    if (!isResourceItem(node)) throw new Error('Run this command from an item in the Azure ML views.');
    return node;
  };
  const copy = async (text: string) => {
    await vscode.env.clipboard.writeText(text);
    void vscode.window.setStatusBarMessage(`Copied ${text}`, 3000);
    return text;
  };

  commands.register(CommandId.copyResourceId, (_call, node: unknown) => copy(requireResource(node).resourceId));
  commands.register(CommandId.copyAssetReference, (_call, node: unknown) => {
    const reference = assetReference(requireResource(node).resourceId);
    if (!reference) throw new Error('Only data assets, models and environments have an azureml: reference.');
    return copy(reference);
  });
  commands.register(CommandId.openInStudio, (_call, node: unknown) => {
    const target = requireResource(node).studioTarget;
    if (!target) throw new Error('Azure ML studio has no page for this item.');
    const url = studioUrl(session.cloud(), target);
    // Not awaited: in a browser-hosted VS Code the promise waits on the user's answer to a prompt.
    void vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  });
  commands.register(CommandId.showDetails, async (_call, node: unknown) => {
    const document = await vscode.workspace.openTextDocument(DetailsDocuments.uriFor(requireResource(node).resourceId));
    await vscode.languages.setTextDocumentLanguage(document, 'yaml');
    await vscode.window.showTextDocument(document, { preview: true });
    return document;
  });
}
