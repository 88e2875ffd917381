import { CommandId } from '../constants';
import type { Platform } from '../platform/platform';
import type { Services } from '../services';
import { ActiveWorkspace } from './activeWorkspace';
import { AzureSession } from './azureSession';

/** The shared Azure services every feature receives. */
export function createAzureServices(platform: Platform): Pick<Services, 'session' | 'activeWorkspace'> {
  return {
    session: platform.track(new AzureSession(platform.settings)),
    activeWorkspace: platform.track(
      new ActiveWorkspace(platform.extensionContext.workspaceState, platform.contextKeys),
    ),
  };
}

type SignInModule = typeof import('./signIn.lazy');

/** Sign In: the flow loads when the command runs; activation only registers it. */
export function registerAuth(services: Services): void {
  services.commands.register(CommandId.signIn, () => (require('./signIn.lazy') as SignInModule).signIn(services));
}
