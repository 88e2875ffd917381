import type * as vscode from 'vscode';
import { createAzureServices, registerAuth } from './auth/register';
import { registerCandidate, type CandidateTestHandle } from './candidate/register';
import { registerExplorer, type ExplorerTestHandle } from './explorer/register';
import { createPlatform, type PlatformTestHandle } from './platform/platform';
import { RootDisposable } from './platform/rootDisposable';
import { registerJobs, type JobsTestHandle } from './jobs/register';
import { registerScaffold } from './scaffold/register';
import { registerLabeling, type LabelingTestHandle } from './labeling/register';
import { registerYaml, type YamlTestHandle } from './yaml/register';
import type { Services } from './services';

let root: RootDisposable | undefined;

/** What activate returns: one handle per feature, for integration tests and benchmarks. */
export interface ExtensionApi {
  readonly platform: PlatformTestHandle;
  readonly auth: Pick<Services, 'session' | 'activeWorkspace'>;
  readonly explorer: ExplorerTestHandle;
  readonly yaml: YamlTestHandle;
  readonly jobs: JobsTestHandle;
  readonly labeling: LabelingTestHandle;
  readonly candidate: CandidateTestHandle;
}

/** The composition root: shared services first, then one register() per feature folder. */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  root = new RootDisposable();
  context.subscriptions.push(root);
  const { platform, testHandle } = createPlatform(context, root);
  const azure = createAzureServices(platform);
  const services: Services = { ...platform, ...azure };

  registerAuth(services);
  registerScaffold(services);
  return {
    platform: testHandle,
    auth: azure,
    explorer: registerExplorer(services),
    yaml: registerYaml(services),
    jobs: registerJobs(services),
    labeling: registerLabeling(services),
    candidate: registerCandidate(services),
  };
}

export function deactivate(): void {
  root?.dispose();
  root = undefined;
}
