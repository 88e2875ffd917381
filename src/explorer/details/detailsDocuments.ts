import vscode = require('vscode');
import type { AzureSession } from '../../auth/azureSession';
import { DETAILS_SCHEME } from '../../constants';
import { describeResourceId } from '../../core/azure/resourceIds';
import { classifyError } from '../../core/errors/classify';
import { loadAzureClients } from '../../core/lazy/load';
import type { ErrorReporter } from '../../platform/errorReporter';

/**
 * Read-only YAML documents of Azure ML resources in the shape `az ml … show` prints. The URI
 * carries the resource id, so a document can always be read again: on "Refresh", and when the
 * Jobs view sees a job it shows change.
 */
export class DetailsDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly session: AzureSession,
    private readonly errors: ErrorReporter,
  ) {}

  static uriFor(resourceId: string): vscode.Uri {
    const described = describeResourceId(resourceId);
    const name = described
      ? `${described.kind}-${described.name}${described.version ? `-${described.version}` : ''}`
      : 'resource';
    // The id goes in the query; the path only names the tab.
    return vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${name}.yaml`, query: resourceId });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      const resource = await (await this.session.getArm()).getResource(uri.query);
      const { toAzMlYaml } = await loadAzureClients();
      return await toAzMlYaml(resource);
    } catch (error) {
      // The document says what went wrong rather than opening empty; the log has it too.
      const classified = classifyError(error);
      this.errors.logError(`Details of ${uri.query}`, classified, error);
      return `# Could not read ${uri.query}\n# ${classified.message}\n# Run "Azure ML: Refresh" in this editor to try again.\n`;
    }
  }

  /** Re-reads the open document of this resource, if there is one. */
  refreshResource(resourceId: string): void {
    const uri = DetailsDocuments.uriFor(resourceId);
    if (vscode.workspace.textDocuments.some((doc) => doc.uri.toString() === uri.toString())) this.changed.fire(uri);
  }

  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
