// The local-run start benchmark, run by scripts/bench.mjs as `node --require tsx/cjs test/bench/localRuns/measure.ts`.
// It times what Run Locally does between the command and the step's first line of output: planning the YAML,
// creating the run folder, record, MLflow run and interpreter shims, and starting the step's shell and Python.
// As a same-run reference it times Python alone printing the same line. It prints one line of JSON on stdout.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { planLocalRun } from '../../../src/core/localRuns/plan';
import { startLocalRun } from '../../../src/core/localRuns/runner';

const SAMPLES = 10;
const FIRST_LINE = 'first line of the step';

export interface LocalStartBenchResults {
  /** From planning to the step's first line reaching the terminal writer, per sample. */
  startMs: number[];
  /** From spawning `python3 first.py` to its first line on stdout, per sample. */
  pythonAloneMs: number[];
}

async function timeLocalStart(project: string, yamlFile: string): Promise<number> {
  const started = performance.now();
  let firstLineAt: number | undefined;
  let seen = '';
  const plan = planLocalRun(readFileSync(yamlFile, 'utf8'), yamlFile, (file) => readFileSync(file, 'utf8'));
  const run = await startLocalRun({
    plan,
    projectRoot: project,
    yamlFile,
    interpreter: 'python3',
    resolveAsset: () => Promise.reject(new Error('the benchmark job has no data inputs')),
    write: (text) => {
      seen += text;
      if (firstLineAt === undefined && seen.includes(FIRST_LINE)) firstLineAt = performance.now();
    },
    signal: new AbortController().signal,
  });
  const record = await run.done;
  if (record.status !== 'Completed' || firstLineAt === undefined)
    throw new Error(`The benchmark run ended ${record.status} without its line: ${record.error ?? seen}`);
  return firstLineAt - started;
}

function timePythonAlone(codeDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('python3', ['first.py'], { cwd: codeDir, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let output = '';
    let firstLineAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (firstLineAt === undefined && output.includes(FIRST_LINE)) firstLineAt = performance.now();
    });
    child.on('error', reject);
    child.on('close', () =>
      firstLineAt === undefined ? reject(new Error('python3 printed nothing')) : resolve(firstLineAt - started),
    );
  });
}

async function main(): Promise<void> {
  const project = mkdtempSync(path.join(os.tmpdir(), 'azureml-local-bench-'));
  try {
    const codeDir = path.join(project, 'src');
    mkdirSync(codeDir);
    writeFileSync(path.join(codeDir, 'first.py'), `print(${JSON.stringify(FIRST_LINE)}, flush=True)\n`);
    const yamlFile = path.join(project, 'job.yml');
    writeFileSync(
      yamlFile,
      ['type: command', 'code: ./src', 'command: python first.py', 'environment: azureml:sklearn-env:1', ''].join('\n'),
    );
    const results: LocalStartBenchResults = { startMs: [], pythonAloneMs: [] };
    // One of each first, untimed: the first Python start reads its files from disk.
    await timePythonAlone(codeDir);
    await timeLocalStart(project, yamlFile);
    for (let sample = 0; sample < SAMPLES; sample++) {
      results.pythonAloneMs.push(await timePythonAlone(codeDir));
      results.startMs.push(await timeLocalStart(project, yamlFile));
    }
    process.stdout.write(JSON.stringify(results) + '\n');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
