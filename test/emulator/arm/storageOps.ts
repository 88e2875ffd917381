/** Operations that hand out storage access: datastore listSecrets and startPendingUpload of asset versions. */
import { randomUUID } from 'node:crypto';
import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { ArmError, isRecord, notFound, sendJson } from '../http';
import type { ArmContext, ArmRequest } from './context';
import { parseWorkspaceId } from './ids';

/** POST .../datastores/{name}/listSecrets: exactly the secrets stored with the datastore's credentials. */
export function listDatastoreSecrets(ctx: ArmContext, r: ArmRequest, wsId: string, name: string): void {
  const datastore = ctx.store.get(`${wsId}/datastores/${name}`);
  if (!datastore) throw notFound(`Datastore '${name}'`);
  const credentials = isRecord(datastore.properties.credentials) ? datastore.properties.credentials : {};
  const secrets = credentials.secrets;
  if (isRecord(secrets) && typeof secrets.secretsType === 'string') {
    sendJson(r.res, 200, secrets);
    return;
  }
  throw new ArmError(
    400,
    'UserError',
    `Datastore '${name}' uses credentials of type '${String(credentials.credentialsType)}', which have no secrets to list.`,
  );
}

/** Asset kinds whose versions take a startPendingUpload, and how errors name them. */
export const PENDING_UPLOAD_KINDS = { codes: 'Code', models: 'Model', data: 'Data' } as const;
export type PendingUploadKind = keyof typeof PENDING_UPLOAD_KINDS;

/**
 * POST .../{codes|models|data}/{name}/versions/{version}/startPendingUpload: a SAS-backed temporary blob
 * reference in Azurite.
 */
export function startPendingUpload(
  ctx: ArmContext,
  r: ArmRequest,
  wsId: string,
  kind: PendingUploadKind,
  name: string,
  version: string,
): void {
  let request: Record<string, unknown> = {};
  if (r.body.length > 0) {
    try {
      const parsed = JSON.parse(r.body.toString('utf8')) as unknown;
      if (isRecord(parsed)) request = parsed;
    } catch {
      throw new ArmError(400, 'UserError', 'The request body is not valid JSON.');
    }
  }
  const uploadType = request.pendingUploadType ?? 'TemporaryBlobReference';
  if (uploadType !== 'TemporaryBlobReference' && uploadType !== 'None') {
    throw new ArmError(
      400,
      'UserError',
      `pendingUploadType must be 'TemporaryBlobReference' or 'None'; got '${String(uploadType)}'.`,
    );
  }
  const existing = ctx.store.get(`${wsId}/${kind}/${name}/versions/${version}`);
  if (existing) {
    throw new ArmError(
      409,
      'UserError',
      `${PENDING_UPLOAD_KINDS[kind]} version '${name}:${version}' already exists; a pending upload can only be started for a new version.`,
    );
  }
  const pendingUploadId = typeof request.pendingUploadId === 'string' ? request.pendingUploadId : randomUUID();
  const containerName = defaultBlobContainer(ctx, wsId);
  const blobUri = `${ctx.storage.blobEndpoint}/${containerName}/LocalUpload/${pendingUploadId}`;
  const ws = parseWorkspaceId(wsId);
  sendJson(r.res, 200, {
    blobReferenceForConsumption: {
      blobUri,
      storageAccountArmId: `/subscriptions/${ws?.subscriptionId ?? ''}/resourceGroups/${ws?.resourceGroup ?? ''}/providers/Microsoft.Storage/storageAccounts/${ctx.storage.accountName}`,
      credential: { credentialType: 'SAS', sasUri: `${blobUri}?${containerSas(ctx, containerName, 24)}` },
    },
    pendingUploadId,
    pendingUploadType: 'TemporaryBlobReference',
  });
}

/** Container of the workspace's default datastore (workspaceblobstore). */
function defaultBlobContainer(ctx: ArmContext, wsId: string): string {
  const datastores = ctx.store.children(wsId, 'datastores');
  const preferred =
    datastores.find((d) => d.properties.isDefault === true) ?? datastores.find((d) => d.name === 'workspaceblobstore');
  const container = preferred?.properties.containerName;
  if (typeof container !== 'string')
    throw new ArmError(400, 'UserError', 'The workspace has no default blob datastore.');
  return container;
}

function containerSas(ctx: ArmContext, containerName: string, hours: number): string {
  const credential = new StorageSharedKeyCredential(ctx.storage.accountName, ctx.storage.accountKey);
  return generateBlobSASQueryParameters(
    {
      containerName,
      permissions: ContainerSASPermissions.parse('racwdl'),
      startsOn: new Date(Date.now() - 5 * 60_000),
      expiresOn: new Date(Date.now() + hours * 3600_000),
      // Azurite listens on plain HTTP.
      protocol: SASProtocol.HttpsAndHttp,
    },
    credential,
  ).toString();
}
