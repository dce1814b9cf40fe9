// Sigmoid binary cross-entropy, one logit per example (src/binding/sigmoid_binary_cross_entropy.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

/** The losses' options: the gradient w.r.t. the logits (default: computed), or a tensor to write it into. */
export interface LossOptions {
  dlogits?: Tensor<'f32'> | boolean;
}

export interface SigmoidBinaryCrossEntropyResult {
  /** Mean over the batch of −y·log σ(z) − (1−y)·log(1−σ(z)), computed stably; 0 for an empty batch. */
  loss: number;
  /** Examples with (z > 0) == (y > 0.5). */
  correct: number;
  /** (σ(z) − y) / B, or null when not asked for. */
  dlogits: Tensor<'f32'> | null;
}

/**
 * Sigmoid binary cross-entropy, one logit per example: logits [B], f32 labels [B] in [0, 1] (a label
 * outside [0, 1] or NaN throws ERR_ARG before any work). The loss uses the softplus form
 * max(z,0) − z·y + log1p(exp(−|z|)), finite for any finite z. Only the loss and the count cross into JS.
 */
export const sigmoidBinaryCrossEntropy = bound('sigmoidBinaryCrossEntropy');
