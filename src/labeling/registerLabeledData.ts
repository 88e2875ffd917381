// "Register Labeled Data…": the asset names and validation share through the user input seam, then the export,
// uploads and registration with a notification that Cancel stops, then the new version shown in the Data view.
import vscode = require('vscode');
import { basename } from 'node:path';
import { CommandId } from '../constants';
import type { AzureMlArm } from '../core/azure/armClient';
import type { WorkspaceRef } from '../core/azure/resourceIds';
import { isCancellation } from '../core/errors/kinds';
import { exportInputOf } from '../core/labeling/export/common';
import { PROJECT_FILE_SUFFIX } from '../core/labeling/model';
import {
  registerLabeledData,
  type RegisterOutcome,
  type RegisterPhase,
  type RegisteredVersion,
} from '../core/labeling/registerData';
import type { LabelStore } from '../core/labeling/store';
import { runWizard, type WizardStep } from '../platform/wizard';
import { BACK, type UserInput } from '../platform/userInput';
import { EXPORT_SPLIT_SEED, validationShareStep } from './validationShare';

/** Azure ML's rule for asset names. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

export interface RegisterChoice {
  assetName: string;
  validationAssetName?: string;
  validationFraction: number;
}

export interface LabeledDataOutcome extends RegisterOutcome {
  workspace: WorkspaceRef;
  /** Whether the Data view found the (first) version and selected it. */
  shownInDataView: boolean;
}

function projectName(store: LabelStore): string {
  return basename(store.projectFilePath).slice(0, -PROJECT_FILE_SUFFIX.length);
}

/** `<project>-train`, the name the scaffolds' pipelines read (`images-train`, `text-train`, …) in the same form. */
export function suggestedAssetName(store: LabelStore): string {
  const name =
    projectName(store)
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'labeled';
  return `${name}-train`;
}

/** The scaffolds' validation asset beside a training one: `images-train` → `images-validation`. */
export function validationNameFor(assetName: string): string {
  return `${assetName.replace(/-train$/, '')}-validation`;
}

export async function askRegisterChoice(store: LabelStore, input: UserInput): Promise<RegisterChoice> {
  const context: { assetName?: string; fraction?: number; validationName?: string } = {};
  const nameProblem = (value: string) =>
    ASSET_NAME.test(value.trim()) ? undefined : 'Letters, digits, "-", "_" and ".", starting with a letter or digit.';
  const steps: WizardStep<typeof context>[] = [
    {
      async prompt(ctx, userInput, step) {
        const name = await userInput.input({
          title: 'Register Labeled Data: data asset',
          prompt: 'Name of the mltable data asset (a new version of it is registered)',
          value: ctx.assetName ?? suggestedAssetName(store),
          step,
          validate: nameProblem,
        });
        if (typeof name !== 'string') return BACK;
        ctx.assetName = name.trim();
        return undefined;
      },
    },
    validationShareStep({
      title: 'Register Labeled Data: validation split',
      share: 'Share of items registered as a validation asset',
      zeroMeans: 'one asset',
    }),
    {
      shouldPrompt: (ctx) => (ctx.fraction ?? 0) > 0,
      async prompt(ctx, userInput, step) {
        const name = await userInput.input({
          title: 'Register Labeled Data: validation asset',
          prompt: 'Name of the validation data asset',
          value: ctx.validationName ?? validationNameFor(ctx.assetName as string),
          step,
          canGoBack: true,
          validate: (value) =>
            nameProblem(value) ??
            (value.trim() === ctx.assetName ? 'Give the validation asset a name of its own.' : undefined),
        });
        if (typeof name !== 'string') return BACK;
        ctx.validationName = name.trim();
        return undefined;
      },
    },
  ];
  await runWizard(steps, context, input);
  return {
    assetName: context.assetName as string,
    validationFraction: context.fraction ?? 0,
    ...(context.fraction ? { validationAssetName: context.validationName } : {}),
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

function phaseMessage(phase: RegisterPhase): string {
  switch (phase.kind) {
    case 'uploadingItems':
      return `images: ${phase.progress.filesDone} of ${phase.progress.filesTotal} files, ${formatBytes(phase.progress.bytesDone)} of ${formatBytes(phase.progress.bytesTotal)}`;
    case 'uploadingTable':
      return `${phase.assetName}: uploading the MLTable folder`;
    case 'registering':
      return `${phase.assetName}: registering`;
  }
}

const versionText = (version: RegisteredVersion) => `${version.assetName}:${version.version}`;

/**
 * Exports, uploads and registers with a cancellable notification. A cancellation says what was kept and what
 * to do; any other failure is thrown for the command's error report, with nothing reported as registered.
 */
export async function registerWithProgress(
  store: LabelStore,
  choice: RegisterChoice,
  workspace: WorkspaceRef,
  arm: AzureMlArm,
): Promise<LabeledDataOutcome | undefined> {
  const title = `Registering the labels of ${basename(store.projectFilePath)} in ${workspace.name}`;
  let outcome: RegisterOutcome;
  try {
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, cancellation) => {
        const controller = new AbortController();
        cancellation.onCancellationRequested(() => controller.abort());
        return registerLabeledData(
          arm,
          workspace,
          await exportInputOf(store),
          {
            projectName: basename(store.projectFilePath),
            assetName: choice.assetName,
            validationAssetName: choice.validationAssetName,
            ...(choice.validationFraction > 0
              ? { split: { validationFraction: choice.validationFraction, seed: EXPORT_SPLIT_SEED } }
              : {}),
          },
          { abortSignal: controller.signal, onPhase: (phase) => progress.report({ message: phaseMessage(phase) }) },
        );
      },
    );
  } catch (error) {
    if (!isCancellation(error)) throw error;
    void vscode.window.showWarningMessage(
      'Register Labeled Data was cancelled: nothing was registered. Run it again to finish; files already uploaded are not sent again.',
    );
    return undefined;
  }
  const created = outcome.versions.filter((version) => version.created);
  const reused = outcome.versions.filter((version) => !version.created);
  const skipped = outcome.skipped.length
    ? ` ${outcome.skipped.length} labeled item${outcome.skipped.length === 1 ? ' was' : 's were'} left out (first: ${outcome.skipped[0].item}, ${outcome.skipped[0].reason}).`
    : '';
  const parts = [
    created.length ? `Registered ${created.map(versionText).join(' and ')}` : '',
    reused.length
      ? `${created.length ? '; ' : ''}${reused.map(versionText).join(' and ')} already ${reused.length === 1 ? 'holds' : 'hold'} these labels, so no new version was made`
      : '',
  ];
  const message = `${parts.join('')} (${outcome.exported} labeled item${outcome.exported === 1 ? '' : 's'}, mltable in ${outcome.datastore}).${skipped}`;
  const copy = 'Copy azureml: Reference';
  void vscode.window.showInformationMessage(message, copy).then((answer) => {
    if (answer === copy) void vscode.env.clipboard.writeText(`azureml:${versionText(outcome.versions[0])}`);
  });
  const first = outcome.versions[0];
  const shownInDataView = await vscode.commands.executeCommand<boolean | undefined>(CommandId.revealDataVersion, {
    workspace,
    assetName: first.assetName,
    version: first.version,
  });
  return { ...outcome, workspace, shownInDataView: shownInDataView === true };
}
