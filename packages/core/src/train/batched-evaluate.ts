// Loss and accuracy of every trial of a batched model on a split: each batch of examples goes through all
// trials at once (the input shared, trial stride 0), with the same batching and the same sums as evaluate(),
// so trial t's numbers are the ones evaluate() gives for the solo network.
import { softmaxCrossEntropyBatched } from '@lth/native-sparse';
import type { Split } from '../data/prepare.js';
import type { BatchedMlp } from '../models/batched-mlp.js';
import { forEachEvalBatch, type EvalResult, type EvaluateOptions } from './evaluate.js';

export function evaluateBatched(model: BatchedMlp, split: Split, exampleShape: number[], opts: EvaluateOptions = {}): EvalResult[] {
  const T = model.trials;
  const lossSum = new Array<number>(T).fill(0);
  const correct = new Array<number>(T).fill(0);
  forEachEvalBatch(split, exampleShape, model.params[0]!.value.device, opts, (x, y, n) => {
    const r = softmaxCrossEntropyBatched(model.forward(x), y, { dlogits: false });
    for (let t = 0; t < T; t++) {
      lossSum[t]! += r.loss[t]! * n;
      correct[t]! += r.correct[t]!;
    }
  });
  if (split.count === 0) return Array.from({ length: T }, () => ({ loss: NaN, accuracy: NaN, count: 0 }));
  return lossSum.map((l, t) => ({ loss: l / split.count, accuracy: correct[t]! / split.count, count: split.count }));
}
