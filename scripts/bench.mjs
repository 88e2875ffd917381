// Benchmarks: `npm run bench` runs all, `npm run bench -- activation vsix` only those whose id contains a word.
// Prints a table and writes bench-results.json as [{id, value, unit, target, pass}].
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAll } from './build.mjs';
import { runInHost } from './lib/inHost.mjs';
import { ensureHost, repoRoot } from './lib/vscodeHost.mjs';
import { packageExtension } from './package.mjs';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs one case of test/bench/index.ts in a freshly started VS Code and returns what it measured. */
async function inHostCase(name) {
  let output = '';
  const code = await runInHost({
    testsPath: join(repoRoot, 'out', 'test', 'bench', 'index.js'),
    env: { AZUREML_BENCH_CASE: name },
    onOutput: (text) => (output += text),
    timeoutMs: 5 * 60_000,
  });
  if (code !== 0) throw new Error(`Benchmark case ${name} failed in the extension host (exit code ${code})`);
  return JSON.parse(output);
}

const benchmarks = [
  {
    id: 'activation.ms',
    unit: 'ms',
    target: 50,
    better: 'lower',
    async measure() {
      const samples = [];
      for (let start = 0; start < 5; start++) samples.push((await inHostCase('activation')).ms);
      return median(samples);
    },
  },
  {
    id: 'vsix.kb',
    unit: 'KB',
    target: 3072,
    better: 'lower',
    async measure() {
      const { bytes } = await packageExtension();
      return bytes / 1024;
    },
  },
];

const filters = process.argv.slice(2);
const selected = benchmarks.filter((b) => filters.length === 0 || filters.some((f) => b.id.includes(f)));
if (selected.length === 0) {
  console.error(`No benchmark matches ${filters.join(', ')}; ids: ${benchmarks.map((b) => b.id).join(', ')}`);
  process.exit(2);
}

ensureHost();
// Measure what users get: the minified production bundle.
await buildAll({ production: true, includeTests: true });
const results = [];
for (const benchmark of selected) {
  const value = Math.round((await benchmark.measure()) * 100) / 100;
  const pass = benchmark.better === 'lower' ? value < benchmark.target : value >= benchmark.target;
  results.push({ id: benchmark.id, value, unit: benchmark.unit, target: benchmark.target, pass });
}
writeFileSync(join(repoRoot, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
console.log('\n| benchmark | value | target | pass |\n| --- | --- | --- | --- |');
for (const r of results) {
  const comparison = benchmarks.find((b) => b.id === r.id).better === 'lower' ? '<' : '>=';
  console.log(`| ${r.id} | ${r.value} ${r.unit} | ${comparison} ${r.target} ${r.unit} | ${r.pass ? 'yes' : 'NO'} |`);
}
process.exit(results.every((r) => r.pass) ? 0 : 1);
