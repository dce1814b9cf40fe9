// The masked dense layer over a leading trial axis (src/binding/masked_dense_batched.cpp): T independent problems
// of one shape in one call (e.g. T lottery trials of one architecture, weights stacked [T, ...]). Each trial's
// result equals the unbatched op on its slices; on CUDA the T problems run in one batched launch per product with
// one wait. An input of one rank less than its per-trial form (x [B,In]) is shared by every trial.
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;

export interface BatchedDenseForwardOptions {
  /** u8 [T,Out,In], 0 = pruned. */
  mask?: Tensor<'u8'> | null;
  /** [T,Out] */
  bias?: F32 | null;
  relu?: boolean;
  /** [T,B,Out] */
  out?: F32;
}

export interface BatchedDenseGrads {
  dx: F32 | null;
  dW: F32 | null;
  db: F32 | null;
}

export interface BatchedDenseBackwardOptions {
  mask?: Tensor<'u8'> | null;
  /** Which gradients to compute (default all), or tensors to write them into: dx [T,B,In], dW [T,Out,In], db [T,Out]. */
  dx?: F32 | boolean;
  dW?: F32 | boolean;
  db?: F32 | boolean;
}

/**
 * y[t] = x[t]·(W[t]⊙mask[t])ᵀ + bias[t] for every trial t (ReLU fused when `relu`): W [T,Out,In], x [T,B,In] or
 * [B,In] shared by every trial (evaluation), y [T,B,Out].
 */
export const maskedDenseForwardBatched = bound('maskedDenseForwardBatched');
/** Per trial: dx = dy·(W⊙mask), dW = (dyᵀ·x)⊙mask (exactly 0 where pruned), db = Σ_b dy; dy [T,B,Out]. */
export const maskedDenseBackwardBatched = bound('maskedDenseBackwardBatched');
