// The sparse fully connected layer (src/binding/sparse_dense.cpp): the masked dense layer computed only at the
// mask's nonzeros. The values stay in the dense W [Out, In] (checkpoints, pruning and export are unchanged); what
// is compressed is the structure of the mask, built once per mask (an IMP level) and passed to every call.
import { bound } from '../binding.js';
import type { Device, Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type I32 = Tensor<'i32'>;

/** The fields of a structure as the addon returns and reads them. */
export interface SparseDenseStructureData {
  readonly outFeatures: number;
  readonly inFeatures: number;
  readonly nnz: number;
  readonly device: Device;
  /** [Out+1]: the mask's CSR, columns ascending within each row. */
  readonly rowPtr: I32;
  /** [nnz] */
  readonly colIdx: I32;
  /** [In+1]: the transposed structure (CSC), rows ascending within each column. */
  readonly colPtr: I32;
  /** [nnz] */
  readonly rowIdx: I32;
  /** [nnz]: flat row-major indices o·In + i, ascending (the `positions` of sgdStep / adamStep). */
  readonly positions: I32;
}

/** The structure of a pruned [Out, In] weight, on the mask's device. `dispose()` frees its five tensors. */
export interface SparseDenseStructure extends SparseDenseStructureData {
  dispose(): void;
}

export interface SparseDenseForwardOptions {
  bias?: F32 | null;
  relu?: boolean;
  out?: F32;
}

export interface SparseDenseBackwardOptions {
  /** Which gradients to compute (default all), or tensors to write them into. A given dW is written only at
   *  the structure's nonzeros (the caller keeps the pruned entries at 0); a dW the op allocates is 0 there. */
  dx?: F32 | boolean;
  dW?: F32 | boolean;
  db?: F32 | boolean;
}

const structure = bound('sparseDenseStructure');

/**
 * The structure of mask [Out, In] (u8, nonzero = alive): CSR, CSC and flat positions. Masks do not change
 * inside an IMP level, so build it once per level. On CUDA the mask is copied to the host, the structure built
 * there and uploaded (once per level).
 */
export function sparseDenseStructure(mask: Tensor<'u8'>): SparseDenseStructure {
  const s = structure(mask);
  return {
    ...s,
    dispose() {
      for (const t of [s.rowPtr, s.colIdx, s.colPtr, s.rowIdx, s.positions]) t.dispose();
    },
  };
}

/**
 * y[B,Out] = x[B,In]·(W⊙M)ᵀ + bias, ReLU fused when `relu`, M the structure's nonzeros: equals
 * maskedDenseForward(x, W, { mask }) to fp32 rounding, reading W only at the nonzeros.
 */
export const sparseDenseForward = bound('sparseDenseForward');

/**
 * dx = dy·(W⊙M) (through the transposed structure), dW[o,i] = Σ_b dy[b,o]·x[b,i] only at the nonzeros (a
 * sampled dense-dense product), db = Σ_b dy: maskedDenseBackward's results to fp32 rounding.
 */
export const sparseDenseBackward = bound('sparseDenseBackward');
