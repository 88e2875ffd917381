/**
 * Small pictures of circles, squares and triangles for the demo seed's image data assets, to start a
 * labeling project from: PNG files drawn here (deterministic: the same bytes on every run), so the emulator
 * needs no image files of its own.
 */
import { deflateSync } from 'node:zlib';

const WIDTH = 96;
const HEIGHT = 72;
const BACKGROUND: Rgb = [245, 245, 240];
const COLOURS: Rgb[] = [
  [230, 25, 75],
  [60, 180, 75],
  [67, 99, 216],
  [245, 130, 49],
];

type Rgb = [number, number, number];
type ShapeKind = 'circle' | 'square' | 'triangle';

interface Shape {
  kind: ShapeKind;
  left: number;
  top: number;
  size: number;
  colour: Rgb;
}

/** The pictures, by file name: `shapes-01.png` … */
export function shapePictures(count: number): Map<string, Buffer> {
  const pictures = new Map<string, Buffer>();
  let seed = 7;
  const next = (below: number) => {
    // A small linear congruential generator: reproducible without a library.
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % below;
  };
  const kinds: ShapeKind[] = ['circle', 'square', 'triangle'];
  for (let number = 1; number <= count; number++) {
    const shapes: Shape[] = [];
    const wanted = 2 + next(2);
    for (let attempt = 0; shapes.length < wanted && attempt < 50; attempt++) {
      const size = 18 + next(14);
      const left = 3 + next(WIDTH - size - 6);
      const top = 3 + next(HEIGHT - size - 6);
      const overlaps = shapes.some(
        (other) =>
          left < other.left + other.size &&
          other.left < left + size &&
          top < other.top + other.size &&
          other.top < top + size,
      );
      if (!overlaps) shapes.push({ kind: kinds[next(3)], left, top, size, colour: COLOURS[next(COLOURS.length)] });
    }
    pictures.set(`shapes-${String(number).padStart(2, '0')}.png`, png(draw(shapes)));
  }
  return pictures;
}

function inside(shape: Shape, x: number, y: number): boolean {
  const u = (x + 0.5 - shape.left) / shape.size;
  const v = (y + 0.5 - shape.top) / shape.size;
  if (u < 0 || u > 1 || v < 0 || v > 1) return false;
  if (shape.kind === 'square') return true;
  if (shape.kind === 'circle') return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
  // Apex at the top middle, base along the bottom.
  return Math.abs(u - 0.5) <= v / 2;
}

/** Rows of RGB pixels, each led by PNG's filter byte 0 (none). */
function draw(shapes: Shape[]): Buffer {
  const stride = 1 + WIDTH * 3;
  const raw = Buffer.alloc(stride * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const colour = shapes.find((shape) => inside(shape, x, y))?.colour ?? BACKGROUND;
      raw.set(colour, y * stride + 1 + x * 3);
    }
  }
  return raw;
}

function png(raw: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(WIDTH, 0);
  header.writeUInt32BE(HEIGHT, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
