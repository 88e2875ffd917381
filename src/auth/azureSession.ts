import vscode = require('vscode');
import type { AzureMlArm } from '../core/azure/armClient';
import { resolveCloud, type CloudEndpoints } from '../core/azure/cloud';
import type { AuthenticationKind } from '../core/azure/credentials';
import { loadAzureClients } from '../core/lazy/load';
import { isNotSignedIn } from '../core/errors/azure';
import type { SettingName } from '../constants';
import type { Settings } from '../platform/settings';
import { VsCodeMicrosoftCredential } from './vscodeCredential';

type Prompt = 'silent' | 'interactive' | 'switchAccount';

/** The settings that change who is signed in, where, or what they see; the others leave the session alone. */
const SESSION_SETTINGS: SettingName[] = [
  'cloud',
  'customCloud.armEndpoint',
  'customCloud.authorityHost',
  'customCloud.studioUrl',
  'authentication',
  'tenantId',
  'subscriptions',
];

/**
 * Turns the settings into a signed-in ARM client, once, and starts again whenever a setting under
 * `azureml` changes or the user signs in, telling the views through onDidChange.
 */
export class AzureSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private arm: Promise<{ arm: AzureMlArm; credential: VsCodeMicrosoftCredential | undefined }> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly settings: Settings) {
    this.subscriptions = [
      this.changed,
      settings.onDidChange((event) => {
        if (SESSION_SETTINGS.some((name) => settings.affects(event, name))) this.reset();
      }),
      vscode.authentication.onDidChangeSessions((event) => {
        if (event.provider.id === 'microsoft' && this.authenticationKind() === 'vscode') this.reset();
      }),
    ];
  }

  authenticationKind(): AuthenticationKind {
    return this.settings.get('authentication');
  }

  cloud(): CloudEndpoints {
    return resolveCloud({
      cloud: this.settings.get('cloud'),
      customArmEndpoint: this.settings.get('customCloud.armEndpoint'),
      customAuthorityHost: this.settings.get('customCloud.authorityHost'),
      customStudioUrl: this.settings.get('customCloud.studioUrl'),
    });
  }

  /** Subscription ids the user chose to see; empty means all. */
  subscriptionFilter(): string[] {
    return this.settings.get('subscriptions');
  }

  async getArm(): Promise<AzureMlArm> {
    if (!this.arm) {
      const attempt = this.createArm('silent');
      this.arm = attempt;
      // A failed attempt is not cached, so the next refresh tries again.
      attempt.catch(() => {
        if (this.arm === attempt) this.arm = undefined;
      });
    }
    return (await this.arm).arm;
  }

  /** Who is signed in, without asking the user anything; undefined when nobody is. */
  async currentAccount(): Promise<string | undefined> {
    try {
      return await this.describeAccount(await this.getArm());
    } catch (error) {
      if (isNotSignedIn(error)) return undefined;
      throw error;
    }
  }

  /** Interactive for VS Code's account; for the other kinds, a token request that proves the setup. */
  signIn(): Promise<string> {
    return this.start('interactive');
  }

  /** VS Code's account only: lets the user pick another Microsoft account. */
  switchAccount(): Promise<string> {
    return this.start('switchAccount');
  }

  private async start(prompt: Prompt): Promise<string> {
    const attempt = this.createArm(prompt);
    this.arm = attempt;
    try {
      const account = await this.describeAccount((await attempt).arm);
      this.changed.fire();
      return account;
    } catch (error) {
      if (this.arm === attempt) this.arm = undefined;
      throw error;
    }
  }

  private async describeAccount(arm: AzureMlArm): Promise<string> {
    const token = await arm.accessToken();
    const label = (await this.arm)?.credential?.accountLabel;
    const { describeTokenAccount } = await loadAzureClients();
    return label ?? describeTokenAccount(token) ?? 'an account whose name the token does not carry';
  }

  private async createArm(prompt: Prompt) {
    const cloud = this.cloud();
    const kind = this.authenticationKind();
    const tenantId = this.settings.get('tenantId') || undefined;
    const { AzureMlArm, createIdentityCredential } = await loadAzureClients();
    if (kind === 'vscode') {
      const credential = new VsCodeMicrosoftCredential(tenantId, prompt);
      return { arm: new AzureMlArm(credential, cloud), credential };
    }
    return {
      arm: new AzureMlArm(await createIdentityCredential(kind, cloud, process.env, tenantId), cloud),
      credential: undefined,
    };
  }

  reset(): void {
    this.arm = undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const disposable of this.subscriptions) disposable.dispose();
  }
}
