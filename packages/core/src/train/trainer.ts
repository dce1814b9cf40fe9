// The training loop: seeded data order per epoch, schedule, evaluation every N iterations, checkpoints and
// clean stop. Only scalars (loss, correct count) come back to JS during a step.
import { flipTranslate, fromArray, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { augmentBatch, augmentParams } from '../data/augment.js';
import { copyRows, epochOrder, type PreparedData } from '../data/prepare.js';
import { toIterations, type Hparams } from '../hparams/schema.js';
import type { Model } from '../models/types.js';
import { evaluate } from './evaluate.js';
import { ResidentBatcher, ResidentData } from './resident.js';
import { Disposer } from '../util/disposer.js';
import { learningRate, type Optimizer } from './optimizer.js';

export type { MetricRow } from './metrics.js';
import type { MetricRow } from './metrics.js';

export interface TrainProgress {
  iteration: number;
  total: number;
  examplesPerSecond: number;
  lastEval?: { iteration: number; valAccuracy: number; testAccuracy: number };
}

/** Running training-loss sums since the last evaluation: part of a checkpoint, so resumed metrics are identical. */
export interface TrainAccumulators {
  lossSum: number;
  correct: number;
  seen: number;
}

export interface TrainOptions {
  startIteration: number;
  endIteration: number;
  dataSeed: number;
  /**
   * Seed of the dropout masks (default: dataSeed). Iteration i's masks are a pure function of (this seed, i), as
   * its batch is of (dataSeed, i): every level of a trial draws the same masks at iteration i, and a resumed
   * interval draws what an uninterrupted one does.
   */
  dropoutSeed?: number;
  /** Called after evaluation rows are produced (every evalEvery iterations and at the end). */
  onMetrics?: (rows: MetricRow[]) => void;
  /** Called every `checkpointEvery` iterations, and when stopped by `signal`, with the iterations done. */
  onCheckpoint?: (iteration: number, accum: TrainAccumulators) => void;
  /** Accumulators restored from a checkpoint. */
  accum?: TrainAccumulators;
  checkpointEvery?: number;
  /** Called at `captureAt` iterations (e.g. the rewind point) before training continues. */
  onIteration?: (iteration: number) => void;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
  /**
   * Keep the data set on the model's device and gather each batch there (default: on for CUDA, off on the
   * CPU, where it is the same copy). With augmentation on, the gathered batch is augmented on the device with
   * the host's draws (flipTranslate), giving the same pixels as the host path.
   */
  residentData?: boolean;
  /** A resident copy made by the caller (reused across levels; not disposed here). Implies residentData. */
  resident?: ResidentData;
}

export function itersPerEpoch(h: Hparams, trainCount: number): number {
  return Math.max(1, Math.floor(trainCount / h.dataset.batchSize));
}

export function trainingLength(h: Hparams, trainCount: number): number {
  return toIterations(h.training.steps, itersPerEpoch(h, trainCount));
}

/**
 * Train from startIteration to endIteration. Iteration i uses batch (i mod itersPerEpoch) of epoch
 * floor(i / itersPerEpoch) in that epoch's seeded order (a partial last batch is dropped), so any
 * interval of training sees exactly the same data as the same interval of an uninterrupted run.
 * Evaluation happens at iterations that are multiples of evalEvery, and at endIteration.
 */
export function train(model: Model, optimizer: Optimizer, data: PreparedData, h: Hparams, opts: TrainOptions): { stoppedAt: number } {
  const B = h.dataset.batchSize;
  const size = data.exampleShape.reduce((a, b) => a * b, 1);
  const perEpoch = itersPerEpoch(h, data.train.count);
  const toIt = (s: string) => toIterations(s, perEpoch);
  const device = model.params[0]!.value.device;
  const xb = new Float32Array(B * size);
  const augmented = h.dataset.augment ? new Float32Array(B * size) : null;
  const yb = new Int32Array(B);
  // Native buffers of this call, freed at the end (or at once if a later allocation fails).
  const scope = new Disposer();
  if (opts.resident && (opts.resident.data !== data || opts.resident.device !== device)) throw new Error('train: the resident data belongs to another data set or device');
  const { X, Y, D, batcher, deviceAug, resident } = scope.build((own) => {
    const X = own(fromArray(xb, [B, ...data.exampleShape], { device }));
    const Y = own(fromArray(yb, [B], { device }));
    const D = own(zeros([B, data.classes], { device }));
    // Resident data: the caller's copy (not ours to dispose), or one made for this call.
    const wantResident = opts.resident !== undefined || (opts.residentData ?? device === 'cuda');
    const resident = wantResident ? (opts.resident ?? own(new ResidentData(data, device))) : null;
    const batcher = resident ? own(new ResidentBatcher(resident.train, B, device)) : null;
    // Device-side augmentation: the gathered batch, then flip + translate into X with the draws in P.
    const deviceAug = batcher && augmented
      ? { raw: own(zeros([B, ...data.exampleShape], { device })), P: own(zeros([B, 3], { dtype: 'i32', device })) }
      : null;
    return { X, Y, D, batcher, deviceAug, resident };
  });
  let order: Int32Array | null = null;
  let orderEpoch = -1;
  let trainLossSum = opts.accum?.lossSum ?? 0;
  let trainCorrect = opts.accum?.correct ?? 0;
  let trainSeen = opts.accum?.seen ?? 0;
  const accum = (): TrainAccumulators => ({ lossSum: trainLossSum, correct: trainCorrect, seen: trainSeen });
  let t0 = performance.now();
  let it0 = opts.startIteration;

  const emitEval = (it: number) => {
    const val = evaluate(model, data.validation, data.exampleShape, { resident: resident?.validation });
    const test = evaluate(model, data.test, data.exampleShape, { resident: resident?.test });
    const rows: MetricRow[] = [
      { name: 'test_loss', iteration: it, value: test.loss },
      { name: 'test_accuracy', iteration: it, value: test.accuracy },
    ];
    if (val.count > 0) rows.push({ name: 'val_loss', iteration: it, value: val.loss }, { name: 'val_accuracy', iteration: it, value: val.accuracy });
    if (trainSeen > 0) rows.push({ name: 'train_loss', iteration: it, value: trainLossSum / trainSeen }, { name: 'train_accuracy', iteration: it, value: trainCorrect / trainSeen });
    trainLossSum = trainCorrect = trainSeen = 0;
    opts.onMetrics?.(rows);
    return { iteration: it, valAccuracy: val.accuracy, testAccuracy: test.accuracy };
  };

  try {
    let lastEval: TrainProgress['lastEval'];
    if (opts.startIteration === 0 && opts.endIteration > 0) lastEval = emitEval(0);
    for (let it = opts.startIteration; it < opts.endIteration; it++) {
      if (opts.signal?.aborted) {
        if (it > opts.startIteration) opts.onCheckpoint?.(it, accum());
        return { stoppedAt: it };
      }
      opts.onIteration?.(it);
      const epoch = Math.floor(it / perEpoch);
      if (epoch !== orderEpoch) {
        order = epochOrder(data.train.count, opts.dataSeed, epoch);
        orderEpoch = epoch;
      }
      const base = (it % perEpoch) * B;
      if (batcher && deviceAug) {
        batcher.fill(order!.subarray(base, base + B), deviceAug.raw, Y);
        deviceAug.P.upload(augmentParams(B, opts.dataSeed, it));
        flipTranslate(deviceAug.raw, deviceAug.P, { out: X });
      } else if (batcher) {
        batcher.fill(order!.subarray(base, base + B), X, Y);
      } else {
        copyRows(data.train, order!.subarray(base, base + B), size, xb, yb);
        if (augmented) augmentBatch(xb, augmented, B, data.exampleShape, opts.dataSeed, it);
        X.upload(augmented ?? xb);
        Y.upload(yb);
      }
      model.positionDropout(opts.dropoutSeed ?? opts.dataSeed, it);
      const logits = model.forward(X, true);
      const r = softmaxCrossEntropy(logits, Y, { dlogits: D });
      model.backward(D);
      optimizer.apply(learningRate(h.training, it, toIt));
      trainLossSum += r.loss * B;
      trainCorrect += r.correct;
      trainSeen += B;
      const done = it + 1;
      if (done % h.training.evalEvery === 0 || done === opts.endIteration) lastEval = emitEval(done);
      if (opts.checkpointEvery && done % opts.checkpointEvery === 0 && done < opts.endIteration) opts.onCheckpoint?.(done, accum());
      if (opts.onProgress && (done % 50 === 0 || done === opts.endIteration)) {
        const now = performance.now();
        opts.onProgress({ iteration: done, total: opts.endIteration, examplesPerSecond: ((done - it0) * B * 1000) / Math.max(now - t0, 1e-3), ...(lastEval ? { lastEval } : {}) });
        t0 = now;
        it0 = done;
      }
    }
    return { stoppedAt: opts.endIteration };
  } finally {
    scope.dispose();
  }
}
