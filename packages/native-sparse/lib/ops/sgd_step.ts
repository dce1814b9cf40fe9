// One SGD step in place, PyTorch semantics, that keeps pruned weights and their velocity at exactly 0
// (src/binding/sgd_step.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface SgdOptions {
  lr: number;
  /** Pruned positions (mask == 0) end with w = 0 and velocity = 0. */
  mask?: Tensor<'u8'> | null;
  /** Flat indices (strictly ascending, e.g. a SparseDenseStructure's `positions`): only these entries of w, g
   *  and the optimizer state are read and written, with the unmasked step's arithmetic; excludes `mask`. */
  positions?: Tensor<'i32'> | null;
  /** Momentum buffer, updated in place; required when momentum != 0 (start it at zeros). */
  velocity?: Tensor<'f32'> | null;
  momentum?: number;
  dampening?: number;
  /** L2 decay added to the gradient (PyTorch SGD weight_decay). */
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * One SGD step in place (PyTorch semantics): g' = g + wd·w; buf = momentum·buf + (1 − dampening)·g';
 * w −= lr·(nesterov ? g' + momentum·buf : buf) (w −= lr·g' without momentum). Unlike PyTorch the first step
 * is not special-cased (PyTorch sets buf = g'); with a zero-initialised velocity and dampening 0 (the
 * default) both agree from the first step.
 */
export const sgdStep = bound('sgdStep');
