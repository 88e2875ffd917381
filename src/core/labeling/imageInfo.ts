/**
 * An image's format and pixel size, read from its header without decoding it: the first bytes for PNG, GIF,
 * BMP and WebP, the segments before the frame header for JPEG. Sizes are the stored ones (as Pillow reports
 * them, which is what AutoML sees), before any EXIF orientation.
 *
 * Written here rather than taken from the image-size package because that package could not be installed
 * from the offline npm cache when this was written; the five formats the labeling source accepts need
 * little code. The function's shape is image-size's, so swapping it in later changes only this file.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

export type ImageFormat = 'jpg' | 'png' | 'gif' | 'bmp' | 'webp';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

export class ImageInfoError extends Error {}

const FIRST_READ = 4096;
/** JPEG headers (EXIF with a thumbnail, ICC profiles) rarely pass this; beyond it the file is not worth walking. */
const JPEG_SEARCH_LIMIT = 16 * 1024 * 1024;

/**
 * Reads the header of the image at `path`; throws ImageInfoError for a file it cannot size.
 *
 * The first bytes are read synchronously: for a read this small, the thread pool's round trips (open, read,
 * close) cost several times the read itself, which makes an export of 10,000 pictures take seconds instead of
 * a fraction of one. Callers reading many headers yield to the event loop between batches (imageInfos). A JPEG
 * whose frame header lies beyond the first bytes is followed with asynchronous reads.
 */
export async function readImageInfo(path: string): Promise<ImageInfo> {
  const head = Buffer.alloc(FIRST_READ);
  const descriptor = openSync(path, 'r');
  let bytesRead: number;
  try {
    bytesRead = readSync(descriptor, head, 0, FIRST_READ, 0);
  } finally {
    closeSync(descriptor);
  }
  const info = (await imageInfoFromHeader(head.subarray(0, bytesRead))) ?? (await readImageInfoFollowing(path));
  if (!info) throw new ImageInfoError(`${path} is not a JPEG, PNG, GIF, BMP or WebP image this can size.`);
  return info;
}

/** The header read with a file handle, so a JPEG can be followed past its first bytes. */
async function readImageInfoFollowing(path: string): Promise<ImageInfo | undefined> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(FIRST_READ);
    const { bytesRead } = await file.read(head, 0, FIRST_READ, 0);
    return await imageInfoFromHeader(head.subarray(0, bytesRead), file);
  } finally {
    await file.close();
  }
}

/**
 * The size from the header bytes; `file` lets a JPEG be followed past the bytes given. Undefined when the
 * bytes are no image of a known format.
 */
export async function imageInfoFromHeader(head: Buffer, file?: FileHandle): Promise<ImageInfo | undefined> {
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) {
    // PNG: the IHDR chunk comes first.
    if (head.toString('latin1', 12, 16) !== 'IHDR') return undefined;
    return sized('png', head.readUInt32BE(16), head.readUInt32BE(20));
  }
  if (head.length >= 10 && /^GIF8[79]a$/.test(head.toString('latin1', 0, 6))) {
    return sized('gif', head.readUInt16LE(6), head.readUInt16LE(8));
  }
  if (head.length >= 26 && head.toString('latin1', 0, 2) === 'BM') {
    const headerSize = head.readUInt32LE(14);
    // OS/2 BITMAPCOREHEADER has 16-bit sizes; every later header 32-bit, height negative for top-down rows.
    if (headerSize === 12) return sized('bmp', head.readUInt16LE(18), head.readUInt16LE(20));
    return sized('bmp', Math.abs(head.readInt32LE(18)), Math.abs(head.readInt32LE(22)));
  }
  if (head.length >= 30 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') {
    return webpInfo(head);
  }
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) {
    return jpegInfo(head, file);
  }
  return undefined;
}

function sized(format: ImageFormat, width: number, height: number): ImageInfo | undefined {
  return width > 0 && height > 0 ? { format, width, height } : undefined;
}

function webpInfo(head: Buffer): ImageInfo | undefined {
  const chunk = head.toString('latin1', 12, 16);
  if (chunk === 'VP8 ') {
    // Lossy: a key frame's start code 9d 01 2a, then 14-bit width and height.
    if (head[23] !== 0x9d || head[24] !== 0x01 || head[25] !== 0x2a) return undefined;
    return sized('webp', head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2f, then width - 1 and height - 1 in 14 bits each.
    if (head[20] !== 0x2f) return undefined;
    const bits = head.readUInt32LE(21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    // Extended: canvas width - 1 and height - 1 in 24 bits each.
    return sized('webp', head.readUIntLE(24, 3) + 1, head.readUIntLE(27, 3) + 1);
  }
  return undefined;
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

async function jpegInfo(head: Buffer, file: FileHandle | undefined): Promise<ImageInfo | undefined> {
  const readAt = async (offset: number, length: number): Promise<Buffer | undefined> => {
    if (offset + length <= head.length) return head.subarray(offset, offset + length);
    if (!file) return undefined;
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    return bytesRead === length ? buffer : undefined;
  };
  let offset = 2;
  while (offset < JPEG_SEARCH_LIMIT) {
    const header = await readAt(offset, 9);
    if (!header || header[0] !== 0xff) return undefined;
    const marker = header[1];
    if (marker === 0xff) {
      // Fill byte before a marker.
      offset += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    if (isStartOfFrame(marker)) return sized('jpg', header.readUInt16BE(7), header.readUInt16BE(5));
    offset += 2 + header.readUInt16BE(2);
  }
  return undefined;
}
