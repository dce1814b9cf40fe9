// Loss and accuracy of a model on a split, in batches, with buffers reused across calls.
import { softmaxCrossEntropy, zeros, type Device, type Tensor } from '@lth/native-sparse';
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

/**
 * Runs `body` over a split in batches of `opts.batch` examples (the tail smaller), with the batch on `device`:
 * uploaded from the host, or gathered from the resident copy. One input/label tensor pair per batch size
 * (at most two: full and tail), reused across batches and freed at the end.
 */
export function forEachEvalBatch(
  split: Split,
  exampleShape: number[],
  device: Device,
  opts: EvaluateOptions,
  body: (x: Tensor<'f32'>, y: Tensor<'i32'>, n: number) => void,
): void {
  const batch = opts.batch ?? 1000;
  if (!(Number.isInteger(batch) && batch >= 1)) throw new Error(`evaluate: batch must be an integer >= 1, got ${batch}`);
  const size = exampleShape.reduce((a, b) => a * b, 1);
  const inputs = new Map<number, { x: Tensor<'f32'>; y: Tensor<'i32'>; gather: ResidentBatcher | null }>();
  try {
    for (let start = 0; start < split.count; start += batch) {
      const n = Math.min(batch, split.count - start);
      let io = inputs.get(n);
      if (!io) {
        io = {
          x: zeros([n, ...exampleShape], { device }),
          y: zeros([n], { dtype: 'i32', device }),
          gather: opts.resident ? new ResidentBatcher(opts.resident, n, device) : null,
        };
        inputs.set(n, io);
      }
      if (io.gather) {
        io.gather.fill(
          Int32Array.from({ length: n }, (_, k) => start + k),
          io.x,
          io.y,
        );
      } else {
        io.x.upload(split.x.subarray(start * size, (start + n) * size));
        io.y.upload(split.y.subarray(start, start + n));
      }
      body(io.x, io.y, n);
    }
  } finally {
    for (const io of inputs.values()) {
      io.x.dispose();
      io.y.dispose();
      io.gather?.dispose();
    }
  }
}

/** `options` may also be a batch size (the earlier signature). */
export function evaluate(model: Model, split: Split, exampleShape: number[], options: EvaluateOptions | number = {}): EvalResult {
  const opts: EvaluateOptions = typeof options === 'number' ? { batch: options } : options;
  let lossSum = 0;
  let correct = 0;
  forEachEvalBatch(split, exampleShape, model.params[0]!.value.device, opts, (x, y, n) => {
    const r = softmaxCrossEntropy(model.forward(x, false), y, { dlogits: false });
    lossSum += r.loss * n;
    correct += r.correct;
  });
  if (split.count === 0) return { loss: NaN, accuracy: NaN, count: 0 };
  return { loss: lossSum / split.count, accuracy: correct / split.count, count: split.count };
}
