// `npm test`: lint, then the unit, integration and e2e layers. Every layer runs even if an earlier
// one failed, so one run shows everything; the exit code is non-zero if anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/vscodeHost.mjs';

const resultsDir = join(repoRoot, 'test-results');
const steps = [
  { name: 'lint', script: 'lint' },
  { name: 'unit', script: 'test:unit', layer: 'unit' },
  { name: 'integration', script: 'test:integration', layer: 'integration' },
  { name: 'e2e', script: 'test:e2e', layer: 'e2e' },
];

let passed = 0;
let failed = 0;
const failedSteps = [];
for (const step of steps) {
  if (step.layer) rmSync(join(resultsDir, `totals-${step.layer}.json`), { force: true });
  console.log(`\n=== ${step.name} ===`);
  const { status } = spawnSync('npm', ['run', '--silent', step.script], { cwd: repoRoot, stdio: 'inherit' });
  const totalsFile = step.layer && join(resultsDir, `totals-${step.layer}.json`);
  if (totalsFile && existsSync(totalsFile)) {
    const totals = JSON.parse(readFileSync(totalsFile, 'utf8'));
    passed += totals.passed;
    failed += totals.failed;
  } else if (step.layer && status !== 0) {
    // A layer that crashed before reporting counts as one failure, so the total never looks green.
    failed += 1;
  }
  if (status !== 0) failedSteps.push(step.name);
}

console.log(`\nLayers failed: ${failedSteps.length ? failedSteps.join(', ') : 'none'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedSteps.length === 0 ? 0 : 1);
