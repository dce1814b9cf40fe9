// From raw image sets to what training consumes: float32 normalised examples, the seeded validation split,
// and a seeded data order per epoch.
import { DataError } from './errors.js';
import type { ImageSet } from './idx.js';
import { pixelNormalization } from './normalization.js';
import { Random } from '../util/rng.js';

export interface Split {
  x: Float32Array; // [count, ...shape]
  y: Int32Array; // [count]
  count: number;
}

export interface PreparedData {
  train: Split;
  validation: Split;
  test: Split;
  exampleShape: number[];
  classes: number;
}

/** The examples `indices` of `set` (all when null) as training consumes them: normalised float32 (see normalization.ts). */
export function normalizedSplit(set: ImageSet, indices: Int32Array | null = null): Split {
  const [c, h, w] = set.shape;
  const size = c * h * w;
  const { divisor, mean, std } = pixelNormalization(c);
  const count = indices ? indices.length : set.count;
  const x = new Float32Array(count * size);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const src = indices ? indices[k]! : k;
    y[k] = set.labels[src]!;
    const base = src * size;
    for (let ch = 0; ch < c; ch++) {
      const [m, s] = [mean[ch]!, std[ch]!];
      for (let i = ch * h * w; i < (ch + 1) * h * w; i++) x[k * size + i] = (set.images[base + i]! / divisor - m) / s;
    }
  }
  return { x, y, count };
}

/**
 * Hold out `validationSize` training examples chosen by a seeded draw (the same for every trial of a run with
 * the same data seed), keep the rest (optionally only the first `subset` of them) for training; evaluate on
 * the whole test set, or on its first `testSubset` examples (quick runs: evaluation is a large share of them).
 */
export function prepare(
  train: ImageSet,
  test: ImageSet,
  opts: { validationSize: number; subset: number; seed: number; testSubset?: number },
): PreparedData {
  if (opts.validationSize >= train.count) {
    throw new DataError(`validation size ${opts.validationSize} leaves no training examples (training set has ${train.count})`);
  }
  const testSubset = opts.testSubset ?? 0;
  const order = new Random(opts.seed, 'validation-split').permutation(train.count);
  const valIdx = order.slice(0, opts.validationSize).sort();
  let trainIdx = order.slice(opts.validationSize).sort();
  if (opts.subset > 0) trainIdx = trainIdx.slice(0, Math.min(opts.subset, trainIdx.length));
  return {
    train: normalizedSplit(train, trainIdx),
    validation: normalizedSplit(train, valIdx),
    test: normalizedSplit(test, testSubset > 0 ? Int32Array.from({ length: Math.min(testSubset, test.count) }, (_, i) => i) : null),
    exampleShape: [...train.shape],
    classes: train.classes,
  };
}

/** The example order of epoch `epoch`: a pure function of (seed, epoch), so a resumed run sees the same order. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  return new Random(seed, `order-${epoch}`).permutation(count);
}

/** x[k] = split.x row rows[k] (`size` values each), y[k] = its label: a batch assembled on the host. */
export function copyRows(split: Split, rows: ArrayLike<number>, size: number, x: Float32Array, y: Int32Array): void {
  for (let k = 0; k < rows.length; k++) {
    const src = rows[k]!;
    x.set(split.x.subarray(src * size, (src + 1) * size), k * size);
    y[k] = split.y[src]!;
  }
}
