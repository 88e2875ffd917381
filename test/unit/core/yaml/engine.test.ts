import assert from 'node:assert/strict';
import { analyzeYaml } from '../../../../src/core/yaml/engine';
import { chooseSchema } from '../../../../src/core/yaml/schemaCatalog';
import { diagnosticLines } from './support';

const JOB_URL = 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';

function commandJob(body: string): string {
  return `$schema: ${JOB_URL}\ncommand: python train.py\nenvironment: azureml:sklearn@latest\ncompute: azureml:cpu\n${body}`;
}

function kindOf(value: unknown): string {
  const choice = chooseSchema(value);
  return choice.by === 'url' || choice.by === 'shape' ? `${choice.by}:${choice.kind.kind}` : choice.by;
}

describe('core/yaml: which schema applies', () => {
  it('follows the $schema URL: latest, a version, the preview blob store, and any letter case', () => {
    assert.equal(kindOf({ $schema: JOB_URL }), 'url:commandJob');
    assert.equal(
      kindOf({ $schema: 'https://azuremlschemas.azureedge.net/1.5.0/commandJob.schema.json' }),
      'url:commandJob',
    );
    assert.equal(
      kindOf({ $schema: 'https://AzureMLSchemas.azureedge.net/latest/COMMANDJOB.schema.json' }),
      'url:commandJob',
    );
    assert.equal(
      kindOf({ $schema: 'https://azuremlsdk2.blob.core.windows.net/preview/0.0.1/autoMLJob.schema.json' }),
      'url:autoMLJob',
    );
    assert.equal(
      kindOf({ $schema: 'https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json' }),
      'url:managedOnlineDeployment',
    );
  });

  it('without $schema, recognises a kind by type and shape', () => {
    assert.equal(kindOf({ type: 'command', command: 'python x.py', compute: 'azureml:cpu' }), 'shape:commandJob');
    assert.equal(kindOf({ type: 'pipeline', jobs: { a: { type: 'command' } } }), 'shape:pipelineJob');
    assert.equal(kindOf({ type: 'automl', task: 'classification' }), 'shape:autoMLJob');
  });

  it('leaves other YAML alone: GitHub workflows, conda files, other schema hosts', () => {
    assert.equal(kindOf({ name: 'CI', on: { push: {} }, jobs: { build: { 'runs-on': 'ubuntu-latest' } } }), 'none');
    assert.equal(kindOf({ name: 'env', channels: ['conda-forge'], dependencies: ['python=3.10'] }), 'none');
    assert.equal(kindOf({ $schema: 'https://json.schemastore.org/github-workflow.json', type: 'command' }), 'none');
    assert.deepEqual(analyzeYaml('name: CI\non:\n  push:\njobs:\n  build:\n    steps: [\n').diagnostics, []);
  });

  it('offers to add $schema to a file it recognised by its keys', () => {
    const text = 'type: command\ncommand: python train.py\nenvironment: azureml:sk@latest\ncompute: azureml:cpu\n';
    const [hint] = analyzeYaml(text).diagnostics;
    assert.equal(hint.severity, 'hint');
    assert.equal(hint.code, 'no-schema');
    const [edit] = hint.fixes![0].edits;
    const fixed = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    assert.match(
      fixed,
      /^\$schema: https:\/\/azuremlschemas\.azureedge\.net\/latest\/commandJob\.schema\.json\ntype: command\n/,
    );
    const after = analyzeYaml(fixed);
    assert.equal(after.schema.by, 'url');
    assert.deepEqual(after.diagnostics, []);
  });

  it('says so, once, when an Azure ML schema URL is one it has no schema for', () => {
    const lines = diagnosticLines(
      '$schema: https://azuremlschemas.azureedge.net/latest/futureThing.schema.json\nname: x\n',
    );
    assert.deepEqual(lines, [
      '1:10 unknown-schema This extension has no schema for https://azuremlschemas.azureedge.net/latest/futureThing.schema.json, so the file is not checked.',
    ]);
  });
});

describe('core/yaml: diagnostics in plain words, at the key or value, one per mistake', () => {
  it('accepts a valid command job', () => {
    assert.deepEqual(diagnosticLines(commandJob('resources:\n  instance_count: 2\n')), []);
  });

  it('names a misspelled key with the key it resembles, offers the rename, and does not also call it missing', () => {
    const text = `$schema: ${JOB_URL}\ncomand: python train.py\nenvironment: azureml:sklearn@latest\n`;
    assert.deepEqual(diagnosticLines(text), ['2:1 unknown-key Unknown key `comand`; did you mean `command`?']);
    const [diagnostic] = analyzeYaml(text).diagnostics;
    assert.deepEqual(diagnostic.fixes, [
      {
        title: 'Rename to `command`',
        edits: [{ start: text.indexOf('comand'), end: text.indexOf('comand') + 6, text: 'command' }],
      },
    ]);
  });

  it('words types, bounds and enums by what the schema accepts', () => {
    const text = commandJob('resources:\n  instance_count: 0\ndistribution:\n  type: pytorc\nidentity:\n  type: 5\n');
    assert.deepEqual(diagnosticLines(text), [
      '6:19 minimum `instance_count` must be an integer ≥ 1.',
      '8:9 enum `type` must be one of `mpi`, `pytorch`, `tensorflow`, `ray`; did you mean `pytorch`?',
      '10:9 enum `type` must be one of `user_identity`, `managed`, `managed_identity`, `aml_token`.',
    ]);
  });

  it('reports a missing required key at the mapping that lacks it', () => {
    const text = commandJob('distribution:\n  process_count_per_instance: 2\n');
    assert.deepEqual(diagnosticLines(text), ['5:1 missing-key Missing required key `type` in `distribution`.']);
    assert.deepEqual(diagnosticLines(`$schema: ${JOB_URL}\nenvironment: azureml:sklearn@latest\n`), [
      '1:1 missing-key Missing required key `command`.',
    ]);
  });

  it('gives one message for a value that fits neither a number nor a binding', () => {
    const pipeline = [
      '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
      'type: pipeline',
      'jobs:',
      '  train:',
      '    type: command',
      '    command: python train.py',
      '    environment: azureml:sklearn@latest',
      '    resources:',
      '      instance_count: many',
      '',
    ].join('\n');
    assert.deepEqual(diagnosticLines(pipeline), [
      '9:23 type `instance_count` must be an integer ≥ 1 or a binding such as `${{parent.inputs.name}}`.',
    ]);
  });

  it('says when a key has no value', () => {
    assert.deepEqual(diagnosticLines(commandJob('display_name:\n')), [
      '5:1 type `display_name` has no value; it must be a string.',
    ]);
  });

  it('reports the first YAML syntax error only, in words about indentation where that is the cause', () => {
    const text = commandJob('inputs:\n  data:\n    type: uri_file\n   path: ./x.csv\n');
    const lines = diagnosticLines(text);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^8:\d+ syntax The indentation does not line up/);
  });

  it('calls an unquoted {{…}} a template placeholder, once per placeholder, and nothing else on its line', () => {
    const text = `$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json\nname: blue\nendpoint_name: {{ENDPOINT_NAME}}\nenvironment:\n  image: {{ACR_NAME}}.azurecr.io/r:1\n  note: "{{quoted}} is text"\n`;
    const lines = diagnosticLines(text);
    assert.deepEqual(
      lines.map((line) => line.split(' looks like')[0]),
      ['3:16 placeholder `{{ENDPOINT_NAME}}`', '5:10 placeholder `{{ACR_NAME}}`'],
    );
  });
});
