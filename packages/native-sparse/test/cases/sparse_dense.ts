// Case table for the sparse fully connected layer (sparseDenseStructure / Forward / Backward) and the optimizer
// steps at a structure's positions. `sparseDenseCases` drives the op's own test (test/sparse_dense.test.ts:
// results against maskedDense* of the same mask); `sparseDenseParityCases` are its rows in the cross-target
// parity table (test/cases/parity.ts), with the tolerance rules stated there.
import {
  adamStep,
  sgdStep,
  sparseDenseBackward,
  sparseDenseForward,
  sparseDenseStructure,
  type AdamOptions,
  type SgdOptions,
} from '../../lib/index.js';
import { exact, float, parityCase, type ParityCase, type RunContext } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';

export interface SparseDenseCase {
  name: string;
  B: number;
  In: number;
  Out: number;
  density: number;
  bias: boolean;
  relu: boolean;
  /** Every third output row and the first input column pruned entirely (empty CSR rows and CSC columns). */
  emptyRowsCols?: boolean;
}

const lenet = (density: number): SparseDenseCase[] => [
  { name: `LeNet fc1 density ${density}`, B: 60, In: 784, Out: 300, density, bias: true, relu: true },
  { name: `LeNet fc2 density ${density}`, B: 60, In: 300, Out: 100, density, bias: true, relu: true },
  { name: `LeNet fc3 density ${density}`, B: 60, In: 100, Out: 10, density, bias: true, relu: false },
];

export const sparseDenseCases: SparseDenseCase[] = [
  { name: '1x1', B: 1, In: 1, Out: 1, density: 1, bias: true, relu: true },
  { name: 'odd', B: 13, In: 29, Out: 17, density: 0.5, bias: true, relu: true },
  { name: 'odd, empty rows and columns', B: 13, In: 29, Out: 17, density: 0.6, bias: true, relu: false, emptyRowsCols: true },
  { name: 'odd, batch past a vector', B: 37, In: 129, Out: 65, density: 0.05, bias: false, relu: false },
  { name: 'density 0', B: 7, In: 9, Out: 5, density: 0, bias: true, relu: true },
  { name: 'density 1', B: 7, In: 9, Out: 5, density: 1, bias: false, relu: false },
  { name: 'empty batch', B: 0, In: 8, Out: 4, density: 0.5, bias: true, relu: false },
  { name: 'In = 0', B: 3, In: 0, Out: 5, density: 0.5, bias: true, relu: true },
  { name: 'long batch', B: 401, In: 37, Out: 13, density: 0.4, bias: true, relu: true },
  ...[1, 0.5, 0.2, 0.036].flatMap(lenet),
];

export interface SparseDenseInputs {
  x: Float32Array;
  w: Float32Array;
  mask: Uint8Array;
  bias: Float32Array;
  dy: Float32Array;
}

export function sparseDenseInputs(c: SparseDenseCase): (rng: Rng) => SparseDenseInputs {
  return (rng) => {
    const mask = randomMask(rng, c.Out * c.In, c.density);
    if (c.emptyRowsCols) {
      for (let o = 0; o < c.Out; o += 3) mask.fill(0, o * c.In, (o + 1) * c.In);
      for (let o = 0; o < c.Out && c.In > 0; o++) mask[o * c.In] = 0;
    }
    return {
      x: randn(rng, c.B * c.In),
      w: randn(rng, c.Out * c.In, 1 / Math.sqrt(Math.max(c.In, 1))),
      mask,
      bias: randn(rng, c.Out, 0.1),
      dy: randn(rng, c.B * c.Out),
    };
  };
}

/** x, W, the structure and dy of a case on ctx's device. */
export function upload(ctx: RunContext, c: SparseDenseCase, i: SparseDenseInputs) {
  const s = sparseDenseStructure(ctx.up(i.mask, [c.Out, c.In]));
  for (const t of [s.rowPtr, s.colIdx, s.colPtr, s.rowIdx, s.positions]) ctx.track(t);
  return {
    x: ctx.up(i.x, [c.B, c.In]),
    W: ctx.up(i.w, [c.Out, c.In]),
    bias: c.bias ? ctx.up(i.bias, [c.Out]) : null,
    dy: ctx.up(i.dy, [c.B, c.Out]),
    s,
  };
}

const label = (c: SparseDenseCase) =>
  `${c.name}: B ${c.B}, ${c.In}→${c.Out}, density ${c.density}${c.bias ? ', bias' : ''}${c.relu ? ', relu' : ''}`;

// Optimizer steps at a structure's positions: a LeNet fc1 mask and an odd one.
const stepMasks: Array<[string, number, number]> = [
  ['LeNet fc1 0.2', 235200, 0.2],
  ['odd 0.5', 1001, 0.5],
  ['all pruned', 65, 0],
];
const sgdOpts: Array<Omit<SgdOptions, 'mask' | 'positions' | 'velocity'>> = [
  { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 },
  { lr: 0.05 },
];
const adamOpts: Array<Omit<AdamOptions, 'mask' | 'positions' | 'm' | 'v'>> = [
  { lr: 1.2e-3, step: 1 },
  { lr: 1e-3, step: 7, weightDecay: 1e-2, decoupled: true },
];

function stepInputs(n: number, density: number) {
  return (rng: Rng) => {
    const mask = randomMask(rng, n, density);
    const positions = Int32Array.from(Array.from(mask.keys()).filter((k) => mask[k]));
    const alive = (a: Float32Array) => a.map((v, k) => (mask[k] ? v : 0));
    return {
      mask,
      positions,
      w: alive(randn(rng, n)),
      g: randn(rng, n),
      s1: alive(randn(rng, n, 0.1)),
      s2: alive(randn(rng, n, 0.01).map(Math.abs)),
    };
  };
}

export const sparseDenseParityCases: ParityCase[] = [
  ...sparseDenseCases.flatMap((c) => {
    const inputs = sparseDenseInputs(c);
    return [
      parityCase('sparseDenseStructure', label(c), inputs, (ctx, i) => {
        const { s } = upload(ctx, c, i);
        return {
          rowPtr: exact(ctx.down(s.rowPtr)),
          colIdx: exact(ctx.down(s.colIdx)),
          colPtr: exact(ctx.down(s.colPtr)),
          rowIdx: exact(ctx.down(s.rowIdx)),
          positions: exact(ctx.down(s.positions)),
        };
      }),
      parityCase('sparseDenseForward', label(c), inputs, (ctx, i) => {
        const { x, W, bias, s } = upload(ctx, c, i);
        return { y: float(ctx.down(sparseDenseForward(x, W, s, { bias, relu: c.relu })), { terms: c.In }) };
      }),
      parityCase('sparseDenseBackward', label(c), inputs, (ctx, i) => {
        const { x, W, dy, s } = upload(ctx, c, i);
        const g = sparseDenseBackward(x, W, dy, s);
        return {
          dx: float(ctx.down(g.dx!), { terms: c.Out }),
          dW: float(ctx.down(g.dW!), { terms: c.B, zeroWhere: i.mask }),
          db: float(ctx.down(g.db!), { terms: c.B }),
        };
      }),
    ];
  }),
  ...stepMasks.flatMap(([name, n, density]) => [
    ...sgdOpts.map((p) =>
      parityCase('sgdStep', `positions, ${name}: n ${n}, ${JSON.stringify(p)}`, stepInputs(n, density), (ctx, i) => {
        const w = ctx.up(i.w, [n]);
        const velocity = p.momentum ? ctx.up(i.s1, [n]) : null;
        sgdStep(w, ctx.up(i.g, [n]), { ...p, velocity, positions: ctx.up(i.positions, [i.positions.length]) });
        const res = { w: float(ctx.down(w), { rel: 1e-6, zeroWhere: i.mask }) };
        return velocity ? { ...res, velocity: float(ctx.down(velocity), { rel: 1e-6, zeroWhere: i.mask }) } : res;
      }),
    ),
    ...adamOpts.map((p) =>
      parityCase('adamStep', `positions, ${name}: n ${n}, ${JSON.stringify(p)}`, stepInputs(n, density), (ctx, i) => {
        const [w, m, v] = [ctx.up(i.w, [n]), ctx.up(i.s1, [n]), ctx.up(i.s2, [n])];
        adamStep(w, ctx.up(i.g, [n]), { ...p, m, v, positions: ctx.up(i.positions, [i.positions.length]) });
        const z = { rel: 1e-6, zeroWhere: i.mask };
        return { w: float(ctx.down(w), z), m: float(ctx.down(m), z), v: float(ctx.down(v), z) };
      }),
    ),
  ]),
];
