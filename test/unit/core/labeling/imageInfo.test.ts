import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageInfoError, imageInfoFromHeader, readImageInfo } from '../../../../src/core/labeling/imageInfo';
import { FIXTURE_IMAGES, temporaryFolder } from './helpers';

describe('labeling image headers', () => {
  // Sizes and formats as make-images.py wrote them.
  const expected: [string, string, number, number][] = [
    ['cats/one.jpg', 'jpg', 40, 30],
    ['progressive.jpg', 'jpg', 50, 20],
    ['cats/two.png', 'png', 32, 24],
    ['dogs/three.gif', 'gif', 20, 10],
    ['dogs/four.bmp', 'bmp', 16, 8],
    ['lossy.webp', 'webp', 24, 12],
    ['lossless.webp', 'webp', 13, 7],
    ['extended.webp', 'webp', 10, 6],
  ];
  for (const [file, format, width, height] of expected) {
    it(`reads ${file} as ${format} ${width}×${height}`, async () => {
      assert.deepEqual(await readImageInfo(join(FIXTURE_IMAGES, file)), { format, width, height });
    });
  }

  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => {
    folder = temporaryFolder();
  });
  afterEach(() => folder.remove());

  it('follows a JPEG past a large segment before its frame header', async () => {
    const original = readFileSync(join(FIXTURE_IMAGES, 'cats', 'one.jpg'));
    const padding = Buffer.alloc(20000, 0x20);
    const segment = Buffer.concat([Buffer.from([0xff, 0xef, 0x4e, 0x22]), padding]); // APP15, length 20002
    const file = join(folder.path, 'big.jpg');
    writeFileSync(file, Buffer.concat([original.subarray(0, 2), segment, original.subarray(2)]));
    assert.deepEqual(await readImageInfo(file), { format: 'jpg', width: 40, height: 30 });
  });

  it('reads the 16-bit sizes of an OS/2 bitmap header and a top-down bitmap', async () => {
    const core = Buffer.alloc(26);
    core.write('BM', 0, 'latin1');
    core.writeUInt32LE(12, 14);
    core.writeUInt16LE(300, 18);
    core.writeUInt16LE(200, 20);
    assert.deepEqual(await imageInfoFromHeader(core), { format: 'bmp', width: 300, height: 200 });
    const topDown = Buffer.alloc(26);
    topDown.write('BM', 0, 'latin1');
    topDown.writeUInt32LE(40, 14);
    topDown.writeInt32LE(640, 18);
    topDown.writeInt32LE(-480, 22);
    assert.deepEqual(await imageInfoFromHeader(topDown), { format: 'bmp', width: 640, height: 480 });
  });

  it('refuses files that are not images, or cut short', async () => {
    const text = join(folder.path, 'notes.jpg');
    writeFileSync(text, 'just text');
    await assert.rejects(readImageInfo(text), ImageInfoError);
    const cut = join(folder.path, 'cut.jpg');
    writeFileSync(cut, readFileSync(join(FIXTURE_IMAGES, 'progressive.jpg')).subarray(0, 30));
    await assert.rejects(readImageInfo(cut), ImageInfoError);
    const png = readFileSync(join(FIXTURE_IMAGES, 'cats', 'two.png')).subarray(0, 20);
    assert.equal(await imageInfoFromHeader(png), undefined);
  });
});
