// Benchmarks: `npm run bench` runs all, `npm run bench -- activation vsix` only those whose id contains a word.
// Prints a table and writes bench-results.json as [{id, value, unit, target, pass}].
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { buildAll } from './build.mjs';
import { emulatorEnvironment, emulatorSettings, withEmulatorProcess } from './lib/emulatorProcess.mjs';
import { runInHost } from './lib/inHost.mjs';
import {
  ensureHost,
  installVsix,
  launchBrowser,
  prepareProfile,
  repoRoot,
  startServer,
  workbenchUrl,
} from './lib/vscodeHost.mjs';
import { packageExtension } from './package.mjs';

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Activation time as VS Code itself reports it (code loading + activate call, in "Developer: Show Running
 * Extensions"), for the packaged VSIX in a freshly started server and extension host.
 */
async function reportedActivationMs(vsix) {
  const scratch = mkdtempSync(join(tmpdir(), 'azureml-bench-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  prepareProfile(userDataDir);
  installVsix(vsix, extensionsDir);
  const server = await startServer({ userDataDir, extensionsDir });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(workbenchUrl(server.url, { folder: join(repoRoot, 'test', 'fixtures', 'workspace') }));
    // Let the workbench finish restoring, so the measurement is ours and not startup contention.
    await page.locator('.activitybar').waitFor();
    await page.waitForTimeout(3000);
    await page.getByRole('tab', { name: 'Azure ML' }).click();
    await page.locator('.pane-header h3.title', { hasText: 'Workspaces' }).waitFor();
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Developer: Show Running Extensions');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.keyboard.press('Enter');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Azure ML Inner Loop' });
    const text = await row.locator('.activation-time').textContent({ timeout: 30_000 });
    const match = /(\d+)\s*ms/.exec(text ?? '');
    if (!match) throw new Error(`Unexpected activation label "${text}"`);
    return Number(match[1]);
  } finally {
    await browser.close();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The Jobs view against the emulator's scale seed (one workspace, 10,000 jobs in 4 experiments), measured
 * by test/bench/index.ts inside the extension host of a real VS Code with the production build. One run
 * gives every explorer row, so the rows share it.
 */
let explorerRun;
function explorerResults() {
  explorerRun ??= measureExplorer();
  return explorerRun;
}

async function measureExplorer() {
  await buildAll({ production: true, includeTests: true });
  const scratch = mkdtempSync(join(tmpdir(), 'azureml-bench-'));
  const resultsFile = join(scratch, 'explorer.json');
  try {
    const stateDir = join(repoRoot, '.emulator', 'bench');
    const code = await withEmulatorProcess({ seed: 'scale', stateDir }, (connection) =>
      runInHost({
        testsPath: join(repoRoot, 'out', 'test', 'bench', 'index.js'),
        settings: emulatorSettings(connection),
        env: {
          ...emulatorEnvironment(connection),
          AZUREML_EMULATOR_ORIGIN: connection.armEndpoint,
          AZUREML_BENCH_RESULTS: resultsFile,
        },
        onOutput: (text) => process.stdout.write(text),
      }),
    );
    if (code !== 0) throw new Error(`The explorer benchmark failed in the extension host (exit code ${code})`);
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    const firstPageMs = median(results.firstPageMs);
    const naiveMs = median(results.naiveMs);
    console.log(
      `jobs first page samples (ms), ${results.firstPageJobs} jobs of ${results.experiment}: ` +
        `${results.firstPageMs.map((ms) => ms.toFixed(1)).join(', ')}`,
    );
    console.log(
      `naive list-then-render samples (ms), ${results.naiveJobs} jobs in ${results.naivePages} pages: ` +
        `${results.naiveMs.map((ms) => ms.toFixed(0)).join(', ')}; ratio = ` +
        (results.naiveMs.length > 1 ? `median ${naiveMs.toFixed(0)} ms` : `one run of ${naiveMs.toFixed(0)} ms`) +
        ` / median ${firstPageMs.toFixed(1)} ms`,
    );
    console.log(
      `heap after GC (MB): ${(results.heapBeforeBytes / 2 ** 20).toFixed(1)} with the first page, ` +
        `${(results.heapAfterBytes / 2 ** 20).toFixed(1)} with ${results.jobsAfterLoadMore} jobs after 10 "Load more"`,
    );
    return {
      firstPageMs,
      naiveRatio: naiveMs / firstPageMs,
      heapGrowthMb: (results.heapAfterBytes - results.heapBeforeBytes) / 2 ** 20,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const benchmarks = [
  {
    id: 'activation.ms',
    unit: 'ms',
    target: 50,
    better: 'lower',
    async measure() {
      const { path } = await packageExtension();
      const samples = [];
      for (let start = 0; start < 5; start++) samples.push(await reportedActivationMs(path));
      console.log(`activation samples (ms): ${samples.join(', ')}`);
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
  {
    id: 'explorer.jobsFirstPage.ms',
    unit: 'ms',
    target: 500,
    better: 'lower',
    async measure() {
      return (await explorerResults()).firstPageMs;
    },
  },
  {
    id: 'explorer.naiveRatio',
    unit: 'x',
    target: 20,
    better: 'higher',
    async measure() {
      return (await explorerResults()).naiveRatio;
    },
  },
  {
    id: 'explorer.heapGrowth.mb',
    unit: 'MB',
    target: 30,
    better: 'lower',
    async measure() {
      return (await explorerResults()).heapGrowthMb;
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
