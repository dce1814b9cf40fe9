// Case table for adam_step: the Adam/AdamW options (sizes, densities and step count: sgd_step.ts).
import type { AdamRefParams } from '../reference/optim.js';
import { adamStep } from '../../lib/index.js';
import { elem, parityCase, type ParityCase } from '../support/parity.js';
import { optInputs } from './sgd_step.js';

export const adamParams: Array<{ name: string; p: AdamRefParams }> = [
  { name: 'default', p: { lr: 1.2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false } },
  { name: 'L2 wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false } },
  { name: 'AdamW wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true } },
  { name: 'betas .5 .9 eps 1e-3', p: { lr: 3e-4, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0, decoupled: false } },
  { name: 'beta1 0', p: { lr: 1e-3, beta1: 0, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: true } },
];

// Cross-target parity cases for the Adam/AdamW step (test/support/parity.ts).
export const adamStepParity: ParityCase[] = (
  [
    ['Adam step 1, LeNet fc1', 235200, 0.2, { lr: 1.2e-3, step: 1 }],
    ['Adam L2 wd 1e-2, step 7', 4097, 0.5, { lr: 1e-3, step: 7, weightDecay: 1e-2 }],
    ['AdamW wd 1e-2, step 100, no mask', 1001, null, { lr: 1e-3, step: 100, weightDecay: 1e-2, decoupled: true }],
    ['AdamW beta1 0 eps 1e-3, nothing pruned', 333, 1, { lr: 3e-4, step: 3, beta1: 0, eps: 1e-3, weightDecay: 0.1, decoupled: true }],
    ['all pruned', 65, 0, { lr: 1e-3, step: 2 }],
    ['one weight', 1, 1, { lr: 1e-3, step: 1 }],
    ['empty', 0, null, { lr: 1e-3, step: 1 }],
  ] as Array<
    [string, number, number | null, { lr: number; step: number; beta1?: number; eps?: number; weightDecay?: number; decoupled?: boolean }]
  >
).map(([name, n, density, p]) =>
  parityCase('adamStep', `${name}: n ${n}${density === null ? '' : ` density ${density}`}`, optInputs(n, density), (ctx, i) => {
    const w = ctx.up(i.w, [n]);
    const m = ctx.up(i.s1, [n]);
    const v = ctx.up(i.s2, [n]);
    const mask = i.mask ? ctx.up(i.mask, [n]) : null;
    adamStep(w, ctx.up(i.g, [n]), { ...p, m, v, mask });
    return { w: elem(ctx.down(w), i.mask), m: elem(ctx.down(m), i.mask), v: elem(ctx.down(v), i.mask) };
  }),
);
