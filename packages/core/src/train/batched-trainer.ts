// T trials of one fully connected network trained together (models/batched-mlp.ts) by the loop (train/loop.ts):
// the T batches stacked [T, B, ...shape], one batched forward/backward and one optimizer step over the stacked
// parameters, evaluation of all trials on each evaluation batch. Trial t sees exactly the batches, the learning
// rates and the evaluation points the solo network sees, so its metrics and weights are the solo run's. No dropout
// (models/batched-mlp.ts batchUnsupported): the dropout seeds are not used.
import { softmaxCrossEntropyBatched, zeros } from '@lth/native-sparse';
import type { PreparedData } from '../data/prepare.js';
import type { Hparams } from '../hparams/schema.js';
import type { BatchedMlp } from '../models/batched-mlp.js';
import { evaluateBatched } from './batched-evaluate.js';
import { trainLoop, type LoopOptions, type Trainee } from './loop.js';
import type { Optimizer } from './optimizer.js';

/** The loop's options: one data seed per trial (model.trials of them), per-trial accumulators and callbacks. */
export type BatchedTrainOptions = LoopOptions;

/** The trials of `model` as the loop's T trials. */
export function batchedTrainee(model: BatchedMlp): Trainee {
  const T = model.trials;
  return {
    trials: T,
    params: model.params,
    stepper: (X, Y, classes, own) => {
      const B = Y.shape[0]! / T;
      const Xv = own(X.reshape([T, B, ...X.shape.slice(1)]));
      const Yv = own(Y.reshape([T, B]));
      const D = own(zeros([T, B, classes], { device: X.device }));
      return () => {
        const r = softmaxCrossEntropyBatched(model.forward(Xv), Yv, { dlogits: D });
        model.backward(D);
        return r;
      };
    },
    evaluate: (split, shape, resident) => evaluateBatched(model, split, shape, { resident }),
  };
}

export function trainBatched(
  model: BatchedMlp,
  optimizer: Optimizer,
  data: PreparedData,
  h: Hparams,
  opts: BatchedTrainOptions,
): { stoppedAt: number } {
  return trainLoop(batchedTrainee(model), optimizer, data, h, opts);
}
