// The scaffold's benchmark, run by scripts/bench.mjs as `node --require tsx/cjs test/bench/scaffold/measure.ts`:
// generates a full project (classical, GitHub, Bicep, both endpoints, Responsible AI, security) into a new folder,
// twenty times, and prints the samples as one line of JSON. Beside them, copying the same files with no rendering,
// as a same-run reference of what the disk alone costs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generate, planProject, writePlanned } from '../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../src/core/scaffold/nodeTarget';
import { withDefaults } from '../../../src/core/scaffold/options';
import { loadTemplateTree } from '../../../src/core/scaffold/templates';

const RUNS = 20;

async function main() {
  const options = withDefaults({ deploy: 'both', responsibleAi: true, security: true });
  const scratch = mkdtempSync(join(tmpdir(), 'scaffold-bench-'));
  try {
    // The first call reads the template tree from disk; the samples include it (a fresh process pays it once).
    const coldStart = performance.now();
    const first = await generate(options, nodeTarget(join(scratch, 'cold')));
    const coldMs = performance.now() - coldStart;
    const samplesMs: number[] = [];
    const copyOnlyMs: number[] = [];
    const files = planProject(options, loadTemplateTree());
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      await generate(options, nodeTarget(join(scratch, `run-${run}`)));
      samplesMs.push(performance.now() - start);
      const copyStart = performance.now();
      await writePlanned(files, nodeTarget(join(scratch, `copy-${run}`)));
      copyOnlyMs.push(performance.now() - copyStart);
    }
    process.stdout.write(JSON.stringify({ files: first.written.length, coldMs, samplesMs, copyOnlyMs }) + '\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
