// CIFAR-10 binary reader: records of 1 label byte + 3072 pixel bytes (3×32×32, channel-major), 10,000
// records per batch file (data_batch_1..5.bin, test_batch.bin).
import { DataError } from './errors.js';
import type { ImageSet } from './idx.js';

export const CIFAR_RECORD = 1 + 3 * 32 * 32;
export const CIFAR_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR_TEST_FILES = ['test_batch.bin'];

/** The number of records in a batch file of `size` bytes; a DataError naming `name` unless it is whole and as expected. */
export function cifarRecordCount(name: string, size: number, expectedPerFile = 10000): number {
  if (size % CIFAR_RECORD !== 0) {
    throw new DataError(`size ${size} is not a multiple of the ${CIFAR_RECORD}-byte CIFAR-10 record (truncated?)`, name);
  }
  const n = size / CIFAR_RECORD;
  if (expectedPerFile > 0 && n !== expectedPerFile) {
    throw new DataError(`holds ${n} records, a CIFAR-10 batch has ${expectedPerFile}`, name);
  }
  return n;
}

/** Parse and concatenate CIFAR-10 batch files. Each must hold whole records with labels 0..9. */
export function parseCifarBatches(files: Array<{ name: string; bytes: Uint8Array }>, expectedPerFile = 10000): ImageSet {
  let count = 0;
  for (const f of files) count += cifarRecordCount(f.name, f.bytes.length, expectedPerFile);
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  let at = 0;
  for (const f of files) {
    const n = f.bytes.length / CIFAR_RECORD;
    for (let r = 0; r < n; r++, at++) {
      const base = r * CIFAR_RECORD;
      const label = f.bytes[base]!;
      if (label > 9) throw new DataError(`record ${r} has label ${label}, CIFAR-10 labels are 0..9`, f.name);
      labels[at] = label;
      images.set(f.bytes.subarray(base + 1, base + CIFAR_RECORD), at * 3072);
    }
  }
  return { images, labels, count, shape: [3, 32, 32], classes: 10 };
}
