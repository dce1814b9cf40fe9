// Case table for dropout: drop probabilities (0 keeps everything).
import { dropout, dropoutBackward } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { elem, exact, parityCase, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export const dropoutPs: number[] = [0, 0.1, 0.5, 0.9];

// Cross-target parity cases for dropout (test/support/parity.ts): the keep mask bit for bit for every seed.
export const dropoutParity: ParityCase[] = (
  [
    [[60, 300], 0.5, 12345],
    [[8, 16, 32, 32], 0.1, (1n << 64n) - 1n],
    [[1001], 0.9, 0],
    [[60, 300], 0, 99],
    [[1], 0.3, 7],
    [[0], 0.5, 1],
  ] as Array<[number[], number, number | bigint]>
).flatMap(([s, p, seed]) => {
  const label = `[${s}] p ${p} seed ${seed}`;
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(s)), dy: randn(rng, numel(s)), keep: randomMask(rng, numel(s), 1 - p) });
  return [
    parityCase('dropout', label, inputs, (ctx, i) => {
      const r = dropout(ctx.up(i.x, s), p, seed);
      return { y: elem(ctx.down(r.y)), keep: exact(ctx.down(r.keep)) };
    }),
    parityCase('dropoutBackward', label, inputs, (ctx, i) => ({
      dx: elem(ctx.down(dropoutBackward(ctx.up(i.dy, s), ctx.up(i.keep, s), p))),
    })),
  ];
});
