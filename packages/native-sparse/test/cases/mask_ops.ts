// Case table for the mask ops (countNonzero, shuffleMask): cross-target parity, results bit for bit.
import { countNonzero, shuffleMask } from '../../lib/index.js';
import { bytes, numel } from '../support/case-inputs.js';
import { exact, parityCase, type ParityCase } from '../support/parity.js';
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

const shuffleMaskParity: ParityCase[] = (
  [
    ['LeNet fc1, density .2', [300, 784], 0.2, 7, false],
    ['byte values are permuted, not just 0/1', [4099], 0.5, (1n << 64n) - 1n, false],
    ['in place', [1001], 0.3, 123456789, true],
    ['all alive', [257], 1, 3, false],
    ['one', [1], 1, 5, false],
    ['empty', [0], 0.5, 5, false],
  ] as Array<[string, number[], number, number | bigint, boolean]>
).map(([name, s, density, seed, inPlace]) =>
  parityCase(
    'shuffleMask',
    `${name}: [${s}] seed ${seed}`,
    (rng) => ({ m: name.startsWith('byte') ? bytes(rng, numel(s), 1 - density) : randomMask(rng, numel(s), density) }),
    (ctx, i) => {
      const m = ctx.up(i.m, s);
      return { mask: exact(ctx.down(shuffleMask(m, seed, inPlace ? { out: m } : {}))) };
    },
  ),
);

export const maskOpsParity: ParityCase[] = [...countNonzeroParity, ...shuffleMaskParity];
