// Dense ⇄ CSR conversion (src/binding/csr_convert.cpp), and CSR matrices from and to JS arrays.
import { bound } from '../binding.js';
import { describeValue } from '../describe.js';
import { LthError } from '../errors.js';
import { fromArray, isTensor, type Device, type DeviceRequest, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type I32 = Tensor<'i32'>;

/** A CSR matrix's fields as the addon reads and returns them. */
export interface CsrMatrixData {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly device: Device;
  readonly rowptr: I32;
  readonly colidx: I32;
  readonly values: F32;
}

/**
 * A CSR matrix [rows, cols] held in three native tensors: rowptr i32 [rows+1], colidx i32 [nnz] (ascending
 * within a row), values f32 [nnz]. `dispose()` frees all three.
 */
export interface CsrMatrix extends CsrMatrixData {
  dispose(): void;
}

function withDispose(m: CsrMatrixData): CsrMatrix {
  return {
    ...m,
    dispose() {
      m.rowptr.dispose();
      m.colidx.dispose();
      m.values.dispose();
    },
  };
}

export interface DenseToCsrOptions {
  /** Structure from the mask (mask != 0; zeros of W at alive positions are stored) instead of W != 0. */
  mask?: Tensor<'u8'> | null;
}

/** Number of entries denseToCsr would store: mask != 0 with a mask, else W != 0 (-0 is zero, NaN is not). */
export const denseNnz = bound('denseNnz');

const toCsr = bound('denseToCsr');
/** W [rows, cols] as CSR (new tensors on W's device). */
export function denseToCsr(W: F32, opts?: DenseToCsrOptions): CsrMatrix {
  return withDispose(toCsr(W, opts));
}

/** The dense [rows, cols] matrix of A (zeros elsewhere). */
export const csrToDense = bound('csrToDense');

export interface CsrArrays {
  rows: number;
  cols: number;
  rowptr: Int32Array;
  colidx: Int32Array;
  values: Float32Array;
}

/**
 * Throws ERR_ARG unless the arrays form a valid CSR matrix: rowptr has rows+1 entries, starts at 0, never
 * decreases and ends at nnz; column indices are in [0, cols) and strictly ascending within each row.
 */
export function validateCsr(a: CsrArrays, op = 'validateCsr'): void {
  const bad = (msg: string): never => {
    throw new LthError('ERR_ARG', `${op}: invalid CSR: ${msg}`);
  };
  if (typeof a !== 'object' || a === null) bad(`expected { rows, cols, rowptr, colidx, values }, got ${describeValue(a)}`);
  const int = (v: unknown, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  if (!int(a.rows, 2 ** 31 - 2)) bad(`rows must be an integer in [0, 2^31 - 2], got ${describeValue(a.rows)}`);
  if (!int(a.cols, 2 ** 31 - 1)) bad(`cols must be an integer in [0, 2^31 - 1], got ${describeValue(a.cols)}`);
  if (!(a.rowptr instanceof Int32Array) || !(a.colidx instanceof Int32Array) || !(a.values instanceof Float32Array)) {
    bad('rowptr and colidx must be Int32Arrays, values a Float32Array');
  }
  const nnz = a.values.length;
  if (a.rowptr.length !== a.rows + 1) bad(`rowptr has ${a.rowptr.length} entries, expected rows + 1 = ${a.rows + 1}`);
  if (a.colidx.length !== nnz) bad(`colidx has ${a.colidx.length} entries but values has ${nnz}`);
  if (a.rowptr[0] !== 0) bad(`rowptr[0] is ${a.rowptr[0]}, expected 0`);
  if (a.rowptr[a.rows] !== nnz) bad(`rowptr[rows] is ${a.rowptr[a.rows]}, expected nnz = ${nnz}`);
  for (let i = 0; i < a.rows; i++) {
    const p0 = a.rowptr[i]!;
    const p1 = a.rowptr[i + 1]!;
    if (p1 < p0) bad(`rowptr decreases at row ${i} (${p0} then ${p1})`);
    for (let p = p0; p < p1; p++) {
      const c = a.colidx[p]!;
      if (c < 0 || c >= a.cols) bad(`column index ${c} in row ${i} is outside [0, ${a.cols})`);
      if (p > p0 && c <= a.colidx[p - 1]!) bad(`column indices in row ${i} are not strictly ascending at entry ${p}`);
    }
  }
}

/** Upload a user-supplied CSR matrix after validating it (validateCsr). */
export function csrFromArrays(a: CsrArrays, opts: { device?: DeviceRequest } = {}): CsrMatrix {
  validateCsr(a, 'csrFromArrays');
  const rowptr = fromArray(a.rowptr, [a.rows + 1], opts);
  const colidx = fromArray(a.colidx, [a.colidx.length], opts);
  const values = fromArray(a.values, [a.values.length], opts);
  return withDispose({ rows: a.rows, cols: a.cols, nnz: a.values.length, device: values.device, rowptr, colidx, values });
}

/** The three arrays of a CSR matrix, copied to JS. */
export function csrToArrays(A: CsrMatrix): CsrArrays {
  const parts = typeof A === 'object' && A !== null ? [A.rowptr, A.colidx, A.values] : [];
  if (parts.length === 0 || !parts.every(isTensor)) {
    throw new LthError('ERR_ARG', `csrToArrays: 'A' must be a CsrMatrix, got ${describeValue(A)}`);
  }
  return { rows: A.rows, cols: A.cols, rowptr: A.rowptr.download(), colidx: A.colidx.download(), values: A.values.download() };
}
