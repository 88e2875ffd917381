import assert from 'node:assert/strict';
import { NotSignedInError } from '../../../src/core/errors/azure';
import { classifyError } from '../../../src/core/errors/classify';
import { errorDetail } from '../../../src/core/errors/describe';
import { CancelledError, isCancellation, ServiceError, SettingsError } from '../../../src/core/errors/kinds';

const status = (source: ServiceError['source'], statusCode: number, message = 'refused') =>
  new ServiceError({ source, statusCode, message });

describe('core/errors: one model, one classifier per service', () => {
  it('words a 401 for the service it came from, and neutrally when the service is unknown', () => {
    const azure = classifyError(status('azure', 401));
    const github = classifyError(status('github', 401));
    const devops = classifyError(status('azureDevOps', 401));
    const unknown = classifyError(Object.assign(new Error('Unauthorized'), { statusCode: 401 }));
    assert.match(azure.message, /Azure/);
    assert.match(github.message, /GitHub/);
    assert.match(devops.message, /Azure DevOps/);
    for (const other of [github, devops, unknown]) assert.doesNotMatch(other.message, /Azure(?! DevOps)/);
    assert.deepEqual(
      [azure, github, devops, unknown].map((c) => [c.source, c.action]),
      [
        ['azure', 'signIn'],
        ['github', 'signIn'],
        ['azureDevOps', 'signIn'],
        ['unknown', 'none'],
      ],
    );
  });

  it('tells a GitHub rate limit (403) from a missing permission', () => {
    assert.equal(classifyError(status('github', 403, 'API rate limit exceeded for user')).kind, 'throttled');
    assert.equal(classifyError(status('github', 403, 'Resource not accessible by integration')).kind, 'forbidden');
  });

  it("says what to change from GitHub's 422 and Azure DevOps' 400 messages", () => {
    const github = (message: string) => classifyError(status('github', 422, message)).message;
    assert.match(github("Workflow does not have 'workflow_dispatch' trigger"), /Add `on: workflow_dispatch`/);
    assert.match(github('Unexpected inputs provided: ["stage"]'), /Declare model_name and model_version/);
    assert.match(github("Required input 'approver' not provided"), /Give it a default/);
    assert.match(github('No ref found for: gone'), /Fix the ref in Configure Outer Loop/);
    assert.match(github('Something else'), /^GitHub did not accept the request \(HTTP 422\): Something else$/);
    const devops = (message: string) => classifyError(status('azureDevOps', 400, message)).message;
    assert.match(devops("Unexpected parameter 'model_name'"), /Add model_name and model_version under parameters:/);
    assert.match(devops("Unable to resolve the reference 'refs/heads/x'"), /Fix the branch in Configure Outer Loop/);
    assert.match(devops('Bad request'), /^Azure DevOps refused the request \(HTTP 400\)/);
    for (const text of [github('x'), devops('x')]) assert.doesNotMatch(text, /Azure(?! DevOps)|sign-in/i);
  });

  it('offers Retry only where trying again can help', () => {
    assert.equal(classifyError(status('azure', 503)).action, 'retry');
    assert.equal(classifyError(status('azure', 400, 'bad body')).action, 'none');
    assert.equal(classifyError(new Error('something odd')).action, 'none');
  });

  it('treats every form of cancellation as quiet', () => {
    const vscodeCancellation = Object.assign(new Error('Canceled'), { name: 'Canceled' });
    const consentRefused = new Error('User did not consent to login.');
    for (const error of [new CancelledError(), vscodeCancellation, consentRefused]) {
      assert.ok(isCancellation(error), String(error));
      assert.equal(classifyError(error).kind, 'cancelled');
    }
    assert.equal(isCancellation(new Error('Cancelled the 3 runs you selected? No: failed')), false);
  });

  it('names the setting of a settings error and the path of a file-system error', () => {
    const settings = classifyError(new SettingsError('azureml.cloud is wrong', 'azureml.cloud'));
    assert.deepEqual([settings.kind, settings.action, settings.setting], ['settings', 'openSettings', 'azureml.cloud']);
    const missing = Object.assign(new Error("ENOENT: no such file, open 'x'"), {
      code: 'ENOENT',
      syscall: 'open',
      path: '/project/labels.jsonl',
    });
    assert.deepEqual(classifyError(missing), {
      kind: 'notFound',
      source: 'fileSystem',
      message: '/project/labels.jsonl does not exist.',
      action: 'none',
    });
  });

  it('says where a YAML parse error is', () => {
    const yamlError = Object.assign(new Error('Nested mappings are not allowed in compact mappings'), {
      name: 'YAMLParseError',
      linePos: [{ line: 3, col: 7 }],
    });
    const classified = classifyError(yamlError);
    assert.equal(classified.source, 'yaml');
    assert.match(classified.message, /line 3, column 7/);
  });

  it('keeps signed-out apart from a rejected token', () => {
    assert.equal(classifyError(new NotSignedInError()).kind, 'signedOut');
    const identity = Object.assign(new Error('AADSTS7000215: Invalid client secret'), { name: 'AuthenticationError' });
    assert.deepEqual([classifyError(identity).kind, classifyError(identity).source], ['unauthorized', 'azure']);
  });

  it('logs the status, code and causes of an error, never its stack', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const detail = errorDetail(
      new ServiceError({ source: 'azure', message: 'x', statusCode: 503, code: 'Busy', cause }),
    );
    assert.equal(detail, 'ServiceError, HTTP 503, code Busy\ncaused by: Error, code ECONNRESET: socket hang up');
    assert.doesNotMatch(detail ?? '', /\bat /);
  });
});
