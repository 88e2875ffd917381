import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { corpus } from '../jobs/corpus';
import { LocalRunPlanError, planLocalRun, type LocalRunPlan } from '../../../../src/core/localRuns/plan';

const fixtures = join(__dirname, '../../../fixtures');
const demoTrain = join(fixtures, 'demo-project/mlops/azureml/train');
const twoStep = join(fixtures, 'local-runs/two-step');

const readFromDisk = (path: string) => readFileSync(path, 'utf8');

function planFile(file: string): LocalRunPlan {
  return planLocalRun(readFileSync(file, 'utf8'), file, readFromDisk);
}

/** Plans YAML text as if it were a file in `folder`, reading component files from `files` only. */
function planText(yaml: string, files: Record<string, string> = {}, folder = '/project/jobs'): LocalRunPlan {
  return planLocalRun(yaml, join(folder, 'job.yml'), (path) => {
    if (path in files) return files[path];
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  });
}

function refusal(yaml: string, files?: Record<string, string>): LocalRunPlanError {
  try {
    planText(yaml, files);
  } catch (error) {
    assert.ok(error instanceof LocalRunPlanError, `expected a LocalRunPlanError, got ${String(error)}`);
    return error;
  }
  return assert.fail('planning should have been refused');
}

const pipelineOf = (jobs: string, extra = '') => `type: pipeline\n${extra}jobs:\n${jobs}`;

describe('core/localRuns/plan', () => {
  it("plans the demo's command job as one step named after its display name", () => {
    const plan = planFile(join(demoTrain, 'train.yml'));
    assert.equal(plan.jobType, 'command');
    assert.equal(plan.experimentName, 'demo-training');
    assert.equal(plan.displayName, 'train-linear');
    assert.equal(plan.steps.length, 1);
    const [step] = plan.steps;
    assert.equal(step.name, 'train-linear');
    assert.equal(step.codeDir, join(fixtures, 'demo-project/data-science/src'));
    assert.match(step.command, /^python train\.py --epochs \$\{\{inputs\.epochs\}\}/);
    assert.deepEqual(step.inputs, {
      epochs: { kind: 'literal', value: '20' },
      learning_rate: { kind: 'literal', value: '0.1' },
    });
    assert.deepEqual(step.dependsOn, []);
  });

  it("plans the demo pipeline: prep before train, train reading prep's output, the data asset left for run time", () => {
    const plan = planFile(join(demoTrain, 'pipeline.yml'));
    assert.equal(plan.jobType, 'pipeline');
    assert.equal(plan.experimentName, 'demo-training');
    assert.deepEqual(
      plan.steps.map((step) => step.name),
      ['prep', 'train'],
    );
    const [prep, train] = plan.steps;
    assert.deepEqual(prep.inputs.raw, { kind: 'asset', reference: 'azureml:iris-csv@latest', type: 'uri_file' });
    assert.deepEqual(prep.outputs, ['prepared']);
    assert.deepEqual(train.inputs.data, { kind: 'stepOutput', step: 'prep', output: 'prepared' });
    assert.deepEqual(train.inputs.epochs, { kind: 'literal', value: '20' });
    assert.deepEqual(train.dependsOn, ['prep']);
    assert.deepEqual(train.outputs, ['model'], 'an output bound to a pipeline output is still the step’s');
    assert.equal(train.outputTypes?.model, 'mlflow_model', 'the pipeline output it is bound to gives its type');
    assert.equal(train.codeDir, join(fixtures, 'demo-project/data-science/src'));
  });

  it('orders steps by what they read, whatever order the YAML lists them in', () => {
    const plan = planText(
      pipelineOf(`  late:
    command: echo \${{inputs.x}}
    inputs:
      x: \${{parent.jobs.early.outputs.out}}
  early:
    command: echo > \${{outputs.out}}
    outputs:
      out:
`),
    );
    assert.deepEqual(
      plan.steps.map((step) => step.name),
      ['early', 'late'],
    );
  });

  it('reads a component file: its command, code folder (from its own folder), inputs and outputs', () => {
    const plan = planFile(join(twoStep, 'pipeline.yml'));
    assert.deepEqual(
      plan.steps.map((step) => step.name),
      ['make', 'use'],
    );
    const [make, use] = plan.steps;
    assert.deepEqual(make.inputs, {
      greeting: { kind: 'literal', value: 'hello local run' },
      rows: { kind: 'literal', value: '3' },
    });
    assert.equal(use.command, 'python use.py --table ${{inputs.table}} $[[--limit ${{inputs.limit}}]]');
    assert.equal(use.codeDir, join(twoStep, 'src'));
    assert.deepEqual(use.inputs, { table: { kind: 'stepOutput', step: 'make', output: 'table' } });
    assert.deepEqual(use.dependsOn, ['make']);
  });

  it('uses a component’s defaults and environment variables, the step’s own winning', () => {
    const component = `type: command
command: run \${{inputs.alpha}} \${{inputs.beta}} \${{inputs.data}}
code: ../src
environment_variables: { A: from-component, B: from-component }
inputs:
  alpha: { type: number, default: 0.5 }
  beta: { type: boolean, default: false }
  data: { type: uri_folder, default: ./data }
`;
    const plan = planText(
      pipelineOf(`  step:
    component: file:components/c.yml
    environment_variables: { B: from-step }
    inputs:
      alpha: 2
`),
      { '/project/jobs/components/c.yml': component },
    );
    const [step] = plan.steps;
    assert.equal(step.codeDir, '/project/jobs/src');
    assert.deepEqual(step.environmentVariables, { A: 'from-component', B: 'from-step' });
    assert.deepEqual(step.inputs, {
      alpha: { kind: 'literal', value: '2' },
      beta: { kind: 'literal', value: 'False' },
      data: { kind: 'path', path: '/project/jobs/components/data', type: 'uri_folder' },
    });
  });

  it('resolves local data paths against the YAML’s folder and keeps remote ones for run time', () => {
    const plan = planText(`command: ls \${{inputs.a}} \${{inputs.b}} \${{inputs.c}}
inputs:
  a: { type: uri_folder, path: ../data }
  b: { type: uri_file, path: https://example.com/iris.csv }
  c: { type: mltable, path: azureml:table:3 }
  unset: { type: uri_folder }
`);
    assert.deepEqual(plan.steps[0].inputs, {
      a: { kind: 'path', path: '/project/data', type: 'uri_folder' },
      b: { kind: 'asset', reference: 'https://example.com/iris.csv', type: 'uri_file' },
      c: { kind: 'asset', reference: 'azureml:table:3', type: 'mltable' },
    });
    assert.equal(plan.steps[0].name, 'main');
    assert.equal(plan.steps[0].codeDir, '/project/jobs');
    assert.equal(plan.experimentName, 'jobs', 'the experiment defaults to the folder name, as for submission');
  });

  it("follows a binding to another step's input", () => {
    const plan = planText(
      pipelineOf(
        `  a:
    command: echo \${{inputs.n}}
    inputs:
      n: \${{parent.inputs.count}}
  b:
    command: echo \${{inputs.n}}
    inputs:
      n: \${{parent.jobs.a.inputs.n}}
`,
        'inputs:\n  count: 7\n',
      ),
    );
    assert.deepEqual(plan.steps[1].inputs.n, { kind: 'literal', value: '7' });
    assert.deepEqual(plan.steps[1].dependsOn, []);
  });

  describe('refuses what cannot run locally, saying what and where', () => {
    it('a sweep job', () => {
      const error = refusal('type: sweep\ntrial: ./t.yml\n');
      assert.match(error.message, /Sweep jobs cannot run locally.*submit it to Azure ML/);
      assert.deepEqual(error.path, ['type']);
    });

    for (const [type, label] of [
      ['sweep', 'a sweep step'],
      ['automl', 'an AutoML step'],
      ['spark', 'a Spark step'],
      ['parallel', 'a parallel step'],
    ]) {
      it(`${label}`, () => {
        const error = refusal(pipelineOf(`  ok:\n    command: echo\n  odd:\n    type: ${type}\n`));
        assert.match(error.message, new RegExp(`Step \`odd\` is ${label}.*submit it to Azure ML`));
        assert.match(error.message, /\(at jobs\.odd\.type\)\.$/);
      });
    }

    it('a component file whose type is not command', () => {
      const error = refusal(pipelineOf('  p:\n    component: ./par.yml\n'), {
        '/project/jobs/par.yml': 'type: parallel\n',
      });
      assert.match(error.message, /Step `p` is a parallel step/);
    });

    it('a cycle between steps, naming it', () => {
      const error = refusal(
        pipelineOf(`  first:
    command: echo \${{inputs.x}}
    inputs: { x: "\${{parent.jobs.third.outputs.o}}" }
    outputs: { o: }
  second:
    command: echo \${{inputs.x}}
    inputs: { x: "\${{parent.jobs.first.outputs.o}}" }
    outputs: { o: }
  third:
    command: echo \${{inputs.x}}
    inputs: { x: "\${{parent.jobs.second.outputs.o}}" }
    outputs: { o: }
`),
      );
      assert.match(error.message, /cycle: first → third → second → first/);
    });

    it('a binding to an unknown step', () => {
      const error = refusal(
        pipelineOf('  a:\n    command: echo ${{inputs.x}}\n    inputs:\n      x: ${{parent.jobs.nope.outputs.o}}\n'),
      );
      assert.match(error.message, /names no step `nope`/);
      assert.deepEqual(error.path, ['jobs', 'a', 'inputs', 'x']);
    });

    it("a binding to an output the step doesn't declare", () => {
      const error = refusal(
        pipelineOf(`  a:
    command: echo > \${{outputs.o}}
    outputs: { o: }
  b:
    command: echo \${{inputs.x}}
    inputs: { x: "\${{parent.jobs.a.outputs.other}}" }
`),
      );
      assert.match(error.message, /names no output `other` of step `a` \(at jobs\.b\.inputs\.x\)/);
    });

    it('a binding to an unknown pipeline input or output', () => {
      assert.match(
        refusal(pipelineOf('  a:\n    command: echo ${{inputs.x}}\n    inputs:\n      x: ${{parent.inputs.missing}}\n'))
          .message,
        /names no pipeline input `missing`/,
      );
      assert.match(
        refusal(pipelineOf('  a:\n    command: echo\n    outputs:\n      o: ${{parent.outputs.missing}}\n')).message,
        /names no pipeline output `missing`/,
      );
    });

    it('a command that uses an input nobody declares', () => {
      const error = refusal('command: python x.py --n ${{inputs.n}}\n');
      assert.match(error.message, /uses \$\{\{inputs\.n\}\}, but no input `n` is declared/);
      assert.deepEqual(error.path, ['command']);
    });

    it('a component file that does not exist', () => {
      const error = refusal(pipelineOf('  a:\n    component: ./missing.yml\n'));
      assert.match(error.message, /The component file \.\/missing\.yml does not exist/);
      assert.deepEqual(error.path, ['jobs', 'a', 'component']);
    });

    it('a registered component, whose YAML is not here', () => {
      assert.match(refusal(pipelineOf('  a:\n    component: azureml:train:3\n')).message, /registered component/);
    });

    it('YAML that does not parse', () => {
      assert.match(refusal('command: [unclosed\n').message, /not valid YAML/);
    });
  });

  describe('the azureml-examples corpus', () => {
    const planCorpus = (path: string) => planFile(join(corpus, path));

    it('plans the NYC taxi pipeline in dependency order', () => {
      const plan = planCorpus('pipelines-with-components/nyc_taxi_data_regression/pipeline.yml');
      assert.deepEqual(
        plan.steps.map((step) => step.name),
        ['prep_job', 'transform_job', 'train_job', 'predict_job', 'score_job'],
      );
      const prep = plan.steps[0];
      assert.deepEqual(prep.inputs.raw_data, {
        kind: 'path',
        path: join(corpus, 'pipelines-with-components/nyc_taxi_data_regression/data'),
        type: 'uri_folder',
      });
      assert.deepEqual(plan.steps[4].dependsOn.sort(), ['predict_job', 'train_job']);
    });

    for (const path of [
      'pipelines-with-components/basics/3a_basic_pipeline/pipeline.yml',
      'pipelines-with-components/basics/4d_data_input/pipeline.yml',
      'pipelines/cifar-10/pipeline.yml',
      'pipelines/tensorflow-image-segmentation/pipeline.yml',
      'single-step/lightgbm/iris/job.yml',
    ]) {
      it(`plans ${path}`, () => {
        const plan = planCorpus(path);
        assert.ok(plan.steps.length > 0);
        const folder = dirname(join(corpus, path));
        for (const step of plan.steps) assert.ok(step.codeDir.startsWith(folder), `${step.name}: ${step.codeDir}`);
      });
    }
  });
});
