// Bundle entry of dist/candidate.js: registering candidate models and handing them to the outer loop.
import vscode = require('vscode');
import * as path from 'node:path';
import { CommandId, SecretKey } from '../constants';
import type { AzureMlArm } from '../core/azure/armClient';
import { isCandidate, CANDIDATE_TAG } from '../core/azure/models';
import type { MlflowRun } from '../core/azure/mlflow';
import type { ModelVersionInfo } from '../core/azure/resources';
import { parseWorkspaceId, type WorkspaceRef } from '../core/azure/resourceIds';
import {
  CANDIDATE_TAGS,
  candidateTags,
  MODEL_NAME_PATTERN,
  MODEL_TYPES,
  modelUriOf,
  modelVersionId,
  putCandidate,
  refuseUnlessCompleted,
  setModelVersionTags,
  versionWithSameContent,
  type ModelType,
} from '../core/candidate/candidate';
import {
  handOverSummary,
  jobSourceChoices,
  loggedModelPath,
  modelOfExperiment,
  sourceJobOf,
  type SourceChoice,
} from '../core/candidate/defaults';
import { readGitState, type GitState } from '../core/candidate/git';
import { followRecorded, handOff, type HandOffOptions, type HandOffOutcome } from '../core/candidate/handOff';
import { classifyError } from '../core/errors/classify';
import { CancelledError, SettingsError } from '../core/errors/kinds';
import { AzureDevOpsOuterLoop } from '../core/outerLoop/azureDevOps';
import { isUnfinished, outerLoopTags, parseOuterLoopTags, type OuterLoopRecord } from '../core/outerLoop/candidateTags';
import type { CiRun, ModelVersionRef, OuterLoopClient } from '../core/outerLoop/ciRun';
import {
  CI_SETTINGS_PATH,
  CiSettingsError,
  DEFAULT_DISPATCH_EVENT_TYPE,
  readCiSettings,
  readCiSettingsDraft,
  writeCiSettings,
  type CiSettings,
} from '../core/outerLoop/ciSettings';
import { GitHubOuterLoop } from '../core/outerLoop/github';
import { resolveGitHubToken } from '../core/outerLoop/gitHubToken';
import { describeTriggerFailure, type OuterLoopAction } from '../core/outerLoop/triggerFailure';
import { uploadLocalInput } from '../core/jobs/upload';
import { readPages } from '../core/paging';
import { originRepository } from '../core/scaffold/gitRemote';
import type { CallContext } from '../platform/commands';
import type { ErrorButton } from '../platform/errorReporter';
import { BACK, isBack, type Back } from '../platform/userInput';
import { runWizard, type WizardStep } from '../platform/wizard';
import type { Services } from '../services';
import { followedRuns, followKey, forgetFollowed, rememberFollowed, type FollowedRun } from './followedRuns';

const REGISTER_TITLE = 'Register Candidate Model';
/** VS Code's built-in GitHub sign-in, and the scope that lets its token dispatch workflows. */
const GITHUB_AUTH_PROVIDER = 'github';
const GITHUB_SCOPES = ['repo'];
/** Where a failed trigger is reported: after the registration, never as the registration's own failure. */
export const OUTER_LOOP_WHERE = 'Azure ML: Outer Loop';
/** Versions looked through for the same content: the newest, where a repeat registration would be. */
const VERSIONS_CHECKED = 200;
/** Models whose newest version is read to find the one a job's experiment registered before. */
const MODELS_LOOKED_AT = 20;

/** A follow nobody asked for: in the status bar, and, when `quiet`, with what stops it logged rather than shown. */
interface Background {
  quiet: boolean;
}

/** What a registration or a retried trigger ended with; tests read it. */
export interface CandidateOutcome {
  workspace: WorkspaceRef;
  model: ModelVersionRef;
  /** An existing version was promoted rather than a new one registered. */
  promoted: boolean;
  /** The outer loop's last record, when it was configured. */
  outerLoop?: OuterLoopRecord;
  run?: CiRun;
}

export interface CandidateActions {
  register(call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined>;
  retryTrigger(call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined>;
  followAgain(call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined>;
  configure(call: CallContext): Promise<string | undefined>;
  setToken(call: CallContext): Promise<void>;
  /** Follows again, in the background, runs recorded as going on (the ones followed when VS Code closed by default). */
  resumeFollowing(targets?: FollowedRun[]): Promise<void>;
  /** Stops every follow as closing VS Code does, keeping their records to resume from. */
  dispose(): void;
}

export function createCandidateActions(services: Services): CandidateActions {
  const { session, activeWorkspace, userInput, extensionContext, log, errors } = services;
  const secrets = extensionContext.secrets;

  async function workspaceOrAsk(): Promise<WorkspaceRef | undefined> {
    if (activeWorkspace.current) return activeWorkspace.current;
    return (await vscode.commands.executeCommand<WorkspaceRef | undefined>(CommandId.pickActiveWorkspace)) ?? undefined;
  }

  /** The folder whose git state and outer-loop settings apply: the one holding `uri`, else the first. */
  function folderFor(uri?: vscode.Uri): string | undefined {
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.fsPath;
  }

  async function register(_call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined> {
    const version = versionTarget(target);
    if (version) return promote(version.workspace, version.item);
    if (target instanceof vscode.Uri) return registerUpload(target);
    const job = jobTarget(target, activeWorkspace.current);
    if (job) return registerFromJob(job.workspace, job.jobName);
    const workspace = await workspaceOrAsk();
    if (!workspace) return undefined;
    const jobName = await userInput.input({
      title: REGISTER_TITLE,
      prompt: 'Name of the completed job whose output is the model (or right-click a file or folder in the Explorer)',
      validate: (value) => (value.trim() ? undefined : 'A job name.'),
    });
    if (typeof jobName !== 'string') throw new CancelledError();
    return registerFromJob(workspace, jobName.trim());
  }

  async function registerFromJob(workspace: WorkspaceRef, jobName: string) {
    const arm = await session.getArm();
    const job = await arm.getJob(workspace, jobName);
    const properties = (job.properties ?? {}) as Record<string, unknown>;
    refuseUnlessCompleted(jobName, stringOf(properties.status), errorMessageOf(properties));
    const outputs = (properties.outputs ?? {}) as Record<string, { jobOutputType?: string }>;
    const experiment = stringOf(properties.experimentName);
    const [run, existingModels] = await Promise.all([
      mlflowRun(arm, workspace, jobName),
      arm.listModels(workspace).then((page) => page.items.map((model) => model.name)),
    ]);
    const suggested = String(properties.displayName ?? experiment ?? jobName).replace(/[^A-Za-z0-9_.-]+/g, '-');
    const registeredBefore = experiment
      ? await modelOfJobExperiment(arm, workspace, existingModels, experiment, jobName)
      : undefined;
    return registerCandidate({
      workspace,
      origin: `job ${jobName}`,
      choices: jobSourceChoices(jobName, outputs, loggedModelPath(run?.tags ?? {})),
      defaultName: registeredBefore ?? suggested,
      suggestedName: suggested,
      existingModels,
      description: `Candidate from job ${jobName}.`,
      jobName,
      metrics: (run?.latestMetrics ?? []).map(({ key, value }) => ({ key, value })),
      folder: folderFor(),
    });
  }

  /**
   * The model the job's experiment registered its versions under before, read from the newest version
   * of each of the first models listed; undefined when none is known (the lookup is only a suggestion).
   */
  async function modelOfJobExperiment(
    arm: AzureMlArm,
    workspace: WorkspaceRef,
    models: string[],
    experiment: string,
    jobName: string,
  ): Promise<string | undefined> {
    try {
      const newest = await Promise.all(
        models.slice(0, MODELS_LOOKED_AT).map((name) =>
          arm.listModelVersions(workspace, name).then(
            (page) => page.items[0],
            () => undefined,
          ),
        ),
      );
      const versions = newest.filter((version): version is ModelVersionInfo => version !== undefined);
      const jobs = [...new Set(versions.map(sourceJobOf).filter((job): job is string => job !== undefined))];
      const experimentOf = new Map(
        await Promise.all(
          jobs.map(async (job) => {
            if (job === jobName) return [job, experiment] as const;
            const read = await arm.getJob(workspace, job).then(
              (resource) => stringOf((resource.properties as { experimentName?: unknown } | undefined)?.experimentName),
              // A deleted job names no experiment; its model is simply not suggested.
              () => undefined,
            );
            return [job, read] as const;
          }),
        ),
      );
      return modelOfExperiment(versions, experimentOf, experiment);
    } catch (error) {
      log.warn(`Could not tell which model experiment ${experiment} registered before: ${(error as Error).message}`);
      return undefined;
    }
  }

  async function registerUpload(uri: vscode.Uri): Promise<CandidateOutcome | undefined> {
    const workspace = await workspaceOrAsk();
    if (!workspace) return undefined;
    const arm = await session.getArm();
    const name = path.basename(uri.fsPath);
    const uploaded = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Uploading ${name}`, cancellable: true },
      async (progress, cancellation) => {
        const controller = new AbortController();
        cancellation.onCancellationRequested(() => controller.abort());
        return uploadLocalInput(arm, workspace, uri.fsPath, {
          abortSignal: controller.signal,
          onProgress: ({ bytesDone, bytesTotal }) =>
            progress.report({ message: `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}` }),
        });
      },
    );
    const contentHash = await uploaded.snapshot.contentHash();
    const suggested = name.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
    return registerCandidate({
      workspace,
      origin: name,
      choices: [
        {
          source: { kind: 'upload', uri: uploaded.uri, contentHash, localName: name },
          type:
            /^mlmodel$/i.test(name) || uploaded.snapshot.files.some((f) => f.relativePath === 'MLmodel')
              ? 'mlflow_model'
              : 'custom_model',
          label: name,
          description: vscode.workspace.asRelativePath(uri),
        },
      ],
      defaultName: suggested,
      suggestedName: suggested,
      existingModels: (await arm.listModels(workspace)).items.map((model) => model.name),
      description: `Candidate from ${vscode.workspace.asRelativePath(uri)}.`,
      metrics: [],
      folder: folderFor(uri),
    });
  }

  interface CandidateDraft {
    workspace: WorkspaceRef;
    /** What is registered, for titles: "job …" or the file's name. */
    origin: string;
    /** Where the model may be, the default first. */
    choices: SourceChoice[];
    /** The name a one-pick registration uses. */
    defaultName: string;
    /** The name offered when the user names a new model. */
    suggestedName: string;
    /** The workspace's models, offered when the user chooses the name. */
    existingModels: string[];
    description: string;
    jobName?: string;
    metrics: Array<{ key: string; value: number }>;
    folder: string | undefined;
  }

  /** What the user chose: the defaults (one pick), or each of them through the steps after it. */
  interface Answers {
    custom?: boolean;
    choice?: SourceChoice;
    modelType?: ModelType;
    name?: string;
    newName?: boolean;
    version?: string;
    /** The version name `version` was asked for (a changed name asks again from its next version). */
    versionOf?: string;
    description?: string;
    /** An existing version with the same content, to mark as the candidate instead. */
    promote?: ModelVersionInfo;
  }

  /**
   * One pick registers with the defaults (the likeliest source, the model registered before, the next
   * free version); its last item walks through every choice, with Back returning to that pick.
   */
  async function registerCandidate(draft: CandidateDraft): Promise<CandidateOutcome | undefined> {
    const { workspace } = draft;
    const arm = await session.getArm();
    const title = `${REGISTER_TITLE} from ${draft.origin}`;
    const [nextVersion, git, handsOverTo] = await Promise.all([
      arm.nextVersion(workspace, 'models', draft.defaultName),
      draft.folder ? readGitState(draft.folder) : Promise.resolve(undefined),
      handOverPreview(draft.folder),
    ]);
    const contentHashOf = (choice: SourceChoice) =>
      choice.source.kind === 'upload' ? choice.source.contentHash : undefined;
    const CUSTOM = 'custom' as const;
    const NEW_MODEL = '\u0000new';
    const steps: WizardStep<Answers>[] = [
      {
        async prompt(answers, input) {
          const [first, ...others] = draft.choices;
          const target = `${draft.defaultName}:${nextVersion}`;
          const picked = await input.pick<SourceChoice | typeof CUSTOM>({
            title,
            placeholder: `Register ${target} as the candidate, or choose what to register`,
            matchOnDescription: true,
            items: [
              {
                label: `Register ${target} from ${first.label}`,
                description: first.description,
                detail: `${first.type} · tags ${tagPreview(draft.jobName, git, contentHashOf(first))} · ${handsOverTo}`,
                value: first,
              },
              ...others.map((choice) => ({
                label: `Register from ${choice.label}`,
                description: `${target}, ${choice.type} · ${choice.description}`,
                value: choice,
              })),
              { label: '$(settings-gear) Choose type, name, version and description…', value: CUSTOM },
            ],
          });
          if (isBack(picked)) return BACK;
          if (picked === CUSTOM) {
            answers.custom = true;
            answers.choice ??= first;
            return undefined;
          }
          Object.assign(answers, {
            custom: false,
            choice: picked,
            modelType: picked.type,
            name: draft.defaultName,
            version: nextVersion,
            versionOf: draft.defaultName,
            description: draft.description,
          } satisfies Answers);
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) => answers.custom === true && draft.choices.length > 1,
        async prompt(answers, input) {
          const picked = await input.pick({
            title,
            placeholder: 'Which output of the job holds the model?',
            canGoBack: true,
            items: draft.choices.map((choice) => ({
              label: choice.label,
              description: choice.description,
              picked: choice === answers.choice,
              value: choice,
            })),
          });
          if (isBack(picked)) return BACK;
          answers.choice = picked;
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) => answers.custom === true,
        async prompt(answers, input) {
          const suggestedType = answers.choice!.type;
          const picked = await input.pick({
            title,
            placeholder: 'Model type',
            canGoBack: true,
            items: [suggestedType, ...MODEL_TYPES.filter((type) => type !== suggestedType)].map((type) => ({
              label: type,
              description: type === suggestedType ? 'suggested' : undefined,
              value: type,
            })),
          });
          if (isBack(picked)) return BACK;
          answers.modelType = picked;
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) => answers.custom === true && draft.existingModels.length > 0,
        async prompt(answers, input) {
          const picked = await input.pick({
            title,
            placeholder: 'Model name: a new version of an existing model, or a new model',
            canGoBack: true,
            items: [
              { label: '$(add) New model…', value: NEW_MODEL },
              ...draft.existingModels.map((model) => ({
                label: model,
                description:
                  model === draft.defaultName ? 'existing model, registered from here before' : 'existing model',
                value: model,
              })),
            ],
          });
          if (isBack(picked)) return BACK;
          answers.newName = picked === NEW_MODEL;
          if (!answers.newName) answers.name = picked;
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) =>
          answers.custom === true && (draft.existingModels.length === 0 || answers.newName === true),
        async prompt(answers, input) {
          const typed = await input.input({
            title,
            prompt: 'Model name',
            value: answers.name && !draft.existingModels.includes(answers.name) ? answers.name : draft.suggestedName,
            canGoBack: true,
            validate: (value) =>
              MODEL_NAME_PATTERN.test(value)
                ? undefined
                : 'Letters, digits, "-", "_" and ".", starting with a letter or digit.',
          });
          if (isBack(typed)) return BACK;
          answers.name = typed;
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) => answers.custom === true,
        async prompt(answers, input) {
          const name = answers.name!;
          const versions = await modelVersions(arm, workspace, name);
          answers.promote = undefined;
          const same = versionWithSameContent(
            versions,
            modelUriOf(answers.choice!.source),
            contentHashOf(answers.choice!),
          );
          if (same) {
            const decision = await askSameContent(name, same, true);
            if (isBack(decision)) return BACK;
            if (decision === 'promote') {
              answers.promote = same;
              return undefined;
            }
          }
          const taken = new Set(versions.map((version) => version.version));
          const suggestedVersion =
            answers.versionOf === name && answers.version
              ? answers.version
              : await arm.nextVersion(workspace, 'models', name);
          const typed = await input.input({
            title,
            prompt: `Version of ${name}`,
            value: suggestedVersion,
            canGoBack: true,
            validate: (value) =>
              !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/.test(value)
                ? 'Letters, digits, "-", "_" and ".".'
                : taken.has(value)
                  ? `${name}:${value} exists; versions cannot be changed once registered.`
                  : undefined,
          });
          if (isBack(typed)) return BACK;
          answers.version = typed;
          answers.versionOf = name;
          return undefined;
        },
      },
      {
        shouldPrompt: (answers) => answers.custom === true && !answers.promote,
        async prompt(answers, input) {
          const typed = await input.input({
            title,
            prompt: 'Description',
            value: answers.description ?? draft.description,
            canGoBack: true,
          });
          if (isBack(typed)) return BACK;
          answers.description = typed;
          return undefined;
        },
      },
    ];
    const answers = await runWizard(steps, {} as Answers, userInput);
    if (answers.promote) return promote(workspace, answers.promote);
    const choice = answers.choice!;
    const name = answers.name!;
    const modelUri = modelUriOf(choice.source);
    const contentHash = contentHashOf(choice);
    if (!answers.custom) {
      // The defaults skip no guard: content the model already holds is offered for promotion first.
      const same = versionWithSameContent(await modelVersions(arm, workspace, name), modelUri, contentHash);
      if (same && (await askSameContent(name, same, false)) === 'promote') return promote(workspace, same);
    }
    warnIfUncommitted(git);
    const model = { name, version: answers.version! };
    // The version is fixed from here on: the PUT (and any retry of it) addresses this one version.
    await putCandidate(arm, workspace, {
      ...model,
      modelType: answers.modelType!,
      modelUri,
      description: answers.description?.trim() || undefined,
      jobName: draft.jobName,
      tags: candidateTags({ sourceJob: draft.jobName, git, metrics: draft.metrics, contentHash }),
    });
    log.info(`Registered candidate ${name}:${model.version} from ${modelUri}.`);
    refreshModels();
    return handOver(workspace, model, draft.folder, false);
  }

  /** Whether to mark the version that holds this content as the candidate rather than register it again. */
  async function askSameContent(
    name: string,
    same: ModelVersionInfo,
    canGoBack: boolean,
  ): Promise<'promote' | 'register' | Back> {
    const decision = await userInput.pick({
      title: `${name}:${same.version} already holds this content`,
      placeholder: isCandidate(same.tags)
        ? `Version ${same.version} is already a candidate`
        : `Mark version ${same.version} as the candidate instead of registering the same content again?`,
      canGoBack,
      items: [
        { label: `Promote version ${same.version}`, value: 'promote' as const },
        { label: 'Register a new version anyway', value: 'register' as const },
      ],
    });
    if (isBack(decision) && !canGoBack) throw new CancelledError();
    return decision;
  }

  /** The tags a registration sets, as the default's detail line names them. */
  function tagPreview(jobName: string | undefined, git: GitState | undefined, contentHash: string | undefined): string {
    const tags = [`${CANDIDATE_TAG.key}=${CANDIDATE_TAG.value}`];
    if (jobName) tags.push(`${CANDIDATE_TAGS.sourceJob}=${jobName}`);
    if (contentHash) tags.push(`${CANDIDATE_TAGS.contentHash}`);
    if (git) {
      tags.push(`${CANDIDATE_TAGS.gitCommit}=${git.commit.slice(0, 8)}`);
      if (git.branch) tags.push(`${CANDIDATE_TAGS.gitBranch}=${git.branch}`);
      if (git.uncommittedChanges) tags.push(`${CANDIDATE_TAGS.gitUncommitted}=true`);
    }
    return tags.join(', ');
  }

  /** What registering goes on to do, for the default's detail line; reading the settings never fails here. */
  async function handOverPreview(folder: string | undefined): Promise<string> {
    try {
      const settings = folder ? await readCiSettings(folder) : undefined;
      return settings ? `then ${handOverSummary(settings)}` : `${handOverSummary(undefined)} (${CI_SETTINGS_PATH})`;
    } catch (error) {
      if (error instanceof CiSettingsError) return `the outer loop waits: ${CI_SETTINGS_PATH} is unfinished`;
      throw error;
    }
  }

  function warnIfUncommitted(git: GitState | undefined): void {
    if (!git?.uncommittedChanges) return;
    void vscode.window.showWarningMessage(
      `The working tree has changes not committed to ${git.branch ?? git.commit.slice(0, 8)}: the candidate is tagged ${CANDIDATE_TAGS.gitUncommitted}=true, as commit ${git.commit.slice(0, 8)} alone does not reproduce it.`,
    );
  }

  /** The model's newest versions, none when the model does not exist yet. */
  async function modelVersions(arm: AzureMlArm, workspace: WorkspaceRef, name: string): Promise<ModelVersionInfo[]> {
    const read = (token?: string) => arm.listModelVersions(workspace, name, token);
    return (await readPages(read, { maxItems: VERSIONS_CHECKED, notFoundIsEmpty: true })).items;
  }

  /** The job's MLflow run: its final metrics become tags, its tags say where it logged a model. */
  async function mlflowRun(arm: AzureMlArm, workspace: WorkspaceRef, jobName: string): Promise<MlflowRun | undefined> {
    try {
      return await arm.mlflow(workspace).getRun(jobName);
    } catch (error) {
      // Metrics are a courtesy on the tags; a job without an MLflow run is still registered.
      log.warn(`No MLflow metrics for job ${jobName}: ${(error as Error).message}`);
      return undefined;
    }
  }

  async function promote(workspace: WorkspaceRef, version: ModelVersionInfo) {
    const model = { name: version.modelName, version: version.version };
    if (!isCandidate(version.tags)) {
      const arm = await session.getArm();
      await setModelVersionTags(arm, workspace, model, { [CANDIDATE_TAG.key]: CANDIDATE_TAG.value });
      log.info(`Promoted ${model.name}:${model.version} to candidate.`);
      refreshModels();
    }
    return handOver(workspace, model, folderFor(), true);
  }

  /** Triggers the outer loop when it is configured; otherwise says how to configure it. */
  async function handOver(
    workspace: WorkspaceRef,
    model: ModelVersionRef,
    folder: string | undefined,
    promoted: boolean,
  ): Promise<CandidateOutcome> {
    const outcome: CandidateOutcome = { workspace, model, promoted };
    const what = `${model.name}:${model.version}`;
    let settings: CiSettings | undefined;
    try {
      settings = folder ? await readCiSettings(folder) : undefined;
    } catch (error) {
      if (!(error instanceof CiSettingsError)) throw error;
      // The model is registered; only the hand-off waits for the file to be finished.
      errors.report(error, OUTER_LOOP_WHERE, {
        message: `${what} is a candidate, but the outer loop was not started: ${error.message}`,
        buttons: [...settingsButtons(folder!), retryButton(workspace, model)],
      });
      return outcome;
    }
    if (!settings) {
      const configure = 'Configure Outer Loop…';
      void vscode.window
        .showInformationMessage(
          `${what} is a candidate. No outer loop is configured (${CI_SETTINGS_PATH}), so no CI run was started.`,
          configure,
        )
        .then((choice) => {
          if (choice === configure) void vscode.commands.executeCommand(CommandId.configureOuterLoop);
        });
      return outcome;
    }
    return trigger(workspace, model, settings, outcome);
  }

  /** The ways forward from a settings file that cannot be used: finish it by hand, or through the prompts. */
  function settingsButtons(folder: string): ErrorButton[] {
    return [
      {
        title: 'Open outer-loop.json',
        run: () => vscode.window.showTextDocument(vscode.Uri.file(path.join(folder, CI_SETTINGS_PATH))),
      },
      { title: 'Configure Outer Loop…', run: () => vscode.commands.executeCommand(CommandId.configureOuterLoop) },
    ];
  }

  function retryButton(workspace: WorkspaceRef, model: ModelVersionRef): ErrorButton {
    return {
      title: 'Retry Trigger',
      run: () => vscode.commands.executeCommand(CommandId.retryOuterLoopTrigger, { workspace, ...model }),
    };
  }

  /** The follows under way this session, by model version: a second request for one joins it. */
  const following = new Map<string, { controller: AbortController; done: Promise<CandidateOutcome> }>();
  /** Runs not to follow again on their own this session: the user stopped them, or resuming failed once. */
  const notResumed = new Set<string>();
  let ended = false;

  /**
   * Triggers the outer loop and follows the run, or, given a record of an earlier trigger, follows its
   * run only. In the foreground with a cancellable notification; in the background (a run resumed on
   * its own) in the status bar, with a notification only when it ends.
   */
  async function trigger(
    workspace: WorkspaceRef,
    model: ModelVersionRef,
    settings: CiSettings,
    outcome: CandidateOutcome,
    recorded?: OuterLoopRecord,
    background?: Background,
  ): Promise<CandidateOutcome> {
    const target: FollowedRun = { workspace, ...model };
    const key = followKey(target);
    const current = following.get(key);
    if (current && recorded) return current.done;
    // A new trigger replaces the version's record: the run followed so far is no longer the one to show.
    current?.controller.abort();
    const controller = new AbortController();
    const done = runOuterLoop(workspace, model, settings, outcome, controller, recorded, background);
    following.set(key, { controller, done });
    try {
      return await done;
    } finally {
      if (following.get(key)?.done === done) following.delete(key);
    }
  }

  async function runOuterLoop(
    workspace: WorkspaceRef,
    model: ModelVersionRef,
    settings: CiSettings,
    outcome: CandidateOutcome,
    controller: AbortController,
    recorded: OuterLoopRecord | undefined,
    background: Background | undefined,
  ): Promise<CandidateOutcome> {
    const client = clientFor(settings);
    const target: FollowedRun = { workspace, ...model };
    let runKnown = recorded !== undefined;
    const what = `${model.name}:${model.version}`;
    const state = extensionContext.workspaceState;
    const arm = await session.getArm();
    const record = async (next: OuterLoopRecord) => {
      outcome.outerLoop = next;
      await setModelVersionTags(arm, workspace, model, outerLoopTags(next));
      // Kept while the run goes on, so a VS Code closed meanwhile follows it again when it starts.
      if (isUnfinished(next) && (next.runId || next.triggeredAt)) await rememberFollowed(state, target);
      else await forgetFollowed(state, target);
      refreshModels();
    };
    try {
      const result: HandOffOutcome = await vscode.window.withProgress(
        background
          ? { location: vscode.ProgressLocation.Window, title: `Outer loop for ${what}` }
          : { location: vscode.ProgressLocation.Notification, title: `Outer loop for ${what}`, cancellable: true },
        (progress, cancellation) => {
          cancellation.onCancellationRequested(() => {
            // Stopped here by the user: the run goes on in CI, and is not followed again this session unasked.
            notResumed.add(followKey(target));
            void forgetFollowed(state, target);
            controller.abort();
          });
          progress.report({
            message: recorded ? `reading run ${recorded.runId ?? '…'}…` : `triggering ${client.serviceName}…`,
          });
          const options: HandOffOptions = {
            signal: controller.signal,
            record,
            onRecordFailed: (error) =>
              log.warn(`Could not record the outer loop's status on ${what}: ${(error as Error).message}`),
            onRunFound: (run) => {
              runKnown = true;
              progress.report({ message: `run ${run.runId}: ${run.serviceStatus}` });
              if (!background) {
                offerRun(`${client.serviceName} run ${run.runId} for ${what}: ${run.serviceStatus}.`, run.url);
              }
            },
            onUpdate: (run) =>
              progress.report({ message: `run ${run.runId}: ${run.serviceResult ?? run.serviceStatus}` }),
          };
          return recorded ? followRecorded(client, model, recorded, options) : handOff(client, model, options);
        },
      );
      outcome.run = result.run;
      outcome.outerLoop = result.record;
      const ended = `The outer loop for ${what} ${result.record.status === 'succeeded' ? 'succeeded' : `ended: ${result.record.status}`}.`;
      if (result.record.status === 'succeeded') offerRun(ended, result.run.url);
      else offerRun(ended, result.run.url, 'warning');
      return outcome;
    } catch (error) {
      if (error instanceof CancelledError || (error as Error)?.name === 'AbortError') throw new CancelledError();
      const failure = describeTriggerFailure(error, client.provider, model);
      if (runKnown) {
        // The run exists and goes on in CI; only following it here stopped.
        if (background) notResumed.add(followKey(target));
        errors.report(error, OUTER_LOOP_WHERE, {
          suppressDisplay: background?.quiet,
          message: `Following the outer loop run of ${what} stopped: ${classifyError(error).message}`,
          buttons: [
            {
              title: 'Follow Outer Loop Run',
              run: () => vscode.commands.executeCommand(CommandId.followOuterLoopRun, { workspace, ...model }),
            },
            ...failure.actions
              .filter((action) => action !== 'retryTrigger')
              .map((action) => buttonFor(action, workspace, model)),
          ],
        });
        return outcome;
      }
      await forgetFollowed(state, target);
      errors.report(error, OUTER_LOOP_WHERE, {
        message: failure.message,
        buttons: failure.actions.map((action) => buttonFor(action, workspace, model)),
      });
      return outcome;
    }
  }

  /**
   * Follows again, in the background, the runs recorded as still going on these model versions: the
   * ones this workspace was following when VS Code closed (none given), or the ones the Models view just
   * listed. Each is read from its version's tags first; one that ended meanwhile is only shown as ended.
   */
  async function resumeFollowing(targets?: FollowedRun[]): Promise<void> {
    const state = extensionContext.workspaceState;
    const chosen = (targets ?? followedRuns(state)).filter(
      (target, index, all) =>
        !ended &&
        !following.has(followKey(target)) &&
        !notResumed.has(followKey(target)) &&
        all.findIndex((other) => followKey(other) === followKey(target)) === index,
    );
    // Runs the Models view came across are followed as a courtesy: what stops one is logged, not shown.
    const background: Background = { quiet: targets !== undefined };
    await Promise.all(chosen.map((target) => resumeOne(target, background)));
  }

  async function resumeOne(target: FollowedRun, background: Background): Promise<void> {
    const { workspace, name, version } = target;
    const model = { name, version };
    const state = extensionContext.workspaceState;
    let record: OuterLoopRecord | undefined;
    try {
      const arm = await session.getArm();
      record = parseOuterLoopTags(await versionTags(arm, workspace, model));
      if (!record || !isUnfinished(record) || (!record.runId && !record.triggeredAt)) {
        await forgetFollowed(state, target);
        if (record) refreshModels();
        return;
      }
      const folder = folderFor();
      const settings = folder ? await readCiSettings(folder) : undefined;
      if (!settings)
        throw new SettingsError(`No outer loop is configured: ${CI_SETTINGS_PATH} is missing in this folder.`);
      if (settings.provider !== record.provider) {
        throw new SettingsError(
          `The run is on ${record.provider}, but ${CI_SETTINGS_PATH} now names ${settings.provider}.`,
        );
      }
      const outcome: CandidateOutcome = { workspace, model, promoted: false, outerLoop: record };
      await trigger(workspace, model, settings, outcome, record, background);
    } catch (error) {
      const classified = classifyError(error);
      if (classified.kind === 'cancelled') return;
      if (classified.kind === 'signedOut' && classified.source === 'azure') {
        // Signed out of Azure: nothing can be read yet; the Models view resumes it once someone signs in.
        log.info(`The outer loop run of ${name}:${version} is followed again once you sign in to Azure.`);
        return;
      }
      notResumed.add(followKey(target));
      errors.report(error, OUTER_LOOP_WHERE, {
        suppressDisplay: background.quiet,
        message: `The outer loop run of ${name}:${version} is recorded as ${record?.status ?? 'going on'}, but following it again did not start: ${classified.message}`,
        buttons: [
          {
            title: 'Follow Outer Loop Run',
            run: () => vscode.commands.executeCommand(CommandId.followOuterLoopRun, { workspace, ...model }),
          },
        ],
      });
    }
  }

  async function versionTags(arm: AzureMlArm, workspace: WorkspaceRef, model: ModelVersionRef) {
    const resource = await arm.getResource(modelVersionId(workspace, model));
    return ((resource.properties as { tags?: Record<string, string> } | undefined)?.tags ?? {}) as Record<
      string,
      string
    >;
  }

  /** What closing VS Code does: every follow stops where it is, its record and its place in the state kept. */
  function dispose(): void {
    ended = true;
    for (const { controller } of following.values()) controller.abort();
    following.clear();
  }

  function offerRun(message: string, url: string, level: 'info' | 'warning' = 'info'): void {
    // The output channel keeps what the notification said, after the notification is gone.
    log.info(message);
    const open = 'Open Run';
    const show = level === 'info' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(message, open).then((choice) => {
      if (choice === open) void vscode.env.openExternal(vscode.Uri.parse(url));
    });
  }

  function buttonFor(action: OuterLoopAction, workspace: WorkspaceRef, model: ModelVersionRef): ErrorButton {
    switch (action) {
      case 'retryTrigger':
        return {
          title: 'Retry Trigger',
          run: () => vscode.commands.executeCommand(CommandId.retryOuterLoopTrigger, { workspace, ...model }),
        };
      case 'configureOuterLoop':
        return {
          title: 'Configure Outer Loop…',
          run: () => vscode.commands.executeCommand(CommandId.configureOuterLoop),
        };
      case 'signInToGitHub':
        return {
          title: 'Sign In to GitHub',
          // Signing in is what the trigger was missing: once there is a session, trigger again.
          run: async () => {
            // A session GitHub rejected is replaced; with none, VS Code asks to create one.
            const renew = (await gitHubSession()) !== undefined;
            await vscode.authentication.getSession(
              GITHUB_AUTH_PROVIDER,
              GITHUB_SCOPES,
              renew ? { forceNewSession: true } : { createIfNone: true },
            );
            return vscode.commands.executeCommand(CommandId.retryOuterLoopTrigger, { workspace, ...model });
          },
        };
      case 'storeToken':
        return {
          title: 'Set Outer Loop Token…',
          run: () => vscode.commands.executeCommand(CommandId.setOuterLoopToken),
        };
    }
  }

  function clientFor(settings: CiSettings): OuterLoopClient {
    if (settings.provider === 'azure-devops') {
      return new AzureDevOpsOuterLoop({
        settings,
        token: async () => {
          const stored = await secrets.get(SecretKey.azureDevOpsToken);
          if (!stored) {
            throw new SettingsError(
              'No Azure DevOps personal access token is stored. Run "Azure ML: Set Outer Loop Token…" with a token that may queue builds.',
            );
          }
          return { scheme: 'Basic', token: stored };
        },
      });
    }
    return new GitHubOuterLoop({
      settings,
      token: () =>
        resolveGitHubToken(settings, {
          stored: async () => (await secrets.get(SecretKey.gitHubToken)) || undefined,
          session: gitHubSession,
        }),
    });
  }

  /** VS Code's GitHub session, without a prompt; no provider (a host without GitHub sign-in) means none. */
  async function gitHubSession(): Promise<string | undefined> {
    try {
      return (await vscode.authentication.getSession(GITHUB_AUTH_PROVIDER, GITHUB_SCOPES, { silent: true }))
        ?.accessToken;
    } catch (error) {
      log.warn(`VS Code's GitHub sign-in did not answer: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  function refreshModels(): void {
    void vscode.commands.executeCommand(CommandId.refreshView);
  }

  async function retryTrigger(call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined> {
    const chosen = modelOf(target);
    if (!chosen) {
      void vscode.window.showInformationMessage(
        'Right-click a candidate model version in the Azure ML Models view to trigger its outer loop again.',
      );
      return undefined;
    }
    const settings = await settingsOrExplain(call);
    return trigger(chosen.workspace, chosen.model, settings, { ...chosen, promoted: false });
  }

  /** Follows the run recorded on a model version (one a closed VS Code was following) until it ends. */
  async function followAgain(call: CallContext, target?: unknown): Promise<CandidateOutcome | undefined> {
    const chosen = modelOf(target);
    if (!chosen) {
      void vscode.window.showInformationMessage(
        'Right-click a candidate model version in the Azure ML Models view to follow its outer loop run.',
      );
      return undefined;
    }
    const { workspace, model } = chosen;
    const arm = await session.getArm();
    const record = parseOuterLoopTags(await versionTags(arm, workspace, model));
    if (!record?.runId && !(record && isUnfinished(record) && record.triggeredAt)) {
      call.errorHandling.buttons = [
        {
          title: 'Retry Trigger',
          run: () => vscode.commands.executeCommand(CommandId.retryOuterLoopTrigger, { workspace, ...model }),
        },
      ];
      throw new CandidateStateError(`${model.name}:${model.version} has no outer loop run recorded to follow.`);
    }
    const settings = await settingsOrExplain(call);
    if (settings.provider !== record.provider) {
      throw new SettingsError(
        `The run of ${model.name}:${model.version} is on ${record.provider}, but ${CI_SETTINGS_PATH} now names ${settings.provider}.`,
      );
    }
    // Asked for: it may be followed on its own again after this, even if it was stopped earlier.
    notResumed.delete(followKey({ workspace, ...model }));
    return trigger(workspace, model, settings, { workspace, model, promoted: false, outerLoop: record }, record);
  }

  async function settingsOrExplain(call: CallContext): Promise<CiSettings> {
    const folder = folderFor();
    let settings: CiSettings | undefined;
    try {
      settings = folder ? await readCiSettings(folder) : undefined;
    } catch (error) {
      if (error instanceof CiSettingsError) call.errorHandling.buttons = settingsButtons(folder!);
      throw error;
    }
    if (!settings) {
      call.errorHandling.buttons = [
        { title: 'Configure Outer Loop…', run: () => vscode.commands.executeCommand(CommandId.configureOuterLoop) },
      ];
      throw new SettingsError(`No outer loop is configured: ${CI_SETTINGS_PATH} is missing in this folder.`);
    }
    return settings;
  }

  async function configure(): Promise<string | undefined> {
    const folder = folderFor();
    if (!folder) {
      void vscode.window.showInformationMessage(
        'Open the folder of your ML project first: the settings are kept in it.',
      );
      return undefined;
    }
    const title = 'Configure Outer Loop';
    // A file that cannot be used yet (a new project's, say) is the starting point: its values, what it lacks.
    const draft = await readCiSettingsDraft(folder);
    const problem = await readCiSettings(folder).then(
      () => undefined,
      (error: unknown) => (error instanceof CiSettingsError ? error : undefined),
    );
    const remote = await originRepository(folder);
    const provider = await userInput.pick({
      title,
      placeholder: problem
        ? `${problem.message} Where does the outer loop (test and deploy) run?`
        : 'Where does the outer loop (test and deploy) run?',
      items: [
        { label: 'GitHub Actions', value: 'github' as const },
        { label: 'Azure Pipelines', description: 'Azure DevOps', value: 'azure-devops' as const },
      ],
    });
    if (isBack(provider)) throw new CancelledError();
    const section = provider === 'github' ? 'github' : 'azureDevOps';
    const written = draft?.provider === provider ? draft.values : {};
    /** The prompt, saying so when the file lacks this value. */
    const promptFor = (label: string, key: string) =>
      written[key] === '' || problem?.field === `${section}.${key}` ? `${label} (${CI_SETTINGS_PATH} lacks it)` : label;
    const ask = async (prompt: string, value: string | undefined, check?: (text: string) => string | undefined) => {
      const answer = await userInput.input({
        title,
        prompt,
        value,
        validate: (text) => (text.trim() ? check?.(text.trim()) : 'Required.'),
      });
      if (typeof answer !== 'string') throw new CancelledError();
      return answer.trim();
    };
    let settings: CiSettings;
    if (provider === 'github') {
      const fromRemote = remote?.provider === 'github' ? remote : undefined;
      const githubName = (text: string) => (/^[\w.-]+$/.test(text) ? undefined : 'Letters, digits, "-", "_" and ".".');
      const owner = await ask(
        promptFor('Repository owner (user or organization)', 'owner'),
        written.owner || fromRemote?.owner,
        githubName,
      );
      const repo = await ask(promptFor('Repository name', 'repo'), written.repo || fromRemote?.repo, githubName);
      const workflow = await ask(
        promptFor('Workflow file name under .github/workflows/', 'workflow'),
        written.workflow || 'deploy-model.yml',
        (text) => (text.includes('/') ? 'The file name only.' : undefined),
      );
      const trigger = await userInput.pick({
        title,
        placeholder: 'How is the workflow started?',
        items: [
          {
            label: 'workflow_dispatch',
            description: 'inputs model_name and model_version',
            value: 'workflow_dispatch' as const,
          },
          {
            label: 'repository_dispatch',
            description: `event type ${written.eventType || DEFAULT_DISPATCH_EVENT_TYPE}`,
            value: 'repository_dispatch' as const,
          },
        ].map((item) => (item.value === written.trigger ? { ...item, detail: `as ${CI_SETTINGS_PATH} has it` } : item)),
      });
      if (isBack(trigger)) throw new CancelledError();
      const ref = await ask(promptFor('Branch the workflow runs on', 'ref'), written.ref || 'main');
      settings = {
        provider: 'github',
        owner,
        repo,
        workflow,
        trigger,
        ref,
        eventType: written.eventType || DEFAULT_DISPATCH_EVENT_TYPE,
        ...(written.baseUrl ? { baseUrl: written.baseUrl } : {}),
      };
    } else {
      const fromRemote = remote?.provider === 'azure-devops' ? remote : undefined;
      const organizationUrl = await ask(
        promptFor('Organization URL', 'organizationUrl'),
        written.organizationUrl || fromRemote?.organizationUrl || 'https://dev.azure.com/',
        (text) => (/^https:\/\/[^/\s]+/.test(text) ? undefined : 'An https:// address.'),
      );
      const project = await ask(promptFor('Project', 'project'), written.project || fromRemote?.project);
      const pipelineYaml = written.pipelineName
        ? ` created from mlops/devops-pipelines/${written.pipelineName}.yml`
        : '';
      const pipelineId = await ask(
        promptFor(`Pipeline id (the definitionId in the address of the pipeline${pipelineYaml})`, 'pipelineId'),
        written.pipelineId || undefined,
        (text) => (/^\d+$/.test(text) ? undefined : 'A whole number.'),
      );
      const branch = await ask(
        promptFor('Branch the pipeline runs on', 'branch'),
        written.branch?.replace(/^refs\/heads\//, '') || 'main',
      );
      settings = {
        provider: 'azure-devops',
        organizationUrl: organizationUrl.replace(/\/+$/, ''),
        project,
        pipelineId: Number(pipelineId),
        branch: branch.startsWith('refs/') ? branch : `refs/heads/${branch}`,
      };
    }
    const file = await writeCiSettings(folder, settings);
    void vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    return file;
  }

  async function setToken(): Promise<void> {
    const provider = await userInput.pick({
      title: 'Set Outer Loop Token',
      placeholder: "A token for which service? It is kept in VS Code's secret storage only.",
      items: [
        {
          label: 'GitHub',
          description: 'fine-grained token with Actions: write, or a classic one with repo',
          value: SecretKey.gitHubToken,
        },
        {
          label: 'Azure DevOps',
          description: 'personal access token with Build: read & execute',
          value: SecretKey.azureDevOpsToken,
        },
      ],
    });
    if (isBack(provider)) throw new CancelledError();
    const token = await userInput.input({
      title: 'Set Outer Loop Token',
      prompt: 'The token (empty removes the stored one)',
      password: true,
      validate: () => undefined,
    });
    if (typeof token !== 'string') throw new CancelledError();
    if (token.trim()) await secrets.store(provider, token.trim());
    else await secrets.delete(provider);
    void vscode.window.setStatusBarMessage(
      token.trim() ? 'Azure ML: outer loop token stored' : 'Azure ML: outer loop token removed',
      5000,
    );
  }

  return { register, retryTrigger, followAgain, configure, setToken, resumeFollowing, dispose };
}

/** A model version row of the Models view (its item and workspace). */
function versionTarget(target: unknown): { workspace: WorkspaceRef; item: ModelVersionInfo } | undefined {
  const item = (target as { item?: Partial<ModelVersionInfo> } | undefined)?.item;
  if (!item?.id || !item.modelName || !item.version || !/\/models\/[^/]+\/versions\//i.test(item.id)) return undefined;
  return { workspace: parseWorkspaceId(item.id), item: item as ModelVersionInfo };
}

/** A model version row, or `{ workspace, name, version }` (the buttons of the outer loop's messages). */
function modelOf(target: unknown): { workspace: WorkspaceRef; model: ModelVersionRef } | undefined {
  const row = versionTarget(target);
  if (row) return { workspace: row.workspace, model: { name: row.item.modelName, version: row.item.version } };
  const named = target as { workspace?: WorkspaceRef; name?: string; version?: string } | undefined;
  if (named?.workspace && named.name && named.version) {
    return { workspace: named.workspace, model: { name: named.name, version: named.version } };
  }
  return undefined;
}

/** The model version is not in the state the command needs; the message says which state it is in. */
class CandidateStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CandidateStateError';
  }
}

/** A job row of the Jobs view, a `{ workspace, jobName }`, or a job name in the active workspace. */
function jobTarget(
  target: unknown,
  active: WorkspaceRef | undefined,
): { workspace: WorkspaceRef; jobName: string } | undefined {
  const value = target as { workspace?: WorkspaceRef; run?: { runId?: string }; jobName?: string } | undefined;
  if (value?.workspace && value.run?.runId) return { workspace: value.workspace, jobName: value.run.runId };
  if (value?.workspace && value.jobName) return { workspace: value.workspace, jobName: value.jobName };
  if (typeof target === 'string' && active) return { workspace: active, jobName: target };
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function errorMessageOf(properties: Record<string, unknown>): string | undefined {
  const error = properties.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const message = error?.error?.message ?? error?.message;
  return typeof message === 'string' ? message.split('\n')[0] : undefined;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
