// Loss and accuracy of a model on a split, in batches, with buffers reused across calls.
import { fromArray, softmaxCrossEntropy, type Tensor } from '@lth/native-sparse';
import type { Split } from '../data/prepare.js';
import type { Model } from '../models/types.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

export function evaluate(model: Model, split: Split, exampleShape: number[], batch = 1000): EvalResult {
  if (split.count === 0) return { loss: NaN, accuracy: NaN, count: 0 };
  const size = exampleShape.reduce((a, b) => a * b, 1);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < split.count; start += batch) {
    const n = Math.min(batch, split.count - start);
    const x = fromArray(split.x.subarray(start * size, (start + n) * size), [n, ...exampleShape], { device: model.params[0]!.value.device });
    const y = fromArray(split.y.subarray(start, start + n), [n], { device: x.device });
    try {
      const logits = model.forward(x, false);
      const r = softmaxCrossEntropy(logits, y, { dlogits: false });
      lossSum += r.loss * n;
      correct += r.correct;
    } finally {
      (x as Tensor).dispose();
      (y as Tensor).dispose();
    }
  }
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
