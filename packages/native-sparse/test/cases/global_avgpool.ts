// Case table for global average pooling. One table: pool.test.ts checks every case against the reference, and
// every case is a cross-target parity case (test/support/parity.ts).
import { globalAvgPool, globalAvgPoolBackward } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { elem, float, parityCase, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
export interface GlobalPoolCase {
  N: number;
  C: number;
  H: number;
  W: number;
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

export const globalPoolCases: GlobalPoolCase[] = [
  { N: 1, C: 1, H: 1, W: 1, size: 'small' },
  { N: 3, C: 5, H: 7, W: 7, size: 'small' },
  { N: 3, C: 5, H: 7, W: 3, size: 'small' },
  { N: 2, C: 3, H: 1, W: 9, size: 'small' },
  { N: 8, C: 64, H: 8, W: 8, size: 'small' },
  { N: 128, C: 64, H: 8, W: 8, size: 'realistic' },
  { N: 0, C: 4, H: 3, W: 3, size: 'small' },
];

// Cross-target parity cases for global average pooling (test/support/parity.ts).
function globalPoolParityCases({ N, C, H, W, size }: GlobalPoolCase): ParityCase[] {
  const xs = [N, C, H, W];
  const label = `x [${xs}]`;
  const HW = H * W;
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(xs)), dy: randn(rng, N * C) });
  return [
    parityCase('globalAvgPool', label, inputs, (ctx, i) => ({ y: float(ctx.down(globalAvgPool(ctx.up(i.x, xs))), { terms: HW }) }), size),
    parityCase(
      'globalAvgPoolBackward',
      label,
      inputs,
      (ctx, i) => ({ dx: elem(ctx.down(globalAvgPoolBackward(ctx.up(i.dy, [N, C]), xs))) }),
      size,
    ),
  ];
}

export const globalAvgPoolParity: ParityCase[] = globalPoolCases.flatMap(globalPoolParityCases);
