import type { AccessToken, TokenCredential } from '@azure/identity';
import vscode = require('vscode');
import { NotSignedInError } from '../core/errors/azure';
import { CancelledError, isCancellation } from '../core/errors/kinds';

/** VS Code's built-in Microsoft account as a TokenCredential for the Azure SDK. */
export class VsCodeMicrosoftCredential implements TokenCredential {
  /** The account of the last session handed out, for "signed in as". */
  accountLabel: string | undefined;

  constructor(
    private readonly tenantId: string | undefined,
    /** How to ask when there is no session: not at all, sign in, or pick another account. */
    private readonly mode: 'silent' | 'interactive' | 'switchAccount',
  ) {}

  async getToken(scopes: string | string[]): Promise<AccessToken | null> {
    const requested = Array.isArray(scopes) ? [...scopes] : [scopes];
    if (this.tenantId) requested.push(`VSCODE_TENANT:${this.tenantId}`);
    let session: vscode.AuthenticationSession | undefined;
    try {
      session = await vscode.authentication.getSession(
        'microsoft',
        requested,
        this.mode === 'silent'
          ? { silent: true }
          : { createIfNone: true, clearSessionPreference: this.mode === 'switchAccount' },
      );
    } catch (error) {
      // Closing the consent dialog or the browser is the user's choice, not a failure.
      if (isCancellation(error)) throw new CancelledError('Sign-in was cancelled.');
      throw error;
    }
    if (!session) throw new NotSignedInError();
    this.accountLabel = session.account.label;
    // VS Code refreshes the session itself; a short expiry makes the SDK ask again soon enough.
    return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
  }
}
