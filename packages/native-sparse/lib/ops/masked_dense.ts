// The masked dense (fully connected) layer (src/binding/masked_dense.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;

export interface DenseForwardOptions {
  mask?: Tensor<'u8'> | null;
  bias?: F32 | null;
  relu?: boolean;
  out?: F32;
}

export interface DenseGrads {
  dx: F32 | null;
  dW: F32 | null;
  db: F32 | null;
}

export interface DenseBackwardOptions {
  mask?: Tensor<'u8'> | null;
  /** Which gradients to compute (default all), or tensors to write them into. */
  dx?: F32 | boolean;
  dW?: F32 | boolean;
  db?: F32 | boolean;
}

/** y[B,Out] = x[B,In]·(W⊙mask)ᵀ + bias, W is [Out,In]; ReLU fused when `relu`. */
export const maskedDenseForward = bound('maskedDenseForward');
/** dx = dy·(W⊙mask), dW = (dyᵀ·x)⊙mask (exactly 0 where pruned), db = Σ_b dy. */
export const maskedDenseBackward = bound('maskedDenseBackward');
