// Parity cases for the masked dense layer over a leading trial axis: LeNet-300-100's layers for 5 trials at batch 60
// (training: every trial its own x) and at batch 1000 with x shared (evaluation), odd and empty sizes. Tolerances as
// for the unbatched op (masked_dense.ts).
import { maskedDenseBackwardBatched, maskedDenseForwardBatched } from '../../lib/index.js';
import { float, parityCase, realistic, type ParityCase } from '../support/parity.js';
import { randn, randomMask, type Rng } from '../support/random.js';

interface Inputs {
  x: Float32Array;
  w: Float32Array;
  mask: Uint8Array | null;
  bias: Float32Array;
  dy: Float32Array;
}

function denseBatchedCases(
  name: string,
  T: number,
  B: number,
  In: number,
  Out: number,
  shared: boolean,
  density: number | null,
  reluOn: boolean,
): ParityCase[] {
  const label = `${name}: T ${T}, B ${B}, ${In}→${Out}, x ${shared ? 'shared' : 'per trial'}, ${density === null ? 'no mask' : `density ${density}`}${reluOn ? ', relu' : ''}`;
  const xShape = shared ? [B, In] : [T, B, In];
  const inputs = (rng: Rng): Inputs => ({
    x: randn(rng, (shared ? 1 : T) * B * In),
    w: randn(rng, T * Out * In, 1 / Math.sqrt(Math.max(In, 1))),
    mask: density === null ? null : randomMask(rng, T * Out * In, density),
    bias: randn(rng, T * Out, 0.1),
    dy: randn(rng, T * B * Out),
  });
  return [
    parityCase('maskedDenseForwardBatched', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, [T, Out, In]) : null;
      const y = maskedDenseForwardBatched(ctx.up(i.x, xShape), ctx.up(i.w, [T, Out, In]), {
        mask,
        bias: ctx.up(i.bias, [T, Out]),
        relu: reluOn,
      });
      return { y: float(ctx.down(y), { terms: In }) };
    }),
    parityCase('maskedDenseBackwardBatched', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, [T, Out, In]) : null;
      const g = maskedDenseBackwardBatched(ctx.up(i.x, xShape), ctx.up(i.w, [T, Out, In]), ctx.up(i.dy, [T, B, Out]), { mask });
      return {
        dx: float(ctx.down(g.dx!), { terms: Out }),
        dW: float(ctx.down(g.dW!), { terms: B, zeroWhere: i.mask }),
        db: float(ctx.down(g.db!), { terms: B }),
      };
    }),
  ];
}

export const maskedDenseBatchedParity: ParityCase[] = [
  ...realistic(denseBatchedCases('LeNet fc1, 5 trials', 5, 60, 784, 300, false, 0.2, true)),
  ...denseBatchedCases('LeNet fc2, 5 trials', 5, 60, 300, 100, false, 0.3, true),
  ...denseBatchedCases('LeNet fc3, 5 trials', 5, 60, 100, 10, false, 0.5, false),
  ...realistic(denseBatchedCases('LeNet fc1 evaluation, 3 trials', 3, 1000, 784, 300, true, 0.1, true)),
  ...denseBatchedCases('odd sizes (strides not multiples of 4)', 3, 13, 29, 17, false, 0.5, true),
  ...denseBatchedCases('odd sizes, x shared', 4, 7, 9, 5, true, null, false),
  ...denseBatchedCases('one trial', 1, 11, 6, 3, false, 0.7, true),
  ...denseBatchedCases('empty batch', 3, 0, 8, 4, false, 0.5, false),
  // A batch long enough for the CUDA kernel to split dW's reduction, per trial.
  ...denseBatchedCases('split reduction', 2, 2500, 20, 10, false, 0.5, false),
];
