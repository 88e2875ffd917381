import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataAssetName, findProjectDataAssets, projectDataResolver } from '../../../../src/core/localRuns/projectData';
import { planLocalRun } from '../../../../src/core/localRuns/plan';
import { startLocalRun } from '../../../../src/core/localRuns/runner';
import { generate } from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import { withDefaults, type ScaffoldOptions } from '../../../../src/core/scaffold/options';

/** Debian's python3, with python3-pandas and python3-sklearn (scripts/run-unit.mjs installs them) and no MLflow. */
const DEBIAN_PYTHON = '/usr/bin/python3';

describe('core/scaffold: the classical training pipeline runs locally on its sample data', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'scaffold-run-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function runPipeline(choices: Partial<ScaffoldOptions>) {
    const project = join(root, 'taxi project');
    await generate(withDefaults({ scenario: 'classical', ...choices }), nodeTarget(project));
    const yamlFile = join(project, 'mlops', 'azureml', 'train', 'pipeline.yml');
    const plan = planLocalRun(readFileSync(yamlFile, 'utf8'), yamlFile, (path) => readFileSync(path, 'utf8'));
    const assets = await findProjectDataAssets(project);
    const asked: string[] = [];
    let terminal = '';
    const started = await startLocalRun({
      plan,
      projectRoot: project,
      yamlFile,
      interpreter: DEBIAN_PYTHON,
      resolveAsset: projectDataResolver(assets, (reference) => {
        asked.push(reference);
        return Promise.reject(new Error(`no workspace in this test for ${reference}`));
      }),
      write: (text) => (terminal += text),
      signal: new AbortController().signal,
    });
    const record = await started.done;
    const modelInfoPath = join(started.runDir, record.steps.at(-1)!.outputs.model_info_output_path, 'model_info.json');
    return { project, assets, asked, terminal, record, runDir: started.runDir, modelInfoPath };
  }

  it('prepares, trains, evaluates and writes the candidate model info, without MLflow', async () => {
    const { project, assets, asked, terminal, record, runDir, modelInfoPath } = await runPipeline({});
    assert.deepEqual(
      assets.map((asset) => [asset.name, asset.type, asset.path]),
      [['taxi-data', 'uri_file', join(project, 'data', 'taxi-data.csv')]],
    );
    assert.deepEqual(asked, [], 'the data asset came from the project, not the workspace');
    assert.equal(record.status, 'Completed', terminal);
    assert.deepEqual(
      record.steps.map((step) => [step.name, step.status]),
      [
        ['prep_data', 'Completed'],
        ['train_model', 'Completed'],
        ['evaluate_model', 'Completed'],
        ['register_model', 'Completed'],
      ],
    );
    const evaluation = join(runDir, record.steps[2].outputs.evaluation_output);
    const metrics = JSON.parse(readFileSync(join(evaluation, 'metrics.json'), 'utf8'));
    assert.ok(metrics.r2 > 0.5, `the sample data trains a useful model (R² ${metrics.r2})`);
    assert.equal(readFileSync(join(evaluation, 'deploy_flag'), 'utf8'), '1');
    assert.ok(existsSync(join(runDir, record.steps[1].outputs.model_output, 'model.pkl')));
    const info = JSON.parse(readFileSync(modelInfoPath, 'utf8'));
    assert.equal(info.name, 'taxi-model');
    assert.equal(info.registered, false);
    assert.equal(info.version, null);
    assert.match(info.reason, /MLflow is not installed/);
    assert.match(terminal, /metric test_r2 = /);
  });

  it('with the Responsible AI review, registers nothing until a person approves', async () => {
    const { record, runDir, modelInfoPath } = await runPipeline({ responsibleAi: true });
    assert.equal(record.status, 'Completed');
    assert.deepEqual(
      record.steps.map((step) => step.name),
      ['prep_data', 'train_model', 'evaluate_model', 'responsible_ai_review', 'register_model'],
    );
    const review = join(runDir, record.steps[3].outputs.review_output);
    const report = readFileSync(join(review, 'report.md'), 'utf8');
    assert.match(report, /## Error by group[\s\S]*\| vendor \| 1 \| \d+ \| [\d.]+ \| [\d.]+ \| ok \|/);
    // The sample's test split has groups of a handful of rows: listed as too small, not failing the review.
    assert.match(report, /\| passengers \| 4 \| 3 \| [\d.]+ \| [\d.]+ \| too few rows to judge \|/);
    assert.match(report, /passengers=4 has 3 test rows, fewer than the 10 needed to judge it/);
    assert.equal(readFileSync(join(review, 'review_passed'), 'utf8'), '1', report);
    const info = JSON.parse(readFileSync(modelInfoPath, 'utf8'));
    assert.equal(info.registered, false);
    assert.match(info.reason, /Responsible AI review/);
  });

  it('maps only azureml: references to the project data it declares', () => {
    assert.equal(dataAssetName('azureml:taxi-data@latest'), 'taxi-data');
    assert.equal(dataAssetName('azureml:taxi-data:3'), 'taxi-data');
    assert.equal(dataAssetName('azureml:taxi-data'), 'taxi-data');
    assert.equal(dataAssetName('azureml://datastores/x/paths/y.csv'), undefined);
    assert.equal(dataAssetName('https://example.invalid/x.csv'), undefined);
  });
});

describe('core/scaffold: the Responsible AI review judges groups large enough to judge', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'scaffold-rai-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Runs the generated rai_review.py on an evaluation's metrics and group errors. */
  async function review(groups: Record<string, Record<string, { mae: number; rows: number }>>, ...args: string[]) {
    const project = join(root, 'project');
    await generate(withDefaults({ scenario: 'classical', responsibleAi: true }), nodeTarget(project));
    const evaluation = join(root, 'evaluation');
    mkdirSync(evaluation);
    writeFileSync(join(evaluation, 'metrics.json'), JSON.stringify({ mae: 2, r2: 0.9 }));
    writeFileSync(join(evaluation, 'group_errors.json'), JSON.stringify(groups));
    const output = join(root, 'review');
    const script = join(project, 'data-science', 'src', 'rai_review.py');
    const result = spawnSync(
      DEBIAN_PYTHON,
      [script, '--evaluation_output', evaluation, '--review_output', output, ...args],
      { encoding: 'utf8' },
    );
    assert.equal(result.status, 0, result.stderr);
    return {
      report: readFileSync(join(output, 'report.md'), 'utf8'),
      passed: readFileSync(join(output, 'review_passed'), 'utf8'),
    };
  }

  it('fails a large group over the allowed ratio, and leaves a small one out of the verdict', async () => {
    const { report, passed } = await review({
      vendor: { '1': { mae: 2, rows: 40 }, '2': { mae: 3.5, rows: 30 } },
      passengers: { '6': { mae: 9, rows: 2 } },
    });
    assert.equal(passed, '0');
    assert.match(report, /vendor=2 has 1\.75x the overall error \(at most 1\.50x allowed\)/);
    assert.doesNotMatch(report, /passengers=6 has 4\.50x/);
    assert.match(report, /passengers=6 has 2 test rows, fewer than the 10 needed to judge it/);
  });

  it('says plainly when no group is large enough to judge, and does not pass', async () => {
    const { report, passed } = await review({ vendor: { '1': { mae: 2, rows: 4 }, '2': { mae: 2.1, rows: 5 } } });
    assert.equal(passed, '0');
    assert.match(report, /no group has the 10 test rows needed to judge it: evaluate on more data/);
  });

  it('judges small groups too when told a smaller minimum', async () => {
    const { report, passed } = await review(
      { vendor: { '1': { mae: 2, rows: 4 }, '2': { mae: 2.1, rows: 5 } } },
      '--min_group_rows',
      '3',
    );
    assert.equal(passed, '1', report);
    assert.match(report, /\| vendor \| 2 \| 5 \| 2\.1000 \| 1\.05 \| ok \|/);
  });
});
