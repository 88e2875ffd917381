import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeYaml } from '../../../src/core/yaml/engine';

const MAIN = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const JOB = 'https://azuremlschemas.azureedge.net/latest/commandJob.schema.json';

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli: azureml-inner-loop validate', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'azureml-cli-'));
    mkdirSync(join(folder, 'jobs'));
    writeFileSync(
      join(folder, 'jobs', 'good.yml'),
      `$schema: ${JOB}\ncommand: python train.py\nenvironment: azureml:sk@latest\n`,
    );
    writeFileSync(
      join(folder, 'jobs', 'bad.yml'),
      `$schema: ${JOB}\ncomand: python train.py\nenvironment: azureml:sk@latest\nresources:\n  instance_count: 0\n`,
    );
    writeFileSync(join(folder, 'workflow.yml'), 'name: CI\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('prints file:line:column severity message, and exits 1 on errors', () => {
    const { code, stdout, stderr } = cli(folder, 'validate', '.');
    assert.equal(code, 1, stderr);
    assert.deepEqual(stdout.trim().split('\n'), [
      'jobs/bad.yml:2:1 error Unknown key `comand`; did you mean `command`? [unknown-key]',
      'jobs/bad.yml:5:19 error `instance_count` must be an integer ≥ 1. [minimum]',
    ]);
    assert.match(stderr, /3 file\(s\) checked: 2 error\(s\), 0 warning\(s\)\./);
  });

  it('exits 0 when every file is valid, and expands globs itself', () => {
    const { code, stdout } = cli(folder, 'validate', 'jobs/good*.yml', 'workflow.yml');
    assert.equal(code, 0);
    assert.equal(stdout, '');
  });

  it('gives the same diagnostics as the engine, as JSON for tools', () => {
    const { code, stdout } = cli(folder, 'validate', '--format', 'json', 'jobs/bad.yml');
    assert.equal(code, 1);
    const findings = JSON.parse(stdout) as {
      file: string;
      line: number;
      column: number;
      code: string;
      message: string;
    }[];
    const text = readFileSync(join(folder, 'jobs', 'bad.yml'), 'utf8');
    const { parsed, diagnostics } = analyzeYaml(text);
    assert.deepEqual(
      findings.map(({ line, column, code, message }) => ({ line, column, code, message })),
      diagnostics.map((d) => {
        const { line, col } = parsed.lineCounter.linePos(d.start);
        return { line, column: col, code: d.code, message: d.message };
      }),
    );
    assert.ok(findings.every((finding) => finding.file === 'jobs/bad.yml'));
  });

  it('works as the bundled command that package.json names as its bin', async function () {
    this.timeout(60_000);
    const { buildCli } = (await import(join(__dirname, '..', '..', '..', 'scripts', 'build.mjs'))) as {
      buildCli(options: { outdir: string }): Promise<unknown>;
    };
    const outdir = join(folder, 'bundle');
    await buildCli({ outdir });
    const bin = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).bin[
      'azureml-inner-loop'
    ];
    assert.equal(bin, 'dist-cli/azureml-inner-loop.js');
    const result = spawnSync(process.execPath, [join(outdir, 'azureml-inner-loop.js'), 'validate', 'jobs/*.yml'], {
      cwd: folder,
      encoding: 'utf8',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stdout,
      /^jobs\/bad\.yml:2:1 error Unknown key `comand`; did you mean `command`\? \[unknown-key\]$/m,
    );
    // `new` reads the project templates copied beside the bundle.
    const created = spawnSync(process.execPath, [join(outdir, 'azureml-inner-loop.js'), 'new', '--out', 'project'], {
      cwd: folder,
      encoding: 'utf8',
    });
    assert.equal(created.status, 0, created.stderr);
    assert.ok(existsSync(join(folder, 'project', 'mlops', 'azureml', 'train', 'pipeline.yml')));
  });

  it('exits 2, saying why, on bad usage', () => {
    assert.equal(cli(folder, 'check', '.').code, 2);
    assert.equal(cli(folder, 'validate').code, 2);
    const missing = cli(folder, 'validate', 'nothing/*.yml');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Nothing matches "nothing\/\*\.yml"/);
    assert.match(cli(folder, 'validate', '--format', 'xml', '.').stderr, /--format takes "text" or "json"/);
  });
});
