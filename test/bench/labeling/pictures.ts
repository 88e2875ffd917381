// Small PNG pictures for the labeling benchmarks, written by the bench itself: each one differs from every other
// (its background colour and a square placed by its index, with the index in binary along the top), so no cache
// below the page can serve one picture for another.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

export const PICTURE_WIDTH = 160;
export const PICTURE_HEIGHT = 120;

const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(bytes: Buffer): number {
  let value = 0xffffffff;
  for (const byte of bytes) value = CRC_TABLE[(value ^ byte) & 0xff] ^ (value >>> 8);
  return (value ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit RGB PNG of picture `index`, `width` × `height` (at least 128 × 48). */
export function picturePng(index: number, width = PICTURE_WIDTH, height = PICTURE_HEIGHT): Buffer {
  const background = [(index * 37) % 200, (index * 91) % 200, (index * 53) % 200];
  const square = { x: (index * 13) % (width - 40), y: (index * 7) % (height - 40), size: 40 };
  const rowBytes = 1 + width * 3;
  // Three kinds of row (filter byte 0, then pixels): the index in binary, the background, the background with the
  // square; each picture's rows are copies of them.
  const row = (colourAt: (x: number) => number[]) => {
    const bytes = Buffer.alloc(rowBytes);
    for (let x = 0; x < width; x++) bytes.set(colourAt(x), 1 + x * 3);
    return bytes;
  };
  const bitsRow = row((x) => {
    if (x >= 128) return background;
    return (index >> (15 - Math.floor(x / 8))) & 1 ? [255, 255, 255] : [0, 0, 0];
  });
  const backgroundRow = row(() => background);
  const squareRow = row((x) => (x >= square.x && x < square.x + square.size ? [240, 160, 20] : background));
  const raw = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const source = y < 6 ? bitsRow : y >= square.y && y < square.y + square.size ? squareRow : backgroundRow;
    source.copy(raw, y * rowBytes);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter choice, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The id (path below the folder) of picture `index`, in the order the project lists items. */
export function pictureId(index: number): string {
  return `picture-${String(index).padStart(5, '0')}.png`;
}

/** Writes `count` pictures of `width` × `height` into `folder`; returns their ids in item order. */
export function writePictures(folder: string, count: number, width = PICTURE_WIDTH, height = PICTURE_HEIGHT): string[] {
  mkdirSync(folder, { recursive: true });
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const id = pictureId(index);
    writeFileSync(join(folder, id), picturePng(index, width, height));
    ids.push(id);
  }
  return ids;
}

export const BENCH_LABELS = [
  { name: 'square', color: '#e6194b', hotkey: '1' },
  { name: 'background', color: '#3cb44b', hotkey: '2' },
];

/** The box around picture `index`'s square, as a record's normalized box. */
export function squareBox(index: number): { left: number; top: number; right: number; bottom: number } {
  const x = (index * 13) % (PICTURE_WIDTH - 40);
  const y = (index * 7) % (PICTURE_HEIGHT - 40);
  return {
    left: x / PICTURE_WIDTH,
    top: y / PICTURE_HEIGHT,
    right: (x + 40) / PICTURE_WIDTH,
    bottom: (y + 40) / PICTURE_HEIGHT,
  };
}

/**
 * An object-detection project over `count` pictures in `<folder>/pictures`, with a box around the square of
 * every picture whose index `labeled` accepts already in its annotations file. Returns the project file.
 */
export function writeBenchProject(folder: string, count: number, labeled: (index: number) => boolean): string {
  writePictures(join(folder, 'pictures'), count);
  const project = {
    version: 1,
    task: 'object-detection',
    labels: BENCH_LABELS,
    source: { kind: 'folder', path: 'pictures' },
    annotationsFile: 'bench.labels.jsonl',
  };
  const projectFile = join(folder, 'bench.labels.json');
  writeFileSync(projectFile, `${JSON.stringify(project, null, 2)}\n`);
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    if (!labeled(index)) continue;
    const box = { id: `b${index.toString(16)}`, label: 'square', ...squareBox(index) };
    lines.push(JSON.stringify({ item: pictureId(index), boxes: [box] }));
  }
  writeFileSync(join(folder, 'bench.labels.jsonl'), lines.length ? `${lines.join('\n')}\n` : '');
  return projectFile;
}
