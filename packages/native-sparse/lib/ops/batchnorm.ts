// Batch norm, PyTorch semantics (src/binding/batchnorm.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;

export interface BatchNormTrainOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Weight of the batch statistic in the running average, PyTorch style; default 0.1. */
  momentum?: number;
  out?: F32;
  saveMean?: F32;
  saveInvstd?: F32;
}

export interface BatchNormTrainResult {
  y: F32;
  /** Per-channel batch mean and 1/sqrt(biased var + eps), for batchNormBackward. */
  saveMean: F32;
  saveInvstd: F32;
}

export interface BatchNormEvalOptions {
  /** Default 1e-5. */
  eps?: number;
  out?: F32;
}

export interface BatchNormGrads {
  dx: F32 | null;
  dgamma: F32 | null;
  dbeta: F32 | null;
}

export interface BatchNormBackwardOptions {
  /** Which gradients to compute (default all), or tensors to write them into. */
  dx?: F32 | boolean;
  dgamma?: F32 | boolean;
  dbeta?: F32 | boolean;
}

/**
 * Training-mode batch norm over x [N,C,...] per channel: normalise with the biased batch variance,
 * y = x̂·gamma + beta; runningMean/runningVar (updated in place, may be null) move to
 * (1 − momentum)·old + momentum·batch with the unbiased batch variance. gamma/beta null = 1/0.
 */
export const batchNormTrain = bound('batchNormTrain');
/** Evaluation-mode batch norm: y = (x − runningMean)/sqrt(runningVar + eps)·gamma + beta. */
export const batchNormEval = bound('batchNormEval');
/**
 * Backward of training-mode batch norm, from batchNormTrain's saveMean/saveInvstd:
 * dbeta = Σ dy, dgamma = Σ dy·x̂, dx = gamma·invstd·(dy − dbeta/M − x̂·dgamma/M), M = N·H·W.
 */
export const batchNormBackward = bound('batchNormBackward');
