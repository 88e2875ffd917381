// Builds for production and packages the VSIX with vsce. Prints the VSIX path.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll } from './build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const vsixPath = join(root, 'azureml-inner-loop.vsix');

export async function packageExtension() {
  await buildAll({ production: true });
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  // Dependencies are bundled by esbuild, so vsce must not collect node_modules.
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsixPath],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  return { path: vsixPath, bytes: statSync(vsixPath).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { path, bytes } = await packageExtension();
  console.log(`Packaged ${path} (${Math.round(bytes / 1024)} KB)`);
}
