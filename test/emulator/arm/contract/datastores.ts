/**
 * Datastore (PUT .../datastores/{name}) after the 2025-09-01 contract: the storage type chooses the
 * members, credentials are required and their type chooses the secrets a client must send.
 */
import {
  discriminated,
  envelope,
  nullableText,
  oneOfValues,
  requiredText,
  resourceBase,
  serviceOwned,
  type Schema,
} from './schema';

/** Each credentials type takes the secrets of the same type only. */
function secrets(type: string, members: Record<string, Schema>): Schema {
  return discriminated('secretsType', {}, { [type]: { properties: members } });
}

const servicePrincipal: Record<string, Schema> = {
  authorityUrl: nullableText,
  clientId: { type: 'string' },
  resourceUrl: nullableText,
  tenantId: { type: 'string' },
};

const credentials = discriminated(
  'credentialsType',
  {},
  {
    AccountKey: { properties: { secrets: secrets('AccountKey', { key: nullableText }) }, required: ['secrets'] },
    Certificate: {
      properties: {
        ...servicePrincipal,
        secrets: secrets('Certificate', { certificate: nullableText }),
        thumbprint: requiredText,
      },
      required: ['clientId', 'secrets', 'tenantId', 'thumbprint'],
    },
    None: {},
    Sas: { properties: { secrets: secrets('Sas', { sasToken: nullableText }) }, required: ['secrets'] },
    ServicePrincipal: {
      properties: { ...servicePrincipal, secrets: secrets('ServicePrincipal', { clientSecret: nullableText }) },
      required: ['clientId', 'secrets', 'tenantId'],
    },
  },
);

const serviceDataAccessAuthIdentity = oneOfValues([
  'None',
  'WorkspaceSystemAssignedIdentity',
  'WorkspaceUserAssignedIdentity',
]);

/** AzureDatastore: the subscription and resource group of the storage account. */
const azureStorage: Record<string, Schema> = {
  resourceGroup: nullableText,
  subscriptionId: nullableText,
  endpoint: nullableText,
  protocol: nullableText,
  serviceDataAccessAuthIdentity,
};

const datastoreProperties = discriminated(
  'datastoreType',
  { ...resourceBase, credentials, isDefault: serviceOwned },
  {
    AzureBlob: { properties: { ...azureStorage, accountName: nullableText, containerName: nullableText } },
    AzureDataLakeGen1: {
      properties: {
        resourceGroup: nullableText,
        subscriptionId: nullableText,
        serviceDataAccessAuthIdentity,
        storeName: requiredText,
      },
      required: ['storeName'],
    },
    AzureDataLakeGen2: {
      properties: { ...azureStorage, accountName: requiredText, filesystem: requiredText },
      required: ['accountName', 'filesystem'],
    },
    AzureFile: {
      properties: { ...azureStorage, accountName: requiredText, fileShareName: requiredText },
      required: ['accountName', 'fileShareName'],
    },
    OneLake: {
      properties: {
        artifact: discriminated('artifactType', { artifactName: requiredText }, { LakeHouse: {} }, ['artifactName']),
        endpoint: nullableText,
        oneLakeWorkspaceName: requiredText,
        serviceDataAccessAuthIdentity,
      },
      required: ['artifact', 'oneLakeWorkspaceName'],
    },
  },
  ['credentials'],
);

export const datastoreResource: Schema = envelope(datastoreProperties);
