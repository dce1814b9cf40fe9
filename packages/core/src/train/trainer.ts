// One model trained by the loop (train/loop.ts) as its single trial: the step is the model's forward, softmax
// cross-entropy and backward on the batch, its dropout masks positioned in the trial's stream first.
import { softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import type { PreparedData } from '../data/prepare.js';
import type { Hparams } from '../hparams/schema.js';
import type { Model } from '../models/types.js';
import { evaluate } from './evaluate.js';
import { trainLoop, type LoopOptions, type TrainAccumulators, type Trainee } from './loop.js';
import type { MetricRow } from './metrics.js';
import type { Optimizer } from './optimizer.js';

export type { MetricRow } from './metrics.js';
export { itersPerEpoch, trainingLength, type TrainAccumulators, type TrainProgress } from './loop.js';

export interface TrainOptions extends Omit<LoopOptions, 'dataSeeds' | 'dropoutSeeds' | 'accums' | 'onCheckpoint' | 'onMetrics'> {
  dataSeed: number;
  /** Seed of the dropout masks (default: dataSeed; see LoopOptions.dropoutSeeds). */
  dropoutSeed?: number | undefined;
  /** Called after evaluation rows are produced (every evalEvery iterations and at the end). */
  onMetrics?: ((rows: MetricRow[]) => void) | undefined;
  /** Called every `checkpointEvery` iterations, and when stopped by `signal`, with the iterations done. */
  onCheckpoint?: ((iteration: number, accum: TrainAccumulators) => void) | undefined;
  /** Accumulators restored from a checkpoint. */
  accum?: TrainAccumulators | undefined;
}

/** `model` as the loop's single trial. */
export function soloTrainee(model: Model): Trainee {
  return {
    trials: 1,
    params: model.params,
    stepper: (X, Y, classes, own) => {
      const D = own(zeros([X.shape[0]!, classes], { device: X.device }));
      return (it, dropoutSeeds) => {
        model.positionDropout(dropoutSeeds[0]!, it);
        const r = softmaxCrossEntropy(model.forward(X, true), Y, { dlogits: D });
        model.backward(D);
        return { loss: [r.loss], correct: [r.correct] };
      };
    },
    evaluate: (split, shape, resident) => [evaluate(model, split, shape, { resident })],
  };
}

/** Train one model (train/loop.ts says what an iteration sees). */
export function train(model: Model, optimizer: Optimizer, data: PreparedData, h: Hparams, opts: TrainOptions): { stoppedAt: number } {
  const { dataSeed, dropoutSeed, onMetrics, onCheckpoint, accum, ...rest } = opts;
  return trainLoop(soloTrainee(model), optimizer, data, h, {
    ...rest,
    dataSeeds: [dataSeed],
    dropoutSeeds: [dropoutSeed ?? dataSeed],
    accums: accum && [accum],
    onMetrics: onMetrics && ((_, rows) => onMetrics(rows)),
    onCheckpoint: onCheckpoint && ((it, accums) => onCheckpoint(it, accums[0]!)),
  });
}
