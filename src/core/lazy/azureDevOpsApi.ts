// Bundle entry of dist/azure-devops-api.js: Microsoft's Azure DevOps client, loaded on first use through load.ts
// (only the outer loop's trigger and run following on Azure Pipelines need it). The only place in src that imports
// azure-devops-node-api values.
export { WebApi, getBearerHandler, getPersonalAccessTokenHandler } from 'azure-devops-node-api/WebApi';
export {
  RunResult,
  RunState,
  TypeInfo as PipelinesTypeInfo,
} from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
export type { IPipelinesApi } from 'azure-devops-node-api/PipelinesApi';
export type { Run, RunPipelineParameters } from 'azure-devops-node-api/interfaces/PipelinesInterfaces';
