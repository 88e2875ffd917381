import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import { withDefaults, type ScaffoldOptions } from '../../../../src/core/scaffold/options';
import {
  checkAzureDevOpsPipelines,
  checkAzureMlYaml,
  checkBicep,
  checkGithubWorkflows,
  checkTerraform,
  compilePython,
  relativeFiles,
  type Project,
} from './projectChecks';

/** The accelerator's known defects, put into a generated project: each check must report its own. */
describe('core/scaffold: the project checks catch the defects they are for', function () {
  this.timeout(60_000);
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'scaffold-defects-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  async function project(
    choices: Partial<ScaffoldOptions>,
  ): Promise<Project & { edit: (file: string, from: string | RegExp, to: string) => void }> {
    await generate(withDefaults(choices), nodeTarget(root));
    return {
      root,
      files: relativeFiles(root),
      edit(file, from, to) {
        const text = readFileSync(join(root, file), 'utf8');
        const changed = text.replace(from, to);
        assert.notEqual(changed, text, `${file} has no ${String(from)}`);
        writeFileSync(join(root, file), changed);
      },
    };
  }

  it('GitHub: undeclared secrets, a wrong file extension, a mis-indented job, missing inputs', async () => {
    const generated = await project({ ci: 'github' });
    assert.deepEqual(checkGithubWorkflows(generated), []);
    generated.edit(
      '.github/workflows/deploy-online-endpoint.yml',
      'AZURE_CLIENT_ID: ${{ secrets.AZURE_CLIENT_ID }}',
      'creds: ${{ secrets.AZURE_CREDENTIALS }}',
    );
    generated.edit(
      '.github/workflows/train-model.yml',
      'mlops/azureml/train/train-env.yml',
      'mlops/azureml/train/train-env.yaml',
    );
    generated.edit(
      '.github/workflows/train-model.yml',
      '      workspace_name: ${{ needs.config.outputs.aml_workspace }}\n',
      '',
    );
    generated.edit(
      '.github/workflows/deploy-infra.yml',
      '\n  deploy:\n    needs: [config]\n    runs-on: ubuntu-latest',
      '\n  deploy:\n    needs: [config]\n  runs-on: ubuntu-latest',
    );
    const problems = checkGithubWorkflows(generated).join('\n');
    assert.match(
      problems,
      /deploy-online-endpoint\.yml: job deploy passes secret creds, which .*deploy-endpoint\.yml does not declare/,
    );
    assert.match(
      problems,
      /deploy-online-endpoint\.yml: job deploy leaves out .*deploy-endpoint\.yml's required secret AZURE_CLIENT_ID/,
    );
    assert.match(
      problems,
      /deploy-online-endpoint\.yml: uses secrets\.AZURE_CREDENTIALS, which the README does not ask for/,
    );
    assert.match(
      problems,
      /train-model\.yml: names mlops\/azureml\/train\/train-env\.yaml, which the project does not have/,
    );
    assert.match(
      problems,
      /train-model\.yml: job train leaves out .*run-training\.yml's required input workspace_name/,
    );
    assert.match(problems, /deploy-infra\.yml: not YAML/);
  });

  it('Azure DevOps: a template that does not exist, an unknown parameter, an undefined variable', async () => {
    const generated = await project({ ci: 'azure-devops' });
    assert.deepEqual(checkAzureDevOpsPipelines(generated), []);
    generated.edit(
      'mlops/devops-pipelines/train-model.yml',
      'templates/run-training.yml',
      'templates/run-pipeline.yml',
    );
    generated.edit('mlops/devops-pipelines/deploy-online-endpoint.yml', 'deployment_name: blue', 'deployment: blue');
    generated.edit('mlops/devops-pipelines/deploy-online-endpoint.yml', '$(online_endpoint)', '$(oep)');
    const problems = checkAzureDevOpsPipelines(generated).join('\n');
    assert.match(problems, /train-model\.yml: names the template templates\/run-pipeline\.yml, which does not exist/);
    assert.match(
      problems,
      /deploy-online-endpoint\.yml: passes deployment, which .*deploy-endpoint\.yml does not take/,
    );
    assert.match(
      problems,
      /deploy-online-endpoint\.yml: leaves out .*deploy-endpoint\.yml's parameter deployment_name/,
    );
    assert.match(problems, /uses \$\(oep\), which no config file or stage defines/);
  });

  it('Azure ML YAML, Terraform, Bicep and Python each report their own mistakes', async () => {
    const terraform = await project({ iac: 'terraform' });
    terraform.edit('mlops/azureml/train/pipeline.yml', 'experiment_name:', 'experiment:');
    terraform.edit(
      'infrastructure/terraform/main.tf',
      'compute_size              = var.compute_size',
      'compute_sku = var.compute_size\n  broken = ',
    );
    terraform.edit('data-science/src/train.py', 'def main():', 'def main(:');
    assert.match((await checkAzureMlYaml(terraform)).join('\n'), /pipeline\.yml: error .*experiment/);
    assert.match(
      (await checkTerraform(terraform)).join('\n'),
      /main\.tf: .*(Invalid expression|Argument or block definition required)/,
    );
    assert.match(compilePython(terraform).join('\n'), /SyntaxError/);

    rmSync(root, { recursive: true, force: true });
    const bicep = await project({ iac: 'bicep' });
    bicep.edit('infrastructure/bicep/main.bicep', '    computeName: compute_name\n', '');
    bicep.edit(
      'infrastructure/bicep/modules/workspace.bicep',
      'output workspaceName string = workspace.name',
      'output workspaceName string = workspace.name}',
    );
    const problems = checkBicep(bicep, ['.github/workflows/deploy-infra.yml']).join('\n');
    assert.match(problems, /main\.bicep: module compute leaves out computeName/);
    assert.match(problems, /workspace\.bicep: unbalanced \}/);
  });
});
