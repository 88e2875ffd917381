// Bundle entry of dist/sign-in.js: the Sign In command's flow, loaded when the command runs.
import vscode = require('vscode');
import type { Services } from '../services';

export interface SignInResult {
  account: string;
  /** True when someone was signed in already and the command only said who. */
  alreadySignedIn: boolean;
}

/** Signs in, or says who is signed in and offers another account or sign-in method. */
export async function signIn({ session, settings, errors }: Services): Promise<SignInResult> {
  const current = await session.currentAccount();
  const kind = session.authenticationKind();
  if (current) {
    const method = {
      vscode: "with VS Code's Microsoft account",
      azureCli: 'through the Azure CLI (az login)',
      environment: 'from the AZURE_CLIENT_ID and AZURE_CLIENT_SECRET environment variables',
    }[kind];
    const switchAccount = 'Switch Account';
    const changeMethod = 'Change Sign-in Method';
    const hint = kind === 'azureCli' ? ' To use another account, run "az login" in a terminal.' : '';
    // Not awaited: the command returns while the message stays up.
    void vscode.window
      .showInformationMessage(
        `Signed in to Azure as ${current}, ${method}.${hint}`,
        ...(kind === 'vscode' ? [switchAccount] : []),
        changeMethod,
      )
      .then(async (choice) => {
        if (choice === switchAccount) {
          const account = await session.switchAccount();
          void vscode.window.showInformationMessage(`Signed in to Azure as ${account}.`);
        } else if (choice === changeMethod) {
          await settings.open('azureml.authentication');
        }
      })
      .then(undefined, (error: unknown) => errors.report(error, 'Azure ML: Switch Account'));
    return { account: current, alreadySignedIn: true };
  }
  const account = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Signing in to Azure…' },
    () => session.signIn(),
  );
  void vscode.window.showInformationMessage(`Signed in to Azure as ${account}.`);
  return { account, alreadySignedIn: false };
}
