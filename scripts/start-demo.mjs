// `npm start`: builds and packages the extension, starts the Azure ML emulator with its demo seed and
// a VS Code server with the VSIX installed on a sample project, prints the URL, stops all on Ctrl+C.
// PORT picks the workbench port (default 8080), HOST the interface (default 127.0.0.1).
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
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

  // The sample project is copied once, so what the user changes survives restarts and the repo stays clean.
  const project = join(demoDir, 'project');
  if (!existsSync(project)) cpSync(join(repoRoot, 'test', 'fixtures', 'demo-project'), project, { recursive: true });

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
      'Press Ctrl+C to stop.',
  );
} catch (error) {
  console.error(`\nThe demo could not start: ${error instanceof Error ? error.message : error}`);
  await stopAll(1);
}
