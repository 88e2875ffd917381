/** Service principals the emulator's Entra ID knows, and which subscriptions each may use. */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Principal {
  clientId: string;
  /** Service principal object id (the `oid` claim). */
  objectId: string;
  secret: string;
  displayName: string;
  /** Lower-case subscription ids this principal holds a role on. */
  subscriptions: Set<string>;
  /**
   * Lower-case subscription ids where the role was removed below the subscription scope (as a deny
   * assignment on the resource groups does): still listed, but every call under them is forbidden.
   */
  deniedSubscriptions: Set<string>;
}

export interface Directory {
  tenantId: string;
  main: Principal;
  restricted: Principal;
  byClientId(clientId: string): Principal | undefined;
  byObjectId(objectId: string): Principal | undefined;
}

export function createDirectory(subscriptionIds: string[]): Directory {
  const make = (displayName: string, subscriptions: string[]): Principal => ({
    clientId: randomUUID(),
    objectId: randomUUID(),
    // Entra client secrets are ~40 printable characters; base64url keeps them form-safe.
    secret: randomBytes(30).toString('base64url'),
    displayName,
    subscriptions: new Set(subscriptions.map((s) => s.toLowerCase())),
    deniedSubscriptions: new Set(),
  });
  const main = make('azureml-emulator-main', subscriptionIds);
  const restricted = make('azureml-emulator-restricted', []);
  const all = [main, restricted];
  return {
    tenantId: randomUUID(),
    main,
    restricted,
    byClientId: (clientId) => all.find((p) => p.clientId.toLowerCase() === clientId.toLowerCase()),
    byObjectId: (objectId) => all.find((p) => p.objectId.toLowerCase() === objectId.toLowerCase()),
  };
}
