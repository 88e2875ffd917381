import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generate,
  PathEscapeError,
  planProject,
  resolveInside,
  ScaffoldOptionsError,
  writePlanned,
  type ScaffoldTarget,
} from '../../../../src/core/scaffold/generate';
import { nodeTarget } from '../../../../src/core/scaffold/nodeTarget';
import { DEFAULT_OPTIONS, validateOptions, withDefaults } from '../../../../src/core/scaffold/options';
import { isBinaryTemplate, renderTemplate, TemplateError } from '../../../../src/core/scaffold/render';
import { entryApplies, loadTemplateTree } from '../../../../src/core/scaffold/templates';

/** An in-memory target that records writes. */
function memoryTarget(existing: string[] = []): ScaffoldTarget & { written: Map<string, string> } {
  const written = new Map<string, string>();
  return {
    folder: '/project',
    written,
    exists: async (path) => existing.includes(path) || written.has(path),
    write: async (path, content) => void written.set(path, content.toString('utf8')),
  };
}

describe('core/scaffold: render', () => {
  it('fills in values, keeps lines for a choice, and passes CI expressions through', () => {
    const template = [
      'name: <%= it.name %>',
      'ref: ${{ github.ref }}',
      'ado: $(resource_group) ${{ variables.x }}',
      "bicep: '${namespace}'",
      '<% if (it.extra) { -%>',
      'extra: yes',
      '<% } -%>',
      'end: <%= it.name %>',
      '',
    ].join('\n');
    assert.equal(
      renderTemplate('t.yml', template, { name: 'a<b&c', extra: false }),
      "name: a<b&c\nref: ${{ github.ref }}\nado: $(resource_group) ${{ variables.x }}\nbicep: '${namespace}'\nend: a<b&c\n",
    );
    assert.match(renderTemplate('t.yml', template, { name: 'n', extra: true }), /\nextra: yes\nend: n\n$/);
  });

  it('names the template that does not render', () => {
    assert.throws(
      () => renderTemplate('broken/file.yml', 'a: <%= it.missing.deeper %>', {}),
      (error: unknown) => error instanceof TemplateError && /broken\/file\.yml/.test(error.message),
    );
  });

  it('copies binary files as they are', () => {
    assert.equal(isBinaryTemplate('data/images/red-0.png'), true);
    assert.equal(isBinaryTemplate('data/taxi-data.csv'), false);
  });
});

describe('core/scaffold: options', () => {
  it('has defaults for everything, following the accelerator', () => {
    const options = withDefaults({});
    assert.deepEqual(options, DEFAULT_OPTIONS);
    assert.deepEqual(validateOptions(options), []);
    assert.equal(withDefaults({ scenario: 'cv' }).compute, 'gpu-cluster');
    assert.equal(withDefaults({ scenario: 'cv', compute: 'my-gpus' }).compute, 'my-gpus');
    assert.equal(withDefaults({ namespace: undefined }).namespace, 'mlopsv2');
  });

  it('refuses names Azure would refuse, saying which and why', () => {
    const problems = validateOptions(
      withDefaults({
        namespace: 'My_Project',
        postfix: '00-1',
        location: 'East US',
        compute: '1cluster',
        ci: 'gitlab' as never,
        branch: 'feature..x',
      }),
    );
    assert.deepEqual(
      problems.map((problem) => problem.option),
      ['ci', 'namespace', 'postfix', 'location', 'compute', 'branch'],
    );
    const long = validateOptions(withDefaults({ namespace: 'averyveryverylongname' }));
    assert.equal(long.length, 1);
    assert.match(long[0].message, /24-character names/);
    // 20 characters fit: namespace 13 + postfix 4 + "prod" 4 would be 21, so 12 + 4 + 4 is the longest.
    assert.deepEqual(validateOptions(withDefaults({ namespace: 'abcdefghijkl' })), []);
    assert.equal(validateOptions(withDefaults({ namespace: 'abcdefghijklm' })).length, 1);
  });
});

describe('core/scaffold: generate', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'scaffold-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('plans files from the manifest for the choices made', () => {
    const tree = loadTemplateTree();
    assert.equal(entryApplies({ from: 'x', to: '', when: { deploy: ['online', 'both'] } }, { deploy: 'both' }), true);
    assert.equal(entryApplies({ from: 'x', to: '', when: { deploy: ['online', 'both'] } }, { deploy: 'batch' }), false);
    const online = planProject(withDefaults({ deploy: 'online' }), tree).map((file) => file.path);
    const batch = planProject(withDefaults({ deploy: 'batch', ci: 'azure-devops' }), tree).map((file) => file.path);
    assert.ok(online.includes('.github/workflows/deploy-online-endpoint.yml'));
    assert.ok(!online.some((path) => path.includes('deploy/batch') || path.includes('deploy-batch')));
    assert.ok(batch.includes('mlops/devops-pipelines/deploy-batch-endpoint.yml'));
    assert.ok(!batch.some((path) => path.startsWith('.github/')));
  });

  it('refuses invalid options before planning anything', () => {
    assert.throws(
      () => planProject(withDefaults({ namespace: 'Bad Name' })),
      (error: unknown) => error instanceof ScaffoldOptionsError && error.problems[0].option === 'namespace',
    );
  });

  it('writes nothing when a file exists, until told to overwrite it', async () => {
    writeFileSync(join(folder, 'README.md'), 'mine');
    const target = nodeTarget(folder);
    const refused = await generate(withDefaults(), target);
    assert.deepEqual(refused.conflicts, ['README.md']);
    assert.deepEqual(refused.written, []);
    assert.equal(readFileSync(join(folder, 'README.md'), 'utf8'), 'mine');
    assert.throws(() => readFileSync(join(folder, 'config-infra-dev.yml')));

    const other = await generate(withDefaults(), target, { overwrite: ['config-infra-dev.yml'] });
    assert.deepEqual(other.written, [], 'clearing another file does not clear README.md');

    const allowed = await generate(withDefaults(), target, { overwrite: ['README.md'] });
    assert.equal(allowed.written.length, allowed.files.length);
    assert.match(readFileSync(join(folder, 'README.md'), 'utf8'), /^# MLOps project/);
  });

  it('refuses paths that leave the target folder', async () => {
    assert.throws(() => resolveInside('/project', '../outside.txt'), PathEscapeError);
    assert.throws(() => resolveInside('/project', '/etc/passwd'), PathEscapeError);
    assert.throws(() => resolveInside('/project', 'a/../../b'), PathEscapeError);
    assert.throws(() => resolveInside('/project', 'a\\..\\b'), PathEscapeError);
    assert.throws(() => resolveInside('/project', '.'), PathEscapeError);
    assert.equal(resolveInside('/project', 'a/../b.txt'), '/project/b.txt');

    const target = memoryTarget();
    await assert.rejects(
      writePlanned(
        [
          { path: 'fine.txt', content: Buffer.from('x') },
          { path: '../escape.txt', content: Buffer.from('y') },
        ],
        target,
      ),
      PathEscapeError,
    );
    assert.equal(target.written.size, 0, 'nothing is written when one path escapes');
  });

  it('refuses to write through a symbolic link that leads out of the folder', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'scaffold-outside-'));
    try {
      mkdirSync(join(folder, 'project'));
      symlinkSync(outside, join(folder, 'project', 'data'));
      await assert.rejects(
        writePlanned([{ path: 'data/taxi-data.csv', content: Buffer.from('x') }], nodeTarget(join(folder, 'project'))),
        PathEscapeError,
      );
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
