import * as vscode from 'vscode';
import { SettingSection, Setting } from '../constants';
import { AzureMlArm } from '../core/azure/armClient';
import { resolveCloud, type CloudEndpoints } from '../core/azure/cloud';
import { createIdentityCredential, type AuthenticationKind } from '../core/azure/credentials';
import { VsCodeMicrosoftCredential } from './vscodeCredential';

/**
 * Turns the settings into a signed-in ARM client, once, and starts again whenever a setting under
 * `azureml` changes or the user signs in, telling the views through onDidChange.
 */
export class AzureSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private arm: Promise<AzureMlArm> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SettingSection)) this.reset();
      }),
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === 'microsoft' && this.authenticationKind() === 'vscode') this.reset();
      }),
    ];
  }

  private settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SettingSection);
  }

  authenticationKind(): AuthenticationKind {
    return this.settings().get<AuthenticationKind>(Setting.authentication, 'vscode');
  }

  cloud(): CloudEndpoints {
    const settings = this.settings();
    return resolveCloud({
      cloud: settings.get<string>(Setting.cloud),
      customArmEndpoint: settings.get<string>(Setting.customArmEndpoint),
      customAuthorityHost: settings.get<string>(Setting.customAuthorityHost),
      customStudioUrl: settings.get<string>(Setting.customStudioUrl),
    });
  }

  /** Subscription ids the user chose to see; empty means all. */
  subscriptionFilter(): string[] {
    return this.settings().get<string[]>(Setting.subscriptions, []);
  }

  getArm(): Promise<AzureMlArm> {
    if (!this.arm) {
      const attempt = this.createArm(false);
      this.arm = attempt;
      // A failed attempt is not cached, so the next refresh tries again.
      attempt.catch(() => {
        if (this.arm === attempt) this.arm = undefined;
      });
    }
    return this.arm;
  }

  /** Interactive for VS Code's account; for the other kinds, a token request that proves the setup. */
  async signIn(): Promise<void> {
    this.arm = this.createArm(true);
    const arm = await this.arm;
    await arm.checkSignIn();
    this.changed.fire();
  }

  private async createArm(interactive: boolean): Promise<AzureMlArm> {
    const cloud = this.cloud();
    const kind = this.authenticationKind();
    const tenantId = this.settings().get<string>(Setting.tenantId) || undefined;
    if (kind === 'vscode') {
      return new AzureMlArm(new VsCodeMicrosoftCredential(tenantId, interactive), cloud);
    }
    return new AzureMlArm(await createIdentityCredential(kind, cloud, process.env, tenantId), cloud);
  }

  reset(): void {
    this.arm = undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const disposable of this.subscriptions) disposable.dispose();
  }
}
