import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { layoutPipeline, pipelineStructure, statusLook } from '../../../../src/core/jobs/pipelineGraph';
import { corpus } from './corpus';

const demoPipeline = join(__dirname, '../../../fixtures/demo-project/mlops/azureml/train/pipeline.yml');
const taxiPipeline = join(corpus, 'pipelines-with-components/nyc_taxi_data_regression/pipeline.yml');

const edgeNames = (edges: Array<{ from: string; to: string; label: string }>) =>
  edges.map((edge) => `${edge.from} -${edge.label}-> ${edge.to}`).sort();

/** Whether a point lies on a box's outline (dagre clips edges there), within a pixel. */
function onBorder(point: { x: number; y: number }, box: { x: number; y: number; width: number; height: number }) {
  const dx = Math.abs(point.x - box.x) - box.width / 2;
  const dy = Math.abs(point.y - box.y) - box.height / 2;
  return dx <= 1 && dy <= 1 && (Math.abs(dx) <= 1 || Math.abs(dy) <= 1);
}

describe('pipeline graph', () => {
  it('reads the demo pipeline: its steps, the bound pipeline inputs and outputs, and the bindings', () => {
    const structure = pipelineStructure(parse(readFileSync(demoPipeline, 'utf8')));
    assert.deepEqual(
      structure.nodes.map((node) => node.id),
      ['input:raw_data', 'input:epochs', 'step:prep', 'step:train', 'output:trained_model'],
    );
    assert.deepEqual(
      structure.nodes.find((node) => node.id === 'step:prep'),
      {
        id: 'step:prep',
        kind: 'step',
        name: 'prep',
        type: 'command',
        component: undefined,
      },
    );
    assert.deepEqual(edgeNames(structure.edges), [
      'input:epochs -epochs-> step:train',
      'input:raw_data -raw_data-> step:prep',
      'step:prep -prepared-> step:train',
      'step:train -model-> output:trained_model',
    ]);
  });

  it('reads a corpus pipeline with components, two bindings between the same steps, and unbound outputs left out', () => {
    const structure = pipelineStructure(parse(readFileSync(taxiPipeline, 'utf8')));
    const steps = structure.nodes.filter((node) => node.kind === 'step');
    assert.deepEqual(
      steps.map((node) => [node.name, node.component]),
      [
        ['prep_job', './prep.yml'],
        ['transform_job', './transform.yml'],
        ['train_job', './train.yml'],
        ['predict_job', './predict.yml'],
        ['score_job', './score.yml'],
      ],
    );
    assert.deepEqual(edgeNames(structure.edges), [
      'step:predict_job -predictions-> output:pipeline_job_predictions',
      'step:predict_job -predictions-> step:score_job',
      'step:prep_job -prep_data-> step:transform_job',
      'step:score_job -score_report-> output:pipeline_job_score_report',
      'step:train_job -model_output-> output:pipeline_job_trained_model',
      'step:train_job -model_output-> step:predict_job',
      'step:train_job -model_output-> step:score_job',
      'step:train_job -test_data-> step:predict_job',
      'step:transform_job -transformed_data-> step:train_job',
    ]);
  });

  it('reads the service job body, whose bindings sit in `value` and `uri` fields', () => {
    const structure = pipelineStructure({
      jobType: 'Pipeline',
      inputs: { raw: { jobInputType: 'uri_file', uri: 'azureml:iris:1' } },
      jobs: {
        prep: { type: 'command', componentId: 'azureml:prep:1', inputs: { raw: { value: '${{parent.inputs.raw}}' } } },
        train: {
          type: 'command',
          inputs: { data: { job_input_type: 'literal', value: '${{ parent.jobs.prep.outputs.out }}' } },
        },
      },
    });
    assert.deepEqual(edgeNames(structure.edges), ['input:raw -raw-> step:prep', 'step:prep -out-> step:train']);
    assert.equal(structure.nodes.find((node) => node.name === 'prep')?.component, 'azureml:prep:1');
  });

  it('lays the graph out top to bottom, each edge from its source to its target, nothing overlapping', () => {
    const layout = layoutPipeline(pipelineStructure(parse(readFileSync(taxiPipeline, 'utf8'))));
    const byId = new Map(layout.nodes.map((node) => [node.id, node]));
    for (const edge of layout.edges) {
      const from = byId.get(edge.from)!;
      const to = byId.get(edge.to)!;
      assert.ok(from.y < to.y, `${edge.from} is above ${edge.to}`);
      assert.ok(edge.points.length >= 2);
      assert.ok(onBorder(edge.points[0], from), `the edge ${edge.label} leaves the border of ${edge.from}`);
      assert.ok(onBorder(edge.points.at(-1)!, to), `the edge ${edge.label} reaches the border of ${edge.to}`);
    }
    for (const a of layout.nodes) {
      assert.ok(a.x - a.width / 2 >= 0 && a.x + a.width / 2 <= layout.width, `${a.id} lies within the width`);
      assert.ok(a.y - a.height / 2 >= 0 && a.y + a.height / 2 <= layout.height, `${a.id} lies within the height`);
      for (const b of layout.nodes) {
        if (a === b) continue;
        const apart =
          Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        assert.ok(apart, `${a.id} and ${b.id} do not overlap`);
      }
    }
  });

  it('lays out a pipeline whose steps are unconnected, and an empty document', () => {
    const basic = parse(
      readFileSync(join(corpus, 'pipelines-with-components/basics/3a_basic_pipeline/pipeline.yml'), 'utf8'),
    );
    const layout = layoutPipeline(pipelineStructure(basic));
    assert.deepEqual(
      layout.nodes.map((node) => node.name),
      ['component_a', 'component_b', 'component_c'],
    );
    assert.equal(layout.edges.length, 0);
    assert.deepEqual(layoutPipeline(pipelineStructure(null)).nodes, []);
  });

  it('draws each status as done, failed, running or not started', () => {
    assert.deepEqual(
      ['Completed', 'Failed', 'Running', 'Queued', 'NotStarted', undefined, 'Canceled'].map(statusLook),
      ['passed', 'failed', 'running', 'running', 'notStarted', 'notStarted', 'notStarted'],
    );
  });
});
