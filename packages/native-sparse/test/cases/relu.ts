// Case table for relu and the residual add (elementwise ops): element counts including 0, 1 and sizes that split
// across threads, and the shapes of LeNet and Conv-4 activations. One table: layers.test.ts checks relu, reluBackward
// and add on every shape against the references, and every shape is a cross-target parity case of relu.ts and
// add.ts (test/support/parity.ts), with exact and negative zeros.
import { relu, reluBackward } from '../../lib/index.js';
import { numel, withZeros } from '../support/case-inputs.js';
import { parityCase, same, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, type Rng } from '../support/random.js';

export interface ElementwiseCase {
  shape: number[];
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

export const elementwiseCases: ElementwiseCase[] = [
  { shape: [0], size: 'small' },
  { shape: [1], size: 'small' },
  { shape: [7], size: 'small' },
  { shape: [1000], size: 'small' },
  { shape: [1001], size: 'small' },
  { shape: [60, 300], size: 'small' },
  { shape: [65_537], size: 'small' },
  { shape: [8, 16, 32, 32], size: 'small' },
  { shape: [300_001], size: 'realistic' },
];

export const reluParity: ParityCase[] = elementwiseCases.flatMap(({ shape: s, size }) => {
  const inputs = (rng: Rng) => {
    const y = withZeros(rng, numel(s)).map((v) => (v > 0 ? v : 0));
    return { x: withZeros(rng, numel(s)), y, dy: randn(rng, numel(s)) };
  };
  return [
    parityCase('relu', `[${s}]`, inputs, (ctx, i) => ({ y: same(ctx.down(relu(ctx.up(i.x, s)))) }), size),
    parityCase('reluBackward', `[${s}]`, inputs, (ctx, i) => ({ dx: same(ctx.down(reluBackward(ctx.up(i.y, s), ctx.up(i.dy, s)))) }), size),
  ];
});
