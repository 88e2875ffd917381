/**
 * Child process for the "no leaked processes" test: starts Azurite and a long job, prints the
 * job's background pid and the Azurite location, then exits WITHOUT calling stop().
 */
import { existsSync, readFileSync } from 'node:fs';
import { RuntimeHarness } from './runtimeHarness';

async function main(): Promise<void> {
  const pidFile = process.argv[2];
  const harness = new RuntimeHarness();
  await harness.start();
  const codeId = await harness.createCode('orphan-src', { 'orphan.sh': 'sleep 60 &\necho $! > "$PID_FILE"\nwait\n' });
  const jobId = harness.submit('job-orphan', {
    command: 'bash orphan.sh',
    codeId,
    environmentVariables: { PID_FILE: pidFile },
  });
  await harness.waitForStatus(jobId, ['Running']);
  await harness.waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the pid file');
  const report = {
    sleepPid: Number(readFileSync(pidFile, 'utf8')),
    blobEndpoint: harness.storage.blobEndpoint,
    workDir: harness.workDir,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(String(error));
  process.exit(1);
});
