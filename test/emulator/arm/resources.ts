/** Building, stamping and filtering stored ARM resources. */
import type { ArmResource } from '../contracts';
import { ArmError, isRecord } from '../http';
import type { Principal } from '../principals';

export function systemDataForCreate(principal: Principal, now = new Date()): NonNullable<ArmResource['systemData']> {
  const at = now.toISOString();
  return {
    createdAt: at,
    createdBy: principal.clientId,
    createdByType: 'Application',
    lastModifiedAt: at,
    lastModifiedBy: principal.clientId,
    lastModifiedByType: 'Application',
  };
}

export function systemDataForUpdate(
  existing: ArmResource,
  principal: Principal,
): NonNullable<ArmResource['systemData']> {
  return {
    ...existing.systemData,
    lastModifiedAt: new Date().toISOString(),
    lastModifiedBy: principal.clientId,
    lastModifiedByType: 'Application',
  };
}

export function createdAt(resource: ArmResource): string {
  return resource.systemData?.createdAt ?? '';
}

/** Newest first, with name as a stable tie-breaker. */
export function newestFirst(a: ArmResource, b: ArmResource): number {
  const byTime = createdAt(b).localeCompare(createdAt(a));
  return byTime !== 0 ? byTime : b.name.localeCompare(a.name);
}

/** ListViewType: ActiveOnly (default), ArchivedOnly, All — on `properties.isArchived`. */
export function filterByListView(items: ArmResource[], url: URL): ArmResource[] {
  const view = (url.searchParams.get('listViewType') ?? 'ActiveOnly').toLowerCase();
  if (view === 'all') return items;
  if (view !== 'activeonly' && view !== 'archivedonly') {
    throw new ArmError(
      400,
      'UserError',
      `The value '${url.searchParams.get('listViewType') ?? ''}' is not valid for listViewType. Valid values: ActiveOnly, ArchivedOnly, All.`,
    );
  }
  const archivedWanted = view === 'archivedonly';
  return items.filter((r) => (r.properties.isArchived === true) === archivedWanted);
}

/** Tag filters like "stage=candidate,team" (key=value or key alone) against `properties.tags`. */
export function filterByTags(items: ArmResource[], filter: string | null): ArmResource[] {
  if (!filter) return items;
  const conditions = filter.split(',').map((part) => {
    const eq = part.indexOf('=');
    return eq < 0 ? { key: part.trim() } : { key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
  });
  return items.filter((r) => {
    const tags = (r.properties.tags ?? {}) as Record<string, unknown>;
    return conditions.every((c) => c.key in tags && (c.value === undefined || String(tags[c.key]) === c.value));
  });
}

/** Next integer version after the highest numeric one, as Azure ML's auto-versioning does. */
export function nextVersionAfter(versions: string[]): string {
  const numbers = versions.map((v) => Number(v)).filter((n) => Number.isInteger(n) && n >= 0);
  return String(numbers.length === 0 ? 1 : Math.max(...numbers) + 1);
}

/**
 * A datastore as ARM shows it: credentials keep their type and non-secret fields (clientId, tenantId...),
 * and `secrets` only says which kind of secret is stored. listSecrets is the one way to read them.
 */
export function withoutSecrets(datastore: ArmResource): ArmResource {
  const credentials = datastore.properties.credentials;
  if (!isRecord(credentials) || !('secrets' in credentials)) return datastore;
  const { secrets, ...rest } = credentials;
  const redacted =
    isRecord(secrets) && secrets.secretsType !== undefined ? { secretsType: secrets.secretsType } : undefined;
  return {
    ...datastore,
    properties: { ...datastore.properties, credentials: redacted ? { ...rest, secrets: redacted } : rest },
  };
}

/**
 * Credentials for a datastore PUT: a client that read the datastore back sends `secrets` with only its type,
 * which keeps the secret already stored for that type instead of erasing it.
 */
export function credentialsForUpdate(sent: unknown, stored: unknown): unknown {
  if (!isRecord(sent) || !isRecord(stored) || !isRecord(sent.secrets) || !isRecord(stored.secrets)) return sent;
  if (sent.secrets.secretsType !== stored.secrets.secretsType) return sent;
  return { ...sent, secrets: { ...stored.secrets, ...sent.secrets } };
}
