/**
 * The job bodies as they go on the wire: each corpus job the converter accepts is sent by the product's
 * ARM client to an HTTPS server that keeps the raw bytes, and those bytes are checked against the REST
 * contract (the emulator's reading of api-version 2025-09-01) and, field by field, against the YAML.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import type { AzureMlArm } from '../../../../src/core/azure/armClient';
import { toRestJob } from '../../../../src/core/jobs/restJob';
import { validateArmBody } from '../../../emulator/arm/contract';
import { ensureCertificate } from '../../../emulator/certificate';
import { startHarness, type Harness } from '../../emulator/harness';
import { armAgainst } from '../armAgainstEmulator';
import { corpus, fakeResolvers, jobFiles, refusal, workspace } from './corpus';

interface Captured {
  method: string;
  path: string;
  contentType: string | undefined;
  bytes: Buffer;
}

/** An ARM stand-in that records each request and answers 201 with the body, so no job runs. */
async function startCapture(): Promise<{ server: Server; origin: string; requests: Captured[] }> {
  const { certPath, keyPath } = ensureCertificate();
  const requests: Captured[] = [];
  const server = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        bytes,
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(bytes.length > 0 ? bytes : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests };
}

const MODES: Record<string, string> = {
  ro_mount: 'ReadOnlyMount',
  rw_mount: 'ReadWriteMount',
  download: 'Download',
  direct: 'Direct',
  eval_mount: 'EvalMount',
  eval_download: 'EvalDownload',
  upload: 'Upload',
};
const JOB_TYPES: Record<string, string> = { command: 'Command', pipeline: 'Pipeline', sweep: 'Sweep' };

type Yaml = Record<string, unknown>;
const asMap = (value: unknown): Yaml => (value && typeof value === 'object' ? (value as Yaml) : {});

/** The fields every job shares, compared with what the YAML says. */
function checkAgainstYaml(file: string, yaml: Yaml, sent: Yaml): void {
  const where = (field: string) => `${file}: ${field}`;
  assert.equal(sent.jobType, JOB_TYPES[String(yaml.type ?? 'command')], where('jobType'));
  if (typeof yaml.display_name === 'string') assert.equal(sent.displayName, yaml.display_name, where('displayName'));
  if (typeof yaml.experiment_name === 'string') {
    assert.equal(sent.experimentName, yaml.experiment_name, where('experimentName'));
  }
  if (typeof yaml.description === 'string') assert.equal(sent.description, yaml.description, where('description'));
  if (yaml.tags) assert.deepEqual(Object.keys(asMap(sent.tags)), Object.keys(asMap(yaml.tags)), where('tags'));
  if (typeof yaml.command === 'string') assert.equal(sent.command, yaml.command, where('command'));
  if (yaml.environment_variables) {
    assert.deepEqual(
      Object.keys(asMap(sent.environmentVariables)),
      Object.keys(asMap(yaml.environment_variables)),
      where('environmentVariables'),
    );
  }

  const inputs = asMap(sent.inputs);
  assert.deepEqual(Object.keys(inputs).sort(), Object.keys(asMap(yaml.inputs)).sort(), where('inputs'));
  for (const [name, value] of Object.entries(asMap(yaml.inputs))) {
    const input = asMap(inputs[name]);
    if (value === null || typeof value !== 'object') {
      assert.equal(input.jobInputType, 'literal', where(`inputs.${name}.jobInputType`));
      assert.equal(typeof input.value, 'string', where(`inputs.${name}.value`));
      continue;
    }
    const declared = asMap(value);
    if (typeof declared.type === 'string' && !('value' in declared) && declared.path !== undefined) {
      assert.equal(input.jobInputType, declared.type, where(`inputs.${name}.jobInputType`));
      assert.equal(typeof input.uri, 'string', where(`inputs.${name}.uri`));
      const path = String(declared.path);
      if (/^(https|wasbs|abfss|azureml):\/\//.test(path)) assert.equal(input.uri, path, where(`inputs.${name}.uri`));
    }
    if (typeof declared.mode === 'string') assert.equal(input.mode, MODES[declared.mode], where(`inputs.${name}.mode`));
  }
  const outputs = asMap(sent.outputs);
  assert.deepEqual(Object.keys(outputs).sort(), Object.keys(asMap(yaml.outputs)).sort(), where('outputs'));
  for (const [name, value] of Object.entries(asMap(yaml.outputs))) {
    const declared = asMap(value);
    const output = asMap(outputs[name]);
    if (typeof declared.type === 'string') assert.equal(output.jobOutputType, declared.type, where(`outputs.${name}`));
    if (typeof declared.mode === 'string')
      assert.equal(output.mode, MODES[declared.mode], where(`outputs.${name}.mode`));
  }
  if (yaml.type === 'pipeline') {
    assert.deepEqual(Object.keys(asMap(sent.jobs)).sort(), Object.keys(asMap(yaml.jobs)).sort(), where('jobs'));
  }
}

describe('core/jobs: job bodies on the wire', function () {
  this.timeout(60_000);
  let h: Harness;
  let capture: Awaited<ReturnType<typeof startCapture>>;
  let arm: AzureMlArm;

  before(async () => {
    h = await startHarness({ seed: 'empty' });
    capture = await startCapture();
    // Tokens come from the emulator's Entra ID; the job PUTs go to the capturing server.
    arm = await armAgainst(h, capture.origin);
  });
  after(async () => {
    capture?.server.close();
    await h?.stop();
  });

  const accepted = jobFiles().filter((file) => !refusal(file));

  it('sends every corpus job the converter accepts', () => {
    assert.ok(accepted.length >= 26, `only ${accepted.length} files convert`);
  });

  for (const file of accepted) {
    it(`sends ${file} as the REST contract documents it`, async () => {
      const path = join(corpus, file);
      const yaml = parse(readFileSync(path, 'utf8')) as Yaml;
      const job = await toRestJob(yaml, {
        fileDir: dirname(path),
        workspace,
        resolvers: fakeResolvers().resolvers,
      });
      const before = capture.requests.length;
      await arm.putJob(workspace, 'wire-check', job.body);
      const sent = capture.requests.slice(before);
      assert.equal(sent.length, 1, 'one request per submit');
      const [request] = sent;
      assert.equal(request.method, 'PUT');
      assert.match(request.path, /\/workspaces\/ws-1\/jobs\/wire-check\?api-version=2025-09-01$/);
      assert.match(request.contentType ?? '', /^application\/json/);
      const body = JSON.parse(request.bytes.toString('utf8')) as { properties: Yaml };
      validateArmBody('JobBase', body);
      checkAgainstYaml(file, yaml, body.properties);
    });
  }
});
