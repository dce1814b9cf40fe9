// Case table for sgd_step (adam_step.ts shares the grid, the inputs and the size rule): sizes around the vector
// widths and the parallel grain, masks of density 0..1 or none, the PyTorch option combinations (momentum,
// dampening, Nesterov, L2 decay), plus model-sized and degenerate entries (LeNet fc1, one weight, empty). One
// table, `sgdCases`: optim.test.ts steps every entry `optimSteps` times against the float64 reference and steps
// every masked entry with `positions` = the mask's alive indices against the masked step; `sgdStepParity` makes
// every entry a cross-target parity row (test/support/parity.ts), masked ones also in their positions variant,
// plus the `positions` refusals.
import type { SgdRefParams } from '../reference/optim.js';
import { sgdStep, type Tensor } from '../../lib/index.js';
import { elem, parityCase, thrown, type CaseSize, type ParityCase, type RunContext } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';

/** One optimizer case: n weights, a mask of that density (null: no mask), the step's hyperparameters. */
export interface OptimCase<P> {
  name: string;
  n: number;
  density: number | null;
  p: P;
  /** 'realistic' rows are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

export const optimSizes = [1, 7, 33, 1000, 100_003];
export const optimDensities: Array<number | null> = [null, 0, 0.5, 1];

/** Consecutive steps per case in optim.test.ts (fresh gradients each step). */
export const optimSteps = 4;

/** Model-sized vectors (LeNet fc1, the parallel grain's 100K) are 'realistic', as in sparse_dense.ts. */
export const optimSize = (n: number): CaseSize => (n > 20000 ? 'realistic' : 'small');

export const optimLabel = (c: OptimCase<unknown>) => `${c.name}: n ${c.n}${c.density === null ? '' : ` density ${c.density}`}`;

/**
 * Every size with every mask density (rotated per size); each parameter set takes its share of these plus all the
 * n = 1 cases, so every option meets odd sizes, the parallel grain and every density.
 */
export function optimGrid<P>(params: Array<{ name: string; p: P }>): Array<OptimCase<P>> {
  const grid = optimSizes.flatMap((n, a) =>
    optimDensities.map((_, b) => ({ n, density: optimDensities[(a + b) % optimDensities.length]! })),
  );
  return params.flatMap(({ name, p }, pi) =>
    grid.filter((c, i) => i % params.length === pi || c.n === 1).map((c) => ({ name, ...c, p, size: optimSize(c.n) })),
  );
}

const sgdParams: Array<{ name: string; p: SgdRefParams }> = [
  { name: 'plain', p: { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum 0.9', p: { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum dampening wd', p: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 5e-4, nesterov: false } },
  { name: 'nesterov wd', p: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true } },
  { name: 'wd only', p: { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false } },
];

/** An entry with sgdStep's defaults for the options left out. */
const sgd = (name: string, n: number, density: number | null, p: Partial<SgdRefParams> & { lr: number }): OptimCase<SgdRefParams> => ({
  name,
  n,
  density,
  p: { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...p },
  size: optimSize(n),
});

export const sgdCases: Array<OptimCase<SgdRefParams>> = [
  ...optimGrid(sgdParams),
  sgd('LeNet fc1, momentum .9 nesterov wd 5e-4', 235200, 0.2, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
  sgd('plain, no mask', 1001, null, { lr: 0.1 }),
  sgd('momentum .9 dampening .1 wd 1e-4', 4097, 0.5, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4 }),
  sgd('wd only, all pruned', 513, 0, { lr: 0.01, weightDecay: 0.1 }),
  sgd('momentum, nothing pruned', 777, 1, { lr: 0.01, momentum: 0.5 }),
  sgd('one weight', 1, 1, { lr: 0.1, momentum: 0.9 }),
  sgd('empty', 0, null, { lr: 0.1, momentum: 0.9 }),
];

// Parity inputs; shared with adam_step.ts.
export interface OptIn {
  w: Float32Array;
  g: Float32Array;
  mask: Uint8Array | null;
  /** The mask's alive indices, ascending (the positions variant); null without a mask. */
  positions: Int32Array | null;
  s1: Float32Array;
  s2: Float32Array;
}

export function optInputs(n: number, density: number | null) {
  return (rng: Rng): OptIn => {
    const mask = density === null ? null : randomMask(rng, n, density);
    return {
      w: randn(rng, n),
      g: randn(rng, n, 0.1),
      mask,
      positions: mask ? alivePositions(mask) : null,
      s1: randn(rng, n, 0.05), // velocity / first moment: nonzero at pruned positions too
      s2: randn(rng, n, 0.05).map((v) => v * v), // second moment >= 0
    };
  };
}

/** The flat indices where mask != 0, ascending. */
export function alivePositions(mask: Uint8Array): Int32Array {
  return Int32Array.from(Array.from(mask.keys()).filter((k) => mask[k]));
}

/** How one parity row restricts the step: by the mask (pruned positions zeroed) or by its positions (the rest untouched). */
export type Restrict = 'mask' | 'positions';

/** The mask or the positions tensor of a row on ctx's device. */
export function restriction(ctx: RunContext, i: OptIn, how: Restrict): { mask: Tensor<'u8'> | null; positions: Tensor<'i32'> | null } {
  if (how === 'positions') return { mask: null, positions: ctx.up(i.positions!, [i.positions!.length]) };
  return { mask: i.mask ? ctx.up(i.mask, [i.mask.length]) : null, positions: null };
}

/** Each entry as a parity row, masked entries also stepped with positions (test/support/parity.ts). */
export function optimParity<P>(
  op: string,
  cases: Array<OptimCase<P>>,
  step: (ctx: RunContext, c: OptimCase<P>, i: OptIn, how: Restrict) => Record<string, Float32Array>,
): ParityCase[] {
  return cases.flatMap((c) => {
    const inputs = optInputs(c.n, c.density);
    const row = (how: Restrict) =>
      parityCase(
        op,
        `${how === 'positions' ? 'positions, ' : ''}${optimLabel(c)}`,
        inputs,
        (ctx, i) => {
          // Pruned positions are exactly 0 after a masked step; a positions step leaves them as they were.
          const zeroWhere = how === 'mask' ? i.mask : null;
          return Object.fromEntries(Object.entries(step(ctx, c, i, how)).map(([k, v]) => [k, elem(v, zeroWhere)]));
        },
        c.size,
      );
    return c.density === null ? [row('mask')] : [row('mask'), row('positions')];
  });
}

/** Refusals of `positions`, the same code and message on both targets; `step` runs the op on w, g of 6 elements. */
export function positionsErrorParity(
  op: string,
  step: (ctx: RunContext, i: OptIn, r: { mask: Tensor<'u8'> | null; positions: Tensor<'i32'> }) => void,
): ParityCase[] {
  const bad: Array<[string, number[], boolean]> = [
    ['unsorted positions', [0, 3, 1, 5], false],
    ['repeated position', [0, 2, 2], false],
    ['position out of range', [1, 4, 6], false],
    ['negative position', [-1, 2], false],
    ['positions together with mask', [0, 2, 5], true],
  ];
  return bad.map(([what, pos, withMask]) =>
    parityCase(op, `refused: ${what}`, optInputs(6, 0.5), (ctx, i) => ({
      error: thrown(() =>
        step(ctx, i, { mask: withMask ? ctx.up(i.mask!, [6]) : null, positions: ctx.up(Int32Array.from(pos), [pos.length]) }),
      ),
    })),
  );
}

export const sgdStepParity: ParityCase[] = [
  ...optimParity('sgdStep', sgdCases, (ctx, c, i, how) => {
    const n = c.n;
    const w = ctx.up(i.w, [n]);
    const velocity = c.p.momentum ? ctx.up(i.s1, [n]) : null;
    sgdStep(w, ctx.up(i.g, [n]), { ...c.p, ...restriction(ctx, i, how), velocity });
    const res = { w: ctx.down(w) };
    return velocity ? { ...res, velocity: ctx.down(velocity) } : res;
  }),
  ...positionsErrorParity('sgdStep', (ctx, i, r) => {
    sgdStep(ctx.up(i.w, [6]), ctx.up(i.g, [6]), { lr: 0.1, momentum: 0.9, velocity: ctx.up(i.s1, [6]), ...r });
  }),
];
