// Case table for softmax cross-entropy over a leading trial axis, with per-trial and shared labels: 5 trials at batch
// 60, evaluation at batch 1000, odd and empty sizes. One table: batched.test.ts checks every case against the reference
// trial by trial and the unbatched op, and every case is a cross-target parity case (test/support/parity.ts).
// Tolerances as for the unbatched op.
import { softmaxCrossEntropyBatched } from '../../lib/index.js';
import { exact, float, parityCase, thrown, type CaseSize, type ParityCase } from '../support/parity.js';
import { randn, randomLabels, type Rng } from '../support/random.js';

export interface CeBatchedCase {
  name: string;
  T: number;
  B: number;
  C: number;
  /** One label vector for every trial, else one per trial. */
  shared: boolean;
  scale: number; // logit magnitude
  /** 'realistic' cases are left out of the emulated CUDA run (LTH_PARITY_SIZES=small). */
  size: CaseSize;
}

const cb = (name: string, [T, B, C]: [number, number, number], shared: boolean, scale: number): CeBatchedCase => ({
  name,
  T,
  B,
  C,
  shared,
  scale,
  size: 'small',
});

// The evaluation case (30K logits) stays small: cheap on the emulated device, and batched.test.ts runs it there.
export const ceBatchedCases: CeBatchedCase[] = [
  cb('LeNet output, 5 trials', [5, 60, 10], false, 3),
  cb('LeNet output, 5 trials', [5, 60, 10], true, 3),
  cb('evaluation, 3 trials', [3, 1000, 10], true, 3),
  cb('odd', [2, 7, 33], false, 1),
  cb('odd, scale 3', [2, 7, 33], false, 3),
  cb('empty batch', [3, 0, 10], false, 1),
  cb('empty batch, 4 classes', [2, 0, 4], false, 3),
];

function softmaxBatchedCases({ name, T, B, C, shared, scale, size }: CeBatchedCase): ParityCase[] {
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
      size,
    ),
  );
}

const softmaxCrossEntropyBatchedValues: ParityCase[] = ceBatchedCases.flatMap(softmaxBatchedCases);

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
