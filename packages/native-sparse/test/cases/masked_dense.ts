// Case table for the masked dense layer: batch and layer sizes (LeNet's, odd, empty, tile and depth-block edges), mask
// densities, whole output rows and input columns pruned, and a large CUDA tile. One table: dense.suite.ts checks
// forward and backward on every case against the float64 references on every kernel target, and every case is a
// cross-target parity case (test/support/parity.ts).
import { maskedDenseBackward, maskedDenseForward } from '../../lib/index.js';
import { float, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';
export interface DenseCase {
  name: string;
  B: number;
  In: number;
  Out: number;
  density: number | null; // null = no mask
  bias: boolean;
  relu: boolean;
  /** Every third output row and the first input column pruned entirely (pruneWholeRows). */
  wholeRows: boolean;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const d = (
  name: string,
  [B, In, Out]: [number, number, number],
  density: number | null,
  bias: boolean,
  relu: boolean,
  opts: { wholeRows?: boolean; size?: CaseSize } = {},
): DenseCase => ({ name, B, In, Out, density, bias, relu, wholeRows: opts.wholeRows ?? false, size: opts.size ?? 'small' });

export const denseCases: DenseCase[] = [
  d('1x1 no mask', [1, 1, 1], null, false, false),
  d('1x1', [1, 1, 1], 1, true, true),
  d('1x1 no relu', [1, 1, 1], 1, true, false),
  d('small', [3, 7, 5], 0.5, true, false),
  d('density 0', [7, 9, 5], 0, true, true),
  d('density 1', [7, 9, 5], 1, false, false),
  d('odd, density 0', [13, 29, 17], 0, true, true),
  d('odd, density 1', [13, 29, 17], 1, false, true),
  d('odd', [13, 29, 17], 0.5, true, true),
  d('odd', [13, 29, 17], 0.5, true, false, { wholeRows: true }),
  d('LeNet fc1', [60, 784, 300], 0.2, true, true),
  d('LeNet fc1 dense', [60, 784, 300], null, true, true),
  d('LeNet fc2', [60, 300, 100], 0.2, true, true),
  d('LeNet fc2', [60, 300, 100], 0.51, true, true),
  d('LeNet fc2', [60, 300, 100], 0.3, true, true, { wholeRows: true }),
  d('LeNet fc3', [60, 100, 10], 0.2, true, false),
  d('LeNet fc3', [60, 100, 10], 0.9, true, false),
  d('ragged', [37, 129, 65], 0.05, true, false),
  d('empty batch', [0, 8, 4], 0.5, true, false),
  d('In = 0', [3, 0, 5], 0.5, true, true),
  // tile and depth-block edges (see the gemm shapes): forward K = In, dx K = Out, dW K = B
  d('depth blocks in forward', [13, 401, 33], 0.3, true, true),
  d('tile edges', [25, 16, 17], 0.7, true, false),
  d('two depth blocks, dense mask', [12, 800, 32], 1, false, true),
  d('depth blocks in dW', [401, 37, 13], 0.4, true, true),
  // Large CUDA tile for y (ragged edges), long reductions for dx; a batch long enough to split dW's reduction.
  d('large', [1300, 37, 1420], 0.4, true, true, { wholeRows: true, size: 'realistic' }),
  d('large batch', [2500, 20, 10], 0.5, true, false, { wholeRows: true }),
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
export function pruneWholeRows(mask: Uint8Array, In: number, Out: number): Uint8Array {
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

function denseParityCases({ name, B, In, Out, density, bias, relu: reluOn, wholeRows, size }: DenseCase): ParityCase[] {
  const label = `${name}: B ${B}, ${In}→${Out}, ${density === null ? 'no mask' : `density ${density}`}${wholeRows ? ' (whole rows pruned)' : ''}${bias ? ', bias' : ''}${reluOn ? ', relu' : ''}`;
  const inputs = denseInputs(B, In, Out, density, wholeRows);
  return [
    parityCase(
      'maskedDenseForward',
      label,
      inputs,
      (ctx, i) => {
        const x = ctx.up(i.x, [B, In]);
        const W = ctx.up(i.w, [Out, In]);
        const mask = i.mask ? ctx.up(i.mask, [Out, In]) : null;
        const b = bias ? ctx.up(i.bias, [Out]) : null;
        return { y: float(ctx.down(maskedDenseForward(x, W, { mask, bias: b, relu: reluOn })), { terms: In }) };
      },
      size,
    ),
    parityCase(
      'maskedDenseBackward',
      label,
      inputs,
      (ctx, i) => {
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
      },
      size,
    ),
  ];
}

export const maskedDenseParity: ParityCase[] = denseCases.flatMap(denseParityCases);
