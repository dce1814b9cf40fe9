// One Adam/AdamW step in place, PyTorch semantics, that keeps pruned weights and their moments at exactly 0
// (src/binding/adam_step.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface AdamOptions {
  lr: number;
  /** 1-based index of this update (bias correction uses β^step). */
  step: number;
  /** First and second moments, updated in place (start them at zeros). */
  m: Tensor<'f32'>;
  v: Tensor<'f32'>;
  /** Pruned positions (mask == 0) end with w = m = v = 0. */
  mask?: Tensor<'u8'> | null;
  /** Flat indices (strictly ascending, e.g. a SparseDenseStructure's `positions`): only these entries of w, g
   *  and the optimizer state are read and written, with the unmasked step's arithmetic; excludes `mask`. */
  positions?: Tensor<'i32'> | null;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** true: AdamW (w *= 1 − lr·wd before the update); false: L2 decay added to the gradient (Adam). */
  decoupled?: boolean;
}

/**
 * One Adam/AdamW step in place (PyTorch semantics): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * w −= lr/(1−β1^step) · m / (sqrt(v)/sqrt(1−β2^step) + eps).
 */
export const adamStep = bound('adamStep');
