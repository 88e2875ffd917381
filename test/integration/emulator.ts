// Talks to the emulator's admin routes from inside the extension host (faults, page size, access).
import type { FaultRule } from '../emulator/contracts';

function origin(): string {
  const value = process.env.AZUREML_EMULATOR_ORIGIN;
  if (!value) throw new Error('AZUREML_EMULATOR_ORIGIN is not set: run these tests with `npm run test:integration`');
  return value.replace(/\/$/, '');
}

async function admin(method: string, path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${origin()}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
}

export const emulator = {
  addFault: (rule: FaultRule) => admin('POST', '/_emulator/faults', rule),
  clearFaults: () => admin('DELETE', '/_emulator/faults'),
  /** Fault rules not used up yet. */
  pendingFaults: async (): Promise<FaultRule[]> => {
    const response = await fetch(`${origin()}/_emulator/faults`);
    return ((await response.json()) as { value: FaultRule[] }).value;
  },
  setPageSize: (pageSize: number) => admin('PUT', '/_emulator/page-size', { pageSize }),
  /** Takes the signed-in principal's role on a subscription away (403 on its resources) or gives it back. */
  setAccess: (subscriptionId: string, granted: boolean) =>
    admin('PUT', '/_emulator/access', { subscriptionId, granted }),
  /** The blob requests clients sent to storage so far (method, path, comp, bytes), oldest first. */
  blobRequests: async (): Promise<Array<{ method: string; path: string; comp: string; bytes: number }>> => {
    const response = await fetch(`${origin()}/_emulator/blob-requests`);
    if (!response.ok) throw new Error(`GET /_emulator/blob-requests failed: ${response.status}`);
    return (
      (await response.json()) as { requests: Array<{ method: string; path: string; comp: string; bytes: number }> }
    ).requests;
  },
  /** Back to the seeded roles. */
  restoreAccess: () => admin('DELETE', '/_emulator/access'),
};
