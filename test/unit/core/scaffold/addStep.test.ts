import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  AddStepError,
  pipelineStepOutputs,
  planAddStep,
  portNameProblem,
  stepNameProblem,
  type AddStepRequest,
} from '../../../../src/core/scaffold/addStep';
import { generate } from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import { withDefaults } from '../../../../src/core/scaffold/options';
import { planLocalRun } from '../../../../src/core/localRuns/plan';
import { analyzeYaml } from '../../../../src/core/yaml/engine';

const readIfThere = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
const errorsOf = (text: string) =>
  analyzeYaml(text).diagnostics.filter((diagnostic) => diagnostic.severity === 'error');

/** A pipeline whose steps run component files, with comments, 4-space indentation and keys after `jobs:`. */
const COMPONENT_PIPELINE = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
# The steps run components kept in ../components.
jobs:
    prep:   # cleans the raw data
        type: command
        component: ../components/prep.yml
        outputs:
            cleaned:
                type: uri_folder
    train:
        type: command
        component: ../components/train.yml
        inputs:
            data: \${{parent.jobs.prep.outputs.cleaned}}
settings:
    default_compute: azureml:cpu-cluster # the cluster of the dev workspace
`;
const PREP_COMPONENT = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: prep
code: ./src
environment: azureml:prep-env:3
outputs:
  cleaned:
    type: uri_folder
command: python prep.py --cleaned \${{outputs.cleaned}}
`;
const TRAIN_COMPONENT = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: train
code: ./src
environment: azureml:prep-env:3
inputs:
  data:
    type: uri_folder
outputs:
  model:
    type: mlflow_model
command: python train.py --data \${{inputs.data}} --model \${{outputs.model}}
`;

describe('core/scaffold: Add Pipeline Step', () => {
  describe('on a generated project', function () {
    this.timeout(30_000);
    let root: string;
    let pipelineFile: string;
    let pipelineText: string;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'add-step-'));
      await generate(withDefaults({}), nodeTarget(root));
      pipelineFile = join(root, 'mlops', 'azureml', 'train', 'pipeline.yml');
      pipelineText = readFileSync(pipelineFile, 'utf8');
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    const request: AddStepRequest = {
      stepName: 'score_data',
      scriptName: 'score.py',
      inputs: [
        { name: 'model', from: { step: 'train_model', output: 'model_output' } },
        { name: 'test_data', from: { step: 'prep_data', output: 'test_data' } },
      ],
      outputs: ['scores'],
    };

    it("lists every step's outputs with their types, a pipeline output's type for the outputs bound to one", () => {
      const outputs = pipelineStepOutputs(pipelineText, pipelineFile, readIfThere);
      const typed = Object.fromEntries(outputs.map((output) => [`${output.step}.${output.output}`, output.type]));
      assert.equal(typed['prep_data.test_data'], 'uri_folder');
      assert.equal(typed['train_model.model_output'], 'mlflow_model', 'bound to parent.outputs.trained_model');
      assert.deepEqual(
        [...new Set(outputs.map((output) => output.step))],
        ['prep_data', 'train_model', 'evaluate_model', 'register_model'],
      );
    });

    it('appends a step bound to upstream outputs, leaving every existing line as it was, and validates', () => {
      const plan = planAddStep(pipelineText, pipelineFile, request, readIfThere, existsSync);
      assert.ok(plan.pipelineText.startsWith(pipelineText), 'the existing text (folded commands included) is kept');
      const step = (parse(plan.pipelineText) as { jobs: Record<string, Record<string, unknown>> }).jobs.score_data;
      assert.deepEqual(step, {
        type: 'command',
        component: './components/score_data.yml',
        inputs: {
          model: '${{parent.jobs.train_model.outputs.model_output}}',
          test_data: '${{parent.jobs.prep_data.outputs.test_data}}',
        },
        outputs: { scores: null },
      });
      assert.match(
        plan.pipelineText,
        /\n\n {2}score_data:\n {4}type: command\n/,
        'indented and spaced like its siblings',
      );
      assert.deepEqual(errorsOf(plan.pipelineText), []);

      assert.equal(plan.componentFile, join(root, 'mlops', 'azureml', 'train', 'components', 'score_data.yml'));
      assert.equal(plan.scriptFile, join(root, 'data-science', 'src', 'score.py'), "beside the other steps' code");
      const componentText = plan.files.find((file) => file.path === plan.componentFile)!.content;
      assert.deepEqual(errorsOf(componentText), []);
      const component = parse(componentText) as Record<string, unknown>;
      assert.equal(component.type, 'command');
      assert.equal(component.code, '../../../../data-science/src');
      assert.equal(component.environment, 'azureml:taxi-train-env@latest', 'the environment the other steps use');
      assert.deepEqual(component.inputs, { model: { type: 'mlflow_model' }, test_data: { type: 'uri_folder' } });
      assert.deepEqual(component.outputs, { scores: { type: 'uri_folder' } });
      assert.equal(
        component.command,
        'python score.py --model ${{inputs.model}} --test_data ${{inputs.test_data}} --scores ${{outputs.scores}}',
      );
      const script = plan.files.find((file) => file.path === plan.scriptFile)!.content;
      for (const name of ['model', 'test_data', 'scores']) assert.match(script, new RegExp(`"--${name}"`));
    });

    it('plans to run locally: the new step comes after the steps it reads', () => {
      const plan = planAddStep(pipelineText, pipelineFile, request, readIfThere, existsSync);
      const files = new Map(plan.files.map((file) => [file.path, file.content]));
      const local = planLocalRun(
        plan.pipelineText,
        pipelineFile,
        (path) => files.get(path) ?? readFileSync(path, 'utf8'),
      );
      const names = local.steps.map((step) => step.name);
      assert.ok(names.indexOf('score_data') > names.indexOf('train_model'), names.join(', '));
      assert.ok(names.indexOf('score_data') > names.indexOf('prep_data'), names.join(', '));
      const scoring = local.steps.find((step) => step.name === 'score_data')!;
      assert.match(JSON.stringify(scoring), /score\.py/);
    });

    it('refuses a name already taken, bad names, an output no step has, and files already there', () => {
      const refused = (changes: Partial<AddStepRequest>, exists = (_: string) => false) =>
        assert.throws(
          () => planAddStep(pipelineText, pipelineFile, { ...request, ...changes }, readIfThere, exists),
          AddStepError,
        );
      refused({ stepName: 'train_model' });
      refused({ stepName: 'Score Data' });
      refused({ scriptName: 'score.sh' });
      refused({ outputs: ['model'] }); // the name of an input too
      refused({ inputs: [{ name: 'x', from: { step: 'train_model', output: 'nothing' } }] });
      refused({}, (path) => path.endsWith('score.py'));
      assert.match(stepNameProblem('prep_data', ['prep_data']) ?? '', /already has a step named prep_data/);
      assert.equal(stepNameProblem('score_data', ['prep_data']), undefined);
      assert.match(portNameProblem('2x') ?? '', /not an input or output name/);
    });
  });

  describe('on a pipeline of component files', () => {
    const pipelineFile = join('/', 'project', 'pipelines', 'train.yml');
    const components: Record<string, string> = {
      [join('/', 'project', 'components', 'prep.yml')]: PREP_COMPONENT,
      [join('/', 'project', 'components', 'train.yml')]: TRAIN_COMPONENT,
    };
    const read = (path: string) => components[path];

    it("reads outputs from the components, puts the new one beside them, and keeps comments and the file's indentation", () => {
      assert.deepEqual(
        pipelineStepOutputs(COMPONENT_PIPELINE, pipelineFile, read).map((output) => [
          output.step,
          output.output,
          output.type,
        ]),
        [
          ['prep', 'cleaned', 'uri_folder'],
          ['train', 'model', 'mlflow_model'],
        ],
      );
      const plan = planAddStep(
        COMPONENT_PIPELINE,
        pipelineFile,
        {
          stepName: 'evaluate',
          scriptName: 'evaluate.py',
          inputs: [{ name: 'model', from: { step: 'train', output: 'model' } }],
          outputs: [],
        },
        read,
        () => false,
      );
      assert.equal(plan.componentFile, join('/', 'project', 'components', 'evaluate.yml'));
      assert.equal(plan.scriptFile, join('/', 'project', 'components', 'src', 'evaluate.py'));
      const [head, tail] = COMPONENT_PIPELINE.split('settings:\n');
      assert.equal(
        plan.pipelineText,
        `${head}    evaluate:\n        type: command\n        component: ../components/evaluate.yml\n        inputs:\n` +
          `            model: \${{parent.jobs.train.outputs.model}}\nsettings:\n${tail}`,
      );
      assert.deepEqual(errorsOf(plan.pipelineText), []);
      const component = parse(plan.files[0].content) as Record<string, unknown>;
      assert.equal(component.code, './src');
      assert.equal(component.environment, 'azureml:prep-env:3');
      assert.deepEqual(component.inputs, { model: { type: 'mlflow_model' } });
      assert.equal(component.outputs, undefined);
    });

    it('refuses what is not a pipeline', () => {
      assert.throws(
        () => pipelineStepOutputs(PREP_COMPONENT, pipelineFile, read),
        (error: unknown) => error instanceof AddStepError && /not a pipeline job YAML/.test(error.message),
      );
    });
  });
});
