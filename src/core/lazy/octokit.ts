// Bundle entry of dist/octokit.js: GitHub's REST client, loaded on first use through load.ts (only the
// outer loop's trigger and run following need it). The only place in src that imports @octokit/* values.
type OctokitModule = typeof import('@octokit/rest', { with: { 'resolution-mode': 'import' } });

/** A client instance, for code that only needs the type. */
export type OctokitClient = InstanceType<OctokitModule['Octokit']>;

// Required, not imported: the package is an ES module only, which Node 20 (and the CommonJS bundle esbuild
// makes of it) loads with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { Octokit } = require('@octokit/rest') as OctokitModule;
