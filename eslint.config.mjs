import js from '@eslint/js';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import tseslint from 'typescript-eslint';

/**
 * Import zones: which folder may import which. Each zone lists the places outside itself (paths under
 * src/) it may reach; everything else outside it is an error. `*` in a root matches one folder name,
 * and the same name in an allowed path (NAME) means "this one's own".
 */
const FEATURES = ['explorer', 'yaml', 'jobs', 'labeling', 'scaffold', 'candidate'];
const zones = [
  {
    root: 'src/core',
    allowed: [],
    why: 'core imports only core (no vscode, no UI), so plain mocha and the CLI can use it',
  },
  { root: 'src/cli', allowed: ['core'], why: 'the CLI imports only core' },
  { root: 'src/platform', allowed: ['core', 'constants', 'webviews/messaging'], why: 'the platform is domain-neutral' },
  {
    root: 'src/auth',
    allowed: ['core', 'platform', 'constants', 'services'],
    why: 'auth builds on core and the platform only',
  },
  ...FEATURES.map((feature) => ({
    root: `src/${feature}`,
    allowed: ['core', 'platform', 'auth', 'constants', 'services', 'webviews/*/contract', 'webviews/messaging'],
    why: 'a feature imports core, the platform, the shared services and webview contracts, never another feature',
  })),
  {
    root: 'src/webviews/app',
    allowed: ['webviews/messaging'],
    why: 'the shared front-end helper imports only the messaging it implements',
  },
  {
    root: 'src/webviews/*/app',
    allowed: ['webviews/NAME/contract', 'webviews/messaging', 'webviews/app'],
    why: 'a webview front end imports only its contract and the shared messaging',
  },
];
const MAX_DEPTH = 5;

/** The relative form of `target` (a path under src/) from a file `depth` folders below `root`. */
function relativeFrom(root, depth, target) {
  const dir = posix.join(root.replace(/\*/g, 'NAME'), ...Array.from({ length: depth }, (_, i) => `d${i}`));
  return posix.relative(dir, posix.join('src', target));
}

const escape = (text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+');

/** Everything in src: Azure SDK and yaml values only in their lazily loaded bundle entries. */
const bundlePatterns = [
  {
    regex: '\\.lazy$',
    allowTypeImports: true,
    message: "A .lazy module is a bundle of its own: require('./x.lazy') where it is first needed; types are fine.",
  },
  {
    group: ['@azure/*'],
    allowTypeImports: true,
    message: 'Import @azure/* values only in src/core/lazy/azureSdk.ts (loaded on first use); types are fine.',
  },
  {
    group: ['@octokit/*'],
    allowTypeImports: true,
    message: 'Import @octokit/* values only in src/core/lazy/octokit.ts (loaded on first use); types are fine.',
  },
  {
    group: ['azure-devops-node-api', 'azure-devops-node-api/*'],
    allowTypeImports: true,
    message:
      'Import azure-devops-node-api values only in src/core/lazy/azureDevOpsApi.ts (loaded on first use); types are fine.',
  },
];
const bundlePaths = [
  {
    name: 'yaml',
    allowTypeImports: true,
    message: 'Load yaml with loadYaml() from src/core/lazy/load.ts, so activation does not pay for it.',
  },
  {
    name: 'ajv',
    allowTypeImports: true,
    message: 'ajv belongs to the YAML engine (src/core/yaml), which loads with the first Azure ML YAML file.',
  },
];
/** The YAML engine is reached from a .lazy module or the CLI; anywhere else it would load at activation. */
const engineOnlyLazily = {
  regex: '(^|/)(core/)?yaml/(?!diagnostic$)[\\w.]+$',
  allowTypeImports: true,
  message: "Use the YAML engine from a .lazy module (require('./x.lazy')) or the CLI, so activation does not load it.",
};
const browserOnly = [
  {
    group: ['vscode', 'node:*', ...builtinModules],
    message: 'Webview code runs in the browser: no vscode, no Node modules.',
  },
];

function zoneConfigs(zone) {
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    const leaving = `^(\\.\\./){${depth + 1}}`;
    const allowed = zone.allowed.map((target) => escape(relativeFrom(zone.root, depth, target)));
    const regex = allowed.length ? `^(?!(${allowed.join('|')})(/|$))${leaving.slice(1)}` : leaving;
    const patterns = [{ regex, message: `${zone.why}.` }, ...bundlePatterns, engineOnlyLazily];
    if (zone.root.startsWith('src/core')) patterns.push({ group: ['vscode'], message: `${zone.why}.` });
    if (zone.root.startsWith('src/cli')) patterns.push({ group: ['vscode'], message: `${zone.why}.` });
    if (zone.root.startsWith('src/webviews')) patterns.push(...browserOnly);
    const below = '*/'.repeat(depth);
    const engineFiles = [`${zone.root}/${below}*.lazy.ts`];
    if (zone.root === 'src/cli') engineFiles.push(`src/cli/${below}*.ts`);
    if (zone.root === 'src/core' && depth > 0) engineFiles.push(`src/core/yaml/${'*/'.repeat(depth - 1)}*.ts`);
    return [
      {
        files: [`${zone.root}/${below}*.ts`],
        rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: bundlePaths, patterns }] },
      },
      {
        // The engine's own files, the CLI and .lazy modules: ajv and the engine's modules are theirs to import.
        files: engineFiles,
        rules: {
          '@typescript-eslint/no-restricted-imports': [
            'error',
            {
              paths: bundlePaths.filter((path) => path.name !== 'ajv'),
              patterns: patterns.filter((pattern) => pattern !== engineOnlyLazily),
            },
          ],
        },
      },
    ];
  });
}

export default tseslint.config(
  { ignores: ['dist/', 'dist-cli/', 'out/', 'node_modules/', '.vscode-test/', '.emulator/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      // esbuild turns `import * as vscode` into a copy of the whole API object in every module that imports it,
      // about a millisecond each at activation; `import vscode = require('vscode')` is the API object itself.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^vscode$', '\\.lazy$'] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='vscode'][importKind!='type']",
          message: "Import the VS Code API as `import vscode = require('vscode')`, not as an ES import.",
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: bundlePaths, patterns: bundlePatterns }],
    },
  },
  ...zones.flatMap(zoneConfigs).flat(),
  {
    // Contracts are imported by both sides: types and the shared messaging only, nothing that runs in one side alone.
    files: ['src/webviews/messaging.ts', 'src/webviews/*/contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...browserOnly,
            { regex: '^(?!\\.\\./messaging$)\\.', message: 'A contract imports only ../messaging.' },
          ],
        },
      ],
    },
  },
  {
    // The bundle entries of the lazily loaded libraries: the one place their values are imported.
    files: [
      'src/core/lazy/azureSdk.ts',
      'src/core/lazy/storageBlob.ts',
      'src/core/lazy/yaml.ts',
      'src/core/lazy/octokit.ts',
      'src/core/lazy/azureDevOpsApi.ts',
    ],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
  {
    // The emulator and the CI service doubles are test doubles: sharing code with what they double would hide
    // the bugs they are there to find.
    files: ['test/emulator/**/*.ts', 'test/doubles/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src(/|$)',
              message:
                'A test double (test/emulator, test/doubles) imports nothing from src/: it must be able to disagree.',
            },
          ],
        },
      ],
    },
  },
);
