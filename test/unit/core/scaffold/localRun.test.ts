import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
    assert.match(readFileSync(join(review, 'report.md'), 'utf8'), /## Error by group[\s\S]*\| vendor \| 1 \|/);
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
