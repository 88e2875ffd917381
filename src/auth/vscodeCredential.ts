import type { AccessToken, TokenCredential } from '@azure/identity';
import * as vscode from 'vscode';
import { NotSignedInError } from '../core/azure/azureErrors';

/** VS Code's built-in Microsoft account as a TokenCredential for the Azure SDK. */
export class VsCodeMicrosoftCredential implements TokenCredential {
  constructor(
    private readonly tenantId: string | undefined,
    /** Ask the user to sign in when there is no session (only from an explicit sign-in). */
    private readonly interactive: boolean,
  ) {}

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    const requested = Array.isArray(scopes) ? [...scopes] : [scopes];
    if (this.tenantId) requested.push(`VSCODE_TENANT:${this.tenantId}`);
    const session = await vscode.authentication.getSession('microsoft', requested, {
      createIfNone: this.interactive,
      silent: !this.interactive,
    });
    if (!session) throw new NotSignedInError();
    // VS Code refreshes the session itself; a short expiry makes the SDK ask again soon enough.
    return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
  }
}
