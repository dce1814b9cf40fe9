// Loss and accuracy of a model on a split, in batches, with buffers reused across calls.
import { softmaxCrossEntropy, zeros, type Tensor } from '@lth/native-sparse';
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
  // One input/label tensor per batch size, reused across batches (at most two sizes: full and the tail).
  const device = model.params[0]!.value.device;
  const inputs = new Map<number, { x: Tensor<'f32'>; y: Tensor<'i32'> }>();
  try {
    for (let start = 0; start < split.count; start += batch) {
      const n = Math.min(batch, split.count - start);
      let io = inputs.get(n);
      if (!io) {
        io = { x: zeros([n, ...exampleShape], { device }), y: zeros([n], { dtype: 'i32', device }) };
        inputs.set(n, io);
      }
      io.x.upload(split.x.subarray(start * size, (start + n) * size));
      io.y.upload(split.y.subarray(start, start + n));
      const r = softmaxCrossEntropy(model.forward(io.x, false), io.y, { dlogits: false });
      lossSum += r.loss * n;
      correct += r.correct;
    }
  } finally {
    for (const io of inputs.values()) {
      io.x.dispose();
      io.y.dispose();
    }
  }
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
