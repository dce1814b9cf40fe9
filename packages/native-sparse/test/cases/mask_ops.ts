// Case table for the mask ops (countNonzero, shuffleMask): cross-target parity, results bit for bit. The shuffleMask
// cases are one table with prune.test.ts, which checks each against the documented Fisher–Yates over rng.h.
import { countNonzero, shuffleMask } from '../../lib/index.js';
import { bytes, numel } from '../support/case-inputs.js';
import { exact, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randomMask } from '../support/random.js';

const countNonzeroParity: ParityCase[] = (
  [
    ['LeNet 266K, density .3', 266200, 0.7],
    ['bytes 1..255 count as alive', 4099, 0.5],
    ['all alive', 4097, 0],
    ['none alive', 1000, 1],
    ['one', 1, 0],
    ['empty', 0, 0],
  ] as Array<[string, number, number]>
).map(([name, n, pZero]) =>
  parityCase(
    'countNonzero',
    `${name}: n ${n}`,
    (rng) => ({ m: name.startsWith('bytes') ? bytes(rng, n, pZero) : randomMask(rng, n, 1 - pZero) }),
    (ctx, i) => ({ count: exact(countNonzero(ctx.up(i.m, [n]))) }),
  ),
);

export interface ShuffleCase {
  name: string;
  shape: number[];
  /** Fraction of alive entries (byte values in 1..255 when `bytes`, else 1). */
  density: number;
  seed: number | bigint;
  /** Byte values 1..255 are permuted too, not just 0/1. */
  bytes: boolean;
  /** The result written over the input. */
  inPlace: boolean;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const sh = (
  name: string,
  shape: number[],
  density: number,
  seed: number | bigint,
  opts: { bytes?: boolean; inPlace?: boolean } = {},
): ShuffleCase => ({
  name,
  shape,
  density,
  seed,
  bytes: opts.bytes ?? false,
  inPlace: opts.inPlace ?? false,
  size: 'small',
});

export const shuffleCases: ShuffleCase[] = [
  sh('LeNet fc1, density .2', [300, 784], 0.2, 7),
  sh('byte values are permuted, not just 0/1', [4099], 0.5, (1n << 64n) - 1n, { bytes: true }),
  sh('in place', [1001], 0.3, 123456789, { inPlace: true }),
  sh('all alive', [257], 1, 3),
  sh('one', [1], 1, 5),
  sh('empty', [0], 0.5, 5),
  // Every seed at a few sizes: 0, 1 and the largest 64-bit seed.
  ...[0, 1, 2, 37, 1000].flatMap((n) => [0n, 1n, 123456789n, (1n << 64n) - 1n].map((seed) => sh('density .4', [n], 0.4, seed))),
];

const shuffleMaskParity: ParityCase[] = shuffleCases.map(({ name, shape: s, density, seed, bytes: byteValues, inPlace, size }) =>
  parityCase(
    'shuffleMask',
    `${name}: [${s}] seed ${seed}`,
    (rng) => ({ m: byteValues ? bytes(rng, numel(s), 1 - density) : randomMask(rng, numel(s), density) }),
    (ctx, i) => {
      const m = ctx.up(i.m, s);
      return { mask: exact(ctx.down(shuffleMask(m, seed, inPlace ? { out: m } : {}))) };
    },
    size,
  ),
);

export const maskOpsParity: ParityCase[] = [...countNonzeroParity, ...shuffleMaskParity];
