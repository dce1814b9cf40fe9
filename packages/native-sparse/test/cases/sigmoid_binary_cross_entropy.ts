// Case table for sigmoid binary cross-entropy: batch sizes, logit scales, hard and soft labels.
import { sigmoidBinaryCrossEntropy } from '../../lib/index.js';
import { exact, float, parityCase, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomMask, uniform } from '../support/random.js';
export interface BceCase {
  B: number;
  scale: number; // logit magnitude
  /** 'hard': labels in {0,1}; 'soft': labels uniform in [0,1]. */
  labels: 'hard' | 'soft';
  /** Extra logits set at the start of the batch (large |z|: the naive log σ overflows/underflows). */
  fixed?: number[];
}

export const bceCases: BceCase[] = [
  { B: 0, scale: 1, labels: 'hard' },
  { B: 1, scale: 1, labels: 'hard' },
  { B: 4, scale: 0.1, labels: 'hard' }, // the XOR batch
  { B: 7, scale: 3, labels: 'soft' },
  { B: 8, scale: 1, labels: 'hard', fixed: [0, -0, 100, -100, 1e4, -1e4, 88.8, -103.99] },
  { B: 1000, scale: 5, labels: 'hard' },
  { B: 70_001, scale: 2, labels: 'hard' }, // splits across threads
];

// Cross-target parity cases for sigmoid binary cross-entropy (test/support/parity.ts).
const sigmoidBinaryCrossEntropyValues: ParityCase[] = (
  [
    ['hard labels', 60, 'hard', 2],
    ['soft labels, z = 0 and y = 0.5 exactly, large |z|', 1001, 'soft', 5],
    ['splits across threads', 70001, 'hard', 2],
    ['one example', 1, 'hard', 1],
    ['empty batch', 0, 'hard', 1],
  ] as Array<[string, number, 'hard' | 'soft', number]>
).map(([name, B, kind, scale]) =>
  parityCase(
    'sigmoidBinaryCrossEntropy',
    `${name}: [${B}]`,
    (rng) => {
      const z = randn(rng, B, scale);
      const y = kind === 'hard' ? Float32Array.from(randomMask(rng, B, 0.5)) : uniform(rng, B, 0, 1);
      if (kind === 'soft') {
        for (let k = 0; k < B; k += 5) z[k] = 0; // (z > 0) is false
        for (let k = 1; k < B; k += 5) y[k] = 0.5; // (y > 0.5) is false
        const big = [60, -60, 1e4, -1e4, 88.8, -103.99, -0];
        big.forEach((v, k) => (z[2 + 5 * k] = v));
      }
      return { z, y };
    },
    (ctx, i) => {
      const r = sigmoidBinaryCrossEntropy(ctx.up(i.z, [B]), ctx.up(i.y, [B]));
      return { loss: float(r.loss, { terms: B }), correct: exact(r.correct), dlogits: float(ctx.down(r.dlogits!)) };
    },
  ),
);

// A label outside [0, 1] (NaN, 2): ERR_ARG naming the first bad example on every target, dlogits untouched.
const sigmoidBinaryCrossEntropyErrors: ParityCase[] = [
  parityCase(
    'sigmoidBinaryCrossEntropy',
    'labels NaN at 3 and 2 at 4 of 6: refused, dlogits untouched',
    (rng) => ({ z: randn(rng, 6), y: Float32Array.from([0, 1, 0.5, NaN, 2, 1]) }),
    (ctx, i) => {
      const d = ctx.up(new Float32Array(6).fill(9), [6]);
      const error = thrown(() => sigmoidBinaryCrossEntropy(ctx.up(i.z, [6]), ctx.up(i.y, [6]), { dlogits: d }));
      return { error, dlogits: exact(ctx.down(d)) };
    },
  ),
];

export const sigmoidBinaryCrossEntropyParity: ParityCase[] = [...sigmoidBinaryCrossEntropyValues, ...sigmoidBinaryCrossEntropyErrors];
