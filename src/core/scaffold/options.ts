/**
 * What a new MLOps project is made of: one options object that the CLI's flags and a wizard's answers both fill
 * in, the defaults for everything but the target folder, and the checks of every name before a file is written.
 */

export const SCENARIOS = ['classical', 'cv', 'nlp'] as const;
export const CI_PROVIDERS = ['github', 'azure-devops'] as const;
export const IAC_TOOLS = ['bicep', 'terraform'] as const;
export const DEPLOYMENTS = ['online', 'batch', 'both'] as const;
export const NLP_TASKS = ['text-classification', 'ner'] as const;

export type Scenario = (typeof SCENARIOS)[number];
export type CiProvider = (typeof CI_PROVIDERS)[number];
export type IacTool = (typeof IAC_TOOLS)[number];
export type Deployment = (typeof DEPLOYMENTS)[number];
export type NlpTask = (typeof NLP_TASKS)[number];

export interface ScaffoldOptions {
  /** classical: scikit-learn on a table; cv: AutoML image classification; nlp: AutoML text classification or NER. */
  scenario: Scenario;
  ci: CiProvider;
  iac: IacTool;
  deploy: Deployment;
  /** Only read for the nlp scenario. */
  nlpTask: NlpTask;
  /** Names of the Azure resources: `rg-<namespace>-<postfix><environment>`, `mlw-…`, `st<namespace><postfix>…`. */
  namespace: string;
  postfix: string;
  location: string;
  /** The development environment's name; the production configuration is always `prod`. */
  environment: string;
  /** The training cluster's name. */
  compute: string;
  /** Dependabot (GitHub), a dependency scan of the Python requirements in CI, and secret-scanning notes. */
  security: boolean;
  /** A Responsible AI review step in the training pipeline, approved by a person before the model is registered. */
  responsibleAi: boolean;
  /** The GitHub repository the project will live in (github CI); empty until known. */
  githubOwner: string;
  githubRepo: string;
  /** The Azure DevOps organisation and project (azure-devops CI); empty until known. */
  adoOrganizationUrl: string;
  adoProject: string;
  /** The branch deployments run from and the production configuration applies to. */
  branch: string;
}

/** The accelerator's choices (Azure/mlops-v2): classical, GitHub Actions, Bicep, an online endpoint. */
export const DEFAULT_OPTIONS: Readonly<ScaffoldOptions> = {
  scenario: 'classical',
  ci: 'github',
  iac: 'bicep',
  deploy: 'online',
  nlpTask: 'text-classification',
  namespace: 'mlopsv2',
  postfix: '0001',
  location: 'eastus',
  environment: 'dev',
  compute: 'cpu-cluster',
  security: true,
  responsibleAi: false,
  githubOwner: '',
  githubRepo: '',
  adoOrganizationUrl: '',
  adoProject: '',
  branch: 'main',
};

/** The options with every one left out filled in; vision and text train on GPUs, so their cluster is named so. */
export function withDefaults(options: Partial<ScaffoldOptions> = {}): ScaffoldOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const merged: ScaffoldOptions = { ...DEFAULT_OPTIONS, ...defined };
  if (defined.compute === undefined && merged.scenario !== 'classical') merged.compute = 'gpu-cluster';
  return merged;
}

export interface OptionProblem {
  readonly option: keyof ScaffoldOptions;
  readonly message: string;
}

/**
 * The longest `<namespace><postfix><environment>` can be. The key vault name `kv-<namespace>-<postfix><environment>`
 * may have 24 characters, so 20 are left; the storage accounts `st<…>` and Terraform's state account `st<…>tf` (24
 * characters, lowercase letters and digits only) fit within the same 20.
 */
export const MAX_COMBINED_NAME_LENGTH = 20;

const LOWER_ALPHANUMERIC = /^[a-z0-9]+$/;

/**
 * Every problem with the options, worded for the person who chose them; empty when the project can be generated.
 * The rules are Azure's naming rules for the resources the names end up in (see each message).
 */
export function validateOptions(options: ScaffoldOptions): OptionProblem[] {
  const problems: OptionProblem[] = [];
  const problem = (option: keyof ScaffoldOptions, message: string) => problems.push({ option, message });
  const oneOf = <T extends string>(option: keyof ScaffoldOptions, allowed: readonly T[]) => {
    const value = options[option];
    if (!allowed.includes(value as T))
      problem(option, `${option} must be one of ${allowed.join(', ')}, not "${String(value)}".`);
  };
  oneOf('scenario', SCENARIOS);
  oneOf('ci', CI_PROVIDERS);
  oneOf('iac', IAC_TOOLS);
  oneOf('deploy', DEPLOYMENTS);
  oneOf('nlpTask', NLP_TASKS);

  // Storage account and container registry names allow lowercase letters and digits only, so these parts do too.
  if (!/^[a-z][a-z0-9]*$/.test(options.namespace))
    problem(
      'namespace',
      `namespace "${options.namespace}" must start with a lowercase letter and have only lowercase letters and digits ` +
        '(it is part of the storage account and container registry names).',
    );
  if (!LOWER_ALPHANUMERIC.test(options.postfix))
    problem('postfix', `postfix "${options.postfix}" must be lowercase letters and digits, such as 0001.`);
  if (!/^[a-z][a-z0-9]*$/.test(options.environment))
    problem(
      'environment',
      `environment "${options.environment}" must start with a lowercase letter and have only lowercase letters and digits, such as dev.`,
    );
  const combined = `${options.namespace}${options.postfix}${longestEnvironment(options.environment)}`;
  if (combined.length > MAX_COMBINED_NAME_LENGTH)
    problem(
      'namespace',
      `namespace, postfix and environment together ("${combined}") have ${combined.length} characters; at most ` +
        `${MAX_COMBINED_NAME_LENGTH} fit in Azure's 24-character names for key vaults and storage accounts. Shorten the namespace.`,
    );
  if (!/^[a-z][a-z0-9]*$/.test(options.location))
    problem('location', `location "${options.location}" must be an Azure region name, such as eastus or westeurope.`);
  // Azure ML compute cluster names: 2 to 16 letters, digits and hyphens, starting with a letter.
  if (!/^[a-zA-Z][a-zA-Z0-9-]{1,15}$/.test(options.compute))
    problem(
      'compute',
      `compute "${options.compute}" must have 2 to 16 letters, digits or hyphens and start with a letter (Azure ML's rule for cluster names).`,
    );
  if (options.ci === 'github') {
    // GitHub: owner names are letters, digits and single hyphens; repository names add '.' and '_'.
    if (options.githubOwner && !/^[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}$/.test(options.githubOwner))
      problem('githubOwner', `githubOwner "${options.githubOwner}" is not a GitHub user or organisation name.`);
    if (options.githubRepo && !/^[A-Za-z0-9_.-]{1,100}$/.test(options.githubRepo))
      problem('githubRepo', `githubRepo "${options.githubRepo}" is not a GitHub repository name.`);
  }
  if (
    options.ci === 'azure-devops' &&
    options.adoOrganizationUrl &&
    !/^https:\/\/\S+$/.test(options.adoOrganizationUrl)
  )
    problem(
      'adoOrganizationUrl',
      `adoOrganizationUrl "${options.adoOrganizationUrl}" must be an https address, such as https://dev.azure.com/contoso.`,
    );
  // Git's rules for branch names, the parts that matter here: no spaces, no '..', no leading '-' or '/'.
  if (!/^(?![-/])(?!.*\.\.)[A-Za-z0-9._/-]+$/.test(options.branch) || options.branch.endsWith('/'))
    problem('branch', `branch "${options.branch}" is not a git branch name.`);
  return problems;
}

/** The production configuration uses `prod`; the longer of the two environment names decides the lengths. */
function longestEnvironment(environment: string): string {
  return environment.length >= 'prod'.length ? environment : 'prod';
}

/** A GitHub repository name from a folder name, for the default of githubRepo. */
export function repositoryNameFrom(folderName: string): string {
  return folderName.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'mlops-project';
}
