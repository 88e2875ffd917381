/**
 * Validates PUT bodies with the SDK's own mappers: deserialize the wire JSON into the model, then
 * serialize it back, which is where core-client enforces types, required fields and constraints.
 * The serialized result is what gets stored, so read-only fields sent by a client are dropped and
 * defaults (isArchived, experimentName...) are applied as the service does.
 */
import * as SdkMappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers.js';
import { createSerializer, type CompositeMapper, type Mapper } from '@azure/core-client';
import { ArmError, isRecord } from '../http';

const mappers = SdkMappers as unknown as Record<string, Mapper> & { discriminators: Record<string, Mapper> };
const serializer = createSerializer(mappers, false);

export type BodyMapperName =
  | 'JobBase'
  | 'DataContainer'
  | 'DataVersionBase'
  | 'ModelContainer'
  | 'ModelVersion'
  | 'EnvironmentContainer'
  | 'EnvironmentVersion'
  | 'ComponentContainer'
  | 'ComponentVersion'
  | 'CodeContainer'
  | 'CodeVersion'
  | 'Datastore';

/** Returns the normalized wire body (`{ properties: {...} }`) or throws a 400 ArmError. */
export function validateBody(mapperName: BodyMapperName, body: unknown): Record<string, unknown> {
  const mapper = mappers[mapperName] as CompositeMapper | undefined;
  if (!mapper) throw new Error(`No SDK mapper named ${mapperName}`);
  if (!isRecord(body)) throw new ArmError(400, 'UserError', 'The request body must be a JSON object.');
  const hasPropertiesBag = mapper.type.modelProperties?.properties !== undefined;
  if (hasPropertiesBag && !isRecord(body.properties)) {
    throw new ArmError(
      400,
      'UserError',
      "The request content was invalid and could not be deserialized: 'properties' is required.",
    );
  }
  if (hasPropertiesBag) checkDiscriminator(mapper, body.properties as Record<string, unknown>);
  let normalized: unknown;
  try {
    const model: unknown = serializer.deserialize(mapper, body, 'body');
    normalized = serializer.serialize(mapper, model, 'body');
  } catch (error) {
    throw new ArmError(400, 'UserError', `The request body is invalid: ${(error as Error).message}`);
  }
  if (!isRecord(normalized)) throw new ArmError(400, 'UserError', 'The request body is invalid.');
  // The 2.1.1 mappers predate newer api-versions and drop some fields (e.g. uri/mode of uri_file job
  // outputs), so keep what the client sent on top of the normalized defaults, minus service-owned fields.
  const merged = mergeKeepingSent(normalized, body) as Record<string, unknown>;
  if (isRecord(merged.properties)) {
    for (const field of SERVICE_OWNED_FIELDS) delete merged.properties[field];
  }
  return merged;
}

/** Fields the service computes; a client cannot set them. */
const SERVICE_OWNED_FIELDS = ['status', 'latestVersion', 'nextVersion', 'provisioningState'];

function mergeKeepingSent(normalized: unknown, sent: unknown): unknown {
  if (isRecord(normalized) && isRecord(sent)) {
    const result: Record<string, unknown> = { ...normalized };
    for (const [key, value] of Object.entries(sent))
      result[key] = key in normalized ? mergeKeepingSent(normalized[key], value) : value;
    return result;
  }
  return sent === undefined ? normalized : sent;
}

/** core-client falls back to the base type for an unknown discriminator value; the service rejects it. */
function checkDiscriminator(mapper: CompositeMapper, properties: Record<string, unknown>): void {
  const propertiesMapper = mapper.type.modelProperties?.properties as CompositeMapper | undefined;
  const className = propertiesMapper?.type.className;
  if (!className) return;
  const baseMapper = mappers[className] as CompositeMapper | undefined;
  const discriminator = baseMapper?.type.polymorphicDiscriminator;
  if (!discriminator) return;
  const field = discriminator.serializedName;
  const value = properties[field];
  const allowed = Object.keys(mappers.discriminators)
    .filter((key) => key.startsWith(`${className}.`))
    .map((key) => key.slice(className.length + 1));
  if (typeof value !== 'string' || !allowed.some((a) => a.toLowerCase() === value.toLowerCase())) {
    throw new ArmError(
      400,
      'UserError',
      `The request body is invalid: properties.${field} must be one of ${allowed.join(', ')}; got '${String(value)}'.`,
    );
  }
}
