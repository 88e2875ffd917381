import assert from 'node:assert/strict';
import {
  formatOverrides,
  jobNameFor,
  parseOverrides,
  serviceErrorPath,
  yamlPathForRestField,
} from '../../../../src/core/jobs/submission';

describe('core/jobs/submission', () => {
  it("keeps the file's own job name, else names the job after the file with ten random characters", () => {
    assert.equal(jobNameFor({ name: ' nightly-train ' }, 'train.yml'), 'nightly-train');
    let next = 0;
    const name = jobNameFor({}, 'my job (v2).yaml', () => (next++ % 36) / 36);
    assert.equal(name, 'my_job_v2__abcdefghij');
    assert.match(jobNameFor({}, '--.yml'), /^job_[a-z0-9]{10}$/);
    assert.match(name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/);
  });

  it('reads key=value overrides as az ml --set does, numbers and booleans as such', () => {
    assert.deepEqual(parseOverrides('inputs.epochs=5 compute=gpu-cluster  inputs.fast=true inputs.lr=1e-3'), {
      overrides: { 'inputs.epochs': 5, compute: 'gpu-cluster', 'inputs.fast': true, 'inputs.lr': 0.001 },
    });
    assert.match(parseOverrides('epochs').error ?? '', /not key=value/);
    assert.match(parseOverrides('inputs..x=1').error ?? '', /not a dotted path/);
    assert.equal(formatOverrides({ 'inputs.epochs': 5, compute: 'gpu' }), 'inputs.epochs=5 compute=gpu');
  });

  it('finds the REST field a service error names and where the YAML spells it', () => {
    const error = new Error(
      'Request is invalid and/or missing fields. Field: properties.inputs.training_data.uri is required.',
    );
    assert.equal(serviceErrorPath(error), 'properties.inputs.training_data.uri');
    assert.deepEqual(yamlPathForRestField('properties.inputs.training_data.uri'), ['inputs', 'training_data', 'path']);
    assert.deepEqual(yamlPathForRestField('properties.environmentId'), ['environment']);
    assert.deepEqual(yamlPathForRestField('properties.resources.instanceCount'), ['resources', 'instance_count']);
    assert.deepEqual(yamlPathForRestField("properties.jobs['train'].computeId"), ['jobs', 'train', 'compute']);
    assert.equal(serviceErrorPath(new Error('Something else went wrong.')), undefined);
    assert.equal(yamlPathForRestField('tags.x'), undefined);
  });
});
