// Softmax cross-entropy with the count of correct rows (src/binding/softmax_cross_entropy.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface SoftmaxCrossEntropyResult {
  /** Mean over the batch of −log softmax(logits)[label]; 0 for an empty batch. */
  loss: number;
  /** Rows whose first maximum logit is the label. */
  correct: number;
  /** (softmax − onehot) / B, or null when not asked for. */
  dlogits: Tensor<'f32'> | null;
}

/**
 * Softmax cross-entropy of logits [B,C] against i32 labels [B] in [0, C) (a label out of range throws
 * ERR_ARG before any work). Only the loss and the count cross into JS.
 */
export const softmaxCrossEntropy = bound('softmaxCrossEntropy');
