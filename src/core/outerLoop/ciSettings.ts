/**
 * The outer-loop CI settings: one JSON file in the repository, `.azureml/outer-loop.json`, that the
 * scaffolder (or "Configure Outer Loop…") writes and the trigger reads. JSON rather than YAML: it is
 * read on every trigger without loading the YAML bundle, VS Code's JSON editor can check it against a
 * schema, and the Azure ML YAML engine never mistakes it for one of its files. It holds no secret:
 * tokens live in VS Code's SecretStorage or its GitHub session.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Where the settings file lives, relative to the repository root. */
export const CI_SETTINGS_PATH = '.azureml/outer-loop.json';
export const CI_SETTINGS_VERSION = 1;
/** The `repository_dispatch` event type the scaffolded workflow listens for. */
export const DEFAULT_DISPATCH_EVENT_TYPE = 'model-registered';

export type GitHubTrigger = 'workflow_dispatch' | 'repository_dispatch';
const GITHUB_TRIGGERS: readonly GitHubTrigger[] = ['workflow_dispatch', 'repository_dispatch'];

export interface GitHubCiSettings {
  provider: 'github';
  owner: string;
  repo: string;
  /** The workflow's file name under `.github/workflows/` (or its numeric id). */
  workflow: string;
  trigger: GitHubTrigger;
  /** Branch or tag the workflow runs on (`workflow_dispatch`; `repository_dispatch` always runs the default branch). */
  ref: string;
  /** The `event_type` of a `repository_dispatch`. */
  eventType: string;
  /**
   * REST API root when it is not github.com's: a GitHub Enterprise Server's (`https://github.example.com/api/v3`)
   * or an enterprise's on GHE.com (`https://api.octocorp.ghe.com`).
   */
  baseUrl?: string;
}

export interface AzureDevOpsCiSettings {
  provider: 'azure-devops';
  /** `https://dev.azure.com/{organization}` (or an Azure DevOps Server collection URL). */
  organizationUrl: string;
  project: string;
  pipelineId: number;
  /** Branch the pipeline runs on, as a full ref (`refs/heads/main`). */
  branch: string;
}

export type CiSettings = GitHubCiSettings | AzureDevOpsCiSettings;

/** The file is there but cannot be used; `field` is the JSON path of the value to fix. */
export class CiSettingsError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CiSettingsError';
  }
}

/** Reads the settings of the repository at `root`; undefined when the file does not exist yet. */
export async function readCiSettings(root: string): Promise<CiSettings | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, CI_SETTINGS_PATH), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseCiSettings(text);
}

/** What the file says, value by value, when it cannot be used as it is: a form to finish starts from it. */
export interface CiSettingsDraft {
  provider?: string;
  /** The provider section's string and number values, as written (empty ones included). */
  values: Record<string, string>;
}

/** The file's values however incomplete; undefined when there is no file or it is not a JSON object. */
export async function readCiSettingsDraft(root: string): Promise<CiSettingsDraft | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(root, CI_SETTINGS_PATH), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { provider, github, azureDevOps } = value as Record<string, unknown>;
  const section = provider === 'azure-devops' ? azureDevOps : github;
  const values: Record<string, string> = {};
  if (typeof section === 'object' && section !== null) {
    for (const [key, member] of Object.entries(section)) {
      if (typeof member === 'string' || typeof member === 'number') values[key] = String(member).trim();
    }
  }
  return { ...(typeof provider === 'string' ? { provider } : {}), values };
}

/** Writes the settings file (creating `.azureml/`), in the form parseCiSettings reads back. */
export async function writeCiSettings(root: string, settings: CiSettings): Promise<string> {
  const file = join(root, CI_SETTINGS_PATH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, formatCiSettings(settings));
  return file;
}

export function formatCiSettings(settings: CiSettings): string {
  const { provider, ...rest } = settings;
  const section = provider === 'github' ? 'github' : 'azureDevOps';
  const body = provider === 'github' ? withoutUndefined(rest as Omit<GitHubCiSettings, 'provider'>) : rest;
  return `${JSON.stringify({ version: CI_SETTINGS_VERSION, provider, [section]: body }, null, 2)}\n`;
}

/** Parses and checks the file's text; every error names the field to fix. */
export function parseCiSettings(text: string): CiSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CiSettingsError(`${CI_SETTINGS_PATH} is not valid JSON: ${(error as Error).message}`);
  }
  const root = new Reader(value, '');
  const version = root.optionalNumber('version');
  if (version !== undefined && version !== CI_SETTINGS_VERSION) {
    throw root.error('version', `is ${version}; this version of the extension reads version ${CI_SETTINGS_VERSION}`);
  }
  const provider = root.string('provider');
  if (provider === 'github') return parseGitHub(root.object('github'));
  if (provider === 'azure-devops') return parseAzureDevOps(root.object('azureDevOps'));
  throw root.error('provider', `must be "github" or "azure-devops", not ${JSON.stringify(provider)}`);
}

function parseGitHub(section: Reader): GitHubCiSettings {
  const trigger = section.optionalString('trigger') ?? 'workflow_dispatch';
  if (!GITHUB_TRIGGERS.includes(trigger as GitHubTrigger)) {
    throw section.error(
      'trigger',
      `must be "workflow_dispatch" or "repository_dispatch", not ${JSON.stringify(trigger)}`,
    );
  }
  const settings: GitHubCiSettings = {
    provider: 'github',
    owner: section.name('owner'),
    repo: section.name('repo'),
    workflow: section.string('workflow'),
    trigger: trigger as GitHubTrigger,
    ref: section.optionalString('ref') ?? 'main',
    eventType: section.optionalString('eventType') ?? DEFAULT_DISPATCH_EVENT_TYPE,
  };
  if (settings.workflow.includes('/')) {
    throw section.error('workflow', 'is the file name only (deploy.yml), without .github/workflows/');
  }
  if (settings.eventType.length > 100) throw section.error('eventType', 'must be 100 characters or fewer');
  const baseUrl = section.optionalString('baseUrl');
  if (baseUrl !== undefined) settings.baseUrl = section.httpsUrl('baseUrl', baseUrl);
  return settings;
}

function parseAzureDevOps(section: Reader): AzureDevOpsCiSettings {
  const organizationUrl = section.httpsUrl('organizationUrl', section.string('organizationUrl'));
  const project = section.string('project');
  const pipelineId = section.number('pipelineId');
  if (!Number.isInteger(pipelineId) || pipelineId <= 0) {
    throw section.error('pipelineId', 'must be the pipeline definition id, a positive whole number');
  }
  const branch = section.optionalString('branch') ?? 'main';
  return {
    provider: 'azure-devops',
    organizationUrl,
    project,
    pipelineId,
    branch: branch.startsWith('refs/') ? branch : `refs/heads/${branch}`,
  };
}

/**
 * What each value a new project's file may leave empty is, for the message that asks for it. A new project
 * knows its GitHub repository or Azure DevOps organization only when its folder has a remote, and the
 * Azure DevOps pipeline's id only once someone creates the pipeline from its YAML (`pipelineName`).
 */
const FILL_IN_HINTS: Record<string, string> = {
  'github.owner': 'the GitHub user or organization that owns the repository (github.com/<owner>/<repo>)',
  'github.repo': "the repository's name (github.com/<owner>/<repo>)",
  'github.workflow': 'the file name of the workflow under .github/workflows/ that deploys a model',
  'azureDevOps.organizationUrl': "the organization's address, https://dev.azure.com/<organization>",
  'azureDevOps.project': 'the Azure DevOps project the pipeline is in',
  'azureDevOps.pipelineId':
    "the id of the pipeline created from the deployment YAML (pipelineName, under mlops/devops-pipelines/): the number after definitionId= in the pipeline's address",
};

/** Reads typed members of one object of the file, naming each by its JSON path in errors. */
class Reader {
  private readonly record: Record<string, unknown>;

  constructor(
    value: unknown,
    private readonly path: string,
  ) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CiSettingsError(
        `${CI_SETTINGS_PATH}: ${path ? `"${path}"` : 'the file'} must be a JSON object.`,
        path || undefined,
      );
    }
    this.record = value as Record<string, unknown>;
  }

  error(key: string, problem: string): CiSettingsError {
    const field = this.fieldOf(key);
    return new CiSettingsError(`${CI_SETTINGS_PATH}: "${field}" ${problem}.`, field);
  }

  /** A value that was never filled in (a new project's file): what to put there, and where to find it. */
  unfilled(key: string, problem: string): CiSettingsError {
    const field = this.fieldOf(key);
    const hint = FILL_IN_HINTS[field];
    return new CiSettingsError(
      `${CI_SETTINGS_PATH}: "${field}" ${problem}${hint ? `: fill in ${hint}` : ''}. Edit the file or run "Azure ML: Configure Outer Loop…".`,
      field,
    );
  }

  object(key: string): Reader {
    if (this.record[key] === undefined) throw this.error(key, 'is missing');
    return new Reader(this.record[key], this.fieldOf(key));
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw this.unfilled(key, 'is missing');
    return value;
  }

  optionalString(key: string): string | undefined {
    const value = this.record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw this.error(key, `must be a string, not ${JSON.stringify(value)}`);
    if (value.trim() === '') throw this.unfilled(key, 'is empty');
    return value.trim();
  }

  /** A GitHub owner or repository name: letters, digits, `-`, `_` and `.`. */
  name(key: string): string {
    const value = this.string(key);
    if (!/^[\w.-]+$/.test(value)) throw this.error(key, `is not a GitHub name: ${JSON.stringify(value)}`);
    return value;
  }

  number(key: string): number {
    const value = this.optionalNumber(key);
    if (value === undefined) throw this.unfilled(key, 'is missing');
    return value;
  }

  optionalNumber(key: string): number | undefined {
    const value = this.record[key];
    if (value === undefined) return undefined;
    // A pipeline id copied from the address bar arrives as a string of digits; that is what was meant.
    if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
    if (typeof value !== 'number') throw this.error(key, `must be a number, not ${JSON.stringify(value)}`);
    return value;
  }

  httpsUrl(key: string, value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw this.error(key, `is not a URL: ${JSON.stringify(value)}`);
    }
    if (url.protocol !== 'https:') throw this.error(key, 'must be an https:// address');
    if (url.username || url.password) throw this.error(key, 'must not carry a user name or password');
    return value.replace(/\/+$/, '');
  }

  private fieldOf(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
