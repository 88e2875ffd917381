/**
 * ARM resources as `az ml <kind> show` prints them: snake_case keys, short `azureml:` references
 * and the asset type names users write in YAML, so a details document reads like the CLI's output.
 */
import { loadYaml } from '../lazy/load';
import { describeResourceId, resourceGroupOf, shortReference, type ResourceKind } from './resourceIds';

type Json = Record<string, unknown>;

const asJson = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const lastSegment = (id: unknown): string | undefined => (typeof id === 'string' ? id.split('/').pop() : undefined);

/** camelCase → snake_case, deeply, for the parts the CLI passes through as they are (inputs, limits…). */
function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      snakeKeys(inner),
    ]),
  );
}

function creationContext(resource: Json): Json | undefined {
  const system = asJson(resource.systemData);
  if (Object.keys(system).length === 0) return undefined;
  return {
    created_at: system.createdAt,
    created_by: system.createdBy,
    created_by_type: system.createdByType,
    last_modified_at: system.lastModifiedAt,
    last_modified_by: system.lastModifiedBy,
    last_modified_by_type: system.lastModifiedByType,
  };
}

/** Drops empty values, as the CLI does, so the document shows what is set. */
function compact(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined &&
        value !== null &&
        value !== '' &&
        !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0),
    ),
  );
}

const JOB_TYPES: Record<string, string> = {
  Command: 'command',
  Pipeline: 'pipeline',
  Sweep: 'sweep',
  AutoML: 'automl',
  Spark: 'spark',
};

const DATASTORE_TYPES: Record<string, string> = {
  AzureBlob: 'azure_blob',
  AzureFile: 'azure_file',
  AzureDataLakeGen1: 'azure_data_lake_gen1',
  AzureDataLakeGen2: 'azure_data_lake_gen2',
};

function shapeOf(kind: ResourceKind, resource: Json): Json {
  const props = asJson(resource.properties);
  const common = {
    id: resource.id,
    resource_group: typeof resource.id === 'string' ? resourceGroupOf(resource.id) : undefined,
    creation_context: creationContext(resource),
  };
  switch (kind) {
    case 'workspace':
      return {
        name: resource.name,
        display_name: props.friendlyName,
        description: props.description,
        location: resource.location,
        tags: resource.tags,
        discovery_url: props.discoveryUrl,
        mlflow_tracking_uri: props.mlFlowTrackingUri,
        storage_account: props.storageAccount,
        key_vault: props.keyVault,
        application_insights: props.applicationInsights,
        container_registry: props.containerRegistry,
        ...common,
      };
    case 'compute': {
      const inner = asJson(props.properties);
      const scale = asJson(inner.scaleSettings);
      return {
        name: resource.name,
        type: typeof props.computeType === 'string' ? props.computeType.toLowerCase() : undefined,
        size: inner.vmSize,
        location: resource.location ?? props.computeLocation,
        provisioning_state: props.provisioningState,
        min_instances: scale.minNodeCount,
        max_instances: scale.maxNodeCount,
        idle_time_before_scale_down: scale.nodeIdleTimeBeforeScaleDown,
        ...common,
      };
    }
    case 'environment':
      return {
        name: lastSegment(resource.id?.toString().replace(/\/versions\/[^/]+$/, '')),
        version: /\/versions\//.test(String(resource.id)) ? resource.name : undefined,
        latest_version: props.latestVersion,
        description: props.description,
        tags: props.tags,
        image: props.image,
        conda_file: props.condaFile,
        build: snakeKeys(props.build),
        os_type: props.osType,
        ...common,
      };
    case 'data':
      return {
        name: describeResourceId(String(resource.id))?.name,
        version: resource.name,
        type: props.dataType,
        path: props.dataUri,
        description: props.description,
        tags: props.tags,
        properties: props.properties,
        ...common,
      };
    case 'datastore':
      return {
        name: resource.name,
        type:
          typeof props.datastoreType === 'string'
            ? (DATASTORE_TYPES[props.datastoreType] ?? props.datastoreType)
            : undefined,
        account_name: props.accountName,
        container_name: props.containerName,
        file_share_name: props.fileShareName,
        filesystem: props.filesystem,
        endpoint: props.endpoint,
        protocol: props.protocol,
        is_default: props.isDefault,
        credentials: snakeKeys(asJson(props.credentials)) as Json,
        description: props.description,
        tags: props.tags,
        ...common,
      };
    case 'job': {
      const services = asJson(props.services);
      return {
        name: resource.name,
        display_name: props.displayName,
        type: typeof props.jobType === 'string' ? (JOB_TYPES[props.jobType] ?? props.jobType) : undefined,
        status: props.status,
        experiment_name: props.experimentName,
        description: props.description,
        tags: props.tags,
        properties: props.properties,
        compute: typeof props.computeId === 'string' ? shortReference(props.computeId) : undefined,
        environment: typeof props.environmentId === 'string' ? shortReference(props.environmentId) : undefined,
        code: props.codeId,
        command: props.command,
        inputs: snakeKeys(props.inputs),
        outputs: snakeKeys(props.outputs),
        environment_variables: props.environmentVariables,
        resources: snakeKeys(props.resources),
        limits: snakeKeys(props.limits),
        jobs: snakeKeys(props.jobs),
        services: Object.fromEntries(
          Object.entries(services).map(([name, service]) => [name, compact(snakeKeys(service) as Json)]),
        ),
        ...common,
      };
    }
    case 'model':
      return {
        name: describeResourceId(String(resource.id))?.name,
        version: resource.name,
        type: props.modelType,
        path: props.modelUri,
        job_name: props.jobName,
        description: props.description,
        tags: props.tags,
        properties: props.properties,
        flavors: props.flavors,
        stage: props.stage,
        ...common,
      };
  }
}

/** The details document: a header saying where it came from, then the resource as YAML. */
export async function toAzMlYaml(resource: Json): Promise<string> {
  const described = describeResourceId(String(resource.id ?? ''));
  if (!described) throw new Error(`Not an Azure ML resource: ${String(resource.id)}`);
  const { stringify } = await loadYaml();
  const body = stringify(compact(shapeOf(described.kind, resource)), { lineWidth: 0 });
  return `# ${described.kind} (read-only; "Azure ML: Refresh" reloads it from Azure)\n${body}`;
}
