import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseCiSettings } from '../../../src/core/outerLoop/ciSettings';

const MAIN = join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), MAIN, ...args], {
    cwd,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('cli: azureml-inner-loop new', function () {
  this.timeout(60_000);
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'azureml-new-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('turns every flag into the project it names', () => {
    const { code, stdout, stderr } = cli(
      folder,
      'new',
      '--out',
      'text-project',
      '--scenario=nlp',
      '--nlp-task',
      'ner',
      '--ci',
      'azure-devops',
      '--iac',
      'terraform',
      '--deploy',
      'both',
      '--namespace',
      'contoso',
      '--postfix',
      '42',
      '--location',
      'westeurope',
      '--environment',
      'test',
      '--compute',
      'gpus',
      '--ado-organization-url',
      'https://dev.azure.com/contoso',
      '--ado-project',
      'ml',
      '--branch',
      'release',
      '--no-security',
      '--responsible-ai',
    );
    assert.equal(code, 0, stderr);
    const project = join(folder, 'text-project');
    assert.match(stdout, /^created mlops\/devops-pipelines\/deploy-batch-endpoint\.yml$/m);
    assert.match(stderr, /file\(s\) written to text-project\. Next steps are in its README\.md\./);
    const config = parse(readFileSync(join(project, 'config-infra-dev.yml'), 'utf8')).variables;
    assert.deepEqual(
      [config.namespace, config.postfix, config.location, config.environment, config.training_compute],
      ['contoso', '42', 'westeurope', 'test', 'gpus'],
    );
    assert.deepEqual(JSON.parse(readFileSync(join(project, '.azureml', 'outer-loop.json'), 'utf8')), {
      version: 1,
      provider: 'azure-devops',
      azureDevOps: {
        organizationUrl: 'https://dev.azure.com/contoso',
        project: 'ml',
        pipelineName: 'deploy-online-endpoint',
        branch: 'release',
      },
    });
    assert.match(readFileSync(join(project, 'mlops', 'azureml', 'train', 'pipeline.yml'), 'utf8'), /task: text_ner/);
    assert.ok(existsSync(join(project, 'data-science', 'src', 'rai_review.py')));
    assert.ok(!existsSync(join(project, 'mlops', 'devops-pipelines', 'templates', 'dependency-scan.yml')));
    assert.ok(existsSync(join(project, 'infrastructure', 'terraform', 'main.tf')));
  });

  it('fills in the defaults, the repository name from the folder, and leaves the unknown owner for the reader to ask', () => {
    assert.equal(cli(folder, 'new', '--out', 'my project').code, 0);
    const text = readFileSync(join(folder, 'my project', '.azureml', 'outer-loop.json'), 'utf8');
    assert.deepEqual(JSON.parse(text), {
      version: 1,
      provider: 'github',
      github: {
        owner: '',
        repo: 'my-project',
        workflow: 'deploy-online-endpoint.yml',
        trigger: 'repository_dispatch',
        eventType: 'model-registered',
        ref: 'main',
      },
    });
    assert.throws(
      () => parseCiSettings(text),
      /"github\.owner" is empty: fill in the GitHub user or organization that owns the repository .*Configure Outer Loop/,
    );
    assert.ok(existsSync(join(folder, 'my project', 'infrastructure', 'bicep', 'main.bicep')));
  });

  it("takes the outer loop's repository from the origin of the repository the project is created in", () => {
    execFileSync('git', ['init', '-q'], { cwd: folder });
    execFileSync('git', ['remote', 'add', 'origin', 'git@github.com:contoso/taxi-fares.git'], { cwd: folder });
    assert.equal(cli(folder, 'new', '--out', 'taxi').code, 0);
    const settings = parseCiSettings(readFileSync(join(folder, 'taxi', '.azureml', 'outer-loop.json'), 'utf8'));
    assert.deepEqual(settings, {
      provider: 'github',
      owner: 'contoso',
      repo: 'taxi-fares',
      workflow: 'deploy-online-endpoint.yml',
      trigger: 'repository_dispatch',
      eventType: 'model-registered',
      ref: 'main',
    });
    // A flag still names another repository.
    assert.equal(cli(folder, 'new', '--out', 'other', '--github-owner', 'fabrikam').code, 0);
    const other = JSON.parse(readFileSync(join(folder, 'other', '.azureml', 'outer-loop.json'), 'utf8'));
    assert.deepEqual([other.github.owner, other.github.repo], ['fabrikam', 'taxi-fares']);

    execFileSync('git', ['remote', 'set-url', 'origin', 'https://dev.azure.com/contoso/Fares/_git/taxi'], {
      cwd: folder,
    });
    assert.equal(cli(folder, 'new', '--out', 'ado', '--ci', 'azure-devops').code, 0);
    const text = readFileSync(join(folder, 'ado', '.azureml', 'outer-loop.json'), 'utf8');
    assert.deepEqual(JSON.parse(text).azureDevOps, {
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'Fares',
      pipelineName: 'deploy-online-endpoint',
      branch: 'main',
    });
    // The pipeline exists only once someone creates it from the YAML: the reader says which id to fill in.
    assert.throws(
      () => parseCiSettings(text),
      /"azureDevOps\.pipelineId" is missing: fill in the id of the pipeline created from the deployment YAML \(pipelineName/,
    );
  });

  it('writes nothing over existing files without --force', () => {
    assert.equal(cli(folder, 'new', '--out', 'p').code, 0);
    writeFileSync(join(folder, 'p', 'README.md'), 'my notes');
    const again = cli(folder, 'new', '--out', 'p', '--deploy', 'both');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exist in p, so nothing was written:\n {2}\.azureml\/outer-loop\.json\n/);
    assert.match(again.stderr, /--force/);
    assert.equal(readFileSync(join(folder, 'p', 'README.md'), 'utf8'), 'my notes');
    assert.ok(!existsSync(join(folder, 'p', 'mlops', 'azureml', 'deploy', 'batch')));
    const forced = cli(folder, 'new', '--out', 'p', '--deploy', 'both', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^replaced README\.md$/m);
    assert.match(forced.stdout, /^created mlops\/azureml\/deploy\/batch\/batch-deployment\.yml$/m);
  });

  it('exits 2, saying why, on bad usage and invalid names', () => {
    assert.match(cli(folder, 'new').stderr, /Name the target folder with --out/);
    assert.equal(cli(folder, 'new', '--out').code, 2);
    const unknown = cli(folder, 'new', '--out', 'p', '--framework', 'x');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option --framework/);
    const invalid = cli(folder, 'new', '--out', 'p', '--scenario', 'audio', '--namespace', 'My-Project');
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /scenario must be one of classical, cv, nlp, not "audio"/);
    assert.match(invalid.stderr, /namespace "My-Project" must start with a lowercase letter/);
    assert.ok(!existsSync(join(folder, 'p')));
    assert.match(cli(folder, 'new', '--help').stdout, /--scenario classical\|cv\|nlp/);
  });
});
