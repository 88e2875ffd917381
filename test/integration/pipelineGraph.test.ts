import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandId, EXTENSION_ID } from '../../src/constants';
import type { ExtensionApi } from '../../src/extension';
import type { SubmittedJob } from '../../src/jobs/jobs.lazy';
import type { JobDetailsView } from '../../src/jobs/details';
import type { PipelineGraphView } from '../../src/jobs/pipelineGraph';
import type { JobOverview } from '../../src/webviews/jobDetails/contract';
import type { Envelope } from '../../src/webviews/messaging';
import type { FromPipelineGraph, ToPipelineGraph } from '../../src/webviews/pipelineGraph/contract';
import { policyProblems, readServedPage } from '../support/servedPage';
import { assertPageCarriesItsCode } from './servedBundle';
import { childNamed, eventually } from './tree';

const PIPELINE = [
  '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
  'type: pipeline',
  'experiment_name: pipeline-graph',
  'inputs:',
  '  greeting: hello',
  'settings:',
  '  default_compute: azureml:cpu-cluster',
  'jobs:',
  '  prep:',
  '    type: command',
  '    code: ./src',
  '    command: mkdir -p ${{outputs.prepared}} && echo "${{inputs.word}}" > ${{outputs.prepared}}/word.txt && sleep 3',
  '    environment: azureml:sklearn-env:1',
  '    inputs:',
  '      word: ${{parent.inputs.greeting}}',
  '    outputs:',
  '      prepared:',
  '        type: uri_folder',
  '  train:',
  '    type: command',
  '    code: ./src',
  '    command: echo "trained on $(cat ${{inputs.data}}/word.txt)" && sleep 3',
  '    environment: azureml:sklearn-env:1',
  '    inputs:',
  '      data: ${{parent.jobs.prep.outputs.prepared}}',
  '',
].join('\n');

describe('pipeline graph: from a YAML file as it is edited, and from a submitted job', function () {
  this.timeout(180_000);
  let folder: string;

  before(async () => {
    const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const dev = await childNamed(api.explorer.workspacesTree, 'Contoso ML Dev');
    await vscode.commands.executeCommand(CommandId.setActiveWorkspace, await childNamed(dev, 'mlw-vision-dev'));
    folder = mkdtempSync(join(tmpdir(), 'aml-pipeline-graph-'));
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'README.md'), 'steps run shell commands only\n');
    writeFileSync(join(folder, 'pipeline.yml'), PIPELINE);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(folder, { recursive: true, force: true });
  });

  const last = <K extends keyof ToPipelineGraph>(view: PipelineGraphView, type: K) =>
    view.posted.filter((message) => message.type === type).at(-1)?.payload as ToPipelineGraph[K] | undefined;
  const arrows = (graph: ToPipelineGraph['graph'] | undefined) =>
    (graph?.arrows ?? []).map((arrow) => `${arrow.from} -${arrow.label}-> ${arrow.to}`).sort();

  it('draws the graph of a YAML file, all steps not started, and redraws it as the file is edited', async () => {
    const uri = vscode.Uri.file(join(folder, 'pipeline.yml'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const view = await vscode.commands.executeCommand<PipelineGraphView | undefined>(CommandId.showPipelineGraph, uri);
    assert.ok(view, 'the command returns the panel it opened');
    assert.equal(view.source, 'file');

    const page = readServedPage(view.panel.webview.html);
    assert.deepEqual(policyProblems(page, view.panel.webview.cspSource), []);
    assertPageCarriesItsCode(view.panel.webview.html, ['pipelineGraph.js', 'pipelineGraph.css']);

    const graph = await eventually(
      () => last(view, 'graph'),
      (value) => value !== undefined,
    );
    assert.deepEqual(
      graph?.boxes.map((box) => box.id),
      ['input:greeting', 'step:prep', 'step:train'],
    );
    assert.deepEqual(arrows(graph), ['input:greeting -greeting-> step:prep', 'step:prep -prepared-> step:train']);
    assert.deepEqual(last(view, 'statuses'), {
      steps: [
        { name: 'prep', status: 'NotStarted', look: 'notStarted' },
        { name: 'train', status: 'NotStarted', look: 'notStarted' },
      ],
      live: false,
    });
    // The page drew each step as a focusable box named by its status.
    const rendered = await eventually(
      () => view.received.filter((message) => message.type === 'rendered').at(-1)?.payload,
      (payload) => (payload?.steps.length ?? 0) === 2,
    );
    assert.deepEqual(rendered, { steps: ['step prep: Not started', 'step train: Not started'], arrows: 2 });

    const edit = new vscode.WorkspaceEdit();
    edit.insert(
      uri,
      new vscode.Position(document.lineCount, 0),
      [
        '  score:',
        '    type: command',
        '    command: echo scored',
        '    environment: azureml:sklearn-env:1',
        '    inputs:',
        '      data: ${{parent.jobs.prep.outputs.prepared}}',
        '',
      ].join('\n'),
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    const edited = await eventually(
      () => last(view, 'graph'),
      (value) => (value?.boxes.length ?? 0) === 4,
    );
    assert.deepEqual(arrows(edited), [
      'input:greeting -greeting-> step:prep',
      'step:prep -prepared-> step:score',
      'step:prep -prepared-> step:train',
    ]);
    await eventually(
      () => view.received.filter((message) => message.type === 'rendered').at(-1)?.payload,
      (payload) => payload?.steps.includes('step score: Not started') === true,
    );
    // Back to the file as written, for the submit below (which reads the open document).
    const undo = new vscode.WorkspaceEdit();
    undo.delete(uri, new vscode.Range(PIPELINE.split('\n').length - 1, 0, document.lineCount, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    assert.equal(document.getText(), PIPELINE);
    await eventually(
      () => last(view, 'graph'),
      (value) => value?.boxes.length === 3,
    );
    view.panel.dispose();
  });

  it("follows a submitted pipeline's steps until each is Completed", async () => {
    const job = await vscode.commands.executeCommand<SubmittedJob | undefined>(
      CommandId.submitJob,
      vscode.Uri.file(join(folder, 'pipeline.yml')),
    );
    assert.ok(job, 'the pipeline was submitted');
    const view = await vscode.commands.executeCommand<PipelineGraphView | undefined>(CommandId.showPipelineGraph, {
      workspace: job.workspace,
      jobName: job.jobName,
    });
    assert.ok(view);
    assert.equal(view.source, 'job');
    const graph = await eventually(
      () => last(view, 'graph'),
      (value) => value !== undefined,
      30_000,
    );
    assert.deepEqual(arrows(graph), ['input:greeting -greeting-> step:prep', 'step:prep -prepared-> step:train']);

    const final = await eventually(
      () => last(view, 'statuses'),
      (value) => value?.live === false,
      120_000,
    );
    assert.deepEqual(final?.steps, [
      { name: 'prep', status: 'Completed', look: 'passed' },
      { name: 'train', status: 'Completed', look: 'passed' },
    ]);
    const seen = view.posted.filter((message) => message.type === 'statuses');
    // Each step takes seconds, so the page shows the pipeline running before it shows it done.
    assert.equal(
      (seen[0].payload as ToPipelineGraph['statuses']).live,
      true,
      'the first statuses are of a running pipeline',
    );
    assert.ok(seen.length >= 2, 'statuses arrived as the steps ran, not only at the end');
    assert.equal(view.live, false, 'polling stops when the pipeline ends');
    await eventually(
      () => view.received.filter((message) => message.type === 'rendered').at(-1)?.payload.steps,
      (steps) => JSON.stringify(steps) === JSON.stringify(['step prep: Completed', 'step train: Completed']),
    );

    // A click on the train step's box opens the details of the train step's own run.
    const api = await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate();
    const history = (await api.auth.session.getArm()).runHistory(job.workspace);
    const stepRuns = (await history.listChildRuns(job.jobName)).items;
    const trainRun = stepRuns.find((run) => run.displayName === 'train');
    assert.ok(trainRun, `the pipeline has a train step run: ${stepRuns.map((run) => run.displayName).join(', ')}`);
    const detailsTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter(
          (tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('azureml.jobDetails'),
        );
    const tabsBefore = detailsTabs().length;
    const click: Envelope<FromPipelineGraph> = { type: 'openStep', payload: { name: 'train' } };
    view.fromPage(click);
    assert.deepEqual(view.received.at(-1), click, 'the click passed the contract check');
    await eventually(
      () => detailsTabs().length,
      (count) => count === tabsBefore + 1,
    );
    // Showing the step's details again reveals the panel the click opened rather than a second one.
    const details = await vscode.commands.executeCommand<JobDetailsView | undefined>(CommandId.showJobDetails, {
      workspace: job.workspace,
      jobName: trainRun.runId,
    });
    assert.ok(details);
    assert.equal(detailsTabs().length, tabsBefore + 1, 'the click opened the panel of the train step run');
    assert.equal(details.source.job?.jobName, trainRun.runId);
    const overview = await eventually(
      () => details.posted.filter((message) => message.type === 'overview').at(-1)?.payload as JobOverview | undefined,
      (value) => value !== undefined,
    );
    assert.equal(overview?.jobName, trainRun.runId);
    assert.equal(overview?.status, 'Completed');
    details.panel.dispose();
  });
});
