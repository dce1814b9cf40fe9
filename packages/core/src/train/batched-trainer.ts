// The training loop for T trials of one fully connected network at once (models/batched-mlp.ts): every trial
// keeps its own seeded data order (epochOrder with its own data seed, as train() uses), a step gathers the T
// batches into one stacked input, runs one batched forward/backward and one optimizer step over the stacked
// parameters, and evaluation runs all trials on each evaluation batch. Trial t sees exactly the batches, the
// learning rates and the evaluation points train() gives the solo network, so its metrics and weights are the
// solo run's. Only scalars come back to JS per step. Checkpoints hand the per-trial train accumulators to the
// caller (lottery/batched-runner.ts slices the stacked state into per-trial files).
import { softmaxCrossEntropyBatched, zeros } from '@lth/native-sparse';
import { augmentBatch } from '../data/augment.js';
import { copyRows, epochOrder, type PreparedData } from '../data/prepare.js';
import { toIterations, type Hparams } from '../hparams/schema.js';
import type { BatchedMlp } from '../models/batched-mlp.js';
import { evaluateBatched } from './batched-evaluate.js';
import type { MetricRow } from './metrics.js';
import { learningRate, type Optimizer } from './optimizer.js';
import { ResidentBatcher, ResidentData } from './resident.js';
import { Disposer } from '../util/disposer.js';
import { itersPerEpoch, type TrainAccumulators, type TrainProgress } from './trainer.js';

export interface BatchedTrainOptions {
  startIteration: number;
  endIteration: number;
  /** One data-order seed per trial (model.trials of them). */
  dataSeeds: number[];
  /** Per-trial accumulators restored from checkpoints (all at startIteration, so `seen` is the same). */
  accums?: TrainAccumulators[];
  checkpointEvery?: number;
  /** Called every `checkpointEvery` iterations, and when stopped by `signal`, with the iterations done. */
  onCheckpoint?: (iteration: number, accums: TrainAccumulators[]) => void;
  /** Evaluation rows of trial index i (every evalEvery iterations and at the end). */
  onMetrics?: (trial: number, rows: MetricRow[]) => void;
  /** Called at the start of every iteration (e.g. to store the rewind point). */
  onIteration?: (iteration: number) => void;
  /** Progress of the batch; lastEval is trial index 0's. */
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /** Data kept on the device, batches gathered there (default: on for CUDA); never with augmentation. */
  residentData?: boolean;
  /** A resident copy made by the caller (not disposed here). */
  resident?: ResidentData;
}

export function trainBatched(model: BatchedMlp, optimizer: Optimizer, data: PreparedData, h: Hparams, opts: BatchedTrainOptions): { stoppedAt: number } {
  const T = model.trials;
  if (opts.dataSeeds.length !== T) throw new Error(`trainBatched: ${opts.dataSeeds.length} data seeds for ${T} trials`);
  if (opts.accums && (opts.accums.length !== T || opts.accums.some((a) => a.seen !== opts.accums![0]!.seen))) {
    throw new Error(`trainBatched: the ${opts.accums.length} restored accumulators are not ${T} taken at one iteration`);
  }
  const B = h.dataset.batchSize;
  const shape = data.exampleShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const perEpoch = itersPerEpoch(h, data.train.count);
  const toIt = (s: string) => toIterations(s, perEpoch);
  const device = model.params[0]!.value.device;
  const augment = h.dataset.augment;
  if (opts.resident && (opts.resident.data !== data || opts.resident.device !== device)) throw new Error('trainBatched: the resident data belongs to another data set or device');
  // Native buffers of this call, freed at the end (or at once if a later allocation fails).
  const scope = new Disposer();
  const { resident, X, Y, Xv, Yv, D, batcher } = scope.build((own) => {
    const wantResident = !augment && (opts.resident !== undefined || (opts.residentData ?? device === 'cuda'));
    const resident = wantResident ? (opts.resident ?? own(new ResidentData(data, device))) : null;
    // The T batches stacked: X [T·B, ...shape] (viewed [T, B, ...shape]), Y [T·B] (viewed [T, B]).
    const X = own(zeros([T * B, ...shape], { device }));
    const Y = own(zeros([T * B], { dtype: 'i32', device }));
    const Xv = own(X.reshape([T, B, ...shape]));
    const Yv = own(Y.reshape([T, B]));
    const D = own(zeros([T, B, data.classes], { device }));
    const batcher = resident ? own(new ResidentBatcher(resident.train, T * B, device)) : null;
    return { resident, X, Y, Xv, Yv, D, batcher };
  });
  const xb = batcher ? null : new Float32Array(T * B * size);
  const augmented = augment ? new Float32Array(B * size) : null;
  const yb = batcher ? null : new Int32Array(T * B);
  const rows = new Int32Array(T * B);
  const orders: Int32Array[] = new Array<Int32Array>(T);
  let orderEpoch = -1;
  const lossSum = opts.accums ? opts.accums.map((a) => a.lossSum) : new Array<number>(T).fill(0);
  const correct = opts.accums ? opts.accums.map((a) => a.correct) : new Array<number>(T).fill(0);
  let seen = opts.accums?.[0]?.seen ?? 0;
  const accums = (): TrainAccumulators[] => lossSum.map((l, t) => ({ lossSum: l, correct: correct[t]!, seen }));
  let t0 = performance.now();
  let it0 = opts.startIteration;

  const emitEval = (it: number): TrainProgress['lastEval'] => {
    const val = evaluateBatched(model, data.validation, shape, { resident: resident?.validation });
    const test = evaluateBatched(model, data.test, shape, { resident: resident?.test });
    for (let t = 0; t < T; t++) {
      const r: MetricRow[] = [
        { name: 'test_loss', iteration: it, value: test[t]!.loss },
        { name: 'test_accuracy', iteration: it, value: test[t]!.accuracy },
      ];
      if (val[t]!.count > 0) r.push({ name: 'val_loss', iteration: it, value: val[t]!.loss }, { name: 'val_accuracy', iteration: it, value: val[t]!.accuracy });
      if (seen > 0) r.push({ name: 'train_loss', iteration: it, value: lossSum[t]! / seen }, { name: 'train_accuracy', iteration: it, value: correct[t]! / seen });
      opts.onMetrics?.(t, r);
    }
    lossSum.fill(0);
    correct.fill(0);
    seen = 0;
    return { iteration: it, valAccuracy: val[0]!.accuracy, testAccuracy: test[0]!.accuracy };
  };

  try {
    let lastEval: TrainProgress['lastEval'];
    if (opts.startIteration === 0 && opts.endIteration > 0) lastEval = emitEval(0);
    for (let it = opts.startIteration; it < opts.endIteration; it++) {
      if (opts.signal?.aborted) {
        if (it > opts.startIteration) opts.onCheckpoint?.(it, accums());
        return { stoppedAt: it };
      }
      opts.onIteration?.(it);
      const epoch = Math.floor(it / perEpoch);
      if (epoch !== orderEpoch) {
        for (let t = 0; t < T; t++) orders[t] = epochOrder(data.train.count, opts.dataSeeds[t]!, epoch);
        orderEpoch = epoch;
      }
      const base = (it % perEpoch) * B;
      for (let t = 0; t < T; t++) rows.set(orders[t]!.subarray(base, base + B), t * B);
      if (batcher) {
        batcher.fill(rows, X, Y);
      } else {
        copyRows(data.train, rows, size, xb!, yb!);
        if (augmented) {
          for (let t = 0; t < T; t++) {
            const slice = xb!.subarray(t * B * size, (t + 1) * B * size);
            augmentBatch(slice, augmented, B, shape, opts.dataSeeds[t]!, it);
            slice.set(augmented);
          }
        }
        X.upload(xb!);
        Y.upload(yb!);
      }
      const r = softmaxCrossEntropyBatched(model.forward(Xv), Yv, { dlogits: D });
      model.backward(D);
      optimizer.apply(learningRate(h.training, it, toIt));
      for (let t = 0; t < T; t++) {
        lossSum[t]! += r.loss[t]! * B;
        correct[t]! += r.correct[t]!;
      }
      seen += B;
      const done = it + 1;
      if (done % h.training.evalEvery === 0 || done === opts.endIteration) lastEval = emitEval(done);
      if (opts.checkpointEvery && done % opts.checkpointEvery === 0 && done < opts.endIteration) opts.onCheckpoint?.(done, accums());
      if (opts.onProgress && (done % 50 === 0 || done === opts.endIteration)) {
        const now = performance.now();
        opts.onProgress({ iteration: done, total: opts.endIteration, examplesPerSecond: ((done - it0) * T * B * 1000) / Math.max(now - t0, 1e-3), ...(lastEval ? { lastEval } : {}) });
        t0 = now;
        it0 = done;
      }
    }
    return { stoppedAt: opts.endIteration };
  } finally {
    scope.dispose();
  }
}
