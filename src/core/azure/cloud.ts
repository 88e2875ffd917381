import { SettingsError } from '../errors/kinds';

/** The Azure clouds a user can sign in to, and where each one's endpoints are. */
export type CloudName = 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud' | 'Custom';

export interface CloudEndpoints {
  name: CloudName;
  /** Resource Manager, e.g. https://management.azure.com/ */
  armEndpoint: string;
  /** Entra ID, e.g. https://login.microsoftonline.com/ */
  authorityHost: string;
  /** Scope for ARM tokens. */
  armScope: string;
  /** Azure ML studio, for "Open in studio"; undefined where there is none (custom endpoints). */
  studioUrl?: string;
}

const knownClouds: Record<Exclude<CloudName, 'Custom'>, Omit<CloudEndpoints, 'name'>> = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com/',
    authorityHost: 'https://login.microsoftonline.com/',
    armScope: 'https://management.azure.com/.default',
    studioUrl: 'https://ml.azure.com',
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net/',
    authorityHost: 'https://login.microsoftonline.us/',
    armScope: 'https://management.usgovcloudapi.net/.default',
    studioUrl: 'https://ml.azure.us',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn/',
    authorityHost: 'https://login.chinacloudapi.cn/',
    armScope: 'https://management.chinacloudapi.cn/.default',
    studioUrl: 'https://studio.ml.azure.cn',
  },
};

export interface CloudSettings {
  cloud?: string;
  customArmEndpoint?: string;
  customAuthorityHost?: string;
  customStudioUrl?: string;
}

/** A cloud setting that cannot work; names the setting to fix. */
export class CloudSettingsError extends SettingsError {}

/** Resolves the settings to endpoints, or throws a CloudSettingsError that says which setting to fix. */
export function resolveCloud(settings: CloudSettings): CloudEndpoints {
  const name = settings.cloud || 'AzureCloud';
  if (name !== 'Custom') {
    const known = knownClouds[name as keyof typeof knownClouds];
    if (!known) {
      throw new CloudSettingsError(
        `Unknown cloud "${name}" in azureml.cloud; use AzureCloud, AzureUSGovernment, AzureChinaCloud or Custom.`,
        'azureml.cloud',
      );
    }
    return { name: name as CloudName, ...known };
  }
  const armEndpoint = requireHttpsUrl(settings.customArmEndpoint, 'azureml.customCloud.armEndpoint');
  const authorityHost = requireHttpsUrl(settings.customAuthorityHost, 'azureml.customCloud.authorityHost');
  const studioUrl = settings.customStudioUrl
    ? requireHttpsUrl(settings.customStudioUrl, 'azureml.customCloud.studioUrl')
    : undefined;
  // ARM accepts tokens for its own origin; the audience is the endpoint without a path.
  return {
    name: 'Custom',
    armEndpoint,
    authorityHost,
    armScope: `${new URL(armEndpoint).origin}/.default`,
    studioUrl,
  };
}

function requireHttpsUrl(value: string | undefined, setting: string): string {
  if (!value) {
    throw new CloudSettingsError(`azureml.cloud is Custom, so ${setting} must be set to an https:// URL.`, setting);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CloudSettingsError(`${setting} is not a URL: "${value}".`, setting);
  }
  if (url.protocol !== 'https:') {
    throw new CloudSettingsError(
      `${setting} must use https:// (Azure's token policy refuses plain HTTP): "${value}".`,
      setting,
    );
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
