// Entry point the extension host loads for in-host benchmarks. AZUREML_BENCH_CASE picks the case;
// its result is written as JSON to the file named by AZUREML_TEST_OUTPUT.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/constants';

type BenchCase = () => Promise<Record<string, number>>;

const cases: Record<string, BenchCase> = {
  /** require() of the bundle plus activate(), which is what VS Code reports as activation time. */
  async activation() {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in the host`);
    if (extension.isActive) throw new Error('The extension was already active; a fresh start is needed to measure');
    const start = performance.now();
    await extension.activate();
    return { ms: performance.now() - start };
  },
};

export async function run(): Promise<void> {
  const name = process.env.AZUREML_BENCH_CASE ?? '';
  const benchCase = cases[name];
  if (!benchCase) throw new Error(`Unknown benchmark case "${name}"; known: ${Object.keys(cases).join(', ')}`);
  const result = await benchCase();
  appendFileSync(process.env.AZUREML_TEST_OUTPUT ?? '', JSON.stringify(result));
}
