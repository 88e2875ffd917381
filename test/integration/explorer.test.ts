import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId, EXTENSION_ID, NodeContext, SettingSection } from '../../src/constants';
import type { WorkspaceRef } from '../../src/core/azure/resourceIds';
import type { ExtensionApi } from '../../src/extension';
import type { TreeNode } from '../../src/explorer/tree/treeNode';
import { emulator } from './emulator';
import { scriptedInput } from '../support/scriptedInput';
import { submitCommandJob } from './submitJob';
import { asErrorNode, childNamed, contextOf, descriptionOf, eventually, isJobRow, labelOf } from './tree';

describe('Data, Jobs and Models views against the emulator', () => {
  let api: ExtensionApi;
  let vision: WorkspaceRef;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    const workspace = await childNamed(dev, 'mlw-vision-dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, workspace);
    vision = api.auth.activeWorkspace.current!;
  });

  afterEach(async () => {
    await emulator.clearFaults();
    await emulator.setPageSize(100);
    await vscode.commands.executeCommand(CommandId.clearJobFilters);
    await vscode.commands.executeCommand(CommandId.refresh);
  });

  describe('Data', () => {
    it('lists datastores, then data assets; each asset expands to versions with type, date and path', async () => {
      const [datastores, ...assets] = await api.explorer.dataTree.rootChildren();
      assert.equal(labelOf(datastores), 'Datastores');
      const stores = await datastores.getChildren();
      assert.ok(stores.some((node) => labelOf(node) === 'workspaceblobstore' && /default/.test(descriptionOf(node))));
      assert.ok(assets.length > 0, 'the vision workspace has data assets');
      assert.ok(assets.every((node) => contextOf(node) === NodeContext.dataAsset));
      const versions = await assets[0].getChildren();
      assert.ok(versions.length > 0);
      assert.equal(contextOf(versions[0]), NodeContext.dataVersion);
      assert.match(descriptionOf(versions[0]), /^(uri_file|uri_folder|mltable) · \d{4}-\d\d-\d\d \d\d:\d\d · \S+/);
      const numbers = versions.map((node) => Number(labelOf(node).replace('version ', '')));
      assert.deepEqual(
        numbers,
        [...numbers].sort((a, b) => b - a),
        'newest version first',
      );
    });

    it('copies a version as an azureml:name:version reference', async () => {
      const [, asset] = await api.explorer.dataTree.rootChildren();
      const [version] = await asset.getChildren();
      const copied = await vscode.commands.executeCommand<string>(CommandId.copyAssetReference, version);
      assert.equal(copied, `azureml:${labelOf(asset)}:${labelOf(version).replace('version ', '')}`);
      assert.equal(await vscode.env.clipboard.readText(), copied);
    });
  });

  describe('Models', () => {
    it('lists models, then versions with type, tags and source job; candidates stand out', async () => {
      const model = await childNamed(api.explorer.modelsTree, 'iris-classifier');
      const versions = await model.getChildren();
      assert.equal(versions.length, 5);
      const candidates = versions.filter((node) => contextOf(node) === NodeContext.candidateModelVersion);
      assert.deepEqual(candidates.map(labelOf).sort(), ['version 2', 'version 4']);
      assert.match(descriptionOf(candidates[0]), /^candidate · \w+_model · (.+ · )?from job \S+$/);
      assert.doesNotMatch(descriptionOf(candidates[0]), /stage=candidate/, 'the candidate mark says it once');
      const candidateIcon = api.explorer.modelsTree.getTreeItem(candidates[0]).iconPath as vscode.ThemeIcon;
      assert.equal(candidateIcon.id, 'star-full');
      const plain = versions.find((node) => contextOf(node) === NodeContext.modelVersion)!;
      assert.doesNotMatch(descriptionOf(plain), /candidate/);
    });

    it('pages model versions with "Load more…"', async () => {
      await emulator.setPageSize(2);
      await vscode.commands.executeCommand(CommandId.refresh);
      // Models other suites registered may come first: the view's own Load more reaches the seed's.
      let models = await api.explorer.modelsTree.rootChildren();
      for (
        let more = models.at(-1);
        !models.some((node) => labelOf(node) === 'iris-classifier');
        more = models.at(-1)
      ) {
        assert.ok(more && contextOf(more) === NodeContext.loadMore, `no iris-classifier among ${models.map(labelOf)}`);
        await vscode.commands.executeCommand(CommandId.loadMore, more);
        models = await api.explorer.modelsTree.rootChildren();
      }
      const model = models.find((node) => labelOf(node) === 'iris-classifier')!;
      const first = await model.getChildren();
      assert.deepEqual(first.map(contextOf).slice(-1), [NodeContext.loadMore]);
      assert.equal(first.length, 3);
      await vscode.commands.executeCommand(CommandId.loadMore, first[2]);
      assert.equal((await model.getChildren()).length, 5, 'two more versions and Load more again');
    });
  });

  describe('Jobs', () => {
    async function experiment(name: string): Promise<TreeNode> {
      return childNamed(api.explorer.jobsTree, name);
    }

    it('lists experiments, then jobs newest first with status, duration and compute', async () => {
      const names = (await api.explorer.jobsTree.rootChildren()).map(labelOf);
      assert.ok(names.includes('iris-training') && names.includes('image-classification'), names.join(', '));
      const jobs = (await (await experiment('iris-training')).getChildren()).filter((node) => isJobRow(node));
      assert.ok(jobs.length >= 5);
      const completed = jobs.find((node) => descriptionOf(node).startsWith('Completed'))!;
      assert.match(descriptionOf(completed), /^Completed · (\d+m \d\ds|\d+s|\d+h \d\dm) · (cpu|gpu)-cluster$/);
      const runNumbers = jobs
        .map(labelOf)
        .filter((label) => /run \d+$/.test(label))
        .map((label) => Number(/run (\d+)$/.exec(label)![1]));
      assert.deepEqual(
        runNumbers,
        [...runNumbers].sort((a, b) => b - a),
        'newest first',
      );
    });

    it('expands a pipeline job to its steps', async () => {
      const pipeline = await childNamed(await experiment('iris-training'), 'iris end-to-end pipeline');
      assert.equal(
        api.explorer.jobsTree.getTreeItem(pipeline).collapsibleState,
        vscode.TreeItemCollapsibleState.Collapsed,
      );
      const steps = await pipeline.getChildren();
      assert.equal(steps.length, 3);
      assert.ok(steps.every((step) => isJobRow(step) && descriptionOf(step).startsWith('Completed')));
    });

    it('filters by status and by text on the service, and clears the filter', async () => {
      await vscode.commands.executeCommand(CommandId.filterJobsByStatus, ['Failed']);
      const failed = await (await experiment('image-classification')).getChildren();
      assert.ok(failed.length > 0 && isJobRow(failed[0]), failed.map(labelOf).join('; '));
      assert.ok(
        failed.every((node) => descriptionOf(node).startsWith('Failed')),
        failed.map(descriptionOf).join('; '),
      );
      await vscode.commands.executeCommand(CommandId.clearJobFilters);
      await vscode.commands.executeCommand(CommandId.filterJobsByText, 'RUN 1');
      const matching = (await (await experiment('iris-training')).getChildren()).map(labelOf);
      assert.ok(matching.length > 0 && matching.every((label) => /run 1\d*$/.test(label)), matching.join(', '));
      await vscode.commands.executeCommand(CommandId.filterJobsByText, 'no-such-job');
      const none = await (await experiment('iris-training')).getChildren();
      assert.deepEqual(none.map(labelOf), ['No jobs in this experiment match the filter.']);
    });

    it('shows the first page of jobs and loads more on demand', async () => {
      await emulator.setPageSize(3);
      await vscode.commands.executeCommand(CommandId.refresh);
      const iris = await experiment('iris-training');
      const first = await iris.getChildren();
      assert.equal(first.length, 4);
      assert.equal(contextOf(first[3]), NodeContext.loadMore);
      await vscode.commands.executeCommand(CommandId.loadMore, first[3]);
      const more = await iris.getChildren();
      assert.equal(more.length, 7);
      assert.deepEqual(more.slice(0, 3).map(labelOf), first.slice(0, 3).map(labelOf), 'earlier items stay');
    });

    it('refreshes a running job by itself until it completes, and its details document follows', async () => {
      await vscode.workspace.getConfiguration(SettingSection).update('jobs.refreshIntervalSeconds', 1, true);
      const name = `short_${Date.now()}`;
      await submitCommandJob(vision, {
        name,
        experimentName: 'image-classification',
        displayName: 'short job',
        command: 'sleep 3',
      });
      await vscode.commands.executeCommand(CommandId.refresh);
      const job = await childNamed(await experiment('image-classification'), 'short job');
      assert.match(descriptionOf(job), /^(NotStarted|Queued|Preparing|Starting|Running)/);
      const document = await vscode.commands.executeCommand<vscode.TextDocument>(CommandId.showDetails, job);
      assert.match(document.getText(), new RegExp(`name: ${name}`));
      assert.match(document.getText(), /type: command/);
      await eventually(
        () => descriptionOf(job),
        (text) => text.startsWith('Completed'),
        45_000,
      );
      await eventually(
        () => document.getText(),
        (text) => /status: Completed/.test(text),
        10_000,
      );
      await eventually(
        () => api.explorer.jobsPoller.watching,
        (count) => count <= 2,
        10_000,
      );
      await vscode.workspace.getConfiguration(SettingSection).update('jobs.refreshIntervalSeconds', undefined, true);
    });

    it('rides out a 429 on run history and turns a dropped connection into a retryable error', async () => {
      await emulator.addFault({
        pathPattern: 'runs:query$',
        kind: 'status',
        status: 429,
        retryAfterSeconds: 1,
        count: 1,
      });
      assert.ok((await (await experiment('iris-training')).getChildren()).length > 0);
      api.explorer.jobsTree.rebuild();
      await emulator.addFault({ pathPattern: 'runs:query$', kind: 'reset' });
      const iris = await experiment('iris-training');
      const error = asErrorNode((await iris.getChildren())[0]);
      assert.equal(error.classified.kind, 'network');
      await emulator.clearFaults();
      await vscode.commands.executeCommand(CommandId.retry, error);
      assert.ok((await iris.getChildren()).every((node) => isJobRow(node)));
    });
  });

  describe('refresh and failures', () => {
    it('keeps loaded experiments and jobs through a failed refresh, with the error and Retry beside them', async () => {
      const iris = await childNamed(api.explorer.jobsTree, 'iris-training');
      const experimentId = iris.getTreeItem().id;
      const jobIds = (await api.explorer.jobsTree.getChildren(iris)).map((node) => node.getTreeItem().id);
      assert.ok(jobIds.length > 3 && jobIds.every(Boolean), 'every job row has a stable id');

      await emulator.addFault({ pathPattern: ':query$', kind: 'status', status: 503, retryAfterSeconds: 0 });
      await vscode.commands.executeCommand(CommandId.refresh);
      const roots = await api.explorer.jobsTree.rootChildren();
      assert.ok(roots.includes(iris), 'the experiment row is the same node, so VS Code keeps it expanded');
      const rootError = asErrorNode(roots[roots.length - 1]);
      assert.equal(rootError.classified.kind, 'server');
      assert.equal(contextOf(rootError), NodeContext.errorRetry);
      const jobs = await api.explorer.jobsTree.getChildren(iris);
      assert.deepEqual(
        jobs.slice(0, -1).map((node) => node.getTreeItem().id),
        jobIds,
        'the jobs shown before the failed refresh stay',
      );
      const jobsError = asErrorNode(jobs[jobs.length - 1]);
      assert.equal(jobsError.getTreeItem().command?.command, CommandId.retry);

      await emulator.clearFaults();
      await vscode.commands.executeCommand(CommandId.retry, rootError);
      await vscode.commands.executeCommand(CommandId.retry, jobsError);
      const recovered = await api.explorer.jobsTree.rootChildren();
      assert.ok(recovered.includes(iris) && iris.getTreeItem().id === experimentId);
      assert.ok(recovered.every((node) => contextOf(node) === NodeContext.experiment));
      const jobsAgain = await api.explorer.jobsTree.getChildren(iris);
      assert.ok(jobsAgain.every((node) => isJobRow(node)));
    });

    it('logs each failure shown in a view once, without a stack, and shows no notification for it', async () => {
      const lines: string[] = [];
      const reported: boolean[] = [];
      const logging = api.platform.log.onDidWrite((entry) => entry.level === 'error' && lines.push(entry.text));
      const reporting = api.platform.errors.onDidReport((report) => reported.push(report.shown));
      try {
        api.explorer.modelsTree.rebuild();
        await emulator.addFault({ pathPattern: '/models$', kind: 'status', status: 503, retryAfterSeconds: 0 });
        for (let draw = 0; draw < 3; draw++) await api.explorer.modelsTree.rootChildren();
        assert.equal(lines.length, 1, lines.join('\n---\n'));
        assert.match(lines[0], /HTTP 503/);
        assert.doesNotMatch(lines[0], /\n\s+at /, 'no stack trace');
        assert.deepEqual(reported, [], 'a failure shown in a view is not also a notification');
      } finally {
        logging.dispose();
        reporting.dispose();
        await emulator.clearFaults();
        api.explorer.modelsTree.rebuild();
      }
    });

    it('says nothing when the user dismisses a prompt: cancelling is not an error', async () => {
      const errors: string[] = [];
      const reporting = api.platform.errors.onDidReport((report) => errors.push(report.classified.message));
      const logging = api.platform.log.onDidWrite((entry) => entry.level === 'error' && errors.push(entry.text));
      const input = scriptedInput(['cancel']);
      const restore = api.platform.useUserInput(input);
      try {
        await vscode.commands.executeCommand(CommandId.filterJobsByStatus);
        assert.equal(input.prompts.length, 1, 'the status prompt was shown');
        assert.deepEqual(errors, [], 'nothing reported, nothing logged');
      } finally {
        restore();
        reporting.dispose();
        logging.dispose();
      }
    });
  });

  describe('item actions', () => {
    it('shows a read-only YAML document in the az ml show shape for a model version', async () => {
      const [version] = await (await childNamed(api.explorer.modelsTree, 'iris-classifier')).getChildren();
      const document = await vscode.commands.executeCommand<vscode.TextDocument>(CommandId.showDetails, version);
      assert.equal(document.languageId, 'yaml');
      assert.equal(document.uri.scheme, 'azureml-details');
      assert.match(document.getText(), /^name: iris-classifier$/m);
      assert.match(document.getText(), /^version: "?\d+"?$/m);
      assert.match(document.getText(), /^creation_context:$/m);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('opens items in studio at their page, and says which setting to set where there is no studio', async () => {
      const [job] = await (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren();
      assert.equal(await vscode.commands.executeCommand(CommandId.openInStudio, job), undefined, 'no studio URL set');
      await vscode.workspace
        .getConfiguration(SettingSection)
        .update('customCloud.studioUrl', 'https://studio.contoso.test', true);
      const [jobAgain] = await (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren();
      const url = await vscode.commands.executeCommand<string>(CommandId.openInStudio, jobAgain);
      const runId = (jobAgain as unknown as { run: { runId: string } }).run.runId;
      assert.equal(
        url,
        `https://studio.contoso.test/runs/${runId}?wsid=${encodeURIComponent(`/subscriptions/${vision.subscriptionId}/resourceGroups/${vision.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${vision.name}`)}`,
      );
      await vscode.workspace.getConfiguration(SettingSection).update('customCloud.studioUrl', undefined, true);
    });

    it('copies a job resource id', async () => {
      const [job] = await (await childNamed(api.explorer.jobsTree, 'iris-training')).getChildren();
      const id = await vscode.commands.executeCommand<string>(CommandId.copyResourceId, job);
      assert.match(id, /\/workspaces\/mlw-vision-dev\/jobs\/\w+$/);
    });
  });

  describe('empty states', () => {
    it('lists nothing without an active workspace, so the views show their "Select Workspace" welcome', async () => {
      const active = api.auth.activeWorkspace.current;
      await api.auth.activeWorkspace.set(undefined);
      try {
        assert.deepEqual(await api.explorer.dataTree.rootChildren(), []);
        assert.deepEqual(await api.explorer.jobsTree.rootChildren(), []);
        assert.deepEqual(await api.explorer.modelsTree.rootChildren(), []);
      } finally {
        await api.auth.activeWorkspace.set(active);
      }
      assert.ok((await api.explorer.modelsTree.rootChildren()).length > 0);
    });

    it('lists nothing when signed out, so every view shows its Sign In welcome', async () => {
      const settings = vscode.workspace.getConfiguration(SettingSection);
      // The profile signs in through the User settings, so put back what was there rather than clear it.
      const signedIn = settings.inspect<string>('authentication')?.globalValue;
      await settings.update('authentication', 'vscode', true);
      try {
        assert.deepEqual(await api.explorer.workspacesTree.rootChildren(), []);
        assert.deepEqual(await api.explorer.jobsTree.rootChildren(), []);
      } finally {
        await settings.update('authentication', signedIn, true);
      }
      assert.ok((await api.explorer.jobsTree.rootChildren()).length > 0);
    });

    it('says so when a list is empty', async () => {
      await vscode.commands.executeCommand(CommandId.filterJobsByStatus, ['Canceled']);
      const jobs = await childNamed(api.explorer.jobsTree, 'iris-training');
      assert.deepEqual((await jobs.getChildren()).map(labelOf), ['No jobs in this experiment match the filter.']);
    });
  });
});
