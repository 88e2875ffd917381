import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CI_SETTINGS_PATH,
  formatCiSettings,
  parseCiSettings,
  readCiSettings,
  readCiSettingsDraft,
  writeCiSettings,
  type CiSettings,
} from '../../../../src/core/outerLoop/ciSettings';
import {
  isUnfinished,
  outerLoopTags,
  parseOuterLoopTags,
  recordAfterTrigger,
  recordOfFailure,
  recordOfRun,
} from '../../../../src/core/outerLoop/candidateTags';

const github = (section: Record<string, unknown>) =>
  JSON.stringify({ version: 1, provider: 'github', github: section });

describe('core/outerLoop/ciSettings: the outer-loop settings file', () => {
  it('reads GitHub settings with their defaults, and Azure DevOps settings with a full ref', () => {
    assert.deepEqual(parseCiSettings(github({ owner: 'contoso', repo: 'mlops', workflow: 'deploy.yml' })), {
      provider: 'github',
      owner: 'contoso',
      repo: 'mlops',
      workflow: 'deploy.yml',
      trigger: 'workflow_dispatch',
      ref: 'main',
      eventType: 'model-registered',
    });
    const devops = parseCiSettings(
      JSON.stringify({
        provider: 'azure-devops',
        azureDevOps: {
          organizationUrl: 'https://dev.azure.com/contoso/',
          project: 'ML Ops',
          pipelineId: '12',
          branch: 'release',
        },
      }),
    );
    assert.deepEqual(devops, {
      provider: 'azure-devops',
      organizationUrl: 'https://dev.azure.com/contoso',
      project: 'ML Ops',
      pipelineId: 12,
      branch: 'refs/heads/release',
    });
  });

  it('names the field to fix in every error', () => {
    const cases: [string, string, RegExp][] = [
      ['{"provider": "github"', '', /not valid JSON/],
      ['[]', '', /the file must be a JSON object/],
      ['{"provider": "gitlab"}', 'provider', /must be "github" or "azure-devops", not "gitlab"/],
      ['{"provider": "github"}', 'github', /"github" is missing/],
      [github({ owner: 'contoso', workflow: 'd.yml' }), 'github.repo', /"github.repo" is missing/],
      [github({ owner: 'contoso', repo: 'ml ops', workflow: 'd.yml' }), 'github.repo', /is not a GitHub name/],
      [github({ owner: 'c', repo: 'r', workflow: '.github/workflows/d.yml' }), 'github.workflow', /file name only/],
      [github({ owner: 'c', repo: 'r', workflow: 'd.yml', trigger: 'push' }), 'github.trigger', /workflow_dispatch/],
      [
        github({ owner: 'c', repo: 'r', workflow: 'd.yml', baseUrl: 'http://ghe.local/api/v3' }),
        'github.baseUrl',
        /https/,
      ],
      [github({ owner: 'c', repo: 'r', workflow: 'd.yml', ref: 3 }), 'github.ref', /must be a string, not 3/],
      ['{"version": 2, "provider": "github"}', 'version', /reads version 1/],
      [
        JSON.stringify({
          provider: 'azure-devops',
          azureDevOps: { organizationUrl: 'https://dev.azure.com/c', project: 'p', pipelineId: -4 },
        }),
        'azureDevOps.pipelineId',
        /positive whole number/,
      ],
    ];
    for (const [text, field, message] of cases) {
      assert.throws(
        () => parseCiSettings(text),
        (error: Error & { field?: string }) => {
          assert.equal(error.name, 'CiSettingsError');
          assert.match(error.message, message);
          assert.ok(error.message.startsWith(CI_SETTINGS_PATH), error.message);
          assert.equal(error.field ?? '', field, text);
          return true;
        },
      );
    }
  });

  it('asks for a value a new project leaves empty with what to fill in and the command that does it', () => {
    const cases: [string, RegExp][] = [
      [
        github({ owner: '', repo: 'r', workflow: 'd.yml' }),
        /"github\.owner" is empty: fill in the GitHub user or organization/,
      ],
      [github({ owner: 'c', repo: ' ', workflow: 'd.yml' }), /"github\.repo" is empty: fill in the repository's name/],
      [
        JSON.stringify({
          provider: 'azure-devops',
          azureDevOps: { organizationUrl: 'https://dev.azure.com/c', project: '' },
        }),
        /"azureDevOps\.project" is empty: fill in the Azure DevOps project/,
      ],
      [
        JSON.stringify({
          provider: 'azure-devops',
          azureDevOps: { organizationUrl: 'https://dev.azure.com/c', project: 'p', pipelineName: 'deploy' },
        }),
        /"azureDevOps\.pipelineId" is missing: fill in the id of the pipeline created from the deployment YAML .*definitionId=/,
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => parseCiSettings(text),
        (error: Error) => {
          assert.match(error.message, message);
          assert.match(error.message, /Edit the file or run "Azure ML: Configure Outer Loop…"\.$/);
          return true;
        },
      );
    }
  });

  it('reads an unfinished file value by value, for Configure Outer Loop to start from', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'outer-loop-draft-'));
    try {
      assert.equal(await readCiSettingsDraft(root), undefined, 'no file');
      mkdirSync(path.join(root, '.azureml'));
      const file = path.join(root, CI_SETTINGS_PATH);
      writeFileSync(file, github({ owner: '', repo: ' mlops ', workflow: 'deploy.yml', retries: 3, nested: {} }));
      assert.deepEqual(await readCiSettingsDraft(root), {
        provider: 'github',
        values: { owner: '', repo: 'mlops', workflow: 'deploy.yml', retries: '3' },
      });
      writeFileSync(file, JSON.stringify({ provider: 'azure-devops', azureDevOps: { pipelineId: 7, branch: 'main' } }));
      assert.deepEqual(await readCiSettingsDraft(root), {
        provider: 'azure-devops',
        values: { pipelineId: '7', branch: 'main' },
      });
      writeFileSync(file, '{ not json');
      assert.equal(await readCiSettingsDraft(root), undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes what it reads back, and reads nothing where there is no file', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'outer-loop-settings-'));
    try {
      assert.equal(await readCiSettings(root), undefined);
      const settings: CiSettings = {
        provider: 'github',
        owner: 'contoso',
        repo: 'mlops',
        workflow: 'deploy.yml',
        trigger: 'repository_dispatch',
        ref: 'main',
        eventType: 'model-registered',
        baseUrl: 'https://github.contoso.com/api/v3',
      };
      const file = await writeCiSettings(root, settings);
      assert.equal(file, path.join(root, '.azureml', 'outer-loop.json'));
      assert.deepEqual(await readCiSettings(root), settings);
      assert.equal(readFileSync(file, 'utf8'), formatCiSettings(settings));
      assert.doesNotMatch(readFileSync(file, 'utf8'), /token/i);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('core/outerLoop/candidateTags: the trigger and its run on the model version', () => {
  it('records the trigger, then the run, then its result, and reads each back', () => {
    const triggered = recordAfterTrigger({
      provider: 'github',
      triggeredAt: '2026-01-05T10:00:00.000Z',
      model: { name: 'm', version: '1' },
    });
    assert.deepEqual(parseOuterLoopTags(outerLoopTags(triggered)), triggered);
    assert.ok(isUnfinished(triggered));
    const run = {
      provider: 'github' as const,
      runId: '42',
      url: 'https://github.com/c/r/actions/runs/42',
      state: 'running' as const,
      serviceStatus: 'in_progress',
      jobs: [],
    };
    const running = recordOfRun(run, triggered.triggeredAt);
    assert.deepEqual(parseOuterLoopTags(outerLoopTags(running)), running);
    const done = recordOfRun({ ...run, state: 'completed', result: 'failed', serviceResult: 'failure' });
    assert.equal(done.status, 'failed');
    assert.equal(isUnfinished(done), false);
  });

  it('writes every key, so a later record leaves nothing of an earlier one', () => {
    const failed = recordOfFailure(
      'azure-devops',
      'Azure DevOps did not accept the token (HTTP 401). Store a new token.',
    );
    const tags = outerLoopTags(failed);
    assert.equal(tags['outerloop.error'], 'Azure DevOps did not accept the token (HTTP 401).');
    assert.equal(tags['outerloop.runId'], '');
    const later = outerLoopTags(
      recordAfterTrigger({
        provider: 'azure-devops',
        triggeredAt: '2026-01-05T10:00:00Z',
        model: { name: 'm', version: '1' },
        runId: '9',
      }),
    );
    const merged = parseOuterLoopTags({ ...tags, ...later });
    assert.deepEqual([merged?.status, merged?.runId, merged?.error], ['triggered', '9', undefined]);
  });

  it('ignores tags that are not a record of ours, and values edited into something else', () => {
    assert.equal(parseOuterLoopTags(undefined), undefined);
    assert.equal(parseOuterLoopTags({ stage: 'candidate' }), undefined);
    assert.equal(parseOuterLoopTags({ 'outerloop.provider': 'jenkins', 'outerloop.status': 'running' }), undefined);
    assert.deepEqual(
      parseOuterLoopTags({
        'outerloop.provider': 'github',
        'outerloop.status': 'running',
        'outerloop.runId': 'abc',
        'outerloop.url': 'javascript:alert(1)',
        'outerloop.triggeredAt': 'yesterday',
      }),
      { provider: 'github', status: 'running' },
    );
  });
});
