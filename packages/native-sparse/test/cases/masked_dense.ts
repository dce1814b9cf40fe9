// Case table for the masked dense layer: batch and layer sizes, mask densities.
import { maskedDenseBackward, maskedDenseForward } from '../../lib/index.js';
import { float, parityCase, realistic, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface DenseCase {
  B: number;
  In: number;
  Out: number;
  density: number | null; // null = no mask
  bias: boolean;
  relu: boolean;
}

export const denseCases: DenseCase[] = [
  { B: 1, In: 1, Out: 1, density: null, bias: false, relu: false },
  { B: 1, In: 1, Out: 1, density: 1, bias: true, relu: true },
  { B: 3, In: 7, Out: 5, density: 0.5, bias: true, relu: false },
  { B: 13, In: 29, Out: 17, density: 0, bias: true, relu: true },
  { B: 13, In: 29, Out: 17, density: 1, bias: false, relu: true },
  { B: 60, In: 784, Out: 300, density: 0.2, bias: true, relu: true },
  { B: 60, In: 300, Out: 100, density: 0.51, bias: true, relu: true },
  { B: 60, In: 100, Out: 10, density: 0.9, bias: true, relu: false },
  { B: 37, In: 129, Out: 65, density: 0.05, bias: true, relu: false },
  { B: 0, In: 8, Out: 4, density: 0.5, bias: true, relu: false },
  { B: 3, In: 0, Out: 5, density: 0.5, bias: true, relu: true },
  // tile and depth-block edges (see the gemm shapes): forward K = In, dx K = Out, dW K = B
  { B: 13, In: 401, Out: 33, density: 0.3, bias: true, relu: true },
  { B: 25, In: 16, Out: 17, density: 0.7, bias: true, relu: false },
  { B: 12, In: 800, Out: 32, density: 1, bias: false, relu: true },
  { B: 401, In: 37, Out: 13, density: 0.4, bias: true, relu: true },
];

// Cross-target parity cases for the masked dense layer, forward and backward (test/support/parity.ts).
interface DenseIn {
  x: Float32Array;
  w: Float32Array;
  mask: Uint8Array | null;
  bias: Float32Array;
  dy: Float32Array;
}

/** Every third output row and the first input column pruned entirely (units and inputs a pruning removed). */
function pruneWholeRows(mask: Uint8Array, In: number, Out: number): Uint8Array {
  for (let o = 0; o < Out; o += 3) mask.fill(0, o * In, (o + 1) * In);
  for (let o = 0; o < Out && In > 0; o++) mask[o * In] = 0;
  return mask;
}

function denseInputs(B: number, In: number, Out: number, density: number | null, wholeRows: boolean) {
  return (rng: Rng): DenseIn => {
    const x = randn(rng, B * In);
    const w = randn(rng, Out * In, 1 / Math.sqrt(Math.max(In, 1)));
    const mask = density === null ? null : randomMask(rng, Out * In, density);
    return {
      x,
      w,
      mask: mask && wholeRows ? pruneWholeRows(mask, In, Out) : mask,
      bias: randn(rng, Out, 0.1),
      dy: randn(rng, B * Out),
    };
  };
}

function denseParityCases(
  name: string,
  B: number,
  In: number,
  Out: number,
  density: number | null,
  bias: boolean,
  reluOn: boolean,
  wholeRows = false,
): ParityCase[] {
  const label = `${name}: B ${B}, ${In}→${Out}, ${density === null ? 'no mask' : `density ${density}`}${wholeRows ? ' (whole rows pruned)' : ''}${bias ? ', bias' : ''}${reluOn ? ', relu' : ''}`;
  const inputs = denseInputs(B, In, Out, density, wholeRows);
  return [
    parityCase('maskedDenseForward', label, inputs, (ctx, i) => {
      const x = ctx.up(i.x, [B, In]);
      const W = ctx.up(i.w, [Out, In]);
      const mask = i.mask ? ctx.up(i.mask, [Out, In]) : null;
      const b = bias ? ctx.up(i.bias, [Out]) : null;
      return { y: float(ctx.down(maskedDenseForward(x, W, { mask, bias: b, relu: reluOn })), { terms: In }) };
    }),
    parityCase('maskedDenseBackward', label, inputs, (ctx, i) => {
      const x = ctx.up(i.x, [B, In]);
      const W = ctx.up(i.w, [Out, In]);
      const mask = i.mask ? ctx.up(i.mask, [Out, In]) : null;
      const dy = ctx.up(i.dy, [B, Out]);
      const g = maskedDenseBackward(x, W, dy, { mask });
      return {
        dx: float(ctx.down(g.dx!), { terms: Out }),
        dW: float(ctx.down(g.dW!), { terms: B, zeroWhere: i.mask }),
        db: float(ctx.down(g.db!), { terms: B }),
      };
    }),
  ];
}

export const maskedDenseParity: ParityCase[] = [
  ...denseParityCases('LeNet fc1', 60, 784, 300, 0.2, true, true),
  ...denseParityCases('LeNet fc2', 60, 300, 100, 0.2, true, true),
  ...denseParityCases('LeNet fc3', 60, 100, 10, 0.2, true, false),
  ...denseParityCases('LeNet fc1 dense', 60, 784, 300, null, true, true),
  ...denseParityCases('odd', 13, 29, 17, 0.5, true, true),
  ...denseParityCases('density 0', 7, 9, 5, 0, true, true),
  ...denseParityCases('density 1', 7, 9, 5, 1, false, false),
  ...denseParityCases('1x1', 1, 1, 1, 1, true, false),
  ...denseParityCases('empty batch', 0, 8, 4, 0.5, true, false),
  ...denseParityCases('In = 0', 3, 0, 5, 0.5, true, true),
  ...denseParityCases('odd', 13, 29, 17, 0.5, true, false, true),
  ...denseParityCases('LeNet fc2', 60, 300, 100, 0.3, true, true, true),
  // Large CUDA tile for y (ragged edges), long reductions for dx; a batch long enough to split dW's reduction.
  ...realistic(denseParityCases('large', 1300, 37, 1420, 0.4, true, true, true)),
  ...denseParityCases('large batch', 2500, 20, 10, 0.5, true, false, true),
];
