import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { SubmittedJob } from '../../src/jobs/jobs.lazy';
import type { ReportedError } from '../../src/platform/errorReporter';
import { scriptedInput } from '../support/scriptedInput';
import { emulator } from './emulator';
import { childNamed, eventually } from './tree';

const SCHEMA = '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';

/** A job folder of its own: the YAML, and a code folder with a few files. */
function jobFolder(name: string, yaml: string): vscode.Uri {
  const folder = mkdtempSync(join(tmpdir(), `aml-job-${name}-`));
  mkdirSync(join(folder, 'src'));
  writeFileSync(join(folder, 'src', 'main.sh'), `echo "hello from ${name}"\n`);
  writeFileSync(join(folder, 'src', 'data.txt'), `${'x'.repeat(200_000)}\n`);
  writeFileSync(join(folder, 'job.yml'), yaml);
  return vscode.Uri.file(join(folder, 'job.yml'));
}

function commandJob(experiment: string, command: string): string {
  return [
    SCHEMA,
    'code: ./src',
    `command: ${JSON.stringify(command)}`,
    'environment: azureml:sklearn-env:1',
    'compute: azureml:cpu-cluster',
    `experiment_name: ${experiment}`,
    '',
  ].join('\n');
}

describe('jobs: submit from YAML, follow, cancel, re-submit', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  const folders: vscode.Uri[] = [];

  /** Failures shown to the user by anything but Submit: there should be none. */
  const shownElsewhere: string[] = [];
  let watchingReports: vscode.Disposable | undefined;

  before(async () => {
    api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    watchingReports = api.platform.errors.onDidReport((report) => {
      if (report.shown && report.where !== 'Azure ML: Submit Job')
        shownElsewhere.push(`${report.where}: ${report.message}`);
    });
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
  });
  afterEach(async () => {
    await emulator.clearFaults();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  after(() => {
    watchingReports?.dispose();
    folders.forEach((uri) => rmSync(join(uri.fsPath, '..'), { recursive: true, force: true }));
  });

  function file(name: string, yaml: string): vscode.Uri {
    const uri = jobFolder(name, yaml);
    folders.push(uri);
    return uri;
  }

  async function submit(uri: vscode.Uri): Promise<SubmittedJob> {
    const submitted = await vscode.commands.executeCommand<SubmittedJob | undefined>(CommandId.submitJob, uri);
    assert.ok(submitted, 'the submit command returns the job it created');
    return submitted;
  }

  const channelText = (job: SubmittedJob) => api.jobs.actions()?.channelText(job.jobName) ?? '';

  /** Failures of Submit only: a background poll of an earlier test's job may report meanwhile. */
  const onSubmitError = (listener: (report: ReportedError) => void) =>
    api.platform.errors.onDidReport((report) => {
      if (report.where === 'Azure ML: Submit Job') listener(report);
    });

  it('uploads the code, creates the job, shows it in the Jobs view and streams its log while it grows', async () => {
    const uri = file('stream', commandJob('submit-stream', 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.5; done'));
    const job = await submit(uri);
    assert.ok(job.uploadedBytes > 200_000, `the code went up (${job.uploadedBytes} bytes)`);
    const partial = await eventually(
      () => channelText(job),
      (text) => text.includes('tick 1'),
    );
    assert.ok(!partial.includes('[Completed]'), 'the first lines show before the job ends');
    const complete = await eventually(
      () => channelText(job),
      (text) => text.includes('[Completed]'),
    );
    assert.match(complete, /tick 1\n[\s\S]*tick 6\n/);

    const experiment = await eventually(
      async () => (await api.explorer.jobsTree.rootChildren()).map((node) => String(node.getTreeItem().label)),
      (names) => names.includes('submit-stream'),
    );
    assert.ok(experiment.includes('submit-stream'));
    const rows = await (await childNamed(api.explorer.jobsTree, 'submit-stream')).getChildren();
    assert.ok(rows.some((row) => row.getTreeItem().id?.endsWith(job.jobName)));
  });

  it('re-submits unchanged code without uploading a byte', async () => {
    const uri = file('again', commandJob('submit-again', 'bash main.sh'));
    const first = await submit(uri);
    assert.ok(first.uploadedBytes > 0);
    const before = (await emulator.blobRequests()).length;
    const second = await submit(uri);
    assert.notEqual(second.jobName, first.jobName, 'a new job, named before its PUT');
    assert.equal(second.uploadedBytes, 0);
    const sinceThen = (await emulator.blobRequests()).slice(before);
    assert.deepEqual(
      sinceThen.filter((request) => request.method === 'PUT'),
      [],
      'no blob was written: the content was only looked up',
    );
    await eventually(
      () => channelText(second),
      (text) => text.includes('hello from again') && text.includes('[Completed]'),
    );
  });

  it('cancels a running job from its row', async () => {
    const job = await submit(file('cancel', commandJob('submit-cancel', 'echo started; sleep 60')));
    await eventually(
      () => channelText(job),
      (text) => text.includes('started'),
    );
    await vscode.commands.executeCommand(CommandId.cancelJob, { workspace: job.workspace, jobName: job.jobName });
    await eventually(
      () => channelText(job),
      (text) => text.includes('[Canceled]'),
    );
  });

  it('survives 503s and dropped connections during upload and submit, creating exactly one job', async () => {
    await emulator.addFault({ pathPattern: 'LocalUpload', kind: 'reset', count: 2 });
    await emulator.addFault({ pathPattern: '/jobs/', method: 'PUT', kind: 'status', status: 503, count: 1 });
    await emulator.addFault({ pathPattern: '/jobs/', method: 'PUT', kind: 'reset', count: 1 });
    const job = await submit(file('faults', commandJob('submit-faults', 'echo survived')));
    assert.deepEqual(await emulator.pendingFaults(), [], 'every injected fault was met and survived');
    await eventually(
      () => channelText(job),
      (text) => text.includes('survived') && text.includes('[Completed]'),
    );
    const arm = await api.auth.session.getArm();
    const runs = await arm.runHistory(job.workspace).listRuns('submit-faults', {});
    assert.deepEqual(
      runs.items.map((run) => run.runId),
      [job.jobName],
      'one job in the experiment, whatever was retried',
    );
  });

  it('refuses an invalid file with its problems, before anything is uploaded', async () => {
    const reported: string[] = [];
    const reporting = onSubmitError((report) => reported.push(report.classified.message));
    const before = (await emulator.blobRequests()).length;
    try {
      const result = await vscode.commands.executeCommand(
        CommandId.submitJob,
        file('invalid', `${SCHEMA}\ncomand: python train.py\nenvironment: azureml:sklearn-env:1\n`),
      );
      assert.equal(result, undefined);
    } finally {
      reporting.dispose();
    }
    assert.equal(reported.length, 1);
    assert.match(reported[0], /job\.yml has (a problem|\d+ problems) to fix before it can run/);
    assert.equal((await emulator.blobRequests()).length, before);
  });

  it('asks for a compute when the job names none, and offers another when the one it names is missing', async () => {
    const withoutCompute = commandJob('submit-compute', 'echo on the picked compute')
      .replace('compute: azureml:cpu-cluster\n', '')
      .replace('experiment_name: submit-compute\n', '');
    const input = scriptedInput([{ pick: 'gpu-cluster' }, { pick: 'iris-training' }]);
    const restore = api.platform.useUserInput(input);
    let job: SubmittedJob;
    try {
      job = await submit(file('nocompute', withoutCompute));
    } finally {
      restore();
    }
    assert.equal(input.prompts[0].title, 'Run this job on which compute?');
    assert.equal(input.prompts[1].title, 'Which experiment does this job belong to?');
    assert.match(String(input.prompts[1].items?.[0].label), /^aml-job-nocompute-/, 'the folder name comes first');
    assert.equal(job.experimentName, 'iris-training');
    const arm = await api.auth.session.getArm();
    const created = await arm.getJob(job.workspace, job.jobName);
    assert.match(String((created.properties as { computeId?: string }).computeId), /\/computes\/gpu-cluster$/);

    const reported: Array<{ message: string; buttons: string[] }> = [];
    const reporting = onSubmitError((report) => reported.push({ message: report.message, buttons: report.buttons }));
    try {
      const result = await vscode.commands.executeCommand(
        CommandId.submitJob,
        file('badcompute', commandJob('submit-compute', 'echo x').replace('cpu-cluster', 'no-such-cluster')),
      );
      assert.equal(result, undefined);
    } finally {
      reporting.dispose();
    }
    assert.equal(reported.length, 1);
    assert.match(reported[0].message, /Compute 'no-such-cluster' does not exist in workspace mlw-vision-dev/);
    assert.deepEqual(reported[0].buttons, ['Pick Another Compute']);
  });

  it('registers a model from a completed job, and shows another log file of it', async () => {
    const job = await submit(
      file('model', commandJob('submit-model', 'mkdir -p outputs && echo w > outputs/model.txt')),
    );
    await eventually(
      () => channelText(job),
      (text) => text.includes('[Completed]'),
    );
    const input = scriptedInput([{ pick: 'outputs/' }, { input: 'demo-classifier' }]);
    const restore = api.platform.useUserInput(input);
    let registered: string | undefined;
    try {
      registered = await vscode.commands.executeCommand<string>(CommandId.registerModelFromJob, job);
    } finally {
      restore();
    }
    assert.match(registered ?? '', /^demo-classifier:\d+$/);
    const version = registered!.split(':')[1];
    const arm = await api.auth.session.getArm();
    const model = await arm.getResource(
      `/subscriptions/${job.workspace.subscriptionId}/resourceGroups/${job.workspace.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${job.workspace.name}/models/demo-classifier/versions/${version}`,
    );
    const properties = model.properties as Record<string, unknown>;
    assert.equal(properties.modelUri, `azureml://jobs/${job.jobName}/outputs/artifacts/paths/outputs/`);
    assert.equal(properties.jobName, job.jobName);

    const logs = scriptedInput([{ pick: 'user_logs/std_log.txt' }]);
    const restoreLogs = api.platform.useUserInput(logs);
    try {
      await vscode.commands.executeCommand(CommandId.showJobLog, job);
    } finally {
      restoreLogs();
    }
    assert.ok((logs.prompts[0].items ?? []).length >= 1, 'the job log files are offered');
  });

  it("downloads a finished job's outputs and logs into the folder", async () => {
    const yaml = [
      commandJob(
        'submit-download',
        'echo writing the model; mkdir -p ${{outputs.model}} && echo weights > ${{outputs.model}}/weights.txt',
      ).trimEnd(),
      'outputs:',
      '  model:',
      '    type: uri_folder',
      '',
    ].join('\n');
    const job = await submit(file('download', yaml));
    await eventually(
      () => channelText(job),
      (text) => text.includes('[Completed]'),
    );
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const input = scriptedInput([
      { pick: `.azureml/jobs/${job.jobName}/outputs` },
      { pick: `.azureml/jobs/${job.jobName}/logs` },
    ]);
    const restore = api.platform.useUserInput(input);
    try {
      const outputs = await vscode.commands.executeCommand<string>(CommandId.downloadJobOutputs, job);
      assert.equal(outputs, join(root, '.azureml', 'jobs', job.jobName, 'outputs'));
      assert.equal(readFileSync(join(outputs!, 'model', 'weights.txt'), 'utf8'), 'weights\n');
      const logs = await vscode.commands.executeCommand<string>(CommandId.downloadJobLogs, job);
      assert.match(readFileSync(join(logs!, 'user_logs', 'std_log.txt'), 'utf8'), /writing the model/);
    } finally {
      restore();
      rmSync(join(root, '.azureml'), { recursive: true, force: true });
    }
  });

  it('underlines the YAML line a service 400 names, and words quota and permission errors with what to do', async () => {
    const uri = file('refused', commandJob('submit-refused', 'echo never'));
    const reported: Array<{ message: string; buttons: string[] }> = [];
    const reporting = onSubmitError((report) => reported.push({ message: report.message, buttons: report.buttons }));
    try {
      await emulator.addFault({
        pathPattern: '/jobs/',
        method: 'PUT',
        kind: 'status',
        status: 400,
        code: 'UserError',
        message: 'Request is invalid and/or missing fields. Field: properties.environmentId must be an ARM id.',
        count: 1,
      });
      await vscode.commands.executeCommand(CommandId.submitJob, uri);
      const diagnostics = await eventually(
        () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Azure ML'),
        (found) => found.length > 0,
      );
      assert.equal(diagnostics[0].range.start.line, 3, 'on the environment line');
      assert.match(diagnostics[0].message, /properties\.environmentId/);

      await emulator.addFault({
        pathPattern: '/jobs/',
        method: 'PUT',
        kind: 'status',
        status: 400,
        code: 'OutOfQuota',
        message: 'OutOfQuota: Not enough cluster CPU quota. The amount of additional CPU quota requested is 8.',
        count: 1,
      });
      await vscode.commands.executeCommand(CommandId.submitJob, uri);
      assert.match(reported.at(-1)?.message ?? '', /mlw-vision-dev has no quota left for this job: OutOfQuota/);
      assert.deepEqual(reported.at(-1)?.buttons, ['Pick Another Compute', 'How to Raise Quota']);

      await emulator.setAccess(api.auth.activeWorkspace.current!.subscriptionId, false);
      try {
        await vscode.commands.executeCommand(CommandId.submitJob, uri);
      } finally {
        await emulator.restoreAccess();
      }
      assert.match(reported.at(-1)?.message ?? '', /You lack the permission .+ Ask an owner for a role/);
      assert.equal(reported.length, 3);
    } finally {
      reporting.dispose();
    }
  });

  it('underlines what the converter cannot use and says why', async () => {
    const uri = file('badlabel', commandJob('submit-bad', 'echo x').replace('sklearn-env:1', 'sklearn-env@production'));
    const reported: string[] = [];
    const reporting = onSubmitError((report) => reported.push(report.classified.message));
    try {
      await vscode.commands.executeCommand(CommandId.submitJob, uri);
    } finally {
      reporting.dispose();
    }
    assert.equal(reported.length, 1, reported.join('\n'));
    const diagnostics = await eventually(
      () => vscode.languages.getDiagnostics(uri),
      (found) => found.length > 0,
    );
    assert.equal(diagnostics[0].range.start.line, 3, 'on the environment line');
    assert.match(reported[0], /@latest/);
  });

  it('runs a pipeline of two steps with local code and bindings, following each step under its name', async () => {
    const uri = file(
      'pipeline',
      [
        '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
        'type: pipeline',
        'experiment_name: submit-pipeline',
        'inputs:',
        '  greeting: hello',
        'settings:',
        '  default_compute: azureml:cpu-cluster',
        'jobs:',
        '  prep:',
        '    type: command',
        '    code: ./src',
        '    command: mkdir -p ${{outputs.prepared}} && echo "${{inputs.word}}" > ${{outputs.prepared}}/word.txt && echo prepared',
        '    environment: azureml:sklearn-env:1',
        '    inputs:',
        '      word: ${{parent.inputs.greeting}}',
        '    outputs:',
        '      prepared:',
        '        type: uri_folder',
        '  train:',
        '    type: command',
        '    code: ./src',
        '    command: echo "trained on $(cat ${{inputs.data}}/word.txt)"',
        '    environment: azureml:sklearn-env:1',
        '    inputs:',
        '      data: ${{parent.jobs.prep.outputs.prepared}}',
        '',
      ].join('\n'),
    );
    const job = await submit(uri);
    const text = await eventually(
      () => channelText(job),
      (shown) => /\[(Completed|Failed)\]/.test(shown),
      90_000,
    );
    assert.match(text, /── step prep ──\n[\s\S]*prepared/);
    assert.match(text, /── step train ──\n[\s\S]*trained on hello/);
    assert.match(text, /\[Completed\]/);
  });

  it('re-runs a submitted job with overrides, without asking again what the first submit asked', async () => {
    const job = await submit(
      file(
        'rerun',
        commandJob('submit-rerun', 'echo "epochs=${{inputs.epochs}}"').replace(
          'experiment_name: submit-rerun\n',
          'experiment_name: submit-rerun\ninputs:\n  epochs: 1\n',
        ),
      ),
    );
    const input = scriptedInput([{ input: 'inputs.epochs=7 display_name=second-try' }]);
    const restore = api.platform.useUserInput(input);
    let again: SubmittedJob | undefined;
    try {
      again = await vscode.commands.executeCommand<SubmittedJob>(CommandId.rerunJob, job);
    } finally {
      restore();
    }
    assert.equal(input.prompts.length, 1, 'only the overrides were asked');
    assert.ok(again && again.jobName !== job.jobName);
    const arm = await api.auth.session.getArm();
    const created = (await arm.getJob(again.workspace, again.jobName)).properties as Record<string, unknown>;
    assert.equal(created.displayName, 'second-try');
    await eventually(
      () => channelText(again!),
      (text) => text.includes('epochs=7') && text.includes('[Completed]'),
    );
  });

  it("runs the demo project's train.yml and pipeline.yml to completion", async function () {
    this.timeout(180_000);
    const demo = vscode.Uri.joinPath(
      vscode.workspace.workspaceFolders![0].uri,
      '..',
      'demo-project',
      'mlops',
      'azureml',
    );
    const train = await submit(vscode.Uri.joinPath(demo, 'train', 'train.yml'));
    const pipeline = await submit(vscode.Uri.joinPath(demo, 'train', 'pipeline.yml'));
    for (const job of [train, pipeline]) {
      const text = await eventually(
        () => channelText(job),
        (shown) => /\[(Completed|Failed|Canceled)\]/.test(shown),
        150_000,
      );
      assert.match(text, /training finished/);
      assert.match(text, /\[Completed\]/, text.slice(-2000));
    }
    assert.match(channelText(pipeline), /── step train ──\ntraining on \d+ rows/);
  });

  it('showed no other failure while jobs were submitted, followed, cancelled and revealed', () => {
    assert.deepEqual(shownElsewhere, []);
  });
});
