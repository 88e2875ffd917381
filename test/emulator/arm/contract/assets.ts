/**
 * Versioned assets after the 2025-09-01 contract: data, models, environments, components and code, each a
 * container (`.../{kind}/{name}`) and its versions (`.../{kind}/{name}/versions/{version}`).
 */
import {
  discriminated,
  envelope,
  int32,
  nullable,
  nullableMapOf,
  nullableObject,
  nullableText,
  nullableTextList,
  object,
  oneOfValues,
  requiredText,
  resourceBase,
  serviceOwned,
  stringMap,
  text,
  withDefault,
  type Schema,
} from './schema';

const isArchived = withDefault({ type: 'boolean' }, false);

/** AssetContainer: latestVersion and nextVersion are kept by the service. */
const assetContainer: Record<string, Schema> = {
  ...resourceBase,
  isArchived,
  latestVersion: serviceOwned,
  nextVersion: serviceOwned,
  provisioningState: serviceOwned,
};

/** AssetBase: what every asset version has. */
const assetBase: Record<string, Schema> = {
  ...resourceBase,
  isAnonymous: withDefault({ type: 'boolean' }, false),
  isArchived,
  provisioningState: serviceOwned,
};

const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];

export const dataContainerResource = envelope(
  object({ ...assetContainer, dataType: oneOfValues(DATA_TYPES) }, ['dataType']),
);

export const dataVersionResource = envelope(
  discriminated(
    'dataType',
    { ...assetBase, dataUri: requiredText },
    {
      uri_file: {},
      uri_folder: {},
      mltable: { properties: { referencedUris: nullableTextList } },
    },
    ['dataUri'],
  ),
);

export const modelContainerResource = envelope(object(assetContainer));

/** ModelVersion: every member is optional, modelUri included. */
export const modelVersionResource = envelope(
  object({
    ...assetBase,
    flavors: nullableMapOf(nullable(object({ data: stringMap }))),
    jobName: nullableText,
    modelType: nullableText,
    modelUri: nullableText,
    stage: nullableText,
  }),
);

export const environmentContainerResource = envelope(object(assetContainer));

const route = object({ path: requiredText, port: int32 }, ['path', 'port']);

export const environmentVersionResource = envelope(
  object({
    ...assetBase,
    autoRebuild: oneOfValues(['Disabled', 'OnBaseImageUpdate']),
    build: object({ contextUri: requiredText, dockerfilePath: withDefault(text, 'Dockerfile') }, ['contextUri']),
    condaFile: text,
    environmentType: serviceOwned,
    image: text,
    inferenceConfig: object({
      livenessRoute: route,
      readinessRoute: route,
      scoringRoute: route,
      startupRoute: nullable(route),
    }),
    osType: oneOfValues(['Linux', 'Windows']),
    stage: nullableText,
  }),
);

export const componentContainerResource = envelope(object(assetContainer));

/** ComponentVersion: the component's YAML as a JSON object, never a string. */
export const componentVersionResource = envelope(object({ ...assetBase, componentSpec: nullableObject }));

export const codeContainerResource = envelope(object(assetContainer));

export const codeVersionResource = envelope(object({ ...assetBase, codeUri: nullableText }));
