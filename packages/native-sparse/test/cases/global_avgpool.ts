// Case table for global average pooling.
import { globalAvgPool, globalAvgPoolBackward } from '../../lib/index.js';
import { numel } from '../support/case-inputs.js';
import { elem, float, parityCase, type ParityCase } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
export interface GlobalPoolCase {
  N: number;
  C: number;
  H: number;
  W: number;
}

export const globalPoolCases: GlobalPoolCase[] = [
  { N: 1, C: 1, H: 1, W: 1 },
  { N: 3, C: 5, H: 7, W: 7 },
  { N: 2, C: 3, H: 1, W: 9 },
  { N: 128, C: 64, H: 8, W: 8 },
  { N: 0, C: 4, H: 3, W: 3 },
];

// Cross-target parity cases for global average pooling (test/support/parity.ts).
function globalPoolParityCases(xs: number[]): ParityCase[] {
  const label = `x [${xs}]`;
  const [N, C] = [xs[0]!, xs[1]!];
  const HW = numel(xs.slice(2));
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(xs)), dy: randn(rng, N * C) });
  return [
    parityCase('globalAvgPool', label, inputs, (ctx, i) => ({ y: float(ctx.down(globalAvgPool(ctx.up(i.x, xs))), { terms: HW }) })),
    parityCase('globalAvgPoolBackward', label, inputs, (ctx, i) => ({
      dx: elem(ctx.down(globalAvgPoolBackward(ctx.up(i.dy, [N, C]), xs))),
    })),
  ];
}

export const globalAvgPoolParity: ParityCase[] = [
  ...globalPoolParityCases([8, 64, 8, 8]),
  ...globalPoolParityCases([3, 5, 7, 3]),
  ...globalPoolParityCases([2, 3, 1, 9]),
  ...globalPoolParityCases([1, 1, 1, 1]),
  ...globalPoolParityCases([0, 4, 3, 3]),
];
