// Softmax cross-entropy over a leading trial axis (src/binding/softmax_cross_entropy_batched.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface SoftmaxCrossEntropyBatchedResult {
  /** Per trial: mean over its batch of −log softmax(logits)[label] (0 for an empty batch). */
  loss: number[];
  /** Per trial: rows whose first maximum is the label. */
  correct: number[];
  /** [T,B,C], (softmax − onehot)/B per trial, or null when not requested. */
  dlogits: Tensor<'f32'> | null;
}

/**
 * softmaxCrossEntropy for every trial: logits [T,B,C], labels i32 [T,B] or [B] (shared by every trial). Every
 * label is checked before anything is written; a bad one is ERR_ARG naming its trial and row.
 */
export const softmaxCrossEntropyBatched = bound('softmaxCrossEntropyBatched');
