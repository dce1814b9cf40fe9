// Loss and accuracy of every trial of a batched model on a split: each batch of examples goes through all
// trials at once (the input shared, trial stride 0), with the same batching and the same sums as evaluate(),
// so trial t's numbers are the ones evaluate() gives for the solo network.
import { softmaxCrossEntropyBatched, zeros, type Tensor } from '@lth/native-sparse';
import type { Split } from '../data/prepare.js';
import type { BatchedMlp } from '../models/batched-mlp.js';
import type { EvalResult, EvaluateOptions } from './evaluate.js';
import { ResidentBatcher } from './resident.js';

export function evaluateBatched(model: BatchedMlp, split: Split, exampleShape: number[], opts: EvaluateOptions = {}): EvalResult[] {
  const T = model.trials;
  const batch = opts.batch ?? 1000;
  if (split.count === 0) return Array.from({ length: T }, () => ({ loss: NaN, accuracy: NaN, count: 0 }));
  const size = exampleShape.reduce((a, b) => a * b, 1);
  const lossSum = new Array<number>(T).fill(0);
  const correct = new Array<number>(T).fill(0);
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
      const r = softmaxCrossEntropyBatched(model.forward(io.x), io.y, { dlogits: false });
      for (let t = 0; t < T; t++) {
        lossSum[t]! += r.loss[t]! * n;
        correct[t]! += r.correct[t]!;
      }
    }
  } finally {
    for (const io of inputs.values()) {
      io.x.dispose();
      io.y.dispose();
      io.gather?.dispose();
    }
  }
  return lossSum.map((l, t) => ({ loss: l / split.count, accuracy: correct[t]! / split.count, count: split.count }));
}
