export type AzureSdk = typeof import('./sdk');

let sdk: AzureSdk | undefined;

/**
 * Loads the Azure SDK on first use. In the extension this is dist/azure-sdk.js, a bundle of its own
 * (see scripts/build.mjs), so activation does not pay for it.
 */
export function loadAzureSdk(): Promise<AzureSdk> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy require is the point here
  sdk ??= require('./sdk') as AzureSdk;
  return Promise.resolve(sdk);
}
