import assert from 'node:assert/strict';
import { completeAt, hoverAt, localPathCompletions, localPathContextAt } from '../../../../src/core/yaml/language';

const JOB = `$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
command: python train.py
resources:
  instance_count: 2
distribution:
  type: 
`;

/** The text with `|` marking the cursor, and the offset it marks. */
function at(marked: string): [string, number] {
  const offset = marked.indexOf('|');
  return [marked.slice(0, offset) + marked.slice(offset + 1), offset];
}

describe('core/yaml: completions and hovers from the schemas', () => {
  it('offers the keys a command job may still have, with their descriptions, and not those it has', () => {
    const [text, offset] = at(JOB + 'env|');
    const items = completeAt(text, offset);
    const labels = items.map((item) => item.label);
    for (const expected of ['environment', 'compute', 'inputs', 'outputs', 'code', 'display_name'])
      assert.ok(labels.includes(expected), expected);
    for (const present of ['command', 'resources', 'distribution', '$schema'])
      assert.ok(!labels.includes(present), present);
    const environment = items.find((item) => item.label === 'environment');
    assert.ok(environment?.documentation && environment.documentation.length > 10);
    assert.equal(environment?.replaceStart, offset - 3);
  });

  it('offers the keys of a nested mapping, and opens a block for a key whose value is a mapping', () => {
    const [text, offset] = at(JOB.replace('  instance_count: 2\n', '  instance_count: 2\n  |\n'));
    const labels = completeAt(text, offset).map((item) => item.label);
    assert.ok(labels.includes('instance_type'), labels.join(', '));
    assert.ok(!labels.includes('instance_count'));
    const [top, topOffset] = at(JOB + '|');
    const inputs = completeAt(top, topOffset).find((item) => item.label === 'inputs');
    assert.equal(inputs?.insertText, 'inputs:\n');
  });

  it('offers the values of an enum', () => {
    const [text, offset] = at(JOB.replace('  type: \n', '  type: |\n'));
    assert.deepEqual(
      completeAt(text, offset)
        .map((item) => item.label)
        .sort(),
      ['mpi', 'pytorch', 'ray', 'tensorflow'],
    );
  });

  it('offers nothing in YAML that is not Azure ML YAML', () => {
    const [text, offset] = at('name: CI\non: push\njobs:\n  build:\n    |');
    assert.deepEqual(completeAt(text, offset), []);
  });

  it('explains the key under the cursor and what its value must be', () => {
    const text = JOB;
    const hover = hoverAt(text, text.indexOf('instance_count') + 3);
    assert.ok(hover);
    assert.equal(text.slice(hover.start, hover.end), 'instance_count');
    assert.match(hover.markdown, /^\*\*instance_count\*\* \(Command job\)/);
    assert.match(hover.markdown, /Expected: an integer ≥ 1/);
    assert.equal(hoverAt('name: CI\non: push\n', 2), undefined);
  });

  it('completes binding expressions with what the pipeline and its steps declare', () => {
    const pipeline = [
      '$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json',
      'type: pipeline',
      'inputs:',
      '  raw: {type: uri_file, path: ./raw.csv}',
      '  epochs: 10',
      'outputs:',
      '  model: {type: mlflow_model}',
      'jobs:',
      '  prep:',
      '    type: command',
      '    command: python prep.py',
      '    environment: azureml:env@latest',
      '    outputs:',
      '      prepared: {type: uri_folder}',
      '  train:',
      '    type: command',
      '    command: >-',
      '      python train.py --data ${{inputs.data}} --epochs ${{inp|',
      '    environment: azureml:env@latest',
      '    inputs:',
      '      data: ${{parent.|}}',
      '',
    ].join('\n');
    const secondMarker = pipeline.lastIndexOf('|');
    const [inStep, stepOffset] = at(pipeline.slice(0, secondMarker) + pipeline.slice(secondMarker + 1));
    assert.deepEqual(
      completeAt(inStep, stepOffset).map((item) => item.insertText),
      ['inputs.data}}'],
    );
    const [inInputs, inputsOffset] = at(pipeline.replace('|', ''));
    assert.equal(inInputs.slice(inputsOffset, inputsOffset + 2), '}}');
    assert.deepEqual(
      completeAt(inInputs, inputsOffset)
        .map((item) => item.insertText)
        .sort(),
      ['parent.inputs.epochs', 'parent.inputs.raw', 'parent.jobs.prep.outputs.prepared', 'parent.outputs.model'],
    );
  });

  it('knows where a local path is typed, and offers only folders where a folder is expected', () => {
    const [text, offset] = at(JOB + 'code: ./sr|');
    assert.deepEqual(localPathContextAt(text, offset), { expects: 'any', replaceStart: offset - 4, typed: './sr' });
    const [remote, remoteOffset] = at(JOB + 'code: azureml:|');
    assert.equal(localPathContextAt(remote, remoteOffset), undefined);
    const entries = [
      { name: 'src', directory: true },
      { name: 'train.py', directory: false },
      { name: '.git', directory: true },
    ];
    assert.deepEqual(
      localPathCompletions('./', entries, 'any', 0).map((item) => item.insertText),
      ['./src/', './train.py'],
    );
    assert.deepEqual(
      localPathCompletions('', entries, 'directory', 0).map((item) => item.insertText),
      ['src/'],
    );
  });
});
