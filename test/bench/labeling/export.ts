// The labeling export benchmark, run by scripts/bench.mjs as `node --require tsx/cjs test/bench/labeling/export.ts`:
// a 10,000-picture object-detection project with every picture labeled, exported as the Export Labels command
// does for AutoML (the store's records, each picture's header read for its size, JSON Lines and MLTable written
// atomically), several times. Beside it, in the same run: JSON.stringify of the same records and one writeFile
// of the result, what any export must at least pay. Prints one line of JSON.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { exportAutoMlImages } from '../../../src/core/labeling/export/automlImages';
import { exportInputOf, writeExportFiles } from '../../../src/core/labeling/export/common';
import { LabelStore } from '../../../src/core/labeling/store';
import { writeBenchProject } from './pictures';

const PICTURES = 10_000;
const RUNS = 7;

async function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'labeling-export-bench-'));
  try {
    const projectFile = writeBenchProject(scratch, PICTURES, () => true);
    const store = await LabelStore.open(projectFile);
    const samplesMs: number[] = [];
    const bareMs: number[] = [];
    let exported = 0;
    let bytes = 0;
    for (let run = 0; run < RUNS; run++) {
      const folder = join(scratch, `export-${run}`);
      const start = performance.now();
      const input = await exportInputOf(store);
      const result = await exportAutoMlImages(input, { exportFolder: folder });
      await writeExportFiles(folder, result.files);
      samplesMs.push(performance.now() - start);
      if (result.exported !== PICTURES || result.skipped.length > 0)
        throw new Error(`Exported ${result.exported} of ${PICTURES}, skipped ${result.skipped.length}`);
      exported = result.exported;
      bytes = statSync(join(folder, 'train_annotations.jsonl')).size;

      const bareStart = performance.now();
      const text = store
        .annotations()
        .map((record) => JSON.stringify(record))
        .join('\n');
      await writeFile(join(scratch, `bare-${run}.jsonl`), `${text}\n`);
      bareMs.push(performance.now() - bareStart);
    }
    process.stdout.write(JSON.stringify({ pictures: PICTURES, exported, bytes, samplesMs, bareMs }) + '\n');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
