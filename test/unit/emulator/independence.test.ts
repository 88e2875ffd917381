// The emulator is the tests' stand-in for Azure; if it shared the product's code, a bug there would be
// mirrored in the double and every test would agree with it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const emulatorDir = path.join(repoRoot, 'test', 'emulator');
/** The CI service doubles (GitHub, Azure DevOps) are held to the same rule. */
const doublesDir = path.join(repoRoot, 'test', 'doubles');
const srcDir = path.join(repoRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(c|m)?[jt]s$/.test(entry.name) ? [full] : [];
  });
}

/** Every module a file names: static and type imports, re-exports, dynamic import() and require(). */
function moduleSpecifiers(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  return [...text.matchAll(pattern)].map((match) => match[2]);
}

function reachesSrc(file: string, specifier: string): boolean {
  const target = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier;
  if (!path.isAbsolute(target)) return /^src(\/|$)/.test(target);
  const relative = path.relative(srcDir, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

describe('emulator: independent of the product code', () => {
  it('imports nothing from src/, neither directly nor through a relative path (nor do the CI doubles)', () => {
    const files = [...sourceFiles(emulatorDir), ...sourceFiles(doublesDir)];
    const seen = files.flatMap((file) => moduleSpecifiers(readFileSync(file, 'utf8')).map((spec) => ({ file, spec })));
    assert.ok(
      seen.some(({ spec }) => spec === './blobAddress'),
      'the scan finds relative imports (its own blob address module)',
    );
    assert.ok(
      seen.some(({ file, spec }) => file.startsWith(doublesDir) && spec === '../shared'),
      "the scan reaches the CI doubles' imports",
    );
    const offending = seen
      .filter(({ file, spec }) => reachesSrc(file, spec))
      .map(({ file, spec }) => `${path.relative(repoRoot, file)} imports ${spec}`);
    assert.deepEqual(offending, []);
  });

  it('the scan would catch an import of src/ at any depth', () => {
    const file = path.join(emulatorDir, 'runtime', 'example.ts');
    const specs = moduleSpecifiers(
      [
        "import { a } from '../../../src/core/azure/x';",
        "import type { B } from '../../../src';",
        "export * from '../../emulator/../../src/constants';",
        "const c = require('../../../src/y');",
        "const d = await import('src/z');",
        "import '@azure/storage-blob';",
      ].join('\n'),
    );
    assert.deepEqual(
      specs.map((spec) => reachesSrc(file, spec)),
      [true, true, true, true, true, false],
    );
  });
});
