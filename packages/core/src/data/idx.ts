// IDX reader (MNIST, Fashion-MNIST): raw or gzip, validated (magic, type, rank, sizes, label range).
// Format: two zero bytes, type code (0x08 = unsigned byte), rank, rank × big-endian uint32 dims, data.
import { gunzipSync } from 'node:zlib';
import { DataError } from './errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (e) {
    throw new DataError(`corrupt gzip data (${(e as Error).message}); delete the file and fetch it again`, file);
  }
}

/** Parse IDX bytes (gzip or raw). `rank` is the expected number of dimensions. */
export function parseIdx(raw: Uint8Array, file: string, rank: number): IdxArray {
  const bytes = maybeGunzip(raw, file);
  if (bytes.length < 4) throw new DataError(`too short for an IDX header (${bytes.length} bytes)`, file);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`not an IDX file: magic starts with 0x${hex(bytes[0]!)}${hex(bytes[1]!)}, expected 0x0000`, file);
  }
  if (bytes[2] !== UBYTE) throw new DataError(`IDX element type 0x${hex(bytes[2]!)} is not unsigned byte (0x08)`, file);
  if (bytes[3] !== rank) throw new DataError(`IDX rank ${bytes[3]} where ${rank} was expected (magic 0x0000080${rank})`, file);
  const headerLen = 4 + 4 * rank;
  if (bytes.length < headerLen) throw new DataError(`truncated IDX header`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLen;
  if (actual !== expected) {
    throw new DataError(
      `IDX dims [${dims.join(',')}] need ${expected} data bytes but the file has ${actual}` +
        (actual < expected ? ' (truncated download?)' : ' (trailing bytes)'),
      file,
    );
  }
  return { dims, data: bytes.subarray(headerLen) };
}

export interface ImageSet {
  /** uint8 pixels [count, height, width] (channels = 1) or [count, 3, 32, 32] for CIFAR. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: [channels: number, height: number, width: number];
  classes: number;
}

/** Pair an IDX image file and label file, checking counts and label range. */
export function parseIdxPair(images: Uint8Array, imagesFile: string, labels: Uint8Array, labelsFile: string, classes = 10): ImageSet {
  const img = parseIdx(images, imagesFile, 3);
  const lab = parseIdx(labels, labelsFile, 1);
  const [count, h, w] = img.dims as [number, number, number];
  if (count === 0 || h === 0 || w === 0) throw new DataError(`IDX dims [${img.dims.join(',')}] hold no images`, imagesFile);
  if (lab.dims[0] !== count) {
    throw new DataError(`${lab.dims[0]} labels for ${count} images in ${imagesFile}`, labelsFile);
  }
  for (let i = 0; i < lab.data.length; i++) {
    if (lab.data[i]! >= classes) throw new DataError(`label ${lab.data[i]} at index ${i} is outside 0..${classes - 1}`, labelsFile);
  }
  return { images: img.data, labels: lab.data, count, shape: [1, h, w], classes };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
