// Case table for the optimizer steps (sgd_step; adam_step.ts adds its options): sizes around the vector widths and the parallel grain, masks of density 0..1 or
// none, and the PyTorch option combinations (momentum, dampening, Nesterov, L2 decay; Adam vs AdamW).
import type { SgdRefParams } from '../reference/optim.js';
import { sgdStep } from '../../lib/index.js';
import { elem, parityCase, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';

export const optimSizes = [1, 7, 33, 1000, 100_003];
export const optimDensities: Array<number | null> = [null, 0, 0.5, 1];

export const sgdParams: Array<{ name: string; p: SgdRefParams }> = [
  { name: 'plain', p: { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum 0.9', p: { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum dampening wd', p: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 5e-4, nesterov: false } },
  { name: 'nesterov wd', p: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true } },
  { name: 'wd only', p: { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false } },
];

/** Consecutive steps per case (fresh gradients each step). */
export const optimSteps = 4;

// Cross-target parity cases for the SGD step (test/support/parity.ts); optInputs is shared with adam_step.ts.
export interface OptIn {
  w: Float32Array;
  g: Float32Array;
  mask: Uint8Array | null;
  s1: Float32Array;
  s2: Float32Array;
}

export function optInputs(n: number, density: number | null) {
  return (rng: Rng): OptIn => ({
    w: randn(rng, n),
    g: randn(rng, n, 0.1),
    mask: density === null ? null : randomMask(rng, n, density),
    s1: randn(rng, n, 0.05), // velocity / first moment: nonzero at pruned positions too
    s2: randn(rng, n, 0.05).map((v) => v * v), // second moment >= 0
  });
}

export const sgdStepParity: ParityCase[] = (
  [
    ['LeNet fc1, momentum .9 nesterov wd 5e-4', 235200, 0.2, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }],
    ['plain, no mask', 1001, null, { lr: 0.1 }],
    ['momentum .9 dampening .1 wd 1e-4', 4097, 0.5, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4 }],
    ['wd only, all pruned', 513, 0, { lr: 0.01, weightDecay: 0.1 }],
    ['momentum, nothing pruned', 777, 1, { lr: 0.01, momentum: 0.5 }],
    ['one weight', 1, 1, { lr: 0.1, momentum: 0.9 }],
    ['empty', 0, null, { lr: 0.1, momentum: 0.9 }],
  ] as Array<
    [string, number, number | null, { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }]
  >
).map(([name, n, density, p]) =>
  parityCase('sgdStep', `${name}: n ${n}${density === null ? '' : ` density ${density}`}`, optInputs(n, density), (ctx, i) => {
    const w = ctx.up(i.w, [n]);
    const mask = i.mask ? ctx.up(i.mask, [n]) : null;
    const velocity = p.momentum ? ctx.up(i.s1, [n]) : null;
    sgdStep(w, ctx.up(i.g, [n]), { ...p, mask, velocity });
    const res = { w: elem(ctx.down(w), i.mask) };
    return velocity ? { ...res, velocity: elem(ctx.down(velocity), i.mask) } : res;
  }),
);
