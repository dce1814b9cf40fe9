// 2-D pooling over NCHW tensors (src/binding/pool2d.cpp, which alone computes the geometry): max pooling (with
// i32 argmax indices for the backward pass) and average pooling (count_include_pad like PyTorch).
// Output size P = floor((H + 2·padH − kernelH) / strideH) + 1; padding is at most half the kernel.
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;

/** A size given once for both spatial dimensions or as [h, w]. */
export type Pair = number | readonly [number, number];

export interface Pool2dGeometry {
  kernelSize: Pair;
  /** Default: the kernel size (non-overlapping windows), like PyTorch. */
  stride?: Pair;
  /** Implicit padding on each side (−inf for max, 0 for average), at most half the kernel; default 0. */
  padding?: Pair;
}

export interface MaxPool2dOptions extends Pool2dGeometry {
  out?: F32;
  argmax?: Tensor<'i32'>;
}

export interface MaxPool2dBackwardOptions extends Pool2dGeometry {
  out?: F32;
}

export interface MaxPool2dResult {
  y: F32;
  /** Flat h·W + w index of the chosen input within its (n, c) plane; ties go to the first maximum. */
  argmax: Tensor<'i32'>;
}

export interface AvgPool2dOptions extends Pool2dGeometry {
  /** Divide by kernelH·kernelW (true, default, like PyTorch) or by the in-bounds inputs of each window. */
  countIncludePad?: boolean;
  out?: F32;
}

/** Output shape [N,C,P,Q] of a 2-D pooling of an input of shape inputShape. */
export const pool2dOutputShape = bound('pool2dOutputShape');
/** Max pooling; padding counts as −inf. */
export const maxPool2d = bound('maxPool2d');
/** dx[N,C,H,W]: each dy routed to its argmax input (summed where windows overlap). */
export const maxPool2dBackward = bound('maxPool2dBackward');
/** Average pooling. */
export const avgPool2d = bound('avgPool2d');
/** dx[N,C,H,W]: each dy / divisor spread over its window. */
export const avgPool2dBackward = bound('avgPool2dBackward');
