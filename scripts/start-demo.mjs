// `npm start`: builds and packages the extension, starts the Azure ML emulator with its demo seed and
// a VS Code server with the VSIX installed on a sample project, prints the URL, stops all on Ctrl+C.
// PORT picks the workbench port (default 8080), HOST the interface (default 127.0.0.1).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { tsxCli } from './lib/emulatorCert.mjs';
import { emulatorEnvironment, emulatorSettings, startEmulatorProcess } from './lib/emulatorProcess.mjs';
import { ensureHost, freePort, installVsix, prepareProfile, repoRoot, startServer } from './lib/vscodeHost.mjs';
import { packageExtension } from './package.mjs';

const demoDir = join(repoRoot, '.vscode-test', 'demo');
// Next to `npm run emulator`'s own state in .emulator/, where people look for connection.json.
const emulatorStateDir = join(repoRoot, '.emulator', 'demo');
const running = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping...');
  for (const stop of running.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

/** A path as the user can type it from where they ran npm start. */
function shown(path) {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') ? path : fromHere;
}

/**
 * The GitHub double the demo project's outer loop triggers (test/doubles/demo.ts), serving the emulator's
 * certificate, which the demo's VS Code already trusts. Resolves with its API address and demo token.
 */
async function startGitHubDouble(certificateDir) {
  const connectionFile = join(certificateDir, 'github-double.json');
  rmSync(connectionFile, { force: true });
  const child = spawn(
    process.execPath,
    [tsxCli, join(repoRoot, 'test', 'doubles', 'demo.ts'), '--state-dir', certificateDir],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  running.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  );
  const deadline = Date.now() + 60_000;
  while (!existsSync(connectionFile)) {
    if (child.exitCode !== null) throw new Error(`The GitHub double exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`The GitHub double did not write ${connectionFile} within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return JSON.parse(readFileSync(connectionFile, 'utf8'));
}

/** Points the project's outer loop at the double (its address changes with every start). */
function pointOuterLoopAt(project, apiUrl) {
  const file = join(project, '.azureml', 'outer-loop.json');
  // A project copied before the demo had an outer loop gets the sample's settings.
  if (!existsSync(file)) {
    cpSync(join(repoRoot, 'test', 'fixtures', 'demo-project', '.azureml', 'outer-loop.json'), file);
  }
  const settings = JSON.parse(readFileSync(file, 'utf8'));
  if (settings.provider !== 'github' || !settings.github) return false;
  settings.github.baseUrl = apiUrl;
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return true;
}

async function portToUse() {
  const wanted = Number(process.env.PORT ?? 8080);
  const probe = await import('node:net');
  const free = await new Promise((resolve) => {
    const server = probe.createServer().once('error', () => resolve(false));
    server.listen(wanted, process.env.HOST ?? '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? wanted : freePort();
}

try {
  ensureHost();
  console.log('Packaging the extension...');
  const { path: vsix } = await packageExtension();
  const extensionsDir = join(demoDir, 'extensions');
  installVsix(vsix, extensionsDir);

  console.log('Starting the Azure ML emulator (demo seed)...');
  // Earlier versions kept the emulator's state here; its stale connection.json would only mislead.
  rmSync(join(demoDir, 'emulator'), { recursive: true, force: true });
  const emulator = await startEmulatorProcess({ seed: 'demo', stateDir: emulatorStateDir });
  running.push(emulator.stop);
  const { connection } = emulator;

  // The sample project is copied, not opened in place, so the repo stays clean. Files already there are kept, so what
  // the user changed survives restarts; samples added since the first copy (a newer checkout) are added.
  const project = join(demoDir, 'project');
  cpSync(join(repoRoot, 'test', 'fixtures', 'demo-project'), project, { recursive: true, force: false });

  console.log('Starting the GitHub double for the outer loop...');
  const github = await startGitHubDouble(dirname(connection.caCertPath));
  const outerLoop = pointOuterLoopAt(project, github.apiUrl);

  const userDataDir = join(demoDir, 'user-data');
  prepareProfile(userDataDir, emulatorSettings(connection));
  const port = await portToUse();
  const server = await startServer({
    host: process.env.HOST,
    port,
    userDataDir,
    extensionsDir,
    env: emulatorEnvironment(connection),
  });
  running.push(server.stop);
  const url = `${server.url}/?folder=${encodeURIComponent(project)}`;
  console.log(
    `\nAzure ML Inner Loop demo is running.\n\n  Open ${url}\n\n` +
      `Emulated Azure: ${connection.armEndpoint}\n` +
      `Emulator connection (endpoints, service principal, CA certificate): ${shown(join(emulatorStateDir, 'connection.json'))}\n` +
      (outerLoop
        ? `Outer loop: a GitHub double at ${github.apiUrl}; run "Azure ML: Set Outer Loop Token…" (GitHub) with ${github.token}, then "Azure ML: Register Candidate Model…".\n`
        : '') +
      'Press Ctrl+C to stop.',
  );
} catch (error) {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : error}`);
  await stopAll(1);
}
