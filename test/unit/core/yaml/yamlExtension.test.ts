import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWithReferences, analyzeYaml } from '../../../../src/core/yaml/engine';
import {
  diagnosticsToShow,
  schemaContentFor,
  schemaUriForText,
  schemasHandedOver,
  type DiagnosticsReporter,
} from '../../../../src/core/yaml/yamlExtension';
import { CORPUS } from './support';

const JOB_URL = 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';
const SCHEMAS = join(__dirname, '..', '..', '..', '..', 'src', 'core', 'yaml', 'schemas');
const REPORTERS: DiagnosticsReporter[] = ['azureml', 'yaml-extension', 'off'];

/** A command job with one mistake of each sort: a misspelled key, a binding to nothing, a missing local folder. */
const FLAWED_JOB = [
  `$schema: ${JOB_URL}`,
  'code: ./no-such-folder',
  'command: python train.py --lr ${{inputs.learning_rate}}',
  'environment: azureml:sklearn@latest',
  'compute: azureml:cpu',
  'experiment_nam: demo',
  '',
].join('\n');

async function flawedJobDiagnostics() {
  const analysis = await analyzeWithReferences(FLAWED_JOB, { pathKind: async () => undefined });
  return analysis.diagnostics;
}

const codes = (found: readonly { code: string }[]) => found.map((diagnostic) => diagnostic.code).sort();

describe('core/yaml: handing schemas to a YAML extension', () => {
  it('shows every problem itself while no YAML extension validates, whatever the choice but off', async () => {
    const found = await flawedJobDiagnostics();
    assert.deepEqual(codes(found), ['binding', 'missing-path', 'unknown-key']);
    for (const state of [undefined, { validates: false }]) {
      assert.deepEqual(codes(diagnosticsToShow(found, 'azureml', state)), codes(found));
      assert.deepEqual(codes(diagnosticsToShow(found, 'yaml-extension', state)), codes(found));
      assert.deepEqual(diagnosticsToShow(found, 'off', state), []);
    }
  });

  it('leaves schema problems to a validating YAML extension only when told to, and keeps what needs more', async () => {
    const found = await flawedJobDiagnostics();
    const validating = { validates: true };
    assert.deepEqual(codes(diagnosticsToShow(found, 'azureml', validating)), [
      'binding',
      'missing-path',
      'unknown-key',
    ]);
    assert.deepEqual(codes(diagnosticsToShow(found, 'yaml-extension', validating)), ['binding', 'missing-path']);
    assert.deepEqual(diagnosticsToShow(found, 'off', validating), []);
  });

  it('leaves what the YAML parser rejects to a validating YAML extension, but not mistakes only Azure ML makes', () => {
    const unclosed = analyzeYaml(`$schema: ${JOB_URL}\ncommand: "python train.py\n`).diagnostics;
    assert.deepEqual(codes(unclosed), ['syntax']);
    const twoDocuments = analyzeYaml(`$schema: ${JOB_URL}\ncommand: a\n---\ncommand: b\n`).diagnostics;
    assert.deepEqual(codes(twoDocuments), ['syntax']);
    const placeholder = analyzeYaml(`$schema: ${JOB_URL}\ncommand: a\ncompute: {{COMPUTE}}\n`).diagnostics;
    assert.deepEqual(codes(placeholder), ['placeholder']);
    for (const reporter of ['azureml', 'yaml-extension'] as const) {
      assert.deepEqual(diagnosticsToShow(unclosed, reporter, { validates: true }), [], reporter);
      assert.deepEqual(diagnosticsToShow(unclosed, reporter, { validates: false }), unclosed, reporter);
      assert.deepEqual(diagnosticsToShow(twoDocuments, reporter, { validates: true }), twoDocuments, reporter);
      assert.deepEqual(diagnosticsToShow(placeholder, reporter, { validates: true }), placeholder, reporter);
    }
  });

  it('hands hovers and key completions over only with yaml-extension and the extension there', () => {
    assert.equal(schemasHandedOver('yaml-extension', true), true);
    assert.equal(schemasHandedOver('yaml-extension', false), false);
    assert.equal(schemasHandedOver('azureml', true), false);
    assert.equal(schemasHandedOver('off', true), false);
  });

  it('names the kind’s schema for yaml-extension, by $schema URL or by shape, and a schema that checks nothing else', () => {
    const corpusJob = readFileSync(join(CORPUS, 'jobs', 'single-step', 'scikit-learn', 'diabetes', 'job.yml'), 'utf8');
    const variants = [
      corpusJob,
      corpusJob.replace(JOB_URL, 'https://AzureMLSchemas.azureedge.net/1.5.0/CommandJob.json'),
      'type: command\ncommand: python train.py\ncompute: azureml:cpu\n',
      // Half typed: the kind is still known.
      `$schema: ${JOB_URL}\ncommand: "python\n`,
    ];
    for (const text of variants) {
      assert.equal(schemaUriForText(text, 'yaml-extension'), 'azureml-schema://schemas/commandJob.schema.json', text);
      const elsewhere = schemaUriForText(text, 'azureml');
      assert.equal(elsewhere, schemaUriForText(text, 'off'));
      assert.notEqual(elsewhere, undefined);
      assert.notEqual(elsewhere, schemaUriForText(text, 'yaml-extension'));
    }
    const workflow = 'name: CI\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
    const conda = 'name: env\ndependencies:\n  - python=3.10\n';
    for (const reporter of REPORTERS) {
      assert.equal(schemaUriForText(workflow, reporter), undefined, reporter);
      assert.equal(schemaUriForText(conda, reporter), undefined, reporter);
    }
  });

  it('serves each schema file as it is, under the URI it was asked by, so its references resolve there too', () => {
    const uri = schemaUriForText(`$schema: ${JOB_URL}\ncommand: x\n`, 'yaml-extension')!;
    const served = JSON.parse(schemaContentFor(uri)!) as Record<string, unknown>;
    const file = JSON.parse(readFileSync(join(SCHEMAS, 'commandJob.schema.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(served.$id, uri);
    assert.deepEqual({ ...served, $id: file.$id }, file);

    // Every reference of every file served leads to another file served.
    const pending = [uri];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      const content = schemaContentFor(next);
      assert.ok(content, `nothing served at ${next}`);
      for (const [, ref] of content.matchAll(/"\$ref":"([^"#]+)/g)) pending.push(new URL(ref, next).toString());
    }
    assert.ok(seen.size > 3, `only ${[...seen].join(', ')}`);
  });

  it('serves a schema that checks nothing for the other choices, and nothing at addresses it never gave', () => {
    const uri = schemaUriForText(`$schema: ${JOB_URL}\ncommand: x\n`, 'azureml')!;
    const served = JSON.parse(schemaContentFor(uri)!) as Record<string, unknown>;
    assert.equal(served.$id, uri);
    assert.deepEqual(
      Object.keys(served).filter((key) => !['$schema', '$id', 'title', 'description'].includes(key)),
      [],
    );
    for (const unknown of [
      'azureml-schema://schemas/nothing.schema.json',
      'azureml-schema://elsewhere/commandJob.schema.json',
      'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json',
      'not a uri',
    ]) {
      assert.equal(schemaContentFor(unknown), undefined, unknown);
    }
  });
});
