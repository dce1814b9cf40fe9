// The training loop, for one trial or T trials at once (a batched model: models/batched-mlp.ts): seeded data order
// per trial and epoch, schedule, evaluation every N iterations, checkpoints, progress and clean stop. What differs
// between one model and a stack of T is behind `Trainee` (train/trainer.ts, train/batched-trainer.ts); the loop
// sees T trials, each with its own data seed, batches stacked [T·B, …] (T = 1: the plain batch). Only scalars
// (loss, correct count) come back to JS during a step.
import { flipTranslate, zeros, type Device, type Tensor } from '@lth/native-sparse';
import { augmentBatch, augmentParams } from '../data/augment.js';
import { copyRows, epochOrder, type PreparedData, type Split } from '../data/prepare.js';
import { toIterations, type Hparams } from '../hparams/schema.js';
import type { Param } from '../models/types.js';
import { Disposer } from '../util/disposer.js';
import type { EvalResult } from './evaluate.js';
import type { MetricRow } from './metrics.js';
import { learningRate, type Optimizer } from './optimizer.js';
import { ResidentBatcher, ResidentData, type ResidentSplit } from './resident.js';

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

/** One step's per-trial results: mean loss over the trial's batch and its correct count. */
export interface StepResult {
  loss: ArrayLike<number>;
  correct: ArrayLike<number>;
}

/** What the loop trains: one model, or T trials of one stacked together. */
export interface Trainee {
  readonly trials: number;
  readonly params: Param[];
  /**
   * The step for a batch that will be in X [T·B, ...shape], Y [T·B] (trial t's rows at t·B): forward, loss and
   * backward, gradients left in `params`. Buffers it needs are registered with `own` (freed with the loop's).
   */
  stepper(
    X: Tensor<'f32'>,
    Y: Tensor<'i32'>,
    classes: number,
    own: <D extends { dispose(): void }>(d: D) => D,
  ): (iteration: number, dropoutSeeds: number[]) => StepResult;
  /** Loss and accuracy of every trial on a split. */
  evaluate(split: Split, exampleShape: number[], resident: ResidentSplit | undefined): EvalResult[];
}

export interface LoopOptions {
  startIteration: number;
  endIteration: number;
  /** One data-order seed per trial. */
  dataSeeds: number[];
  /**
   * One dropout-mask seed per trial (default: the data seeds). Iteration i's masks are a pure function of (seed, i),
   * as its batch is of (data seed, i): every level of a trial draws the same masks at iteration i, and a resumed
   * interval draws what an uninterrupted one does.
   */
  dropoutSeeds?: number[] | undefined;
  /** Per-trial accumulators restored from checkpoints (all taken at startIteration, so `seen` is the same). */
  accums?: TrainAccumulators[] | undefined;
  checkpointEvery?: number | undefined;
  /** Called every `checkpointEvery` iterations, and when stopped by `signal`, with the iterations done. */
  onCheckpoint?: ((iteration: number, accums: TrainAccumulators[]) => void) | undefined;
  /** Evaluation rows of trial index t (every evalEvery iterations and at the end). */
  onMetrics?: ((trial: number, rows: MetricRow[]) => void) | undefined;
  /** Called at the start of every iteration (e.g. to store the rewind point). */
  onIteration?: ((iteration: number) => void) | undefined;
  /** Progress; lastEval is trial index 0's. */
  onProgress?: ((p: TrainProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Keep the data set on the model's device and gather each batch there (default: on for CUDA, off on the CPU,
   * where it is the same copy). With augmentation on, the gathered batch is augmented on the device with the
   * host's draws (flipTranslate), giving the same pixels as the host path.
   */
  residentData?: boolean | undefined;
  /** A resident copy made by the caller (reused across levels; not disposed here). Implies residentData. */
  resident?: ResidentData | undefined;
}

export function itersPerEpoch(h: Hparams, trainCount: number): number {
  return Math.max(1, Math.floor(trainCount / h.dataset.batchSize));
}

export function trainingLength(h: Hparams, trainCount: number): number {
  return toIterations(h.training.steps, itersPerEpoch(h, trainCount));
}

/** Trial t's evaluation rows at iteration `it` (train rows from the accumulators when it has seen examples). */
function metricRows(it: number, val: EvalResult, test: EvalResult, lossSum: number, correct: number, seen: number): MetricRow[] {
  const rows: MetricRow[] = [
    { name: 'test_loss', iteration: it, value: test.loss },
    { name: 'test_accuracy', iteration: it, value: test.accuracy },
  ];
  if (val.count > 0)
    rows.push({ name: 'val_loss', iteration: it, value: val.loss }, { name: 'val_accuracy', iteration: it, value: val.accuracy });
  if (seen > 0)
    rows.push(
      { name: 'train_loss', iteration: it, value: lossSum / seen },
      { name: 'train_accuracy', iteration: it, value: correct / seen },
    );
  return rows;
}

/**
 * Train from startIteration to endIteration. Iteration i uses batch (i mod itersPerEpoch) of epoch
 * floor(i / itersPerEpoch) in each trial's seeded order (a partial last batch is dropped), so any interval of
 * training sees exactly the same data as the same interval of an uninterrupted run, and trial t of T sees what it
 * sees trained alone. Evaluation happens at iterations that are multiples of evalEvery, and at endIteration.
 */
export function trainLoop(
  trainee: Trainee,
  optimizer: Optimizer,
  data: PreparedData,
  h: Hparams,
  opts: LoopOptions,
): { stoppedAt: number } {
  const T = trainee.trials;
  if (opts.dataSeeds.length !== T) throw new Error(`train: ${opts.dataSeeds.length} data seeds for ${T} trials`);
  if (opts.accums && (opts.accums.length !== T || opts.accums.some((a) => a.seen !== opts.accums![0]!.seen))) {
    throw new Error(`train: the ${opts.accums.length} restored accumulators are not ${T} taken at one iteration`);
  }
  const dropoutSeeds = opts.dropoutSeeds ?? opts.dataSeeds;
  if (dropoutSeeds.length !== T) throw new Error(`train: ${dropoutSeeds.length} dropout seeds for ${T} trials`);
  const B = h.dataset.batchSize;
  const shape = data.exampleShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const perEpoch = itersPerEpoch(h, data.train.count);
  const toIt = (s: string) => toIterations(s, perEpoch);
  const device: Device = trainee.params[0]!.value.device;
  if (opts.resident && (opts.resident.data !== data || opts.resident.device !== device))
    throw new Error('train: the resident data belongs to another data set or device');
  const augment = h.dataset.augment;
  // Native buffers of this call, freed at the end (or at once if a later allocation fails).
  const scope = new Disposer();
  const { X, Y, step, batcher, deviceAug, resident } = scope.build((own) => {
    const X = own(zeros([T * B, ...shape], { device }));
    const Y = own(zeros([T * B], { dtype: 'i32', device }));
    const step = trainee.stepper(X, Y, data.classes, own);
    // Resident data: the caller's copy (not ours to dispose), or one made for this call.
    const wantResident = opts.resident !== undefined || (opts.residentData ?? device === 'cuda');
    const resident = wantResident ? (opts.resident ?? own(new ResidentData(data, device))) : null;
    const batcher = resident ? own(new ResidentBatcher(resident.train, T * B, device)) : null;
    // Device-side augmentation: the gathered batch, then flip + translate into X with the draws in P.
    const deviceAug =
      batcher && augment ? { raw: own(zeros([T * B, ...shape], { device })), P: own(zeros([T * B, 3], { dtype: 'i32', device })) } : null;
    return { X, Y, step, batcher, deviceAug, resident };
  });
  const xb = batcher ? null : new Float32Array(T * B * size);
  const yb = batcher ? null : new Int32Array(T * B);
  const augmented = augment && !batcher ? new Float32Array(B * size) : null;
  const draws = deviceAug ? new Int32Array(T * B * 3) : null;
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
    const val = trainee.evaluate(data.validation, shape, resident?.validation);
    const test = trainee.evaluate(data.test, shape, resident?.test);
    for (let t = 0; t < T; t++) opts.onMetrics?.(t, metricRows(it, val[t]!, test[t]!, lossSum[t]!, correct[t]!, seen));
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
      if (batcher && deviceAug) {
        batcher.fill(rows, deviceAug.raw, Y);
        for (let t = 0; t < T; t++) draws!.set(augmentParams(B, opts.dataSeeds[t]!, it), t * B * 3);
        deviceAug.P.upload(draws!);
        flipTranslate(deviceAug.raw, deviceAug.P, { out: X });
      } else if (batcher) {
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
      const r = step(it, dropoutSeeds);
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
        opts.onProgress({
          iteration: done,
          total: opts.endIteration,
          examplesPerSecond: ((done - it0) * T * B * 1000) / Math.max(now - t0, 1e-3),
          ...(lastEval ? { lastEval } : {}),
        });
        t0 = now;
        it0 = done;
      }
    }
    return { stoppedAt: opts.endIteration };
  } finally {
    scope.dispose();
  }
}
