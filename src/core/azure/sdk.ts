// The Azure SDK packages, bundled on their own (dist/azure-sdk.js) so that activation does not pay
// for loading them; loadSdk.ts is the only way in.
export * as ml from '@azure/arm-machinelearning';
export * as identity from '@azure/identity';
export * as restPipeline from '@azure/core-rest-pipeline';
