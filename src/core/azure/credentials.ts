import type { TokenCredential } from '@azure/identity';
import type { CloudEndpoints } from './cloud';
import { SettingsError } from '../errors/kinds';
import { loadAzureSdk } from '../lazy/load';

/** How the extension obtains tokens: VS Code's Microsoft account, the Azure CLI, or a service principal. */
export type AuthenticationKind = 'vscode' | 'azureCli' | 'environment';

/** The chosen sign-in method cannot work as configured; names what to set. */
export class CredentialSettingsError extends SettingsError {}

/**
 * A credential from @azure/identity for the kinds that do not need VS Code. The SDK is loaded here,
 * on first use, not when the extension activates.
 */
export async function createIdentityCredential(
  kind: Exclude<AuthenticationKind, 'vscode'>,
  cloud: CloudEndpoints,
  env: NodeJS.ProcessEnv = process.env,
  tenantId?: string,
): Promise<TokenCredential> {
  const { identity } = await loadAzureSdk();
  if (kind === 'azureCli') {
    return new identity.AzureCliCredential(tenantId ? { tenantId } : {});
  }
  const missing = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new CredentialSettingsError(
      `azureml.authentication is "environment", but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set in VS Code's environment.`,
      'azureml.authentication',
    );
  }
  return new identity.ClientSecretCredential(
    tenantId ?? env.AZURE_TENANT_ID!,
    env.AZURE_CLIENT_ID!,
    env.AZURE_CLIENT_SECRET!,
    {
      authorityHost: env.AZURE_AUTHORITY_HOST || cloud.authorityHost,
      // Instance discovery asks the public cloud about the authority, which a custom one is unknown to.
      disableInstanceDiscovery: cloud.name === 'Custom',
    },
  );
}
