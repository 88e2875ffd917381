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
  setPageSize: (pageSize: number) => admin('PUT', '/_emulator/page-size', { pageSize }),
  /** Takes the signed-in principal's role on a subscription away (403 on its resources) or gives it back. */
  setAccess: (subscriptionId: string, granted: boolean) =>
    admin('PUT', '/_emulator/access', { subscriptionId, granted }),
  /** Back to the seeded roles. */
  restoreAccess: () => admin('DELETE', '/_emulator/access'),
};
