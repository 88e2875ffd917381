// Entry point the VS Code extension host loads through `extensionTestsPath`.
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import SpecWithTotals from '../support/specWithTotals';

export async function run(): Promise<void> {
  // The extension host's stdout reaches no terminal, so the report goes to a file the runner prints.
  const outputFile = process.env.AZUREML_TEST_OUTPUT;
  if (outputFile) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) => appendFileSync(outputFile, `${format(...args)}\n`);
  }
  const mocha = new Mocha({
    ui: 'bdd',
    color: process.env.AZUREML_TEST_COLOR === '1',
    timeout: 60_000,
    reporter: SpecWithTotals,
  });
  const grep = process.env.AZUREML_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(join(__dirname, file));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) {
    throw new Error(`${failures} integration test(s) failed`);
  }
}
