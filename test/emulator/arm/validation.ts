/**
 * Validates PUT bodies against the emulator's own schemas of the published REST contract (./contract):
 * a body that breaks it is the service's 400; a valid one comes back normalized as the service stores it
 * (read-only members a client sent are dropped, defaults such as isArchived and experimentName applied).
 */
import { normalizeArmBody, type BodyKind } from './contract';

/** Kept under its earlier name for the routes that pass it. */
export type BodyMapperName = BodyKind;

/** Returns the normalized wire body (`{ properties: {...} }`) or throws a 400 ArmError. */
export function validateBody(kind: BodyKind, body: unknown): Record<string, unknown> {
  return normalizeArmBody(kind, body);
}
