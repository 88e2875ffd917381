import type { ActiveWorkspace } from './auth/activeWorkspace';
import type { AzureSession } from './auth/azureSession';
import type { Platform } from './platform/platform';

/** What every feature's register() receives: the platform plus the shared Azure services. */
export interface Services extends Platform {
  readonly session: AzureSession;
  readonly activeWorkspace: ActiveWorkspace;
}
