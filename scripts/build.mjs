// Bundles the extension, each webview front end and the in-host test suites with esbuild.
//   node scripts/build.mjs               development build with source maps
//   node scripts/build.mjs --production  minified, no source maps (what the VSIX ships)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/**
 * Webview front ends live in <folder>/<name>/app/main.ts and become <outPrefix>/<name>.js: the
 * extension's from src/webviews into dist/webviews, the tests' own from test/integration/webviews
 * into out/test/webviews, so the VSIX never carries a test page.
 */
function webviewEntries(folder, outPrefix) {
  const absolute = join(root, folder);
  if (!existsSync(absolute)) return {};
  const entries = {};
  for (const name of readdirSync(absolute)) {
    const main = join(absolute, name, 'app', 'main.ts');
    if (existsSync(main)) entries[`${outPrefix}/${name}`] = main;
  }
  return entries;
}

/** Browser bundles: one self-contained script per page, as the page's policy loads nothing else. */
function buildWebviews(common, entryPoints, outdir) {
  return build({
    ...common,
    entryPoints,
    outdir,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    tsconfig: 'tsconfig.webview.json',
  });
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

/**
 * Code loaded on first use, each a bundle of its own: what drawing the first tree does not need. The
 * code requires the entry (`require('./actions.lazy')`); every bundle, the extension's included, gets
 * `require('./<bundle>.js')` there instead of a copy.
 */
const lazyBundles = {
  'azure-sdk': 'src/core/lazy/azureSdk.ts',
  yaml: 'src/core/lazy/yaml.ts',
  'azure-clients': 'src/core/lazy/azureClients.ts',
  'storage-blob': 'src/core/lazy/storageBlob.ts',
  octokit: 'src/core/lazy/octokit.ts',
  'azure-devops-api': 'src/core/lazy/azureDevOpsApi.ts',
  'explorer-actions': 'src/explorer/actions.lazy.ts',
  'sign-in': 'src/auth/signIn.lazy.ts',
  'quick-input': 'src/platform/vscodeUserInput.lazy.ts',
  'yaml-language': 'src/yaml/language.lazy.ts',
  jobs: 'src/jobs/jobs.lazy.ts',
  scaffold: 'src/scaffold/scaffold.lazy.ts',
  labeling: 'src/labeling/labeling.lazy.ts',
  candidate: 'src/candidate/candidate.lazy.ts',
};
const lazyBundleOf = new Map(Object.entries(lazyBundles).map(([name, entry]) => [join(root, entry), name]));
function lazyBundlesApart({ staticImportsToo }) {
  return {
    name: 'lazy-bundles-apart',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        // Activation code reaches a lazy bundle only through require(); a lazy bundle may import another statically.
        if (args.kind !== 'require-call' && !(staticImportsToo && args.kind === 'import-statement')) return undefined;
        const bundle = lazyBundleOf.get(`${resolve(args.resolveDir, args.path)}.ts`);
        return bundle ? { path: `./${bundle}.js`, external: true } : undefined;
      });
    },
  };
}

/**
 * One `require('vscode')` per bundle instead of one per source module: the extension host resolves the real
 * path of the requiring file on every such call, which costs activation about a millisecond in all.
 */
function vscodeRequiredOnce() {
  return {
    name: 'vscode-required-once',
    setup(build) {
      build.onResolve({ filter: /^vscode$/ }, (args) =>
        args.namespace === 'vscode-once'
          ? { path: 'vscode', external: true }
          : { path: 'vscode', namespace: 'vscode-once' },
      );
      build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
        contents: "module.exports = require('vscode');",
        loader: 'js',
      }));
    },
  };
}

/**
 * The project templates of `new` (src/core/scaffold/templates) are read from disk at run time, so every bundle
 * folder that can include the scaffold core gets a copy beside it, as scaffold-templates/.
 */
const scaffoldTemplates = join(root, 'src', 'core', 'scaffold', 'templates');
function copyScaffoldTemplates(outdir) {
  cpSync(scaffoldTemplates, join(outdir, 'scaffold-templates'), { recursive: true });
}

/** The command line: one file with everything it needs, outside what the VSIX ships. */
export async function buildCli({ production = false, outdir }) {
  copyScaffoldTemplates(outdir);
  return build({
    bundle: true,
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: { 'azureml-inner-loop': 'src/cli/main.ts' },
    outdir,
    // Some of its libraries are ES modules that find files through import.meta.url, which CommonJS lacks.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  });
}

/** Where the stand-in for Red Hat's YAML extension is built, as an extension folder. */
const redHatYamlDoubleDir = join(root, 'out', 'test', 'redhat-yaml');

function buildRedHatYamlDouble(common) {
  const source = join(root, 'test', 'doubles', 'redHatYaml');
  return build({
    ...common,
    minify: false,
    sourcemap: 'inline',
    entryPoints: { extension: join(source, 'extension.ts') },
    outdir: redHatYamlDoubleDir,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }).then(() => cpSync(join(source, 'package.json'), join(redHatYamlDoubleDir, 'package.json')));
}

/** Packages the built stand-in for Red Hat's YAML extension (after buildAll); returns the VSIX path. */
export function packageRedHatYamlDouble() {
  const vsix = join(root, 'out', 'test', 'redhat-yaml.vsix');
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  execFileSync(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: redHatYamlDoubleDir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return vsix;
}

export async function buildAll({ production = false, includeTests = !production } = {}) {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  rmSync(join(root, 'dist-cli'), { recursive: true, force: true });
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
      // The entry VS Code loads is a small loader; it compiles the activation bundle with V8's code cache.
      entryPoints: { extension: 'src/extensionLoader.ts', activation: 'src/extension.ts' },
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
      plugins: [lazyBundlesApart({ staticImportsToo: false }), vscodeRequiredOnce()],
    }),
    build({
      ...common,
      entryPoints: lazyBundles,
      // Each lazy bundle loads the others it needs at run time rather than carrying a copy.
      plugins: [lazyBundlesApart({ staticImportsToo: true }), vscodeRequiredOnce()],
      outdir: 'dist',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode'],
    }),
    buildCli({ production, outdir: join(root, 'dist-cli') }),
  ];
  copyScaffoldTemplates(join(root, 'dist'));
  const webviews = webviewEntries('src/webviews', 'webviews');
  if (Object.keys(webviews).length > 0) tasks.push(buildWebviews(common, webviews, 'dist'));
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
    tasks.push(buildRedHatYamlDouble(common));
    const testWebviews = webviewEntries('test/integration/webviews', 'webviews');
    if (Object.keys(testWebviews).length > 0) {
      tasks.push(buildWebviews({ ...common, minify: false }, testWebviews, 'out/test'));
    }
  }
  await Promise.all(tasks);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll({ production: process.argv.includes('--production') });
}
