// Bundle entry of dist/storage-blob.js: Azure Storage's blob client, loaded on first use through load.ts
// (only uploads of job code and inputs need it). With azureSdk.ts, the only place in src that imports
// @azure/* values.
// Required, not imported: the package's CommonJS build is the one that runs inside a CommonJS bundle
// (its ES module build reads import.meta.url, which a CommonJS bundle does not have).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const storageBlob = require('@azure/storage-blob') as typeof import('@azure/storage-blob');
