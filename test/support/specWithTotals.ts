import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Mocha's spec reporter, plus a closing "N passed, N failed" line and a totals file
 * (test-results/totals-<layer>.json) from which `npm test` adds up every layer.
 */
class SpecWithTotals extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const stats = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      Mocha.reporters.Base.consoleLog(`${stats.passes} passed, ${stats.failures} failed`);
      const layer = process.env.AZUREML_TEST_LAYER ?? 'unit';
      const folder = process.env.AZUREML_TEST_RESULTS ?? join(process.cwd(), 'test-results');
      mkdirSync(folder, { recursive: true });
      writeFileSync(
        join(folder, `totals-${layer}.json`),
        JSON.stringify({ layer, passed: stats.passes, failed: stats.failures, pending: stats.pending }),
      );
    });
  }
}

export = SpecWithTotals;
