import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeYaml } from '../../../../src/core/yaml/engine';
import { CORPUS, corpusFiles, diagnosticLines } from './support';

/** Deployment templates whose `{{…}}` placeholders a script substitutes before use: not YAML until then. */
const TEMPLATES = [
  'endpoints/online/custom-container/minimal/multimodel/minimal-multimodel-deployment.yml',
  'endpoints/online/custom-container/minimal/single-model/conda-in-dockerfile/minimal-single-model-conda-in-dockerfile-deployment.yml',
  'endpoints/online/custom-container/minimal/single-model/pip-in-dockerfile/minimal-single-model-pip-in-dockerfile-deployment.yml',
  'endpoints/online/custom-container/r/multimodel-plumber/r-deployment.yml',
  'endpoints/online/custom-container/tfserving/half-plus-two/tfserving-deployment.yml',
  'endpoints/online/custom-container/triton/single-model/triton-cc-deployment.yml',
];

const read = (file: string) => readFileSync(join(CORPUS, file), 'utf8');

/** A corpus file with one edit; `from` must occur exactly once, so the variant cannot silently stop applying. */
function variant(file: string, from: string, to: string): string {
  const text = read(file);
  assert.equal(text.split(from).length, 2, `"${from}" must occur once in ${file}`);
  return text.replace(from, to);
}

const LIGHTGBM = 'jobs/single-step/lightgbm/iris/job.yml';
const SWEEP = 'jobs/single-step/lightgbm/iris/job-sweep.yml';
const PIPELINE = 'jobs/pipelines-with-components/basics/1b_e2e_registered_components/pipeline.yml';
const DEPLOYMENT = 'endpoints/online/managed/binary-payloads/binary-payloads-deployment.yml';

describe('core/yaml: the corpus of real Azure ML examples', () => {
  const files = corpusFiles().map((path) => relative(CORPUS, path));

  it('checks the corpus against a schema, not by skipping it', () => {
    const checked = files.filter((file) => {
      const { schema } = analyzeYaml(read(file));
      return schema.by === 'url' || schema.by === 'shape';
    });
    assert.ok(files.length > 250, `only ${files.length} corpus files found`);
    assert.ok(checked.length >= 230, `only ${checked.length} corpus files matched a schema`);
  });

  it('has no errors or warnings in any file but the six templates', () => {
    const problems = files
      .filter((file) => !TEMPLATES.includes(file))
      .flatMap((file) =>
        analyzeYaml(read(file))
          .diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning')
          .map((d) => `${file}: ${d.message}`),
      );
    assert.deepEqual(problems, []);
  });

  it('tells each template that its {{…}} is an unsubstituted placeholder, and nothing else', () => {
    for (const file of TEMPLATES) {
      const { diagnostics } = analyzeYaml(read(file));
      assert.ok(diagnostics.length > 0, `${file} got no diagnostic`);
      for (const d of diagnostics) {
        assert.equal(d.code, 'placeholder', `${file}: ${d.message}`);
        assert.match(d.message, /^`\{\{\w+\}\}` looks like a template placeholder that was not substituted/);
      }
    }
  });

  const broken: { name: string; text: () => string; expected: string[] }[] = [
    {
      name: 'a misspelled top-level key',
      text: () => variant(LIGHTGBM, 'environment:', 'enviroment:'),
      expected: ['10:1 unknown-key Unknown key `enviroment`; did you mean `environment`?'],
    },
    {
      name: 'a misspelled enum value in an input',
      text: () => variant(LIGHTGBM, 'type: uri_file', 'type: uri_fil'),
      expected: [
        '8:11 enum `type` must be one of `uri_file`, `uri_folder`, `mltable`, `mlflow_model`, `custom_model`, `triton_model`; did you mean `uri_file`?',
      ],
    },
    {
      name: 'a number where a string belongs',
      text: () => variant(LIGHTGBM, 'compute: azureml:cpu-cluster', 'compute: 42'),
      expected: ['11:10 type `compute` must be a string.'],
    },
    {
      name: 'a word where an instance count belongs',
      text: () => variant(DEPLOYMENT, 'instance_count: 1', 'instance_count: one'),
      expected: ['13:17 type `instance_count` must be an integer ≥ 1.'],
    },
    {
      name: 'a command that names an undeclared input',
      text: () => variant(LIGHTGBM, '${{inputs.iris_csv}}', '${{inputs.iris_cvs}}'),
      expected: [
        '5:14 binding `${{inputs.iris_cvs}}` refers to input `iris_cvs`, which this file does not declare under `inputs`; did you mean `iris_csv`?',
      ],
    },
    {
      name: 'a sweep trial that names an undeclared search space entry',
      text: () => variant(SWEEP, '${{search_space.boosting}}', '${{search_space.booster}}'),
      expected: [
        '9:16 binding `${{search_space.booster}}` refers to search space entry `booster`, which this file does not declare under `search_space` (declared: `learning_rate`, `boosting`).',
      ],
    },
    {
      name: 'a pipeline step bound to an undeclared pipeline input',
      text: () =>
        variant(
          PIPELINE,
          '${{parent.inputs.pipeline_job_training_max_epocs}}',
          '${{parent.inputs.pipeline_job_training_max_epochs}}',
        ),
      expected: [
        '30:18 binding `${{parent.inputs.pipeline_job_training_max_epochs}}` refers to input `pipeline_job_training_max_epochs`, which the pipeline does not declare under `inputs`; did you mean `pipeline_job_training_max_epocs`?',
      ],
    },
    {
      name: 'a pipeline step bound to the output of a step that does not exist',
      text: () =>
        variant(
          PIPELINE,
          '${{parent.jobs.train_job.outputs.model_output}}',
          '${{parent.jobs.train.outputs.model_output}}',
        ),
      expected: [
        '52:20 binding `${{parent.jobs.train.outputs.model_output}}` refers to step `train`, which is not under `jobs`; did you mean `train_job`?',
      ],
    },
    {
      name: 'a key indented one space short',
      text: () => variant(LIGHTGBM, '    path: https', '   path: https'),
      expected: [
        '9:1 syntax The indentation does not line up: keys of one mapping must start in the same column, and a nested mapping must be indented further than its parent key. (All mapping items must start at the same column)',
      ],
    },
    {
      name: 'an unclosed quote',
      text: () => variant(LIGHTGBM, 'display_name: lightgbm-iris-example', "display_name: 'lightgbm-iris-example"),
      expected: ["15:1 syntax A closing quote or bracket is missing. (Missing closing 'quote)"],
    },
  ];

  for (const { name, text, expected } of broken) {
    it(`reports ${name} once, at the right place`, () => {
      assert.deepEqual(diagnosticLines(text()), expected);
    });
  }

  it('creates a missing input where the binding needs it: the file, or the pipeline step, under inputs:', () => {
    const createInput = (text: string, name: string) => {
      const fix = analyzeYaml(text)
        .diagnostics.flatMap((d) => d.fixes ?? [])
        .find((candidate) => candidate.title === `Create input \`${name}\``);
      assert.ok(fix, `no "Create input ${name}" among the fixes`);
      return [...fix.edits].reverse().reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
    };
    const job = [
      '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      'command: python train.py --lr ${{inputs.lr}} --epochs ${{inputs.epochs}}',
      'inputs:',
      '  epochs: 3  # quick run',
      'environment: azureml:sklearn-env:1',
      '',
    ].join('\n');
    const fixed = createInput(job, 'lr');
    assert.equal(fixed.split('\n').slice(2, 5).join('\n'), 'inputs:\n  epochs: 3  # quick run\n  lr: ');
    // The binding is satisfied; what is left is the value to fill in, where it goes.
    assert.deepEqual(
      diagnosticLines(fixed).map((line) => line.split(' ').slice(0, 2).join(' ')),
      ['5:3 type'],
    );

    const pipeline = [
      '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
      'type: pipeline',
      'jobs:',
      '  prep:',
      '    type: command',
      '    command: echo ${{parent.inputs.greeting}} ${{inputs.word}}',
      '    environment: azureml:sklearn-env:1',
      '',
    ].join('\n');
    assert.match(createInput(pipeline, 'greeting'), /\ninputs:\n {2}greeting: \n$/);
    assert.match(createInput(pipeline, 'word'), /\n {4}environment: azureml:sklearn-env:1\n {4}inputs:\n {6}word: \n$/);
  });

  it('offers the certain fix for a misspelled key, an enum value and a binding name', () => {
    const apply = (text: string) => {
      const [fix] = analyzeYaml(text).diagnostics.flatMap((d) => d.fixes ?? []);
      assert.ok(fix, 'no fix offered');
      return [...fix.edits].reverse().reduce((out, e) => out.slice(0, e.start) + e.text + out.slice(e.end), text);
    };
    for (const text of [
      variant(LIGHTGBM, 'environment:', 'enviroment:'),
      variant(LIGHTGBM, 'type: uri_file', 'type: uri_fil'),
      variant(LIGHTGBM, '${{inputs.iris_csv}}', '${{inputs.iris_cvs}}'),
    ]) {
      assert.deepEqual(diagnosticLines(apply(text)), []);
    }
  });
});
