// Case table for softmax cross-entropy: batch and class sizes, logit scales (large ones need the max subtracted).
import { softmaxCrossEntropy } from '../../lib/index.js';
import { ties } from '../support/case-inputs.js';
import { exact, float, parityCase, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomLabels, type Rng } from '../support/random.js';
export interface CeCase {
  B: number;
  C: number;
  scale: number; // logit magnitude
}

export const ceCases: CeCase[] = [
  { B: 1, C: 1, scale: 1 },
  { B: 1, C: 2, scale: 1 },
  { B: 5, C: 10, scale: 1 },
  { B: 60, C: 10, scale: 3 },
  { B: 128, C: 100, scale: 5 },
  { B: 3, C: 1000, scale: 1 },
  { B: 17, C: 10, scale: 100 }, // needs the max subtracted (exp(±300) overflows float32)
  { B: 0, C: 10, scale: 1 },
];

// Cross-target parity cases for softmax cross-entropy (test/support/parity.ts): argmax ties bit for bit.
const softmaxCrossEntropyValues: ParityCase[] = (
  [
    ['LeNet output', 60, 10, 'gauss', 3],
    ['100 classes', 128, 100, 'gauss', 5],
    ['1000 classes', 3, 1000, 'gauss', 1],
    ['integer logits: argmax ties (first maximum)', 64, 10, 'ties', 1],
    ['integer logits, 100 classes: ties across the row', 33, 100, 'ties', 1],
    ['large logits (needs the max subtracted)', 17, 7, 'gauss', 100],
    ['1x1', 1, 1, 'gauss', 1],
    ['empty batch', 0, 10, 'gauss', 1],
  ] as Array<[string, number, number, 'gauss' | 'ties', number]>
).flatMap(([name, B, C, kind, scale]) => {
  const inputs = (rng: Rng) => ({
    logits: kind === 'ties' ? ties(rng, B * C, 1, 1) : randn(rng, B * C, scale),
    labels: randomLabels(rng, B, C),
  });
  return [true, false].map((withGrad) =>
    parityCase('softmaxCrossEntropy', `${name}: [${B},${C}]${withGrad ? '' : ', loss only'}`, inputs, (ctx, i) => {
      const r = softmaxCrossEntropy(ctx.up(i.logits, [B, C]), ctx.up(i.labels, [B]), { dlogits: withGrad });
      const res = { loss: float(r.loss, { terms: B * C }), correct: exact(r.correct) };
      return r.dlogits ? { ...res, dlogits: float(ctx.down(r.dlogits), { terms: C }) } : res;
    }),
  );
});

// A label outside [0, C): ERR_ARG naming the first bad row on every target, and dlogits left as it was.
const softmaxCrossEntropyErrors: ParityCase[] = [
  parityCase(
    'softmaxCrossEntropy',
    'label -1 at row 3 of [5,4]: refused, dlogits untouched',
    (rng) => ({ logits: randn(rng, 20), labels: Int32Array.from([0, 3, 4, -1, 2]) }),
    (ctx, i) => {
      const d = ctx.up(new Float32Array(20).fill(9), [5, 4]);
      const error = thrown(() => softmaxCrossEntropy(ctx.up(i.logits, [5, 4]), ctx.up(i.labels, [5]), { dlogits: d }));
      return { error, dlogits: exact(ctx.down(d)) };
    },
  ),
];

export const softmaxCrossEntropyParity: ParityCase[] = [...softmaxCrossEntropyValues, ...softmaxCrossEntropyErrors];
