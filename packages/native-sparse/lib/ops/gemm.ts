// Dense GEMM (src/binding/gemm.cpp).
import { bound } from '../binding.js';
import type { Tensor } from '../tensor.js';

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** Scale of C's old contents (accumulation); 0 overwrites. Needs `out`. */
  beta?: number;
  out?: Tensor<'f32'>;
}

/** The CPU GEMM variant in use (that of the SIMD path: the widest the CPU has, or env LTH_SIMD's) and its micro-tile. */
export interface DenseKernelInfo {
  isa: 'avx512' | 'avx2' | 'neon' | 'generic';
  mr: number;
  nr: number;
}

/** C[M,N] = alpha·op(A)·op(B) + beta·C. A is [M,K] ([K,M] with transA), B is [K,N] ([N,K] with transB). */
export const gemm = bound('gemm');
export const denseKernelInfo = bound('denseKernelInfo');
