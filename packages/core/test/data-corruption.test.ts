// Damaged dataset files, table-driven, through the real reader path (`loadDataset`: find → read → MD5 → parse →
// check): every damage must be a DataError (ERR_DATA) whose message starts with the damaged file's path (or the
// directory, for a missing file) and says what is wrong — never a TypeError, a RangeError or a data set that
// loads with wrong contents. The files are generated here; an undamaged copy loads with exactly their contents.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR_TEST_FILES, CIFAR_TRAIN_FILES } from '../src/data/cifar.js';
import { DataError } from '../src/data/errors.js';
import { loadDataset } from '../src/data/sources.js';
import { CIFAR_RECORD_BYTES, cifarBatch, idxBytes, mnistLikeFiles, writeFiles } from './support/data-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-data-corrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const emptyCache = join(tmp, 'empty-cache');

let n = 0;
const caseDir = () => join(tmp, `case${n++}`);

/** The error `loadDataset` rejects with; fails the test when it resolves or throws anything but a DataError. */
async function dataErrorOf(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'expected loadDataset to reject').not.toBeNull();
  expect(e, String((e as Error).stack)).toBeInstanceOf(DataError);
  expect((e as DataError).code).toBe('ERR_DATA');
  return e as DataError;
}

const copy = (b: Uint8Array, edit: (c: Uint8Array, v: DataView) => void): Uint8Array => {
  const c = Uint8Array.from(b);
  edit(c, new DataView(c.buffer));
  return c;
};

describe('damaged IDX files (MNIST format)', () => {
  const TRAIN = 12;
  const TEST = 6;
  const good = mnistLikeFiles(TRAIN, TEST);
  const TI = 'train-images-idx3-ubyte';
  const TL = 'train-labels-idx1-ubyte';
  const VI = 't10k-images-idx3-ubyte';
  const VL = 't10k-labels-idx1-ubyte';

  it('the undamaged generated files load with exactly their contents', async () => {
    const dir = caseDir();
    writeFiles(dir, good);
    const ds = await loadDataset('mnist', { dataDir: dir, cacheDir: emptyCache, offline: true });
    expect([ds.train.count, ds.test.count]).toEqual([TRAIN, TEST]);
    expect(ds.train.shape).toEqual([1, 28, 28]);
    expect(Buffer.from(ds.train.images).equals(Buffer.from(good[TI]!.subarray(16)))).toBe(true);
    expect(Array.from(ds.test.labels)).toEqual(Array.from(good[VL]!.subarray(8)));
  });

  type Damage = { bytes: (good: Uint8Array) => Uint8Array; as?: string } | { delete: true } | { directory: true };
  interface Case {
    name: string;
    file: string;
    damage: Damage;
    error: RegExp;
  }
  const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));
  const cases: Case[] = [
    {
      name: 'bad magic (first byte)',
      file: TI,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[0] = 0x12;
          }),
      },
      error: /not an IDX file: magic starts with 0x1200, expected 0x0000/,
    },
    {
      name: 'bad magic (second byte)',
      file: VL,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[1] = 0x08;
          }),
      },
      error: /not an IDX file: magic starts with 0x0008/,
    },
    {
      name: 'element type float (0x0d)',
      file: TI,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[2] = 0x0d;
          }),
      },
      error: /IDX element type 0x0d is not unsigned byte/,
    },
    {
      name: 'element type int (0x0c)',
      file: TL,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[2] = 0x0c;
          }),
      },
      error: /IDX element type 0x0c is not unsigned byte/,
    },
    {
      name: 'images with 2 dims',
      file: VI,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[3] = 2;
          }),
      },
      error: /IDX rank 2 where 3 was expected/,
    },
    {
      name: 'an image file where the labels belong',
      file: TL,
      damage: { bytes: () => good[TI]! },
      error: /IDX rank 3 where 1 was expected/,
    },
    {
      name: 'header count above the payload',
      file: TI,
      damage: { bytes: (b) => copy(b, (_, v) => v.setUint32(4, TRAIN + 1)) },
      error: /IDX dims \[13,28,28\] need 10192 data bytes but the file has 9408 \(truncated download\?\)/,
    },
    {
      name: 'header count below the payload',
      file: TI,
      damage: { bytes: (b) => copy(b, (_, v) => v.setUint32(4, TRAIN - 1)) },
      error: /need 8624 data bytes but the file has 9408 \(trailing bytes\)/,
    },
    {
      name: 'header rows disagree with the payload',
      file: VI,
      damage: { bytes: (b) => copy(b, (_, v) => v.setUint32(8, 29)) },
      error: /IDX dims \[6,29,28\] need 4872 data bytes but the file has 4704/,
    },
    {
      name: 'header dims at the uint32 maximum',
      file: TI,
      damage: { bytes: (b) => copy(b, (_, v) => [4, 8, 12].forEach((o) => v.setUint32(o, 0xffffffff))) },
      error: /need [\d.e+]+ data bytes but the file has 9408/,
    },
    {
      name: 'labels header count above the payload',
      file: VL,
      damage: { bytes: (b) => copy(b, (_, v) => v.setUint32(4, 60000)) },
      error: /IDX dims \[60000\] need 60000 data bytes but the file has 6/,
    },
    {
      name: 'truncated payload',
      file: TI,
      damage: { bytes: (b) => b.subarray(0, b.length - 100) },
      error: /need 9408 data bytes but the file has 9308 \(truncated download\?\)/,
    },
    { name: 'truncated header', file: VI, damage: { bytes: (b) => b.subarray(0, 10) }, error: /truncated IDX header/ },
    { name: 'three bytes', file: TL, damage: { bytes: (b) => b.subarray(0, 3) }, error: /too short for an IDX header \(3 bytes\)/ },
    { name: 'empty file', file: VL, damage: { bytes: () => new Uint8Array(0) }, error: /too short for an IDX header \(0 bytes\)/ },
    {
      name: 'truncated gzip',
      file: TI,
      damage: {
        bytes: (b) => {
          const z = gz(b);
          return z.subarray(0, z.length >> 1);
        },
      },
      error: /corrupt gzip data \(unexpected end of file\); delete the file and fetch it again/,
    },
    { name: 'gzip header only', file: TL, damage: { bytes: (b) => gz(b).subarray(0, 10) }, error: /corrupt gzip data/ },
    {
      name: 'corrupt gzip (bytes flipped in the deflate stream)',
      file: VI,
      damage: {
        bytes: (b) =>
          copy(gz(b), (c) => {
            for (let i = 20; i < 40; i++) c[i] = c[i]! ^ 0xa5;
          }),
      },
      error: /corrupt gzip data/,
    },
    {
      name: 'gzip with a wrong CRC',
      file: VL,
      damage: {
        bytes: (b) =>
          copy(gz(b), (c) => {
            c[c.length - 8] = c[c.length - 8]! ^ 1;
          }),
      },
      error: /corrupt gzip data/,
    },
    {
      name: 'truncated file under the published .gz name (MD5)',
      file: TI,
      damage: { bytes: (b) => gz(b).subarray(0, 50), as: `${TI}.gz` },
      error: /MD5 [0-9a-f]{32} does not match the published f68b3c2dcbeaaa9fbdd348bbdeb94873/,
    },
    {
      name: 'label 10',
      file: TL,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[8 + 4] = 10;
          }),
      },
      error: /label 10 at index 4 is outside 0\.\.9/,
    },
    {
      name: 'label 255',
      file: VL,
      damage: {
        bytes: (b) =>
          copy(b, (c) => {
            c[8 + TEST - 1] = 255;
          }),
      },
      error: /label 255 at index 5 is outside 0\.\.9/,
    },
    {
      name: 'fewer labels than images',
      file: TL,
      damage: { bytes: () => idxBytes([TRAIN - 1], new Uint8Array(TRAIN - 1)) },
      error: /11 labels for 12 images in .*train-images-idx3-ubyte/,
    },
    {
      name: 'more labels than images (test set)',
      file: VL,
      damage: { bytes: () => idxBytes([TEST + 1], new Uint8Array(TEST + 1)) },
      error: /7 labels for 6 images in .*t10k-images-idx3-ubyte/,
    },
    {
      name: 'images of another size (27×28)',
      file: TI,
      damage: { bytes: () => idxBytes([TRAIN, 27, 28], new Uint8Array(TRAIN * 27 * 28)) },
      error: /images are 27×28, this data set's are 28×28/,
    },
    {
      name: 'no images',
      file: VI,
      damage: { bytes: () => idxBytes([0, 28, 28], new Uint8Array(0)) },
      error: /IDX dims \[0,28,28\] hold no images/,
    },
    {
      name: 'missing labels file',
      file: VL,
      damage: { delete: true },
      error:
        /incomplete data set: t10k-labels-idx1-ubyte\.gz or t10k-labels-idx1-ubyte missing beside train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte/,
    },
    { name: 'a directory where the images file belongs', file: TI, damage: { directory: true }, error: /cannot be read \(EISDIR\)/ },
  ];

  for (const c of cases) {
    it(`${c.name} (${c.file})`, async () => {
      const dir = caseDir();
      writeFiles(dir, good);
      const path = join(dir, c.file);
      let named = path;
      if ('delete' in c.damage) {
        unlinkSync(path);
        named = dir;
      } else if ('directory' in c.damage) {
        unlinkSync(path);
        mkdirSync(path);
      } else {
        const bytes = c.damage.bytes(good[c.file]!);
        if (c.damage.as) {
          unlinkSync(path);
          named = join(dir, c.damage.as);
        }
        writeFileSync(named, bytes);
      }
      const e = await dataErrorOf(loadDataset('mnist', { dataDir: dir, cacheDir: emptyCache, offline: true }));
      expect(e.message.startsWith(`${named}: `), e.message).toBe(true);
      expect(e.message).toMatch(c.error);
    });
  }
});

describe('damaged CIFAR-10 batch files', () => {
  const RECORDS = 10000; // the reader insists on whole published batches
  const all = [...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES];
  let goodBatch = '';
  beforeAll(() => {
    goodBatch = join(tmp, 'good_batch.bin');
    writeFileSync(goodBatch, cifarBatch(RECORDS, 3));
  });
  /** dataDir/cifar-10-batches-bin with every batch a link to the good one except `damaged`. */
  function batchesWith(damaged?: string): [dataDir: string, batches: string] {
    const dataDir = caseDir();
    const batches = join(dataDir, 'cifar-10-batches-bin');
    mkdirSync(batches, { recursive: true });
    for (const f of all) if (f !== damaged) symlinkSync(goodBatch, join(batches, f));
    return [dataDir, batches];
  }
  const edited = (edit: (b: Uint8Array) => Uint8Array) => edit(cifarBatch(RECORDS, 3));

  it('undamaged batches load with exactly their labels and pixels', async () => {
    const [dataDir] = batchesWith();
    const ds = await loadDataset('cifar10', { dataDir, cacheDir: emptyCache, offline: true });
    expect([ds.train.count, ds.test.count]).toEqual([50000, 10000]);
    expect(Array.from(ds.test.labels.subarray(0, 4))).toEqual([3, 4, 5, 6]);
    expect(ds.train.labels[10000 * 4 + 9999]).toBe((9999 + 3) % 10);
    expect(ds.test.images[5 * 3072 + 3071]).toBe((5 * 13 + 3) & 255);
  });

  interface Case {
    name: string;
    file: string;
    damage: (() => Uint8Array) | 'delete' | 'directory';
    error: RegExp;
  }
  const cases: Case[] = [
    {
      name: 'truncated inside a record',
      file: 'data_batch_2.bin',
      damage: () => edited((b) => b.subarray(0, b.length - 100)),
      error: /size 30729900 is not a multiple of the 3073-byte CIFAR-10 record \(truncated\?\)/,
    },
    {
      name: 'one byte short',
      file: 'test_batch.bin',
      damage: () => edited((b) => b.subarray(0, b.length - 1)),
      error: /not a multiple of the 3073-byte CIFAR-10 record/,
    },
    {
      name: 'one whole record short',
      file: 'data_batch_5.bin',
      damage: () => edited((b) => b.subarray(0, b.length - CIFAR_RECORD_BYTES)),
      error: /holds 9999 records, a CIFAR-10 batch has 10000/,
    },
    {
      name: 'one record too many',
      file: 'data_batch_1.bin',
      damage: () => cifarBatch(RECORDS + 1),
      error: /holds 10001 records, a CIFAR-10 batch has 10000/,
    },
    { name: 'empty file', file: 'test_batch.bin', damage: () => new Uint8Array(0), error: /holds 0 records/ },
    {
      name: 'label 10',
      file: 'data_batch_3.bin',
      damage: () =>
        edited((b) => {
          b[0] = 10;
          return b;
        }),
      error: /record 0 has label 10, CIFAR-10 labels are 0\.\.9/,
    },
    {
      name: 'label 255 in the last record',
      file: 'test_batch.bin',
      damage: () =>
        edited((b) => {
          b[(RECORDS - 1) * CIFAR_RECORD_BYTES] = 255;
          return b;
        }),
      error: /record 9999 has label 255/,
    },
    {
      name: 'missing training batch',
      file: 'data_batch_4.bin',
      damage: 'delete',
      error:
        /incomplete data set: data_batch_4\.bin missing beside data_batch_1\.bin, data_batch_2\.bin, data_batch_3\.bin, data_batch_5\.bin, test_batch\.bin/,
    },
    { name: 'missing test batch', file: 'test_batch.bin', damage: 'delete', error: /incomplete data set: test_batch\.bin missing/ },
    { name: 'a directory where a batch belongs', file: 'data_batch_5.bin', damage: 'directory', error: /cannot be read \(EISDIR\)/ },
  ];

  for (const c of cases) {
    it(`${c.name} (${c.file})`, async () => {
      const [dataDir, batches] = batchesWith(c.file);
      const path = join(batches, c.file);
      if (c.damage === 'directory') mkdirSync(path);
      else if (c.damage !== 'delete') writeFileSync(path, c.damage());
      const e = await dataErrorOf(loadDataset('cifar10', { dataDir, cacheDir: emptyCache, offline: true }));
      expect(e.message.startsWith(`${c.damage === 'delete' ? batches : path}: `), e.message).toBe(true);
      expect(e.message).toMatch(c.error);
    });
  }
});
