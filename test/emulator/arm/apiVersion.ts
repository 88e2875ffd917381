/** ARM's api-version rules: it is mandatory, and each provider accepts only the versions it registered. */
import { ArmError } from '../http';

/**
 * Every stable api-version the REST specs publish for Microsoft.MachineLearningServices (both the swagger
 * and the TypeSpec layouts), plus the previews current official clients send (azure-ai-ml 1.x sends
 * 2022-05-01 for models, environments and code, 2022-10-01-preview and 2023-04-01-preview elsewhere).
 */
const MACHINE_LEARNING_STABLE_API_VERSIONS = [
  '2018-11-19',
  '2018-12-01',
  '2019-05-01',
  '2019-06-01',
  '2019-11-01',
  '2020-01-01',
  '2020-03-01',
  '2020-04-01',
  '2020-06-01',
  '2020-08-01',
  '2021-01-01',
  '2021-04-01',
  '2021-07-01',
  '2021-10-01',
  '2022-05-01',
  '2022-10-01',
  '2023-04-01',
  '2023-10-01',
  '2024-04-01',
  '2024-10-01',
  '2025-04-01',
  '2025-06-01',
  '2025-09-01',
  '2025-12-01',
  '2026-07-01',
];

/** Previews: those azure-ai-ml's generated clients are built for, and the later ones SDKs and the CLI send. */
const MACHINE_LEARNING_PREVIEW_API_VERSIONS = [
  '2022-01-01-preview',
  '2022-02-01-preview',
  '2022-06-01-preview',
  '2022-10-01-preview',
  '2022-12-01-preview',
  '2023-02-01-preview',
  '2023-04-01-preview',
  '2023-06-01-preview',
  '2023-08-01-preview',
  '2024-01-01-preview',
  '2024-04-01-preview',
  '2024-07-01-preview',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-04-01-preview',
  '2025-07-01-preview',
];

export const MACHINE_LEARNING_API_VERSIONS = [
  ...MACHINE_LEARNING_STABLE_API_VERSIONS,
  ...MACHINE_LEARNING_PREVIEW_API_VERSIONS,
].sort();

/** Microsoft.Resources subscriptions API versions commonly sent by SDKs and the CLI. */
export const SUBSCRIPTION_API_VERSIONS = ['2016-06-01', '2019-11-01', '2020-01-01', '2021-01-01', '2022-12-01'];

export function requireApiVersion(url: URL, supported: string[], resourceType: string): string {
  const version = url.searchParams.get('api-version');
  if (!version) {
    throw new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!supported.includes(version)) {
    throw new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'eastus' and API version '${version}' for type '${resourceType}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are 'eastus, westeurope, westus2'.`,
    );
  }
  return version;
}
