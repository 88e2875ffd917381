// Register Candidate Model and the outer-loop hand-off in the real VS Code: against the emulator for
// Azure ML, and against the GitHub and Azure DevOps doubles, started here in the extension host with
// the emulator's certificate (which the host already trusts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { OUTER_LOOP_WHERE, type CandidateOutcome } from '../../src/candidate/candidate.lazy';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { WorkspaceRef } from '../../src/core/azure/resourceIds';
import { CI_SETTINGS_PATH, readCiSettings, writeCiSettings } from '../../src/core/outerLoop/ciSettings';
import type { ExtensionApi } from '../../src/extension';
import type { ReportedError } from '../../src/platform/errorReporter';
import { startAzureDevOpsDouble, type AzureDevOpsDouble } from '../doubles/azureDevOps';
import { startGitHubDouble, type GitHubDouble } from '../doubles/github';
import type { Fault } from '../doubles/shared';
import { scriptedInput, type ScriptedAnswer } from '../support/scriptedInput';
import { childNamed, descriptionOf, eventually, labelOf } from './tree';

const GITHUB_TOKEN = 'ghp_integrationCandidate5150';
const AZURE_DEVOPS_PAT = 'adoIntegrationPat8086';
const PIPELINE_ID = 31;

describe('candidate: Register Candidate Model and the outer loop', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let github: GitHubDouble;
  let azureDevOps: AzureDevOpsDouble;
  let workspace: WorkspaceRef;
  const folder = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const logLines: string[] = [];
  const reports: ReportedError[] = [];
  const disposables: vscode.Disposable[] = [];

  async function run<T>(answers: ScriptedAnswer[], command: () => Thenable<T>): Promise<T> {
    const input = scriptedInput(answers);
    const restore = api.platform.useUserInput(input);
    try {
      const result = await command();
      assert.deepEqual(input.remaining, [], 'every scripted answer was asked for');
      return result;
    } finally {
      restore();
    }
  }

  /** The last item of the one pick: every choice asked for, a new model named `name` at version 1. */
  const CHOOSE_EVERYTHING = 'Choose type, name, version and description…';
  const chooseEverything = (output: string, name: string): ScriptedAnswer[] => [
    { pick: CHOOSE_EVERYTHING },
    { pick: output },
    { pick: 'custom_model' },
    { pick: 'New model…' },
    { input: name },
    { input: '1' },
    { input: 'x' },
  ];

  const register = (answers: ScriptedAnswer[], target: unknown) =>
    run(answers, () =>
      vscode.commands.executeCommand<CandidateOutcome | undefined>(CommandId.registerCandidateModel, target),
    );

  async function modelVersion(name: string, version: string) {
    const arm = await api.auth.session.getArm();
    const resource = await arm.getResource(
      `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${workspace.name}/models/${name}/versions/${version}`,
    );
    return resource.properties as {
      modelType: string;
      modelUri: string;
      jobName?: string;
      description?: string;
      tags: Record<string, string>;
    };
  }

  async function versionsOf(name: string) {
    const arm = await api.auth.session.getArm();
    return (await arm.listModelVersions(workspace, name)).items;
  }

  /** A command job of the demo seed with that status (pipelines have no `model` output). */
  async function jobWithStatus(status: 'Completed' | 'Failed', experiment = 'iris-training'): Promise<string> {
    const arm = await api.auth.session.getArm();
    const runs = await arm.runHistory(workspace).listRuns(experiment, { statuses: [status] });
    for (const candidate of runs.items) {
      const job = await arm.getJob(workspace, candidate.runId);
      if ((job.properties as { jobType?: string }).jobType === 'Command') return candidate.runId;
    }
    assert.fail(`the demo seed has no ${status} ${experiment} command job`);
  }

  function useGitHub(double: GitHubDouble = github): Promise<string> {
    return writeCiSettings(folder(), {
      provider: 'github',
      owner: 'contoso',
      repo: 'mlops',
      workflow: 'deploy-model.yml',
      trigger: 'workflow_dispatch',
      ref: 'main',
      eventType: 'model-registered',
      baseUrl: double.apiUrl,
    });
  }

  function useAzureDevOps(): Promise<string> {
    return writeCiSettings(folder(), {
      provider: 'azure-devops',
      organizationUrl: azureDevOps.organizationUrl,
      project: 'mlops',
      pipelineId: PIPELINE_ID,
      branch: 'refs/heads/main',
    });
  }

  const certificateDir = () => dirname(process.env.NODE_EXTRA_CA_CERTS ?? '');
  const deployWorkflow = {
    file: 'deploy-model.yml',
    name: 'Deploy model',
    dispatchInputs: { model_name: { required: true }, model_version: { required: true } },
    runName: 'Outer loop ${{ inputs.model_name }}:${{ inputs.model_version }}',
  };

  /** A GitHub double whose runs stay queued until the test completes them. */
  function startHeldGitHub(): Promise<GitHubDouble> {
    return startGitHubDouble({
      certificateDir: certificateDir(),
      tokens: [GITHUB_TOKEN],
      readsPerState: Infinity,
      repos: [{ owner: 'contoso', repo: 'mlops', workflows: [deployWorkflow] }],
    });
  }

  /** How often the double was asked for the run: its follower's reads. */
  function runReads(double: GitHubDouble, runId: number): number {
    return double.requests.filter(
      (request) => request.operation === 'actions/get-workflow-run' && request.path.endsWith(`/runs/${runId}`),
    ).length;
  }

  /** A candidate version 1 of `name`, registered straight through ARM, as another machine would. */
  async function putCandidateVersion(name: string, tags: Record<string, string>): Promise<void> {
    const arm = await api.auth.session.getArm();
    const jobName = await jobWithStatus('Completed');
    await arm.putAssetVersion(workspace, 'models', name, '1', {
      modelType: 'custom_model',
      modelUri: `azureml://jobs/${jobName}/outputs/model/paths/`,
      tags: { stage: 'candidate', ...tags },
    });
  }

  /** The Models view's row of the version, listed afresh until its description matches. */
  async function versionRow(name: string, version: string, description: RegExp) {
    const row = await eventually(
      async () => {
        api.explorer.modelsTree.refresh();
        const model = await childNamed(api.explorer.modelsTree, name);
        return (await model.getChildren()).find((node) => labelOf(node) === `version ${version}`);
      },
      (node) => node !== undefined && description.test(descriptionOf(node)),
    );
    return row!;
  }

  let hadSettingsFolder = false;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    hadSettingsFolder = existsSync(join(folder(), dirname(CI_SETTINGS_PATH)));
    disposables.push(
      api.platform.log.onDidWrite((entry) => logLines.push(entry.text)),
      api.platform.errors.onDidReport((report) => reports.push(report)),
    );
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    workspace = api.auth.activeWorkspace.current!;
    // The host trusts the emulator's certificate (NODE_EXTRA_CA_CERTS); the doubles serve that one.
    github = await startGitHubDouble({
      certificateDir: certificateDir(),
      tokens: [GITHUB_TOKEN],
      repos: [{ owner: 'contoso', repo: 'mlops', workflows: [deployWorkflow] }],
    });
    azureDevOps = await startAzureDevOpsDouble({
      certificateDir: certificateDir(),
      organization: 'contoso',
      project: 'mlops',
      tokens: [AZURE_DEVOPS_PAT],
      pipelines: [{ id: PIPELINE_ID, name: 'deploy-model', parameters: ['model_name', 'model_version'] }],
    });
    await run([{ pick: 'GitHub' }, { input: GITHUB_TOKEN }], () =>
      vscode.commands.executeCommand(CommandId.setOuterLoopToken),
    );
    await run([{ pick: 'Azure DevOps' }, { input: AZURE_DEVOPS_PAT }], () =>
      vscode.commands.executeCommand(CommandId.setOuterLoopToken),
    );
  });

  afterEach(async () => {
    github.faults.clear();
    azureDevOps.faults.clear();
    assert.deepEqual(github.violations, [], 'every GitHub request followed the published description');
    assert.deepEqual(azureDevOps.violations, [], 'every Azure DevOps request followed the documented contract');
    rmSync(join(folder(), CI_SETTINGS_PATH), { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    // The folder the settings were written in goes too, so later suites find the open folder as it was.
    if (!hadSettingsFolder) rmSync(join(folder(), dirname(CI_SETTINGS_PATH)), { recursive: true, force: true });
    disposables.forEach((disposable) => disposable.dispose());
    await github?.stop();
    await azureDevOps?.stop();
  });

  it("registers a completed job's output as a candidate, tagged, and follows its GitHub run to success", async () => {
    await useGitHub();
    const jobName = await jobWithStatus('Completed');
    const outcome = await register(
      [
        { pick: CHOOSE_EVERYTHING },
        // Back from the first step returns to the one pick, which offers the same items again.
        'back',
        { pick: CHOOSE_EVERYTHING },
        { pick: 'output model' },
        { pick: 'custom_model' },
        { pick: 'New model…' },
        { input: 'iris-candidate' },
        { input: '1' },
        { input: `Candidate from job ${jobName}.` },
      ],
      { workspace, jobName },
    );
    assert.deepEqual(outcome?.model, { name: 'iris-candidate', version: '1' });
    assert.equal(outcome?.outerLoop?.status, 'succeeded');

    const version = await modelVersion('iris-candidate', '1');
    assert.equal(version.modelUri, `azureml://jobs/${jobName}/outputs/model/paths/`);
    assert.equal(version.jobName, jobName);
    assert.equal(version.tags.stage, 'candidate');
    assert.equal(version.tags['source.job'], jobName);
    assert.match(version.tags['metric.accuracy'] ?? '', /^0\.\d+/);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: folder() }).toString().trim();
    assert.equal(version.tags['git.commit'], head);
    assert.equal(version.tags['outerloop.status'], 'succeeded');
    assert.equal(version.tags['outerloop.provider'], 'github');

    const dispatched = github.runs().filter((run) => run.inputs.model_name === 'iris-candidate');
    assert.equal(dispatched.length, 1);
    assert.deepEqual(dispatched[0].inputs, { model_name: 'iris-candidate', model_version: '1' });
    assert.equal(version.tags['outerloop.runId'], String(dispatched[0].id));

    // The Models view reads the record from the tags, as it would after a restart.
    const row = await eventually(
      async () => {
        api.explorer.modelsTree.refresh();
        const model = await childNamed(api.explorer.modelsTree, 'iris-candidate');
        return (await model.getChildren()).find((node) => labelOf(node) === 'version 1');
      },
      (node) => node !== undefined && descriptionOf(node).includes('outer loop succeeded'),
    );
    assert.equal((row!.getTreeItem().icon as { id: string }).id, 'pass-filled');
  });

  it("registers from the job-completed notification with one pick: the experiment's model, its next version, tagged, and the workflow started once", async () => {
    await useGitHub();
    // The demo seed registered resnet-finetuned from image-classification jobs; no other test uses them.
    const model = 'resnet-finetuned';
    const jobName = await jobWithStatus('Completed', 'image-classification');
    const arm = await api.auth.session.getArm();
    const nextVersion = await arm.nextVersion(workspace, 'models', model);
    const versionsBefore = (await versionsOf(model)).length;

    // Following the finished job's log ends in the notification a submitted job gets when it completes.
    await vscode.commands.executeCommand(CommandId.streamJobLogs, { workspace, jobName });
    const notice = api.jobs.actions()?.endNotice(jobName);
    assert.ok(notice, 'the end of the job was announced');
    assert.equal(notice.message, `Job ${jobName} completed.`);
    assert.ok(notice.buttons.includes('Register Model'));

    const defaultItem = `Register ${model}:${nextVersion} from output model`;
    const input = scriptedInput([{ pick: defaultItem }]);
    const restore = api.platform.useUserInput(input);
    let outcome: CandidateOutcome | undefined;
    try {
      outcome = (await notice.choose('Register Model')) as CandidateOutcome | undefined;
    } finally {
      restore();
    }
    assert.equal(input.prompts.length, 1, 'one pick after the click');
    const labels = (input.prompts[0].items ?? []).map((item) => item.label.replace(/^\$\([^)]*\)\s*/, ''));
    assert.deepEqual(labels, [
      defaultItem,
      'Register from the MLflow model',
      'Register from outputs/',
      CHOOSE_EVERYTHING,
    ]);
    const detail = input.prompts[0].items?.[0].detail ?? '';
    assert.match(detail, /^custom_model · tags stage=candidate, source\.job=/);
    assert.ok(detail.includes(`source.job=${jobName}`), detail);
    assert.match(detail, /git\.commit=[0-9a-f]{8}/);
    assert.match(detail, /then starts deploy-model\.yml in contoso\/mlops$/);

    assert.deepEqual(outcome?.model, { name: model, version: nextVersion });
    assert.equal(outcome?.promoted, false);
    assert.equal(outcome?.outerLoop?.status, 'succeeded');
    assert.equal((await versionsOf(model)).length, versionsBefore + 1, 'one version was added');
    const registered = await modelVersion(model, nextVersion);
    assert.equal(registered.modelType, 'custom_model');
    assert.equal(registered.modelUri, `azureml://jobs/${jobName}/outputs/model/paths/`);
    assert.equal(registered.jobName, jobName);
    assert.equal(registered.description, `Candidate from job ${jobName}.`);
    assert.equal(registered.tags.stage, 'candidate');
    assert.equal(registered.tags['source.job'], jobName);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: folder() }).toString().trim();
    assert.equal(registered.tags['git.commit'], head);

    const dispatched = github.runs().filter((run) => run.inputs.model_name === model);
    assert.equal(dispatched.length, 1, 'the workflow was started once');
    assert.deepEqual(dispatched[0].inputs, { model_name: model, model_version: nextVersion });
    const row = await versionRow(model, nextVersion, /outer loop succeeded/);
    assert.equal((row.getTreeItem().icon as { id: string }).id, 'pass-filled');

    // The same pick again: the content is the version just registered, which is offered instead.
    const again = await register(
      [
        { pick: `Register ${model}:${Number(nextVersion) + 1} from output model` },
        { pick: `Promote version ${nextVersion}` },
      ],
      { workspace, jobName },
    );
    assert.equal(again?.promoted, true);
    assert.deepEqual(again?.model, { name: model, version: nextVersion });
    assert.equal((await versionsOf(model)).length, versionsBefore + 1, 'the same output is not registered twice');
  });

  it('refuses a failed job, saying why, and registers nothing', async () => {
    await useGitHub();
    const jobName = await jobWithStatus('Failed', 'image-classification');
    const before = reports.length;
    const arm = await api.auth.session.getArm();
    const modelsBefore = (await arm.listModels(workspace)).items.length;
    const outcome = await register([], { workspace, jobName });
    assert.equal(outcome, undefined);
    assert.equal((await arm.listModels(workspace)).items.length, modelsBefore);
    const report = reports.slice(before).find((entry) => entry.where === 'Azure ML: Register Candidate Model…');
    assert.ok(report, 'the refusal is reported');
    assert.match(report.message, new RegExp(`Job ${jobName} ended in failure`));
  });

  it('registers a local folder, runs the Azure DevOps pipeline to failure, and offers to promote the same content', async () => {
    await useAzureDevOps();
    azureDevOps.setResult(PIPELINE_ID, 'failed');
    const modelFolder = mkdtempSync(join(tmpdir(), 'candidate-model-'));
    writeFileSync(join(modelFolder, 'weights.bin'), 'w'.repeat(10_000));
    writeFileSync(join(modelFolder, 'score.py'), 'def run(data):\n    return data\n');
    try {
      const outcome = await register(
        [
          { pick: CHOOSE_EVERYTHING },
          { pick: 'custom_model' },
          { pick: 'New model…' },
          { input: 'local-candidate' },
          { input: '1' },
          { input: 'From my laptop.' },
        ],
        vscode.Uri.file(modelFolder),
      );
      assert.deepEqual(outcome?.model, { name: 'local-candidate', version: '1' });
      assert.equal(outcome?.outerLoop?.status, 'failed');
      const version = await modelVersion('local-candidate', '1');
      assert.match(version.modelUri, /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\//);
      assert.match(version.tags['content.sha256'] ?? '', /^[0-9a-f]{64}$/);
      assert.equal(version.tags['outerloop.status'], 'failed');
      const pipelineRuns = azureDevOps.runs().filter((run) => run.templateParameters.model_name === 'local-candidate');
      assert.equal(pipelineRuns.length, 1);
      assert.deepEqual(pipelineRuns[0].templateParameters, { model_name: 'local-candidate', model_version: '1' });

      azureDevOps.setResult(PIPELINE_ID, 'succeeded');
      const again = await register(
        [
          { pick: CHOOSE_EVERYTHING },
          { pick: 'custom_model' },
          { pick: 'local-candidate' },
          { pick: 'Promote version 1' },
        ],
        vscode.Uri.file(modelFolder),
      );
      assert.equal(again?.promoted, true);
      assert.equal(again?.outerLoop?.status, 'succeeded');
      assert.equal((await versionsOf('local-candidate')).length, 1, 'the same content is not registered twice');
    } finally {
      rmSync(modelFolder, { recursive: true, force: true });
    }
  });

  /** Each way a trigger fails, as the doubles inject it on the trigger's own request. */
  const triggerFaults: Array<{
    service: 'GitHub' | 'Azure DevOps';
    fault: Fault;
    says: RegExp;
    offers: string[];
  }> = [
    {
      service: 'GitHub',
      fault: { kind: 'status', status: 401 },
      says: /GitHub rejected the token \(HTTP 401\)/,
      offers: ['Sign In to GitHub', 'Set Outer Loop Token…'],
    },
    {
      service: 'GitHub',
      fault: { kind: 'status', status: 403 },
      says: /GitHub refused the request \(HTTP 403\): Resource not accessible by personal access token\. The token needs to run workflows/,
      offers: ['Configure Outer Loop…'],
    },
    {
      service: 'GitHub',
      fault: { kind: 'status', status: 404 },
      says: /GitHub found no such workflow, or the token cannot see the repository \(HTTP 404/,
      offers: ['Configure Outer Loop…'],
    },
    {
      service: 'GitHub',
      fault: { kind: 'status', status: 422, message: 'No ref found for: main' },
      says: /The branch or tag to run the workflow on does not exist \(HTTP 422: No ref found for: main\)/,
      offers: ['Configure Outer Loop…'],
    },
    { service: 'GitHub', fault: { kind: 'reset' }, says: /Could not reach GitHub/, offers: [] },
    {
      service: 'Azure DevOps',
      fault: { kind: 'status', status: 401 },
      says: /Azure DevOps did not accept the personal access token \(HTTP 401\)/,
      offers: ['Set Outer Loop Token…'],
    },
    {
      service: 'Azure DevOps',
      fault: { kind: 'status', status: 403 },
      says: /Azure DevOps denied access \(HTTP 403\): Access denied\. .*Build \(read and execute\) scope/,
      offers: ['Configure Outer Loop…'],
    },
    {
      service: 'Azure DevOps',
      fault: { kind: 'status', status: 404 },
      says: /Azure DevOps found no such organization, project or pipeline \(HTTP 404\)/,
      offers: ['Configure Outer Loop…'],
    },
    { service: 'Azure DevOps', fault: { kind: 'reset' }, says: /Could not reach Azure DevOps/, offers: [] },
  ];

  for (const { service, fault, says, offers } of triggerFaults) {
    const what = fault.kind === 'reset' ? 'a connection reset' : `HTTP ${fault.status}`;
    it(`keeps the model when ${service} fails the trigger with ${what}, says so in ${service}'s words, and Retry Trigger starts one run`, async () => {
      const onGitHub = service === 'GitHub';
      const name = `fault-${onGitHub ? 'github' : 'ado'}-${fault.kind === 'reset' ? 'reset' : fault.status}`;
      if (onGitHub) {
        await useGitHub();
        github.faults.add('actions/create-workflow-dispatch', fault);
      } else {
        await useAzureDevOps();
        azureDevOps.setResult(PIPELINE_ID, 'succeeded');
        azureDevOps.faults.add('runs/run', fault);
      }
      const runsFor = () =>
        onGitHub
          ? github.runs().filter((run) => run.inputs.model_name === name).length
          : azureDevOps.runs().filter((run) => run.templateParameters.model_name === name).length;
      const jobName = await jobWithStatus('Completed');
      const before = reports.length;
      const outcome = await register(chooseEverything('outputs/', name), { workspace, jobName });
      assert.equal(outcome?.outerLoop?.status, 'triggerFailed');
      const report = reports.slice(before).find((entry) => entry.where === OUTER_LOOP_WHERE);
      assert.ok(report, 'the failed trigger is reported');
      assert.match(report.message, new RegExp(`not started for ${name}:1, which stays registered`));
      assert.match(report.message, says);
      assert.equal(report.classified.source, onGitHub ? 'github' : 'azureDevOps');
      assert.doesNotMatch(report.message, /Azure(?! DevOps)|sign in to Azure/i, 'nothing about Azure sign-in');
      assert.deepEqual(report.buttons, [...offers, 'Retry Trigger']);
      assert.equal(reports.slice(before).filter((entry) => entry.where.includes('Register')).length, 0);
      assert.equal((await modelVersion(name, '1')).tags['outerloop.status'], 'triggerFailed');
      assert.equal(runsFor(), 0, 'the failed trigger started nothing');

      const retried = await vscode.commands.executeCommand<CandidateOutcome | undefined>(
        CommandId.retryOuterLoopTrigger,
        { workspace, name, version: '1' },
      );
      assert.equal(retried?.outerLoop?.status, 'succeeded');
      assert.equal((await versionsOf(name)).length, 1, 'one model version');
      assert.equal(runsFor(), 1, 'the retry triggered once');
      assert.equal((await modelVersion(name, '1')).tags['outerloop.status'], 'succeeded');
    });
  }

  it('without a stored token or a GitHub session, says how to sign in to GitHub; with the token stored, Retry Trigger uses it', async () => {
    const name = 'no-token-candidate';
    await putCandidateVersion(name, {});
    // github.com, where VS Code's GitHub session would be asked for; the test host has none.
    await writeCiSettings(folder(), {
      provider: 'github',
      owner: 'contoso',
      repo: 'mlops',
      workflow: 'deploy-model.yml',
      trigger: 'workflow_dispatch',
      ref: 'main',
      eventType: 'model-registered',
    });
    await run([{ pick: 'GitHub' }, { input: '' }], () => vscode.commands.executeCommand(CommandId.setOuterLoopToken));
    try {
      const requestsBefore = github.requests.length;
      const before = reports.length;
      const outcome = await vscode.commands.executeCommand<CandidateOutcome | undefined>(
        CommandId.retryOuterLoopTrigger,
        { workspace, name, version: '1' },
      );
      assert.equal(outcome?.outerLoop?.status, 'triggerFailed');
      const report = reports.slice(before).find((entry) => entry.where === OUTER_LOOP_WHERE);
      assert.ok(report, 'the missing sign-in is reported');
      assert.match(report.message, /Not signed in to GitHub: VS Code has no GitHub session and no token is stored/);
      assert.match(report.message, /Sign in to GitHub .* or run "Azure ML: Set Outer Loop Token…"/);
      assert.equal(report.classified.kind, 'signedOut');
      assert.equal(report.classified.source, 'github');
      assert.deepEqual(report.buttons, ['Sign In to GitHub', 'Set Outer Loop Token…', 'Retry Trigger']);
      assert.equal(github.requests.length, requestsBefore, 'nothing was sent without a token');
    } finally {
      await run([{ pick: 'GitHub' }, { input: GITHUB_TOKEN }], () =>
        vscode.commands.executeCommand(CommandId.setOuterLoopToken),
      );
    }
    await useGitHub();
    const retried = await vscode.commands.executeCommand<CandidateOutcome | undefined>(
      CommandId.retryOuterLoopTrigger,
      { workspace, name, version: '1' },
    );
    assert.equal(retried?.outerLoop?.status, 'succeeded');
    assert.equal(github.runs().filter((run) => run.inputs.model_name === name).length, 1);
  });

  it('after a restart, follows the run the closed session was following, and the view and the log show how it ended', async () => {
    // CI that runs until told: the run is still queued when the session ends, and finishes after.
    const heldRuns = await startHeldGitHub();
    try {
      await useGitHub(heldRuns);
      const name = 'restart-candidate';
      const jobName = await jobWithStatus('Completed');
      const registering = register(chooseEverything('outputs/', name), { workspace, jobName });
      const recorded = await eventually(
        () =>
          modelVersion(name, '1').then(
            (version) => version.tags,
            () => ({}) as Record<string, string>,
          ),
        (tags) => tags['outerloop.status'] === 'queued' && Boolean(tags['outerloop.runId']),
      );
      const runId = Number(recorded['outerloop.runId']);

      api.candidate.endSession();
      assert.equal(await registering, undefined, 'closing the session stopped the following, not the run');
      assert.equal((await modelVersion(name, '1')).tags['outerloop.status'], 'queued');
      const readsBefore = runReads(heldRuns, runId);

      const resumed = api.candidate.resumeAfterActivation();
      await eventually(
        () => runReads(heldRuns, runId),
        (reads) => reads > readsBefore,
      );
      heldRuns.completeRun(runId, 'success');
      await resumed;

      assert.equal((await modelVersion(name, '1')).tags['outerloop.status'], 'succeeded');
      assert.equal(heldRuns.runs().length, 1, 'nothing was triggered again');
      assert.ok(
        logLines.some((line) => line.includes(`The outer loop for ${name}:1 succeeded.`)),
        'the end was announced',
      );
      const row = await versionRow(name, '1', /outer loop succeeded/);
      assert.equal((row.getTreeItem().icon as { id: string }).id, 'pass-filled');

      // Nothing is left to resume: a further start follows nothing.
      const readsAfter = runReads(heldRuns, runId);
      await api.candidate.resumeAfterActivation();
      assert.equal(runReads(heldRuns, runId), readsAfter);
    } finally {
      await heldRuns.stop();
    }
  });

  it("follows on its own a run going on that the Models view lists, recorded by another machine's session", async () => {
    const heldRuns = await startHeldGitHub();
    try {
      await useGitHub(heldRuns);
      const name = 'listed-candidate';
      const seeded = heldRuns.seedRun({
        repo: 'contoso/mlops',
        workflow: 'deploy-model.yml',
        event: 'workflow_dispatch',
      });
      await putCandidateVersion(name, {
        'outerloop.provider': 'github',
        'outerloop.status': 'queued',
        'outerloop.runId': String(seeded.id),
        'outerloop.triggeredAt': seeded.createdAt,
      });
      const readsBefore = runReads(heldRuns, seeded.id);
      await versionRow(name, '1', /outer loop queued/);
      await eventually(
        () => runReads(heldRuns, seeded.id),
        (reads) => reads > readsBefore,
      );
      heldRuns.completeRun(seeded.id, 'failure');
      const row = await versionRow(name, '1', /outer loop failed/);
      assert.equal((row.getTreeItem().icon as { id: string }).id, 'error');
      assert.equal((await modelVersion(name, '1')).tags['outerloop.status'], 'failed');
      await eventually(
        () => logLines.some((line) => line.includes(`The outer loop for ${name}:1 ended: failed.`)),
        (announced) => announced,
      );
      assert.equal(heldRuns.runs().length, 1, 'nothing was triggered');
    } finally {
      await heldRuns.stop();
    }
  });

  it('does not interrupt with a run the Models view lists that this folder cannot follow: it is logged, and the row keeps its status', async () => {
    const name = 'elsewhere-candidate';
    await putCandidateVersion(name, {
      'outerloop.provider': 'github',
      'outerloop.status': 'running',
      'outerloop.runId': '123456',
    });
    // No outer-loop settings in the open folder: the run belongs to another project's CI.
    assert.equal(existsSync(join(folder(), CI_SETTINGS_PATH)), false);
    const before = reports.length;
    await versionRow(name, '1', /outer loop in progress/);
    const report = await eventually(
      () => reports.slice(before).find((entry) => entry.where === OUTER_LOOP_WHERE),
      (entry) => entry !== undefined,
    );
    assert.match(
      report!.message,
      /elsewhere-candidate:1 is recorded as running, but following it again did not start: No outer loop is configured/,
    );
    assert.equal(report!.shown, false, 'logged, not shown');
    assert.deepEqual(report!.buttons, ['Follow Outer Loop Run']);
    // Listed again (what the view does, awaited here), it is not tried again this session.
    const reportsAfter = reports.length;
    await vscode.commands.executeCommand(CommandId.resumeOuterLoopRuns, [{ workspace, name, version: '1' }]);
    assert.equal(reports.length, reportsAfter);
  });

  it('shows a run recorded by an earlier session, and Follow Outer Loop Run follows it to its end without a new trigger', async () => {
    await useGitHub();
    const seeded = github.seedRun({ repo: 'contoso/mlops', workflow: 'deploy-model.yml', event: 'workflow_dispatch' });
    const arm = await api.auth.session.getArm();
    const jobName = await jobWithStatus('Completed');
    await arm.putAssetVersion(workspace, 'models', 'resumed-candidate', '1', {
      modelType: 'custom_model',
      modelUri: `azureml://jobs/${jobName}/outputs/model/paths/`,
      tags: {
        stage: 'candidate',
        'outerloop.provider': 'github',
        'outerloop.status': 'running',
        'outerloop.runId': String(seeded.id),
        'outerloop.triggeredAt': seeded.createdAt,
      },
    });
    api.explorer.modelsTree.refresh();
    const [row] = await (await childNamed(api.explorer.modelsTree, 'resumed-candidate')).getChildren();
    assert.match(descriptionOf(row), /outer loop in progress/);
    const runsBefore = github.runs().length;

    const followed = await vscode.commands.executeCommand<CandidateOutcome | undefined>(
      CommandId.followOuterLoopRun,
      row,
    );
    assert.equal(followed?.outerLoop?.status, 'succeeded');
    assert.equal(followed?.run?.runId, String(seeded.id));
    assert.equal(github.runs().length, runsBefore, 'nothing was triggered');
    assert.equal((await modelVersion('resumed-candidate', '1')).tags['outerloop.status'], 'succeeded');
  });

  it("registers the candidate with a new project's settings that lack the owner, says what to fill in, and Configure Outer Loop finishes them", async () => {
    // What a new project writes when its folder has no remote to name the repository; the double's address kept.
    const unfinished = {
      version: 1,
      provider: 'github',
      github: {
        owner: '',
        repo: 'mlops',
        workflow: 'deploy-model.yml',
        trigger: 'workflow_dispatch',
        eventType: 'model-registered',
        ref: 'main',
        baseUrl: github.apiUrl,
      },
    };
    writeFileSync(join(folder(), CI_SETTINGS_PATH), JSON.stringify(unfinished, null, 2));
    const name = 'unfinished-settings-candidate';
    const jobName = await jobWithStatus('Completed');
    const before = reports.length;
    const outcome = await register(chooseEverything('outputs/', name), { workspace, jobName });
    assert.deepEqual(outcome?.model, { name, version: '1' });
    assert.equal(outcome?.outerLoop, undefined, 'nothing was triggered');
    assert.equal((await modelVersion(name, '1')).tags.stage, 'candidate', 'the model is registered');
    const reported = reports.slice(before);
    assert.deepEqual(
      reported.filter((entry) => entry.where !== OUTER_LOOP_WHERE),
      [],
      'the registration itself did not fail',
    );
    const report = reported.find((entry) => entry.where === OUTER_LOOP_WHERE);
    assert.ok(report, 'the unfinished settings are reported');
    assert.match(
      report.message,
      /is a candidate, but the outer loop was not started: .*"github\.owner" is empty: fill in the GitHub user or organization that owns the repository/,
    );
    assert.deepEqual(report.buttons, ['Open outer-loop.json', 'Configure Outer Loop…', 'Retry Trigger']);

    const input = scriptedInput([
      { pick: 'GitHub Actions' },
      { input: 'contoso' },
      { input: 'mlops' },
      { input: 'deploy-model.yml' },
      { pick: 'workflow_dispatch' },
      { input: 'main' },
    ]);
    const restore = api.platform.useUserInput(input);
    try {
      await vscode.commands.executeCommand(CommandId.configureOuterLoop);
    } finally {
      restore();
    }
    const [where, owner, repo, workflow] = input.prompts;
    assert.match(where.question ?? '', /"github\.owner" is empty/, 'the first question says what the file lacks');
    assert.equal(owner.question, `Repository owner (user or organization) (${CI_SETTINGS_PATH} lacks it)`);
    assert.equal(repo.question, 'Repository name');
    assert.equal(repo.value, 'mlops', "the file's own values are offered");
    assert.equal(workflow.value, 'deploy-model.yml');
    assert.deepEqual(await readCiSettings(folder()), {
      provider: 'github',
      owner: 'contoso',
      repo: 'mlops',
      workflow: 'deploy-model.yml',
      trigger: 'workflow_dispatch',
      ref: 'main',
      eventType: 'model-registered',
      baseUrl: github.apiUrl,
    });

    const retried = await vscode.commands.executeCommand<CandidateOutcome | undefined>(
      CommandId.retryOuterLoopTrigger,
      { workspace, name, version: '1' },
    );
    assert.equal(retried?.outerLoop?.status, 'succeeded');
    assert.equal((await versionsOf(name)).length, 1);
  });

  it('Configure Outer Loop writes the settings file the trigger reads', async () => {
    const file = await run(
      [
        { pick: 'Azure Pipelines' },
        { input: 'https://dev.azure.com/contoso/' },
        { input: 'ML Ops' },
        { input: '42' },
        { input: 'release' },
      ],
      () => vscode.commands.executeCommand<string | undefined>(CommandId.configureOuterLoop),
    );
    assert.equal(file, join(folder(), CI_SETTINGS_PATH));
    assert.deepEqual(await readCiSettings(folder()), {
      provider: 'azure-devops',
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'ML Ops',
      pipelineId: 42,
      branch: 'refs/heads/release',
    });
  });

  it('after the runs above, no token is in the output channel, the reported errors or the log files', () => {
    const logs = dirname(dirname(api.platform.logFolder.fsPath));
    const logFiles = filesUnder(logs);
    const texts = [...logLines, ...reports.map((report) => report.message), ...logFiles.map(readText)];
    assert.ok(logLines.length > 0, 'the output channel was written to');
    assert.ok(logFiles.length > 0, `the session's log files are under ${logs}`);
    for (const secret of [GITHUB_TOKEN, AZURE_DEVOPS_PAT, Buffer.from(`:${AZURE_DEVOPS_PAT}`).toString('base64')]) {
      assert.ok(!texts.some((text) => text.includes(secret)), 'a token was written out');
    }
  });
});

function filesUnder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const full = join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
