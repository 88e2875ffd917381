/**
 * CLI for `npm start`: `tsx test/doubles/demo.ts --state-dir DIR`. Serves the GitHub double with the demo
 * project's repository and workflow (its `.azureml/outer-loop.json`), with the emulator's certificate from
 * DIR, writes `github-double.json` there (API address and the token it accepts), and runs until stopped.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHubDouble } from './github';

/** Not a secret: the double runs on loopback for the demo and accepts only this. */
export const DEMO_GITHUB_TOKEN = 'ghp_demoOuterLoopToken';

async function main(): Promise<void> {
  const index = process.argv.indexOf('--state-dir');
  const stateDir = index > 0 ? process.argv[index + 1] : undefined;
  if (!stateDir) throw new Error('--state-dir DIR is required (the emulator state folder with its certificate)');
  const double = await startGitHubDouble({
    certificateDir: stateDir,
    tokens: [DEMO_GITHUB_TOKEN],
    // Two reads per state: the notification and the Models view show queued, then in progress, then the result.
    readsPerState: 2,
    repos: [
      {
        owner: 'contoso',
        repo: 'iris-mlops',
        workflows: [
          {
            file: 'deploy-model.yml',
            name: 'Deploy model',
            dispatchInputs: { model_name: { required: true }, model_version: { required: true } },
            runName: 'Deploy ${{ inputs.model_name }}:${{ inputs.model_version }}',
            jobs: ['test-model', 'deploy-online-endpoint'],
          },
        ],
      },
    ],
  });
  const file = join(stateDir, 'github-double.json');
  writeFileSync(file, `${JSON.stringify({ apiUrl: double.apiUrl, token: DEMO_GITHUB_TOKEN }, null, 2)}\n`);
  const stop = () => {
    rmSync(file, { force: true });
    void double.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
