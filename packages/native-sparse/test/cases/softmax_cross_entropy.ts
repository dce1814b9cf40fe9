// Case table for softmax cross-entropy: batch and class sizes, logit scales (large ones need the max subtracted),
// integer logits with argmax ties. One table: layers.test.ts checks every case against the float64 reference (on
// Gaussian logits), and every case is a cross-target parity case (test/support/parity.ts): argmax ties bit for bit.
import { softmaxCrossEntropy } from '../../lib/index.js';
import { ties } from '../support/case-inputs.js';
import { exact, float, parityCase, type CaseSize, type ParityCase, thrown } from '../support/parity.js';
import { randn, randomLabels, type Rng } from '../support/random.js';
export interface CeCase {
  name: string;
  B: number;
  C: number;
  scale: number; // logit magnitude
  /** Parity: Gaussian logits, or integers in {−1, 0, 1} (argmax ties: the first maximum wins). */
  logits: 'gauss' | 'ties';
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const ce = (name: string, B: number, C: number, scale: number, logits: 'gauss' | 'ties' = 'gauss'): CeCase => ({
  name,
  B,
  C,
  scale,
  logits,
  size: 'small',
});

export const ceCases: CeCase[] = [
  ce('1x1', 1, 1, 1),
  ce('two classes', 1, 2, 1),
  ce('small', 5, 10, 1),
  ce('LeNet output', 60, 10, 3),
  ce('integer logits: argmax ties (first maximum)', 64, 10, 1, 'ties'),
  ce('large logits (needs the max subtracted)', 17, 10, 100), // exp(±300) overflows float32
  ce('large logits, 7 classes', 17, 7, 100),
  ce('integer logits, 100 classes: ties across the row', 33, 100, 1, 'ties'),
  ce('100 classes', 128, 100, 5),
  ce('1000 classes', 3, 1000, 1),
  ce('empty batch', 0, 10, 1),
];

// Cross-target parity cases for softmax cross-entropy (test/support/parity.ts).
const softmaxCrossEntropyValues: ParityCase[] = ceCases.flatMap(({ name, B, C, logits: kind, scale, size }) => {
  const inputs = (rng: Rng) => ({
    logits: kind === 'ties' ? ties(rng, B * C, 1, 1) : randn(rng, B * C, scale),
    labels: randomLabels(rng, B, C),
  });
  return [true, false].map((withGrad) =>
    parityCase(
      'softmaxCrossEntropy',
      `${name}: [${B},${C}]${withGrad ? '' : ', loss only'}`,
      inputs,
      (ctx, i) => {
        const r = softmaxCrossEntropy(ctx.up(i.logits, [B, C]), ctx.up(i.labels, [B]), { dlogits: withGrad });
        const res = { loss: float(r.loss, { terms: B * C }), correct: exact(r.correct) };
        return r.dlogits ? { ...res, dlogits: float(ctx.down(r.dlogits), { terms: C }) } : res;
      },
      size,
    ),
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
