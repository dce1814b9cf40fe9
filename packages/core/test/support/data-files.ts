// Generated dataset files for the reader tests (core and CLI): IDX arrays and CIFAR-10 batches with known
// contents, so a damaged copy differs from a good one only by the damage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** IDX bytes: two zero bytes, type code, rank, big-endian uint32 dims, data. */
export function idxBytes(dims: number[], data: Uint8Array, typeCode = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = typeCode;
  out[3] = dims.length;
  const v = new DataView(out.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** The four MNIST-format files (uncompressed names, which carry no MD5): `train` and `test` 28×28 images. */
export function mnistLikeFiles(train: number, test: number): Record<string, Uint8Array> {
  const images = (n: number, salt: number) =>
    idxBytes(
      [n, 28, 28],
      Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31 + salt) & 255),
    );
  const labels = (n: number, salt: number) =>
    idxBytes(
      [n],
      Uint8Array.from({ length: n }, (_, i) => (i + salt) % 10),
    );
  return {
    'train-images-idx3-ubyte': images(train, 0),
    'train-labels-idx1-ubyte': labels(train, 0),
    't10k-images-idx3-ubyte': images(test, 7),
    't10k-labels-idx1-ubyte': labels(test, 3),
  };
}

export function writeFiles(dir: string, files: Record<string, Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
}

export const CIFAR_RECORD_BYTES = 1 + 3 * 32 * 32;

/** A CIFAR-10 batch of `records` records: label (r + salt) % 10, then 3072 pixel bytes. */
export function cifarBatch(records: number, salt = 0): Uint8Array {
  const b = new Uint8Array(records * CIFAR_RECORD_BYTES);
  for (let r = 0; r < records; r++) {
    b[r * CIFAR_RECORD_BYTES] = (r + salt) % 10;
    b.fill((r * 13 + salt) & 255, r * CIFAR_RECORD_BYTES + 1, (r + 1) * CIFAR_RECORD_BYTES);
  }
  return b;
}
