import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURE_IMAGES = join(__dirname, '..', '..', '..', 'fixtures', 'labeling', 'images');

/** A fresh temporary folder, removed after the current test file. */
export function temporaryFolder(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'labeling-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A copy of the fixture images in `folder`/images. */
export function copyFixtureImages(folder: string): string {
  const target = join(folder, 'images');
  cpSync(FIXTURE_IMAGES, target, { recursive: true });
  return target;
}
