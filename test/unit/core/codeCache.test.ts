import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWithCodeCache, type CodeCacheLoad } from '../../../src/core/codeCache';

interface TestModule {
  value: number;
  sum: number;
  where(): string;
  thisIsExports: boolean;
}

/** A CommonJS module that uses what Node hands a module: require, module, exports, __filename. */
const moduleSource = (value: number) =>
  [
    "'use strict';",
    "const { sep } = require('node:path');",
    "exports.where = () => new Error('here').stack;",
    `exports.value = ${value};`,
    'exports.sum = require(`.${sep}helper.js`).add(value => value, 1);',
    'module.exports.thisIsExports = this === exports;',
    '',
  ].join('\n');

describe('core/codeCache: load a CommonJS file with V8 bytecode cached by an earlier load', () => {
  let folder: string;
  let file: string;
  let cacheDir: string;
  let copies = 0;
  let loadedFile = '';
  /**
   * Loads a copy of the module in a folder of its own: within one process V8 reuses its compilation of the same
   * source from the same file, which would hide whether the cache file was used.
   */
  const load = ({ into }: { into?: string } = { into: cacheDir }): CodeCacheLoad => {
    const copy = join(folder, `copy-${copies++}`);
    mkdirSync(copy);
    loadedFile = join(copy, 'bundle.js');
    copyFileSync(file, loadedFile);
    copyFileSync(join(folder, 'helper.js'), join(copy, 'helper.js'));
    return loadWithCodeCache(loadedFile, into, createRequire(loadedFile));
  };
  const exportsOf = (loaded: CodeCacheLoad) => loaded.exports as TestModule;
  const cacheFiles = () => readdirSync(cacheDir).filter((name) => name.endsWith('.code-cache'));

  beforeEach(() => {
    copies = 0;
    folder = mkdtempSync(join(tmpdir(), 'code-cache-'));
    file = join(folder, 'bundle.js');
    cacheDir = join(folder, 'storage', 'code-cache');
    writeFileSync(join(folder, 'helper.js'), 'exports.add = (f, n) => f(n) + 1;\n');
    writeFileSync(file, moduleSource(42));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('compiles from the source the first time, then from the cache it saved, with the same module either way', () => {
    const first = load();
    assert.equal(first.status, 'missing');
    assert.deepEqual(
      { value: exportsOf(first).value, sum: exportsOf(first).sum, thisIsExports: exportsOf(first).thisIsExports },
      { value: 42, sum: 2, thisIsExports: true },
    );
    first.saveCache();
    assert.equal(cacheFiles().length, 1);
    assert.match(cacheFiles()[0], /^bundle\.js\.[0-9a-f]{16}\.code-cache$/);

    const second = load();
    assert.equal(second.status, 'used');
    assert.equal(exportsOf(second).value, 42);
    assert.equal(exportsOf(second).sum, 2);
    second.saveCache();
    assert.equal(cacheFiles().length, 1, 'a load that used the cache writes nothing');
  });

  it('keeps the file name and its line numbers in stack traces', () => {
    const stack = exportsOf(load()).where();
    assert.match(stack.split('\n')[1], new RegExp(`${loadedFile.replace(/[.\\/]/g, '\\$&')}:3:23\\)$`));
  });

  it('never runs the bytecode of another source, even one of the same length, and drops the old cache', () => {
    load().saveCache();
    const oldCache = cacheFiles()[0];
    writeFileSync(file, moduleSource(43));
    const changed = load();
    assert.equal(changed.status, 'missing');
    assert.equal(exportsOf(changed).value, 43);
    changed.saveCache();
    assert.equal(cacheFiles().length, 1);
    assert.notEqual(cacheFiles()[0], oldCache);
  });

  it('compiles from the source when V8 refuses a damaged cache, and replaces it', () => {
    load().saveCache();
    writeFileSync(join(cacheDir, cacheFiles()[0]), Buffer.alloc(4096, 7));
    const refused = load();
    assert.equal(refused.status, 'rejected');
    assert.equal(exportsOf(refused).value, 42);
    refused.saveCache();
    assert.equal(load().status, 'used');
  });

  it('loads the module when the cache cannot be read, and says why', () => {
    load().saveCache();
    const name = cacheFiles()[0];
    rmSync(join(cacheDir, name));
    mkdirSync(join(cacheDir, name));
    const loaded = load();
    assert.equal(loaded.status, 'missing');
    assert.equal(exportsOf(loaded).value, 42);
    assert.match(loaded.readProblem ?? '', /EISDIR/);
  });

  it('loads the module when the cache cannot be written; only the save fails', () => {
    const notAFolder = join(folder, 'plain-file');
    writeFileSync(notAFolder, '');
    const loaded = load({ into: join(notAFolder, 'code-cache') });
    assert.equal(exportsOf(loaded).value, 42);
    assert.throws(() => loaded.saveCache(), /ENOTDIR|EEXIST/);
  });

  it('leaves no partial file behind when the cache cannot be put in place', () => {
    load().saveCache();
    const name = cacheFiles()[0];
    rmSync(join(cacheDir, name));
    mkdirSync(join(cacheDir, name, 'occupied'), { recursive: true });
    const loaded = load();
    assert.throws(() => loaded.saveCache(), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(readdirSync(cacheDir), [name]);
  });

  it('without a folder, compiles from the source and saves nothing', () => {
    const loaded = load({});
    assert.equal(loaded.status, 'noFolder');
    assert.equal(exportsOf(loaded).value, 42);
    loaded.saveCache();
    assert.deepEqual(readdirSync(folder).sort(), ['bundle.js', 'copy-0', 'helper.js']);
  });
});
