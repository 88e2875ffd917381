import assert from 'node:assert/strict';
import { assetExistence } from '../../../../src/core/azure/assetExistence';
import { ServiceError } from '../../../../src/core/errors/kinds';
import { analyzeWithReferences } from '../../../../src/core/yaml/engine';
import { localPathOf, parseAssetReference } from '../../../../src/core/yaml/references';

const WS = { subscriptionId: 'sub', resourceGroup: 'rg', name: 'ws' };
const WS_ID = '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

describe('core/yaml: local paths and workspace assets', () => {
  it('tells local paths from URLs, references and bindings', () => {
    assert.equal(localPathOf('./src'), './src');
    assert.equal(localPathOf('file:./component.yml'), './component.yml');
    assert.equal(localPathOf('C:\\\\work\\\\src'), 'C:\\\\work\\\\src');
    for (const remote of [
      'azureml:sk@latest',
      'https://x/y.csv',
      'wasbs://c@a.blob.core.windows.net/p',
      'azureml://datastores/d/paths/p',
      '${{parent.inputs.x}}',
    ]) {
      assert.equal(localPathOf(remote), undefined, remote);
    }
    assert.deepEqual(parseAssetReference('environments', 'azureml:sk-env:3'), {
      kind: 'environments',
      name: 'sk-env',
      version: '3',
      label: undefined,
    });
    assert.deepEqual(parseAssetReference('data', 'azureml:iris@latest'), {
      kind: 'data',
      name: 'iris',
      version: undefined,
      label: 'latest',
    });
    assert.equal(parseAssetReference('data', 'azureml://registries/r/data/iris/versions/1'), undefined);
  });

  it('asks for each named resource once, and treats only a 404 as missing', async () => {
    const asked: string[] = [];
    let clock = 0;
    const exists = assetExistence(
      async (id) => {
        asked.push(id);
        if (id.endsWith('/computes/gone'))
          throw new ServiceError({ source: 'azure', message: 'nope', statusCode: 404 });
        if (id.includes('/models/')) throw new ServiceError({ source: 'azure', message: 'busy', statusCode: 503 });
        return {};
      },
      WS,
      () => clock,
    );
    assert.equal(await exists({ kind: 'environments', name: 'sk', version: '3' }), true);
    assert.equal(await exists({ kind: 'computes', name: 'gone' }), false);
    assert.equal(await exists({ kind: 'computes', name: 'gone' }), false);
    assert.equal(await exists({ kind: 'models', name: 'm', label: 'latest' }), undefined);
    assert.equal(await exists({ kind: 'models', name: 'm', label: 'latest' }), undefined);
    assert.deepEqual(asked, [
      `${WS_ID}/environments/sk/versions/3`,
      `${WS_ID}/computes/gone`,
      `${WS_ID}/models/m`,
      `${WS_ID}/models/m`,
    ]);
    clock += 10 * 60_000;
    await exists({ kind: 'computes', name: 'gone' });
    assert.equal(asked.length, 5, 'an answer older than five minutes is asked again');
  });

  it('warns, at the value, for what the lookups cannot find, and stays quiet without lookups', async () => {
    const text = [
      '$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      'command: python train.py',
      'code: ./src',
      'environment: azureml:sklearn-env@latest',
      '',
    ].join('\n');
    const { diagnostics, parsed } = await analyzeWithReferences(text, {
      pathKind: async (path) => (path === './src' ? undefined : 'file'),
      assetExists: async (reference) => reference.name !== 'sklearn-env',
      workspaceName: 'mlw-dev',
    });
    assert.deepEqual(
      diagnostics.map((d) => `${parsed.lineCounter.linePos(d.start).line} ${d.severity} ${d.code} ${d.message}`),
      [
        "3 warning missing-path `./src` does not exist in this file's folder; local paths are read relative to it.",
        '4 warning missing-asset No environment `sklearn-env` in workspace `mlw-dev`.',
      ],
    );
    assert.deepEqual((await analyzeWithReferences(text, {})).diagnostics, []);
  });

  it('looks for a scoring script in the code folder beside it', async () => {
    const text = [
      '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json',
      'name: blue',
      'endpoint_name: ep',
      'model: azureml:m:1',
      'instance_type: Standard_DS3_v2',
      'code_configuration:',
      '  code: ./code',
      '  scoring_script: score.py',
      '',
    ].join('\n');
    const asked: string[] = [];
    const { diagnostics } = await analyzeWithReferences(text, {
      pathKind: async (path) => {
        asked.push(path);
        return path === './code' ? 'directory' : path === './code/score.py' ? 'file' : undefined;
      },
    });
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(asked.sort(), ['./code', './code/score.py']);
  });
});
