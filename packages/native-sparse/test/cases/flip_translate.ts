// Case table for flipTranslate (the CIFAR augmentation): random flips and shifts, bit for bit on every target.
import { flipTranslate } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { exact, parityCase, type ParityCase } from '../support/parity.js';
import { randn } from '../support/random.js';

export const flipTranslateParity: ParityCase[] = (
  [
    [60, 3, 32, 32],
    [7, 1, 5, 3],
  ] as number[][]
).map((shape) =>
  parityCase(
    'flipTranslate',
    `[${shape}] random flips and shifts in [-6, 6]`,
    (rng) => {
      const params = new Int32Array(3 * shape[0]!);
      for (let k = 0; k < shape[0]!; k++) params.set([rng.int(2), rng.int(13) - 6, rng.int(13) - 6], 3 * k);
      return { src: randn(rng, numel(shape)), params };
    },
    (ctx, i) => ({ out: exact(ctx.down(flipTranslate(ctx.up(i.src, shape), ctx.up(i.params, [shape[0]!, 3])))) }),
  ),
);
