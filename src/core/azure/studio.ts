import { CloudSettingsError, type CloudEndpoints } from './cloud';
import { describeResourceId, workspaceId, type WorkspaceRef } from './resourceIds';

/** What can be opened in Azure ML studio, and the page for each. */
export type StudioTarget =
  | { kind: 'resource'; id: string }
  | { kind: 'experiment'; workspace: WorkspaceRef; experimentId: string }
  | { kind: 'run'; workspace: WorkspaceRef; runId: string };

/** The studio page for a target, with the workspace (and tenant, when known) studio needs to find it. */
export function studioUrl(cloud: CloudEndpoints, target: StudioTarget, tenantId?: string): string {
  if (!cloud.studioUrl) {
    throw new CloudSettingsError(
      'This cloud has no Azure ML studio address; set azureml.customCloud.studioUrl to open items in studio.',
      'azureml.customCloud.studioUrl',
    );
  }
  const [path, wsid] = pageOf(target);
  const url = new URL(path, cloud.studioUrl.replace(/\/?$/, '/'));
  url.searchParams.set('wsid', wsid);
  if (tenantId) url.searchParams.set('tid', tenantId);
  return url.toString();
}

function pageOf(target: StudioTarget): [path: string, wsid: string] {
  if (target.kind === 'experiment') {
    return [`experiments/id/${encodeURIComponent(target.experimentId)}`, workspaceId(target.workspace)];
  }
  if (target.kind === 'run') return [`runs/${encodeURIComponent(target.runId)}`, workspaceId(target.workspace)];
  const described = describeResourceId(target.id);
  const wsid = /^(.*\/workspaces\/[^/]+)/i.exec(target.id)?.[1];
  if (!described || !wsid) throw new Error(`Azure ML studio has no page for ${target.id}`);
  const name = encodeURIComponent(described.name);
  const version = encodeURIComponent(described.version ?? '');
  switch (described.kind) {
    case 'workspace':
      return ['', wsid];
    case 'job':
      return [`runs/${name}`, wsid];
    case 'data':
      return [`data/${name}/${version}/details`, wsid];
    case 'model':
      return [`model/${name}:${version}/details`, wsid];
    case 'compute':
      return [`compute/${name}/details`, wsid];
    default:
      throw new Error(`Azure ML studio has no page for ${described.kind} ${described.name}`);
  }
}
