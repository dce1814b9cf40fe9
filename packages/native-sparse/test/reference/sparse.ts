// Float64 / plain-JS references for the CSR ops. Row-major dense matrices.
import type { CsrArrays } from '../../lib/index.js';

/** CSR of W: structure mask != 0 with a mask, else W != 0. */
export function denseToCsrRef(rows: number, cols: number, W: Float32Array, mask: Uint8Array | null): CsrArrays {
  const rowptr = new Int32Array(rows + 1);
  const colidx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const w = W[i * cols + j]!;
      if (mask ? mask[i * cols + j] !== 0 : w !== 0) {
        colidx.push(j);
        values.push(w);
      }
    }
    rowptr[i + 1] = colidx.length;
  }
  return { rows, cols, rowptr, colidx: Int32Array.from(colidx), values: Float32Array.from(values) };
}

export function csrToDenseRef(a: CsrArrays): Float32Array {
  const W = new Float32Array(a.rows * a.cols);
  for (let i = 0; i < a.rows; i++) for (let p = a.rowptr[i]!; p < a.rowptr[i + 1]!; p++) W[i * a.cols + a.colidx[p]!] = a.values[p]!;
  return W;
}

/** C[rows, N] = A · B[cols, N] + bias, ReLU, in float64. */
export function csrSpmmRef(a: CsrArrays, N: number, B: ArrayLike<number>, bias: ArrayLike<number> | null, relu: boolean): Float64Array {
  const C = new Float64Array(a.rows * N);
  for (let i = 0; i < a.rows; i++) {
    const row = C.subarray(i * N, (i + 1) * N);
    row.fill(bias ? bias[i]! : 0);
    for (let p = a.rowptr[i]!; p < a.rowptr[i + 1]!; p++) {
      const v = a.values[p]!;
      const b = a.colidx[p]! * N;
      for (let j = 0; j < N; j++) row[j]! += v * B[b + j]!;
    }
    if (relu) for (let j = 0; j < N; j++) row[j] = Math.max(row[j]!, 0);
  }
  return C;
}
