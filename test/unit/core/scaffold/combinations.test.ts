import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { templateContext } from '../../../../src/core/scaffold/context';
import { generate } from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import {
  CI_PROVIDERS,
  DEPLOYMENTS,
  IAC_TOOLS,
  SCENARIOS,
  withDefaults,
  type ScaffoldOptions,
} from '../../../../src/core/scaffold/options';
import {
  checkAzureDevOpsPipelines,
  checkAzureMlYaml,
  checkBicep,
  checkGithubWorkflows,
  checkOuterLoop,
  checkPins,
  checkTerraform,
  compilePython,
  configVariables,
  relativeFiles,
  type Project,
} from './projectChecks';

/** All 36 of scenario × CI × IaC × deployment; the optional blocks and the NLP task alternate so each is covered. */
function combinations(): Partial<ScaffoldOptions>[] {
  const all: Partial<ScaffoldOptions>[] = [];
  for (const scenario of SCENARIOS)
    for (const ci of CI_PROVIDERS)
      for (const iac of IAC_TOOLS)
        for (const deploy of DEPLOYMENTS) {
          const index = all.length;
          all.push({
            scenario,
            ci,
            iac,
            deploy,
            responsibleAi: index % 2 === 1,
            security: index % 3 !== 2,
            nlpTask: index % 4 < 2 ? 'text-classification' : 'ner',
          });
        }
  return all;
}

/** What read-config.sh prints for a config file: the values the GitHub workflows get. */
function readConfig(project: Project, file: string): Record<string, string> {
  const result = spawnSync('bash', ['.github/scripts/read-config.sh', file], { cwd: project.root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return Object.fromEntries(
    result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
}

describe('core/scaffold: every combination of scenario × CI × IaC × deployment', function () {
  // Generating and checking one project takes well under a second; the first Terraform parse loads its WebAssembly.
  this.timeout(60_000);
  let root: string;
  before(() => (root = mkdtempSync(join(tmpdir(), 'scaffold-combinations-'))));
  after(() => rmSync(root, { recursive: true, force: true }));

  const all = combinations();
  it('covers 36 combinations', () => assert.equal(all.length, 36));

  for (const choice of all) {
    const title = `${choice.scenario}${choice.scenario === 'nlp' ? ` (${choice.nlpTask})` : ''}, ${choice.ci}, ${choice.iac}, ${choice.deploy}${choice.responsibleAi ? ', Responsible AI' : ''}${choice.security ? ', security' : ''}`;
    it(title, async () => {
      const options = withDefaults(choice);
      const folder = join(root, `${choice.scenario}-${choice.ci}-${choice.iac}-${choice.deploy}`);
      const result = await generate(options, nodeTarget(folder));
      assert.deepEqual(result.conflicts, []);
      const project: Project = { root: folder, files: relativeFiles(folder) };
      assert.deepEqual(
        [...result.written].sort(),
        project.files.filter((file) => !file.endsWith('/')),
      );

      const ciFiles = project.files.filter(
        (file) => file.startsWith('.github/workflows/') || file.startsWith('mlops/devops-pipelines/'),
      );
      const problems = [
        ...(await checkAzureMlYaml(project)),
        ...(options.ci === 'github' ? checkGithubWorkflows(project) : checkAzureDevOpsPipelines(project)),
        ...(options.iac === 'terraform' ? await checkTerraform(project) : checkBicep(project, ciFiles)),
        ...compilePython(project),
        ...checkOuterLoop(project),
        ...checkPins(project),
      ];
      assert.deepEqual(problems, []);

      // The layout the accelerator has, for the choices made.
      const expected = [
        'README.md',
        'config-infra-dev.yml',
        'config-infra-prod.yml',
        'data-science/src/prep.py',
        'data-science/src/register.py',
        'mlops/azureml/train/pipeline.yml',
        'mlops/azureml/train/data.yml',
        'mlops/azureml/train/train-env.yml',
        ...(options.deploy !== 'batch' ? ['mlops/azureml/deploy/online/online-deployment.yml'] : []),
        ...(options.deploy !== 'online' ? ['mlops/azureml/deploy/batch/batch-deployment.yml'] : []),
        ...(options.scenario === 'classical' ? ['data-science/src/train.py', 'data-science/src/evaluate.py'] : []),
        ...(options.responsibleAi ? ['data-science/src/rai_review.py'] : []),
        options.iac === 'bicep' ? 'infrastructure/bicep/main.bicep' : 'infrastructure/terraform/main.tf',
      ];
      for (const file of expected) assert.ok(project.files.includes(file), `${file} is missing`);
      assert.equal(
        project.files.includes('mlops/azureml/deploy/online/online-endpoint.yml'),
        options.deploy !== 'batch',
      );
      assert.equal(
        project.files.includes('mlops/azureml/deploy/batch/batch-endpoint.yml'),
        options.deploy !== 'online',
      );
      assert.equal(project.files.includes('.github/dependabot.yml'), options.ci === 'github' && options.security);
      assert.equal(
        project.files.some((file) => file.endsWith('.tf')),
        options.iac === 'terraform',
      );
      assert.equal(
        project.files.some((file) => file.endsWith('.bicep')),
        options.iac === 'bicep',
      );

      // The Responsible AI step sits between training and registration, and registration waits for approval.
      const pipeline = parse(
        (await import('node:fs')).readFileSync(join(folder, 'mlops/azureml/train/pipeline.yml'), 'utf8'),
      );
      assert.equal('responsible_ai_review' in pipeline.jobs, options.responsibleAi);
      assert.equal(/--approval/.test(pipeline.jobs.register_model.command), options.responsibleAi);

      const context = templateContext(options);
      if (options.ci === 'github') {
        // Both CI systems derive the same names from the config files.
        const dev = readConfig(project, 'config-infra-dev.yml');
        assert.equal(dev.resource_group, context.resourceGroup);
        assert.equal(dev.aml_workspace, context.workspace);
        assert.equal(dev.online_endpoint, context.onlineEndpoint);
        assert.equal(
          readConfig(project, 'config-infra-prod.yml').resource_group,
          `rg-${options.namespace}-${options.postfix}prod`,
        );
        // Every output read-config.yml declares is a variable of the config files.
        const readConfigWorkflow = parse(
          (await import('node:fs')).readFileSync(join(folder, '.github/workflows/read-config.yml'), 'utf8'),
        );
        for (const output of Object.keys(readConfigWorkflow.on.workflow_call.outputs))
          assert.ok(output === 'config_file' || output in dev, `read-config.sh gives no ${output}`);
      } else {
        const variables = configVariables(project, 'config-infra-dev.yml');
        assert.equal(variables.resource_group, 'rg-$(namespace)-$(postfix)$(environment)');
      }
    });
  }
});
