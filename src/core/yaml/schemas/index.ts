// Every schema file of this folder, bundled with the YAML engine. A unit test checks that none is missing.
import type { SchemaJson } from '../schemaCatalog';
import amlCompute from './amlCompute.schema.json';
import autoMLJob from './autoMLJob.schema.json';
import azureBlob from './azureBlob.schema.json';
import azureDataLakeGen1 from './azureDataLakeGen1.schema.json';
import azureDataLakeGen2 from './azureDataLakeGen2.schema.json';
import azureFile from './azureFile.schema.json';
import batchEndpoint from './batchEndpoint.schema.json';
import commandComponent from './commandComponent.schema.json';
import commandJob from './commandJob.schema.json';
import common from './common.schema.json';
import computeInstance from './computeInstance.schema.json';
import connection from './connection.schema.json';
import data from './data.schema.json';
import dataImport from './dataImport.schema.json';
import defs_assets from './defs.assets.schema.json';
import defs_automl from './defs.automl.schema.json';
import defs_endpoints from './defs.endpoints.schema.json';
import defs_jobs from './defs.jobs.schema.json';
import environment from './environment.schema.json';
import featureSet from './featureSet.schema.json';
import featureStoreEntity from './featureStoreEntity.schema.json';
import kubernetesCompute from './kubernetesCompute.schema.json';
import kubernetesOnlineDeployment from './kubernetesOnlineDeployment.schema.json';
import kubernetesOnlineEndpoint from './kubernetesOnlineEndpoint.schema.json';
import managedOnlineDeployment from './managedOnlineDeployment.schema.json';
import managedOnlineEndpoint from './managedOnlineEndpoint.schema.json';
import mlTable from './mlTable.schema.json';
import model from './model.schema.json';
import modelBatchDeployment from './modelBatchDeployment.schema.json';
import oneLake from './oneLake.schema.json';
import parallelComponent from './parallelComponent.schema.json';
import pipelineComponent from './pipelineComponent.schema.json';
import pipelineComponentBatchDeployment from './pipelineComponentBatchDeployment.schema.json';
import pipelineJob from './pipelineJob.schema.json';
import registry from './registry.schema.json';
import schedule from './schedule.schema.json';
import sparkComponent from './sparkComponent.schema.json';
import sparkJob from './sparkJob.schema.json';
import sweepJob from './sweepJob.schema.json';
import synapseSparkCompute from './synapseSparkCompute.schema.json';
import vmCompute from './vmCompute.schema.json';
import workspace from './workspace.schema.json';

export const SCHEMA_FILES: readonly SchemaJson[] = [
  amlCompute,
  autoMLJob,
  azureBlob,
  azureDataLakeGen1,
  azureDataLakeGen2,
  azureFile,
  batchEndpoint,
  commandComponent,
  commandJob,
  common,
  computeInstance,
  connection,
  data,
  dataImport,
  defs_assets,
  defs_automl,
  defs_endpoints,
  defs_jobs,
  environment,
  featureSet,
  featureStoreEntity,
  kubernetesCompute,
  kubernetesOnlineDeployment,
  kubernetesOnlineEndpoint,
  managedOnlineDeployment,
  managedOnlineEndpoint,
  mlTable,
  model,
  modelBatchDeployment,
  oneLake,
  parallelComponent,
  pipelineComponent,
  pipelineComponentBatchDeployment,
  pipelineJob,
  registry,
  schedule,
  sparkComponent,
  sparkJob,
  sweepJob,
  synapseSparkCompute,
  vmCompute,
  workspace,
] as unknown as SchemaJson[];
