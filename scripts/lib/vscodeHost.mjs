// Installs and starts the test host: the VS Code server shipped in the npm package code-server.
// @vscode/test-electron downloads VS Code from the internet; this works offline from npm alone,
// and like test-electron it keeps its install under .vscode-test/ for reuse.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CODE_SERVER_VERSION = '4.100.3'; // VS Code 1.100.3, the newest whose server runs on Node 20
const hostDir = join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const vscodeDir = join(hostDir, 'node_modules', 'code-server', 'lib', 'vscode');
const readyMarker = join(hostDir, '.ready');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** System packages the host needs, each with how to tell it is there. */
const hostPackages = [
  { name: 'chromium', present: () => existsSync(chromiumPath) },
  { name: 'ripgrep', present: () => findOnPath('rg') !== undefined },
  {
    name: 'libkrb5-dev',
    present: () => existsSync('/usr/include/gssapi/gssapi.h') || findOnPath('krb5-config') !== undefined,
  },
  // The emulator's storage answers at {account}.blob.core.localhost, as Azure's does at {account}.blob.core.windows.net.
  { name: 'libnss-myhostname', present: () => isDebianPackageInstalled('libnss-myhostname') },
];

/**
 * What the unit test with Microsoft's Python client (test/unit/emulator/pythonClient.test.ts) needs: azure-ai-ml
 * for Debian's own python3, and `*.localhost` names resolving to loopback for the emulator's blob storage. The
 * generated MLOps project's training pipeline (test/unit/core/scaffold/localRun.test.ts) needs pandas and
 * scikit-learn for the same python3.
 */
export const pythonClientPackages = [
  { name: 'python3-azure', present: () => existsSync('/usr/lib/python3/dist-packages/azure/ai/ml/__init__.py') },
  { name: 'libnss-myhostname', present: () => isDebianPackageInstalled('libnss-myhostname') },
  { name: 'python3-pandas', present: () => existsSync('/usr/lib/python3/dist-packages/pandas/__init__.py') },
  { name: 'python3-sklearn', present: () => existsSync('/usr/lib/python3/dist-packages/sklearn/__init__.py') },
];

function isDebianPackageInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).includes('ok installed');
  } catch {
    return false;
  }
}

function findOnPath(command) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function run(command, args, cwd, extraEnv = {}) {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...extraEnv } });
}

/**
 * Installs the missing ones of `systemPackages` with apt-get when running as root; throws with the apt-get
 * line to run when some are still missing. `purpose` names what needs them in that message.
 */
export function ensureSystemPackages(systemPackages = hostPackages, purpose = 'The test host') {
  const missing = systemPackages.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (missing.length === 0) return;
  const canInstall = process.getuid?.() === 0 && findOnPath('apt-get') !== undefined;
  if (canInstall) {
    console.log(`Installing system packages: ${missing.join(' ')}`);
    try {
      run('apt-get', ['update', '-qq'], repoRoot);
      run('apt-get', ['install', '-y', '-qq', ...missing], repoRoot, { DEBIAN_FRONTEND: 'noninteractive' });
    } catch {
      // Reported below with the instructions.
    }
  }
  const stillMissing = systemPackages.filter((pkg) => !pkg.present()).map((pkg) => pkg.name);
  if (stillMissing.length > 0) {
    throw new Error(
      `${purpose} needs these Debian packages: ${stillMissing.join(', ')}.\n` +
        `Install them as root with:\n  apt-get update && apt-get install -y ${stillMissing.join(' ')}\n` +
        'then run the command again.' +
        (stillMissing.includes('chromium') ? ' (Set CHROMIUM_PATH if Chromium lives elsewhere.)' : ''),
    );
  }
}

/** Installs the VS Code server once; later calls return at once. */
export function ensureHost() {
  ensureSystemPackages();
  if (existsSync(readyMarker)) return { vscodeDir };
  console.log(
    `Installing the VS Code ${CODE_SERVER_VERSION.replace('4.', '1.')} test host into .vscode-test/ (once)...`,
  );
  rmSync(hostDir, { recursive: true, force: true });
  mkdirSync(hostDir, { recursive: true });
  // Its own package.json keeps npm from treating the repository as the install prefix.
  writeFileSync(join(hostDir, 'package.json'), '{"private": true}\n');
  run(
    'npm',
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    hostDir,
  );
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir);
  // ripgrep's own install script downloads a binary from the internet; use the system one.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync(findOnPath('rg'), join(rgBin, 'rg'));
  run('npm', ['rebuild'], vscodeDir, { npm_config_yes: 'true' });
  symlinkSync('node_modules', join(vscodeDir, 'node_modules.asar'));
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], join(vscodeDir, 'extensions'));
  writeFileSync(readyMarker, new Date().toISOString());
  return { vscodeDir };
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Installs a VSIX into an extensions folder with the server's own CLI. */
export function installVsix(vsix, extensionsDir) {
  const { vscodeDir: dir } = ensureHost();
  mkdirSync(extensionsDir, { recursive: true });
  execFileSync(
    process.execPath,
    [join(dir, 'out', 'server-main.js'), '--install-extension', vsix, '--extensions-dir', extensionsDir, '--force'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

/**
 * Starts the VS Code server on loopback and resolves once it answers HTTP.
 * `env` reaches the extension host, which inherits the server's environment.
 */
export async function startServer({ host = '127.0.0.1', port, userDataDir, extensionsDir, env = {}, logFile }) {
  const { vscodeDir: dir } = ensureHost();
  const actualPort = port ?? (await freePort());
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const args = [
    join(dir, 'out', 'server-main.js'),
    '--host',
    host,
    '--port',
    String(actualPort),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', logFile ? 'pipe' : 'ignore', logFile ? 'pipe' : 'ignore'],
  });
  if (logFile) {
    const log = createWriteStream(logFile);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  const url = `http://${host}:${actualPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The VS Code server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('The VS Code server did not start within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return { url, port: actualPort, stop };
}

/** Workbench URL that opens `folder`, optionally running in-host tests from `testsPath`. */
export function workbenchUrl(serverUrl, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const authority = new URL(serverUrl).host;
  const params = new URLSearchParams({ folder });
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath)
    payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionDevelopmentPath}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${extensionTestsPath}`]);
  params.set('payload', JSON.stringify(payload));
  return `${serverUrl}/?${params}`;
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** Settings that keep the workbench quiet and deterministic under automation. */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Network settings (http.*) are the one thing written to both files: this server's extension host
 * registers them application-scoped and reads them from User (a copy in Machine alone leaves the
 * emulator's certificate untrusted), while the server process, and hosts that register them
 * machine-scoped, read them from Machine.
 */
function isMachineSetting(key) {
  return key.startsWith('http.');
}

/**
 * Creates a profile folder with the quiet settings plus `settings`. Everything goes to the User file;
 * the Machine file, which the browser workbench shows as the "Remote" tab and which overrides User,
 * gets only the machine's network settings, so a user's own change to any other setting takes effect.
 */
export function prepareProfile(userDataDir, settings = {}) {
  const user = { ...quietSettings, ...settings };
  const machine = Object.fromEntries(Object.entries(user).filter(([key]) => isMachineSetting(key)));
  for (const [scope, values] of [
    ['User', user],
    ['Machine', machine],
  ]) {
    mkdirSync(join(userDataDir, scope), { recursive: true });
    writeFileSync(join(userDataDir, scope, 'settings.json'), `${JSON.stringify(values, null, 2)}\n`);
  }
}
