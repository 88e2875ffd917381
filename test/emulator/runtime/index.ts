/** The emulator's runtime: Azurite storage, job execution, run history, logs and MLflow. */
export {
  startStorage,
  uploadBlobs,
  emulatorDatastoreProperties,
  AZURITE_ACCOUNT_NAME,
  AZURITE_ACCOUNT_KEY,
  WORKSPACE_BLOBSTORE_CONTAINER,
  WORKSPACE_ARTIFACTSTORE_CONTAINER,
  DEFAULT_DATASTORE_NAME,
} from './storage';
export { blobContainerUrl, isLoopbackStorageEndpoint, parseBlobAddress, type BlobAddress } from './blobAddress';
export { createJobRuntime, type SeedableJobRuntime, type SeededRunHistory } from './jobRuntime';
export { mlflowTrackingUri, STD_LOG_NAME } from './commandJob';
