/**
 * The emulator's own reading of the Azure ML REST contract (api-version 2025-09-01) for the PUT bodies it
 * accepts. A body that breaks it is a 400 naming the field; a valid body comes back normalized the way the
 * service stores it: members only the service sets are dropped, and the defaults it applies are filled in.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { isRecord } from '../../http';
import {
  codeContainerResource,
  codeVersionResource,
  componentContainerResource,
  componentVersionResource,
  dataContainerResource,
  dataVersionResource,
  environmentContainerResource,
  environmentVersionResource,
  modelContainerResource,
  modelVersionResource,
} from './assets';
import { datastoreResource } from './datastores';
import { contractError } from './errors';
import { jobBaseResource } from './jobs';
import { SERVICE_OWNED_KEYWORD, type Schema } from './schema';

/** The request bodies the emulator validates, named after the contract's definitions. */
export type BodyKind =
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

const SCHEMAS: Record<BodyKind, Schema> = {
  JobBase: jobBaseResource,
  DataContainer: dataContainerResource,
  DataVersionBase: dataVersionResource,
  ModelContainer: modelContainerResource,
  ModelVersion: modelVersionResource,
  EnvironmentContainer: environmentContainerResource,
  EnvironmentVersion: environmentVersionResource,
  ComponentContainer: componentContainerResource,
  ComponentVersion: componentVersionResource,
  CodeContainer: codeContainerResource,
  CodeVersion: codeVersionResource,
  Datastore: datastoreResource,
};

const ajv = new Ajv({
  discriminator: true,
  useDefaults: true,
  allowUnionTypes: true,
  // Errors carry the offending value and schema, for messages that say what was sent and what is allowed.
  verbose: true,
});

ajv.addKeyword({
  keyword: SERVICE_OWNED_KEYWORD,
  schemaType: 'boolean',
  modifying: true,
  errors: false,
  validate: (
    dropIt: boolean,
    _value: unknown,
    _schema: unknown,
    data?: { parentData?: unknown; parentDataProperty?: string | number },
  ) => {
    if (dropIt && data && isRecord(data.parentData) && typeof data.parentDataProperty === 'string') {
      delete data.parentData[data.parentDataProperty];
    }
    return true;
  },
});

const compiled = new Map<BodyKind, ValidateFunction>();

function validatorFor(kind: BodyKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    validate = ajv.compile(SCHEMAS[kind]);
    compiled.set(kind, validate);
  }
  return validate;
}

/**
 * Returns the body as the service would store it (a copy: the argument is left alone), or throws the
 * service's 400 (an ArmError) naming the first field that breaks the contract.
 */
export function normalizeArmBody(kind: BodyKind, body: unknown): Record<string, unknown> {
  const copy: unknown = structuredClone(body);
  const validate = validatorFor(kind);
  if (!validate(copy)) throw contractError(validate.errors![0]);
  return copy as Record<string, unknown>;
}

/** Throws the service's 400 (an ArmError) when `body` breaks the contract for `kind`; `body` is not changed. */
export function validateArmBody(kind: BodyKind, body: unknown): void {
  normalizeArmBody(kind, body);
}
