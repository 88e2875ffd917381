// Bundle entry of dist/azure-sdk.js: the Azure SDK packages, loaded on first use through load.ts so that
// activation does not pay for them. The only place in src that imports @azure/* values.
export * as ml from '@azure/arm-machinelearning';
export * as identity from '@azure/identity';
export * as restPipeline from '@azure/core-rest-pipeline';
