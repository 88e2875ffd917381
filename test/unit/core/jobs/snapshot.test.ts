import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseIgnoreRules, SnapshotError, takeSnapshot } from '../../../../src/core/jobs/snapshot';

/** Writes `files` (relative path → content) below a new temporary folder and returns the folder. */
function folderWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'aml-snapshot-'));
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return root;
}

const uploaded = async (root: string) => (await takeSnapshot(root)).files.map((file) => file.relativePath);

describe('core/jobs/snapshot: which files go up', () => {
  const roots: string[] = [];
  const folder = (files: Record<string, string>) => {
    const root = folderWith(files);
    roots.push(root);
    return root;
  };
  after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('takes .amlignore over .gitignore, and keeps the ignore file itself and .git', async () => {
    const root = folder({
      '.amlignore': 'data/\n',
      '.gitignore': 'train.py\n',
      'train.py': 'print(1)',
      'data/big.csv': '1,2',
      '.git/HEAD': 'ref: refs/heads/main',
    });
    assert.deepEqual(await uploaded(root), ['.amlignore', '.git/HEAD', '.gitignore', 'train.py']);
    assert.equal((await takeSnapshot(root)).ignoreFile, '.amlignore');
  });

  it('uses .gitignore when there is no .amlignore, and nothing when there is neither', async () => {
    const withGit = folder({ '.gitignore': '*.log\n', 'run.log': 'x', 'main.py': 'y' });
    assert.deepEqual(await uploaded(withGit), ['.gitignore', 'main.py']);
    const bare = folder({ 'run.log': 'x', '__pycache__/main.pyc': 'z' });
    assert.deepEqual(await uploaded(bare), ['__pycache__/main.pyc', 'run.log']);
    assert.equal((await takeSnapshot(bare)).ignoreFile, undefined);
  });

  it('reads the ignore file of the root folder only: one in a subfolder is an ordinary file', async () => {
    const root = folder({ 'src/.gitignore': '*.txt\n', 'src/notes.txt': 'n', 'src/model.py': 'm' });
    assert.deepEqual(await uploaded(root), ['src/.gitignore', 'src/model.py', 'src/notes.txt']);
  });

  it('lets the last matching pattern decide, even for a file inside an excluded folder', async () => {
    const root = folder({
      '.amlignore': 'outputs/\n!outputs/keep.txt\n*.tmp\n!important.tmp\n',
      'outputs/keep.txt': 'k',
      'outputs/drop.txt': 'd',
      'important.tmp': 'i',
      'scratch.tmp': 's',
    });
    assert.deepEqual(await uploaded(root), ['.amlignore', 'important.tmp', 'outputs/keep.txt']);
  });

  it('matches patterns case-sensitively, anchored or at any depth as gitignore says', () => {
    const excluded = parseIgnoreRules('/top.txt\nlogs\n*.PYC\n# comment\n\ndeep/**/x.bin   \n');
    assert.equal(excluded('top.txt'), true);
    assert.equal(excluded('sub/top.txt'), false);
    assert.equal(excluded('a/logs/run.txt'), true);
    assert.equal(excluded('m.PYC'), true);
    assert.equal(excluded('m.pyc'), false);
    assert.equal(excluded('deep/a/b/x.bin'), true);
    assert.equal(excluded('# comment'), false);
  });

  it('follows symbolic links, naming the files by the link', async () => {
    const target = folder({ 'shared.py': 'S' });
    const root = folder({ 'main.py': 'M' });
    symlinkSync(target, path.join(root, 'lib'), 'dir');
    assert.deepEqual(await uploaded(root), ['lib/shared.py', 'main.py']);
  });

  it('takes a single file as it is, named by its file name', async () => {
    const root = folder({ '.amlignore': 'model.pkl\n', 'model.pkl': 'weights' });
    const snapshot = await takeSnapshot(path.join(root, 'model.pkl'));
    assert.equal(snapshot.isFile, true);
    assert.equal(snapshot.name, 'model.pkl');
    assert.deepEqual(
      snapshot.files.map((file) => [file.relativePath, file.size]),
      [['model.pkl', 7]],
    );
  });

  it('refuses a missing path and a folder with nothing to upload, saying which', async () => {
    const root = folder({ '.amlignore': '*\n', 'a.py': 'a' });
    await assert.rejects(takeSnapshot(path.join(root, 'nope')), (error: unknown) => {
      assert.ok(error instanceof SnapshotError);
      assert.match(error.message, /No such file or folder: .*nope/);
      return true;
    });
    await assert.rejects(takeSnapshot(root), /has no files to upload \(after \.amlignore\)/);
  });
});

describe('core/jobs/snapshot: hashes as azure-ai-ml computes them', () => {
  let root: string;
  before(() => {
    root = folderWith({ '.amlignore': '*.log\n', 'a.txt': 'A', 'Sub/b.txt': 'bb', 'x.log': 'L' });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('computes the MD5 object hash of a small folder by hand', async () => {
    // get_object_hash: MD5 seeded with a fixed phrase, then _get_dir_hash over the folder. Entries are
    // sorted by their lower-cased path: ".amlignore" < "a.txt" < "sub" < "x.log" (so "Sub" comes after
    // "a.txt", although "S" sorts before "a"). x.log is excluded and adds nothing. Each entry adds its
    // name, then a file its bytes, a folder its own entries the same way.
    const expected = createHash('md5')
      .update('Initialize for october 2021 AML CLI version')
      .update('.amlignore')
      .update('*.log\n')
      .update('a.txt')
      .update('A')
      .update('Sub')
      .update('b.txt')
      .update('bb')
      .digest('hex');
    assert.equal((await takeSnapshot(root)).objectHash, expected);
  });

  it('computes the SHA-256 content hash of the same folder by hand', async () => {
    // get_content_hash -> _get_file_list_content_hash: the number of files kept (3), then per file,
    // sorted by lower-cased relative path, "#<relative path>#" and its size in bytes, then every file's
    // bytes in the same order.
    const expected = createHash('sha256')
      .update('3')
      .update('#.amlignore#6')
      .update('#a.txt#1')
      .update('#Sub/b.txt#2')
      .update('*.log\n')
      .update('A')
      .update('bb')
      .digest('hex');
    assert.equal(await (await takeSnapshot(root)).contentHash(), expected);
  });

  it('hashes a single file as the seed followed by its bytes', async () => {
    const snapshot = await takeSnapshot(path.join(root, 'a.txt'));
    const md5 = createHash('md5').update('Initialize for october 2021 AML CLI version').update('A').digest('hex');
    const sha = createHash('sha256').update('1').update('#a.txt#1').update('A').digest('hex');
    assert.equal(snapshot.objectHash, md5);
    assert.equal(await snapshot.contentHash(), sha);
  });

  it('changes when a kept file changes, not when an ignored one does', async () => {
    const copy = folderWith({ '.amlignore': '*.log\n', 'a.txt': 'A', 'Sub/b.txt': 'bb', 'x.log': 'other' });
    try {
      const original = await takeSnapshot(root);
      const ignoredChanged = await takeSnapshot(copy);
      assert.equal(ignoredChanged.objectHash, original.objectHash);
      assert.equal(await ignoredChanged.contentHash(), await original.contentHash());
      writeFileSync(path.join(copy, 'Sub/b.txt'), 'bc');
      const keptChanged = await takeSnapshot(copy);
      assert.notEqual(keptChanged.objectHash, original.objectHash);
      assert.notEqual(await keptChanged.contentHash(), await original.contentHash());
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
