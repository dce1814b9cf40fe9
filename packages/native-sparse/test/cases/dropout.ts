// Case table for dropout: drop probabilities (0 keeps everything) and seeds (64-bit ones too) on activation shapes.
// One table: layers.test.ts checks each case's keep mask against the documented rng.h mask (and each p's kept
// fraction), and every case is a cross-target parity case (test/support/parity.ts): the keep mask bit for bit.
import { dropout, dropoutBackward } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { elem, exact, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';

export interface DropoutCase {
  shape: number[];
  p: number;
  seed: number | bigint;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const d = (shape: number[], p: number, seed: number | bigint): DropoutCase => ({ shape, p, seed, size: 'small' });

export const dropoutCases: DropoutCase[] = [
  d([60, 300], 0.5, 12345),
  d([8, 16, 32, 32], 0.1, (1n << 64n) - 1n),
  d([1001], 0.9, 0),
  d([60, 300], 0, 99),
  d([1], 0.3, 7),
  d([0], 0.5, 1),
  ...[0, 0.1, 0.5, 0.9].flatMap((p) => [0, 12345, 2n ** 63n + 7n].map((seed) => d([5003], p, seed))),
];

export const dropoutParity: ParityCase[] = dropoutCases.flatMap(({ shape: s, p, seed, size }) => {
  const label = `[${s}] p ${p} seed ${seed}`;
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(s)), dy: randn(rng, numel(s)), keep: randomMask(rng, numel(s), 1 - p) });
  return [
    parityCase(
      'dropout',
      label,
      inputs,
      (ctx, i) => {
        const r = dropout(ctx.up(i.x, s), p, seed);
        return { y: elem(ctx.down(r.y)), keep: exact(ctx.down(r.keep)) };
      },
      size,
    ),
    parityCase(
      'dropoutBackward',
      label,
      inputs,
      (ctx, i) => ({ dx: elem(ctx.down(dropoutBackward(ctx.up(i.dy, s), ctx.up(i.keep, s), p))) }),
      size,
    ),
  ];
});
