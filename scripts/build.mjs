// Bundles the extension, each webview front end and the in-host test suites with esbuild.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, no source maps (what the VSIX ships)
import { build } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Webview front ends live in src/webviews/<name>/app/main.ts and become dist/webviews/<name>.js. */
function webviewEntries() {
  const folder = join(root, 'src', 'webviews');
  if (!existsSync(folder)) return {};
  const entries = {};
  for (const name of readdirSync(folder)) {
    const main = join(folder, name, 'app', 'main.ts');
    if (existsSync(main)) entries[`webviews/${name}`] = main;
  }
  return entries;
}

/** In-host test modules: bundled with the code under test, libraries left in node_modules. */
function testEntries() {
  const entries = {};
  for (const suite of ['integration', 'bench']) {
    const folder = join(root, 'test', suite);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      if (name === 'index.ts' || name.endsWith('.test.ts')) {
        entries[`${suite}/${name.replace(/\.ts$/, '')}`] = join(folder, name);
      }
    }
  }
  return entries;
}

/** Keeps the Azure SDK out of the extension bundle: loadSdk.ts requires dist/azure-sdk.js on first use. */
const sdkOutOfBundle = {
  name: 'azure-sdk-out-of-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\/sdk$/ }, (args) =>
      args.importer.endsWith(join('core', 'azure', 'loadSdk.ts'))
        ? { path: './azure-sdk.js', external: true }
        : undefined,
    );
  },
};

export async function buildAll({ production = false, includeTests = !production } = {}) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const common = {
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  const tasks = [
    build({
      ...common,
      entryPoints: { extension: 'src/extension.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [sdkOutOfBundle],
    }),
    build({
      ...common,
      entryPoints: { 'azure-sdk': 'src/core/azure/sdk.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
    }),
  ];
  const webviews = webviewEntries();
  if (Object.keys(webviews).length > 0) {
    tasks.push(
      build({
        ...common,
        entryPoints: webviews,
        outdir: 'dist',
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
      }),
    );
  }
  if (includeTests) {
    rmSync(join(root, 'out'), { recursive: true, force: true });
    tasks.push(
      build({
        ...common,
        minify: false,
        sourcemap: 'inline',
        entryPoints: testEntries(),
        outdir: 'out/test',
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        external: ['vscode'],
        packages: 'external',
      }),
    );
  }
  await Promise.all(tasks);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll({ production: process.argv.includes('--production') });
}
