// Builds for production and packages the VSIX with vsce. Prints one line: the VSIX path and size.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const vsixPath = join(root, 'azureml-inner-loop.vsix');

/**
 * Runs `vsce package`. Its file listing would fill the terminal on every `npm start`, so its output is
 * captured: on success only its warnings and errors are passed on, on failure everything it said.
 */
function runVsce(args) {
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  const result = spawnSync(process.execPath, [vsce, ...args], {
    cwd: root,
    encoding: 'utf8',
    // Piped, vsce answers its own "Do you want to continue?" with yes; the warning still shows below.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: process.stderr.isTTY ? '1' : '0' },
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  if (result.error || result.status !== 0) {
    process.stdout.write(stdout);
    process.stderr.write(stderr);
    throw new Error(`vsce package failed: ${result.error?.message ?? `exit code ${result.status ?? result.signal}`}`);
  }
  // vsce writes WARNING and ERROR to stderr and INFO/DONE to stdout, except under GitHub Actions,
  // where all of it goes to stdout and problems are the ::warning:: and ::error:: lines.
  const problems = [
    ...(stderr.trim() === '' ? [] : [stderr.trimEnd()]),
    ...stdout.split('\n').filter((line) => /^::(warning|error)::/.test(line)),
  ];
  if (problems.length > 0) console.warn(problems.join('\n'));
}

export async function packageExtension() {
  await buildAll({ production: true });
  // Dependencies are bundled by esbuild, so vsce must not collect node_modules.
  runVsce(['package', '--no-dependencies', '--allow-missing-repository', '--out', vsixPath]);
  const bytes = statSync(vsixPath).size;
  const shown = relative(process.cwd(), vsixPath);
  console.log(`Packaged ${shown.startsWith('..') ? vsixPath : shown} (${Math.round(bytes / 1024)} KB)`);
  return { path: vsixPath, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await packageExtension();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
