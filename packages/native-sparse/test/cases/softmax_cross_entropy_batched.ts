// Parity cases for softmax cross-entropy over a leading trial axis, with per-trial and shared labels: 5 trials at
// batch 60, evaluation at batch 1000, odd and empty sizes. Tolerances as for the unbatched op.
import { softmaxCrossEntropyBatched } from '../../lib/index.js';
import { exact, float, parityCase, thrown, realistic, type ParityCase } from '../support/parity.js';
import { randn, randomLabels, type Rng } from '../support/random.js';

function softmaxBatchedCases(name: string, T: number, B: number, C: number, shared: boolean, scale: number): ParityCase[] {
  const inputs = (rng: Rng) => ({ logits: randn(rng, T * B * C, scale), labels: randomLabels(rng, (shared ? 1 : T) * B, C) });
  return [true, false].map((withGrad) =>
    parityCase(
      'softmaxCrossEntropyBatched',
      `${name}: [${T},${B},${C}], labels ${shared ? 'shared' : 'per trial'}${withGrad ? '' : ', loss only'}`,
      inputs,
      (ctx, i) => {
        const r = softmaxCrossEntropyBatched(ctx.up(i.logits, [T, B, C]), ctx.up(i.labels, shared ? [B] : [T, B]), { dlogits: withGrad });
        const res = { loss: float(Float32Array.from(r.loss), { terms: B * C }), correct: exact(r.correct) };
        return r.dlogits ? { ...res, dlogits: float(ctx.down(r.dlogits), { terms: C }) } : res;
      },
    ),
  );
}

const softmaxCrossEntropyBatchedValues: ParityCase[] = [
  ...softmaxBatchedCases('LeNet output, 5 trials', 5, 60, 10, false, 3),
  ...realistic(softmaxBatchedCases('evaluation, 3 trials', 3, 1000, 10, true, 3)),
  ...softmaxBatchedCases('odd', 2, 7, 33, false, 1),
  ...softmaxBatchedCases('empty batch', 3, 0, 10, false, 1),
];

// Bad labels in two trials: ERR_ARG for the lowest (trial, row) — trial 2, row 1 — on every target, nothing written.
const softmaxCrossEntropyBatchedErrors: ParityCase[] = [
  parityCase(
    'softmaxCrossEntropyBatched',
    'labels 5 at (2, 3) and -1 at (2, 1) of [3,4,5]: refused, dlogits untouched',
    (rng) => {
      const labels = new Int32Array(12).fill(1);
      labels[2 * 4 + 3] = 5;
      labels[2 * 4 + 1] = -1;
      return { logits: randn(rng, 60), labels };
    },
    (ctx, i) => {
      const d = ctx.up(new Float32Array(60).fill(9), [3, 4, 5]);
      const error = thrown(() => softmaxCrossEntropyBatched(ctx.up(i.logits, [3, 4, 5]), ctx.up(i.labels, [3, 4]), { dlogits: d }));
      return { error, dlogits: exact(ctx.down(d)) };
    },
  ),
];

export const softmaxCrossEntropyBatchedParity: ParityCase[] = [...softmaxCrossEntropyBatchedValues, ...softmaxCrossEntropyBatchedErrors];
