// Case table for flipTranslate (the CIFAR augmentation): CIFAR batches, odd planes, 1×1 planes, an empty batch. One
// table: augment.test.ts checks every shape against a JS definition (every shift in [-5, 5], shifts past the edge),
// and every shape is a cross-target parity case (test/support/parity.ts): random flips and shifts, bit for bit.
import { flipTranslate } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { exact, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn } from '../support/random.js';

export interface FlipTranslateCase {
  shape: number[]; // [N, C, H, W]
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

export const flipTranslateCases: FlipTranslateCase[] = [
  { shape: [60, 3, 32, 32], size: 'small' },
  { shape: [16, 3, 32, 32], size: 'small' },
  { shape: [7, 1, 5, 3], size: 'small' },
  { shape: [5, 1, 7, 9], size: 'small' },
  { shape: [3, 2, 1, 1], size: 'small' },
  { shape: [0, 3, 4, 4], size: 'small' },
];

export const flipTranslateParity: ParityCase[] = flipTranslateCases.map(({ shape, size }) =>
  parityCase(
    'flipTranslate',
    `[${shape}] random flips and shifts in [-6, 6]`,
    (rng) => {
      const params = new Int32Array(3 * shape[0]!);
      for (let k = 0; k < shape[0]!; k++) params.set([rng.int(2), rng.int(13) - 6, rng.int(13) - 6], 3 * k);
      return { src: randn(rng, numel(shape)), params };
    },
    (ctx, i) => ({ out: exact(ctx.down(flipTranslate(ctx.up(i.src, shape), ctx.up(i.params, [shape[0]!, 3])))) }),
    size,
  ),
);
