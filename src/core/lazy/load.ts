/**
 * Heavy code loads on first use. In the extension each entry below is a bundle of its own
 * (dist/azure-sdk.js, dist/yaml.js, dist/azure-clients.js, dist/octokit.js, dist/azure-devops-api.js; scripts/build.mjs
 * maps these requires to them), so activation loads none; under plain mocha they resolve to the TypeScript entries.
 */
export type AzureSdk = typeof import('./azureSdk');
export type YamlLibrary = typeof import('./yaml');
export type AzureClients = typeof import('./azureClients');
export type StorageBlob = typeof import('./storageBlob');
export type OctokitLibrary = typeof import('./octokit');
export type AzureDevOpsLibrary = typeof import('./azureDevOpsApi');

let azureSdk: AzureSdk | undefined;
let yamlLibrary: YamlLibrary | undefined;
let azureClients: AzureClients | undefined;
let storageBlob: StorageBlob | undefined;
let octokit: OctokitLibrary | undefined;
let azureDevOpsApi: AzureDevOpsLibrary | undefined;

export function loadAzureSdk(): Promise<AzureSdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  azureSdk ??= require('./azureSdk') as AzureSdk;
  return Promise.resolve(azureSdk);
}

export function loadYaml(): Promise<YamlLibrary> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  yamlLibrary ??= require('./yaml') as YamlLibrary;
  return Promise.resolve(yamlLibrary);
}

export function loadAzureClients(): Promise<AzureClients> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  azureClients ??= require('./azureClients') as AzureClients;
  return Promise.resolve(azureClients);
}

export function loadStorageBlob(): Promise<StorageBlob> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  storageBlob ??= require('./storageBlob') as StorageBlob;
  return Promise.resolve(storageBlob);
}

export function loadOctokit(): Promise<OctokitLibrary> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  octokit ??= require('./octokit') as OctokitLibrary;
  return Promise.resolve(octokit);
}

export function loadAzureDevOpsApi(): Promise<AzureDevOpsLibrary> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  azureDevOpsApi ??= require('./azureDevOpsApi') as AzureDevOpsLibrary;
  return Promise.resolve(azureDevOpsApi);
}
