// The demo seed is what people see first; it must make sense to a data scientist, not just to the tests.
import assert from 'node:assert/strict';
import type { ArmResource } from '../../emulator/contracts';
import { demoSeed } from '../../emulator/seeds/demo';
import { scaleSeed } from '../../emulator/seeds/scale';
import type { SeedContext, SeedData } from '../../emulator/seeds/types';

const ctx: SeedContext = {
  origin: 'https://127.0.0.1:4443',
  tenantId: '00000000-0000-4000-8000-000000000001',
  storage: {
    blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
    accountName: 'devstoreaccount1',
    accountKey: 'a2V5',
    stop: async () => undefined,
  },
  createdBy: 'demo-client',
};

/** What each seeded model is, hence where it must come from and how it must be tagged. */
const MODEL_KINDS: Record<string, { experiment: string; environment: string; tags: Record<string, string> }> = {
  'iris-classifier': { experiment: 'iris-training', environment: 'sklearn-env', tags: { framework: 'sklearn' } },
  'resnet-finetuned': {
    experiment: 'image-classification',
    environment: 'pytorch-env',
    tags: { framework: 'pytorch', architecture: 'resnet50' },
  },
  'sentiment-bert': {
    experiment: 'sentiment-analysis',
    environment: 'pytorch-env',
    tags: { framework: 'pytorch', library: 'transformers' },
  },
};

const MLFLOW_LOADERS: Record<string, string[]> = {
  sklearn: ['mlflow.sklearn'],
  pytorch: ['mlflow.pytorch', 'mlflow.transformers'],
};

const props = (resource: ArmResource) => resource.properties as Record<string, unknown>;
const isType = (resource: ArmResource, type: string) => resource.type === `Microsoft.MachineLearningServices/${type}`;
const workspaceOf = (id: string) => id.slice(0, id.indexOf('/', id.indexOf('/workspaces/') + '/workspaces/'.length));
const hasFourDecimalsAtMost = (value: number) => Number(value.toFixed(4)) === value;

describe('emulator: demo seed makes sense to a data scientist', () => {
  let seed: SeedData;
  let jobs: Map<string, ArmResource>;

  before(() => {
    seed = demoSeed(ctx);
    jobs = new Map(
      seed.resources
        .filter((resource) => isType(resource, 'workspaces/jobs'))
        .map((job) => [job.id.toLowerCase(), job]),
    );
  });

  it('registers every model version from a completed job of its own experiment and workspace, after it ended', () => {
    const versions = seed.resources.filter((resource) => isType(resource, 'workspaces/models/versions'));
    assert.ok(versions.length >= 10);
    for (const version of versions) {
      const modelName = version.id.split('/models/')[1].split('/')[0];
      const kind = MODEL_KINDS[modelName];
      assert.ok(kind, `${modelName} is a kind of model this test knows`);
      const jobName = props(version).jobName as string;
      const job = jobs.get(`${workspaceOf(version.id)}/jobs/${jobName}`.toLowerCase());
      assert.ok(job, `${version.id} names job ${jobName} in its own workspace`);
      assert.equal(props(job).experimentName, kind.experiment, `${version.id} comes from a ${kind.experiment} job`);
      assert.equal(props(job).status, 'Completed', `${version.id} comes from a completed job`);
      assert.match(String(props(job).environmentId), new RegExp(`/environments/${kind.environment}/`));
      assert.ok(
        Date.parse(version.systemData!.createdAt!) > Date.parse(job.systemData!.lastModifiedAt!),
        `${version.id} is registered after its job ended`,
      );
      assert.equal(props(version).modelUri, `azureml://jobs/${jobName}/outputs/artifacts/paths/model/`);
    }
  });

  it("tags each model with its framework, and gives mlflow models that framework's loader", () => {
    for (const version of seed.resources.filter((resource) => isType(resource, 'workspaces/models/versions'))) {
      const kind = MODEL_KINDS[version.id.split('/models/')[1].split('/')[0]];
      const tags = props(version).tags as Record<string, string>;
      for (const [key, value] of Object.entries(kind.tags)) assert.equal(tags[key], value, `${version.id} ${key}`);
      if (props(version).modelType === 'mlflow_model') {
        const flavors = props(version).flavors as Record<string, { data: Record<string, string> }>;
        assert.ok(MLFLOW_LOADERS[kind.tags.framework].includes(flavors.python_function.data.loader_module));
      }
    }
  });

  it("reports the source job's final accuracy on each model version", () => {
    const histories = new Map(seed.jobHistories.map((history) => [history.jobId.toLowerCase(), history]));
    for (const version of seed.resources.filter((resource) => isType(resource, 'workspaces/models/versions'))) {
      const jobId = `${workspaceOf(version.id)}/jobs/${props(version).jobName}`.toLowerCase();
      const accuracy = histories.get(jobId)?.metrics.accuracy;
      assert.ok(accuracy && accuracy.length > 0, `${jobId} logged accuracy`);
      const reported = (props(version).properties as Record<string, string>).accuracy;
      assert.equal(reported, String(accuracy.at(-1)));
      assert.ok(Number(reported) > 0.5 && Number(reported) < 1, `${version.id} accuracy ${reported} is plausible`);
    }
  });

  it('trains each experiment with its own stack: iris on scikit-learn and CPU, images and text on PyTorch and GPU', () => {
    const expected: Record<string, { environment: string; compute: string }> = {
      'iris-training': { environment: 'sklearn-env', compute: 'cpu-cluster' },
      'image-classification': { environment: 'pytorch-env', compute: 'gpu-cluster' },
      'sentiment-analysis': { environment: 'pytorch-env', compute: 'gpu-cluster' },
    };
    const commandJobs = [...jobs.values()].filter((job) => props(job).jobType === 'Command');
    for (const job of commandJobs) {
      const stack = expected[String(props(job).experimentName)];
      assert.ok(stack, `${job.id} belongs to a known experiment`);
      assert.match(String(props(job).environmentId), new RegExp(`/environments/${stack.environment}/`), job.id);
      assert.match(String(props(job).computeId), new RegExp(`/computes/${stack.compute}$`), job.id);
    }
    const sentiment = commandJobs.filter((job) => props(job).experimentName === 'sentiment-analysis');
    assert.ok(
      sentiment.every((job) => job.id.includes('/workspaces/mlw-nlp-dev/')),
      'text models train in NLP',
    );
  });

  it('rounds every logged metric and every numeric model property to at most four decimals', () => {
    for (const { seed: name, data } of [
      { seed: 'demo', data: seed },
      { seed: 'scale', data: scaleSeed(ctx) },
    ]) {
      for (const history of data.jobHistories) {
        for (const [key, values] of Object.entries(history.metrics)) {
          for (const value of values) assert.ok(hasFourDecimalsAtMost(value), `${name} ${key}=${value}`);
        }
      }
      for (const version of data.resources.filter((resource) => isType(resource, 'workspaces/models/versions'))) {
        for (const [key, value] of Object.entries((props(version).properties ?? {}) as Record<string, string>)) {
          if (value.trim() !== '' && Number.isFinite(Number(value)))
            assert.ok(hasFourDecimalsAtMost(Number(value)), `${version.id} ${key}=${value}`);
        }
      }
    }
  });

  it("names only data, code, environments and computes that exist in the job's workspace", () => {
    const ids = new Set(seed.resources.map((resource) => resource.id.toLowerCase()));
    for (const job of [...jobs.values()].filter((j) => props(j).jobType === 'Command')) {
      const ws = workspaceOf(job.id);
      for (const key of ['environmentId', 'codeId', 'computeId']) {
        const id = props(job)[key];
        if (typeof id === 'string') assert.ok(ids.has(id.toLowerCase()), `${job.id} ${key} ${id}`);
      }
      for (const input of Object.values((props(job).inputs ?? {}) as Record<string, { uri?: string }>)) {
        const reference = /^azureml:([^:/]+):(\d+)$/.exec(input.uri ?? '');
        if (reference)
          assert.ok(
            ids.has(`${ws}/data/${reference[1]}/versions/${reference[2]}`.toLowerCase()),
            `${job.id} ${input.uri}`,
          );
      }
    }
  });
});
