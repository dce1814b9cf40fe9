// Loss and accuracy of a model on a split, in batches, with buffers reused across calls.
import { softmaxCrossEntropy, zeros, type Tensor } from '@lth/native-sparse';
import type { Split } from '../data/prepare.js';
import type { Model } from '../models/types.js';
import { ResidentBatcher, type ResidentSplit } from './resident.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

export interface EvaluateOptions {
  /** Examples per forward pass (default 1000). */
  batch?: number;
  /** The split already on the model's device: batches are gathered there instead of uploaded. */
  resident?: ResidentSplit | undefined;
}

/** `options` may also be a batch size (the earlier signature). */
export function evaluate(model: Model, split: Split, exampleShape: number[], options: EvaluateOptions | number = {}): EvalResult {
  const opts: EvaluateOptions = typeof options === 'number' ? { batch: options } : options;
  const batch = opts.batch ?? 1000;
  if (!(Number.isInteger(batch) && batch >= 1)) throw new Error(`evaluate: batch must be an integer >= 1, got ${batch}`);
  if (split.count === 0) return { loss: NaN, accuracy: NaN, count: 0 };
  const size = exampleShape.reduce((a, b) => a * b, 1);
  let lossSum = 0;
  let correct = 0;
  // One input/label tensor per batch size, reused across batches (at most two sizes: full and the tail).
  const device = model.params[0]!.value.device;
  const inputs = new Map<number, { x: Tensor<'f32'>; y: Tensor<'i32'>; gather: ResidentBatcher | null }>();
  try {
    for (let start = 0; start < split.count; start += batch) {
      const n = Math.min(batch, split.count - start);
      let io = inputs.get(n);
      if (!io) {
        io = {
          x: zeros([n, ...exampleShape], { device }), y: zeros([n], { dtype: 'i32', device }),
          gather: opts.resident ? new ResidentBatcher(opts.resident, n, device) : null,
        };
        inputs.set(n, io);
      }
      if (io.gather) {
        io.gather.fill(Int32Array.from({ length: n }, (_, k) => start + k), io.x, io.y);
      } else {
        io.x.upload(split.x.subarray(start * size, (start + n) * size));
        io.y.upload(split.y.subarray(start, start + n));
      }
      const r = softmaxCrossEntropy(model.forward(io.x, false), io.y, { dlogits: false });
      lossSum += r.loss * n;
      correct += r.correct;
    }
  } finally {
    for (const io of inputs.values()) {
      io.x.dispose();
      io.y.dispose();
      io.gather?.dispose();
    }
  }
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
