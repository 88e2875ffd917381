/** `azureml-inner-loop new`: a new MLOps v2 project in a folder, from the same options a wizard would fill in. */
import { basename, relative, resolve } from 'node:path';
import { generate, ScaffoldOptionsError } from '../core/scaffold/generate';
import { optionsFromRemote } from '../core/scaffold/gitRemote';
import { nodeTarget } from '../core/scaffold/nodeTarget';
import {
  CI_PROVIDERS,
  DEFAULT_OPTIONS,
  DEPLOYMENTS,
  IAC_TOOLS,
  NLP_TASKS,
  repositoryNameFrom,
  SCENARIOS,
  withDefaults,
  type ScaffoldOptions,
} from '../core/scaffold/options';
import { parseArgs, UsageError } from './args';

/** Flag → option; every option has a flag. */
const VALUE_FLAGS = {
  scenario: 'scenario',
  ci: 'ci',
  iac: 'iac',
  deploy: 'deploy',
  'nlp-task': 'nlpTask',
  namespace: 'namespace',
  postfix: 'postfix',
  location: 'location',
  environment: 'environment',
  compute: 'compute',
  'github-owner': 'githubOwner',
  'github-repo': 'githubRepo',
  'ado-organization-url': 'adoOrganizationUrl',
  'ado-project': 'adoProject',
  branch: 'branch',
} as const satisfies Record<string, keyof ScaffoldOptions>;
const SWITCH_FLAGS = { security: 'security', 'responsible-ai': 'responsibleAi' } as const;

export const NEW_USAGE = `Usage: azureml-inner-loop new --out <folder> [options]

Creates an MLOps v2 project (Azure ML pipelines, CI, infrastructure as code) in <folder>.

  --scenario ${SCENARIOS.join('|')}        default ${DEFAULT_OPTIONS.scenario}
  --nlp-task ${NLP_TASKS.join('|')}       default ${DEFAULT_OPTIONS.nlpTask} (nlp only)
  --ci ${CI_PROVIDERS.join('|')}              default ${DEFAULT_OPTIONS.ci}
  --iac ${IAC_TOOLS.join('|')}                default ${DEFAULT_OPTIONS.iac}
  --deploy ${DEPLOYMENTS.join('|')}          default ${DEFAULT_OPTIONS.deploy}
  --namespace <name>  --postfix <text>  --location <region>  --environment <name>
                                          defaults ${DEFAULT_OPTIONS.namespace}, ${DEFAULT_OPTIONS.postfix}, ${DEFAULT_OPTIONS.location}, ${DEFAULT_OPTIONS.environment}
  --compute <cluster>                     default ${DEFAULT_OPTIONS.compute} (gpu-cluster for cv and nlp)
  --[no-]security                         Dependabot, dependency scan, secret-scanning notes (default on)
  --[no-]responsible-ai                   a Responsible AI review approved before registration (default off)
  --github-owner <owner>  --github-repo <repo>            (github; repo defaults to the folder's name)
  --ado-organization-url <url>  --ado-project <project>  (azure-devops)
  --branch <branch>                       default ${DEFAULT_OPTIONS.branch}: production config and deployments
  --force                                 overwrite files that already exist

Exits with 1 when files exist (nothing is written), 2 on bad usage or invalid names.`;

export async function runNew(args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, {
      values: ['out', ...Object.keys(VALUE_FLAGS)],
      switches: ['force', 'help', ...Object.keys(SWITCH_FLAGS)],
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${NEW_USAGE}`);
    return 2;
  }
  if (parsed.switches.get('help')) {
    console.log(NEW_USAGE);
    return 0;
  }
  const out = parsed.values.get('out');
  if (!out || parsed.positional.length > 0) {
    console.error(
      `${out ? `Unexpected argument "${parsed.positional[0]}".` : 'Name the target folder with --out.'}\n\n${NEW_USAGE}`,
    );
    return 2;
  }
  const given: Partial<Record<keyof ScaffoldOptions, string | boolean>> = {};
  for (const [flag, option] of Object.entries(VALUE_FLAGS)) given[option] = parsed.values.get(flag);
  for (const [flag, option] of Object.entries(SWITCH_FLAGS)) given[option] = parsed.switches.get(flag);
  const folder = resolve(out);
  // The repository the folder is in names the outer loop's repository, unless a flag names another.
  for (const [option, value] of Object.entries(await optionsFromRemote(folder))) {
    given[option as keyof ScaffoldOptions] ??= value;
  }
  given.githubRepo ??= repositoryNameFrom(basename(folder));
  const options = withDefaults(given as Partial<ScaffoldOptions>);

  let result;
  try {
    result = await generate(options, nodeTarget(folder), { overwrite: parsed.switches.get('force') ?? false });
  } catch (error) {
    if (!(error instanceof ScaffoldOptionsError)) throw error;
    for (const problem of error.problems) console.error(problem.message);
    return 2;
  }
  const shown = relative(process.cwd(), folder) || '.';
  if (result.written.length === 0 && result.conflicts.length > 0) {
    console.error(
      `${result.conflicts.length} file(s) already exist in ${shown}, so nothing was written:\n` +
        result.conflicts.map((path) => `  ${path}`).join('\n') +
        '\nRun again with --force to overwrite them, or choose another --out folder.',
    );
    return 1;
  }
  for (const path of result.written) console.log(`${result.conflicts.includes(path) ? 'replaced' : 'created'} ${path}`);
  console.error(`${result.written.length} file(s) written to ${shown}. Next steps are in its README.md.`);
  return 0;
}
