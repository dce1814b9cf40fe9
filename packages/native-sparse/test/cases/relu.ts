// Case table for relu (and the residual add, another elementwise op): element counts including 0, 1 and
// sizes that split across threads.
import { relu, reluBackward } from '../../lib/index.js';
import { numel, withZeros } from '../support/case-inputs.js';
import { parityCase, same, type ParityCase } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';
export const elementwiseSizes: number[] = [0, 1, 7, 1000, 65_537, 300_001];

// Cross-target parity cases for relu (test/support/parity.ts), with exact and negative zeros.
export const elementwiseShapes: number[][] = [[60, 300], [8, 16, 32, 32], [1001], [1], [0]];

export const reluParity: ParityCase[] = elementwiseShapes.flatMap((s) => {
  const inputs = (rng: Rng) => {
    const y = withZeros(rng, numel(s)).map((v) => (v > 0 ? v : 0));
    return { x: withZeros(rng, numel(s)), y, dy: randn(rng, numel(s)) };
  };
  return [
    parityCase('relu', `[${s}]`, inputs, (ctx, i) => ({ y: same(ctx.down(relu(ctx.up(i.x, s)))) })),
    parityCase('reluBackward', `[${s}]`, inputs, (ctx, i) => ({ dx: same(ctx.down(reluBackward(ctx.up(i.y, s), ctx.up(i.dy, s)))) })),
  ];
});
