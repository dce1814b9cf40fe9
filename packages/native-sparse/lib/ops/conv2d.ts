// 2-D convolution, NCHW, cross-correlation like PyTorch (src/binding/conv2d.cpp, which alone computes the
// geometry): x [N,C,H,W], weights [K,C,R,S], output [N,K,P,Q] with P = floor((H + 2·padH − R) / strideH) + 1.
// The weights may carry a pruning mask (u8, same shape, 0 = pruned); the weight gradient is exactly 0 where pruned.
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';
import type { Pair } from './pool2d.js';

type F32 = Tensor<'f32'>;

export interface Conv2dGeometry {
  /** Default 1. */
  stride?: Pair;
  /** Zero padding on each side; default 0. */
  padding?: Pair;
}

export interface Conv2dForwardOptions extends Conv2dGeometry {
  mask?: Tensor<'u8'> | null;
  bias?: F32 | null;
  out?: F32;
}

export interface Conv2dBackwardDataOptions extends Conv2dGeometry {
  mask?: Tensor<'u8'> | null;
  out?: F32;
}

export interface Conv2dBackwardFilterOptions extends Conv2dGeometry {
  mask?: Tensor<'u8'> | null;
  /** Tensor to write dw into. */
  dw?: F32;
  /** Compute the bias gradient (default true), or a tensor to write it into. */
  db?: F32 | boolean;
}

export interface Conv2dFilterGrads {
  dw: F32;
  db: F32 | null;
}

/** The output shape [N,K,P,Q] of a convolution of an input of shape xShape with weights of shape wShape. */
export const conv2dOutputShape = bound('conv2dOutputShape');
/** y[N,K,P,Q] = conv(x, w ⊙ mask) + bias[K]. */
export const conv2dForward = bound('conv2dForward');
/**
 * dx = gradient of the convolution w.r.t. its input: the transposed convolution of dy with w ⊙ mask.
 * inputShape is the forward input's [N,C,H,W] (with stride > 1 it is not implied by dy).
 */
export const conv2dBackwardData = bound('conv2dBackwardData');
/** dw[K,C,R,S] = (Σ_n x ⋆ dy) ⊙ mask (exactly 0 where pruned); db[K] = Σ dy. weightShape is [K,C,R,S]. */
export const conv2dBackwardFilter = bound('conv2dBackwardFilter');
