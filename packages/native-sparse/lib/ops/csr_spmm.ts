// Sparse inference: CSR × dense products with fused bias and ReLU (src/binding/csr_spmm.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface CsrSpmmOptions {
  /** Added to every entry of row i of C: bias [rows]. */
  bias?: Tensor<'f32'> | null;
  relu?: boolean;
  out?: Tensor<'f32'>;
}

/**
 * C[rows, N] = A[rows, cols] · B[cols, N] + bias (per row), then ReLU when asked. For a layer y = x·Wᵀ with
 * W pruned to CSR, pass B = xᵀ [In, batch]: C is yᵀ [Out, batch] (keep activations feature-major).
 */
export const csrSpmm = bound('csrSpmm');
