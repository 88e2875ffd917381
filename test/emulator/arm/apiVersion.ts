/** ARM's api-version rules: it is mandatory, and each provider accepts only the versions it registered. */
import { ArmError } from '../http';

/** Microsoft.MachineLearningServices stable/preview versions from 2022-10-01 on (the SDK 2.1.1 sends 2022-10-01). */
export const MACHINE_LEARNING_API_VERSIONS = [
  '2022-10-01',
  '2022-10-01-preview',
  '2022-12-01-preview',
  '2023-02-01-preview',
  '2023-04-01',
  '2023-04-01-preview',
  '2023-06-01-preview',
  '2023-08-01-preview',
  '2023-10-01',
  '2024-01-01-preview',
  '2024-04-01',
  '2024-04-01-preview',
  '2024-07-01-preview',
  '2024-10-01',
  '2024-10-01-preview',
  '2025-01-01-preview',
  '2025-04-01',
  '2025-04-01-preview',
  '2025-06-01',
  '2025-07-01-preview',
  '2025-09-01',
  '2025-12-01',
  '2026-07-01',
];

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
