// Sparse inference: dense ⇄ CSR conversion and CSR × dense products with fused bias and ReLU.
import { arg, checkArgs, expectDType, expectInt, expectLive, expectRank, expectSameDevice, expectShape, shapeStr } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { fromArray, zeros, type Device, type DeviceRequest, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;
type I32 = Tensor<'i32'>;

interface SparseNative {
  denseNnz(W: F32, mask: U8 | null): number;
  denseToCsr(W: F32, mask: U8 | null): { rowptr: I32; colidx: I32; values: F32 };
  csrToDense(rowptr: I32, colidx: I32, values: F32, rows: number, cols: number, W: F32): void;
  csrSpmm(rowptr: I32, colidx: I32, values: F32, rows: number, cols: number, B: F32, bias: F32 | null, relu: boolean,
    C: F32): void;
}
const native = () => nativeAs<SparseNative>();

/**
 * A CSR matrix [rows, cols] held in three native tensors: rowptr i32 [rows+1], colidx i32 [nnz] (ascending
 * within a row), values f32 [nnz]. `dispose()` frees all three.
 */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly device: Device;
  readonly rowptr: I32;
  readonly colidx: I32;
  readonly values: F32;
  dispose(): void;
}

function makeCsr(rows: number, cols: number, rowptr: I32, colidx: I32, values: F32): CsrMatrix {
  return {
    rows, cols, nnz: values.numel, device: values.device, rowptr, colidx, values,
    dispose() {
      rowptr.dispose();
      colidx.dispose();
      values.dispose();
    },
  };
}

function checkDense(op: string, W: F32, mask: U8 | null | undefined): void {
  expectLive(op, 'W', W);
  expectRank(op, 'W', W, 2);
  expectDType(op, 'W', W, 'f32');
  if (mask) {
    expectLive(op, 'mask', mask);
    expectDType(op, 'mask', mask, 'u8');
    expectShape(op, 'mask', mask, W.shape);
    expectSameDevice(op, { W, mask });
  }
}

const denseSpec = { W: arg.f32({ rank: 2 }), opts: arg.options({ mask: arg.u8({ optional: true, rank: 2 }) }) };

export interface DenseToCsrOptions {
  /** Structure from the mask (mask != 0; zeros of W at alive positions are stored) instead of W != 0. */
  mask?: U8 | null;
}

/** Number of entries denseToCsr would store: mask != 0 with a mask, else W != 0 (-0 is zero, NaN is not). */
export function denseNnz(W: F32, opts: DenseToCsrOptions = {}): number {
  checkArgs('denseNnz', denseSpec, [W, opts]);
  checkDense('denseNnz', W, opts.mask);
  return native().denseNnz(W, opts.mask ?? null);
}

/** W [rows, cols] as CSR (new tensors on W's device). */
export function denseToCsr(W: F32, opts: DenseToCsrOptions = {}): CsrMatrix {
  checkArgs('denseToCsr', denseSpec, [W, opts]);
  checkDense('denseToCsr', W, opts.mask);
  const { rowptr, colidx, values } = native().denseToCsr(W, opts.mask ?? null);
  return makeCsr(W.shape[0]!, W.shape[1]!, rowptr, colidx, values);
}

export interface CsrArrays {
  rows: number;
  cols: number;
  rowptr: Int32Array;
  colidx: Int32Array;
  values: Float32Array;
}

const csrArraysSpec = arg.options({
  rows: arg.int(0, 2 ** 31 - 2), cols: arg.int(0, 2 ** 31 - 1),
  rowptr: arg.typedArray('i32'), colidx: arg.typedArray('i32'), values: arg.typedArray('f32'),
}, false);

/**
 * Throws ERR_ARG unless the arrays form a valid CSR matrix: rowptr has rows+1 entries, starts at 0, never
 * decreases and ends at nnz; column indices are in [0, cols) and strictly ascending within each row.
 */
export function validateCsr(a: CsrArrays, op = 'validateCsr'): void {
  checkArgs(op, { arrays: csrArraysSpec, op: arg.any() }, [a, op]);
  const bad = (msg: string): never => {
    throw new LthError('ERR_ARG', `${op}: invalid CSR: ${msg}`);
  };
  expectInt(op, 'rows', a.rows, 0, 2 ** 31 - 2);
  expectInt(op, 'cols', a.cols, 0, 2 ** 31 - 1);
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
  checkArgs('csrFromArrays', { arrays: arg.any(), opts: arg.options({ device: arg.any() }) }, [a, opts]);
  validateCsr(a, 'csrFromArrays');
  const dev = { device: opts.device ?? 'cpu' };
  return makeCsr(a.rows, a.cols, fromArray(a.rowptr, [a.rows + 1], dev), fromArray(a.colidx, [a.colidx.length], dev),
    fromArray(a.values, [a.values.length], dev));
}

/** The three arrays of a CSR matrix, copied to JS. */
export function csrToArrays(A: CsrMatrix): CsrArrays {
  checkArgs('csrToArrays', { A: arg.csr() }, [A]);
  checkCsr('csrToArrays', A);
  return { rows: A.rows, cols: A.cols, rowptr: A.rowptr.download(), colidx: A.colidx.download(), values: A.values.download() };
}

function checkCsr(op: string, A: CsrMatrix): void {
  for (const [name, t] of [['rowptr', A.rowptr], ['colidx', A.colidx], ['values', A.values]] as const) expectLive(op, name, t);
  expectInt(op, 'A.rows', A.rows, 0, 2 ** 31 - 2);
  expectInt(op, 'A.cols', A.cols, 0, 2 ** 31 - 1);
  expectDType(op, 'rowptr', A.rowptr, 'i32');
  expectDType(op, 'colidx', A.colidx, 'i32');
  expectDType(op, 'values', A.values, 'f32');
  expectShape(op, 'rowptr', A.rowptr, [A.rows + 1]);
  expectShape(op, 'values', A.values, [A.nnz]);
  expectShape(op, 'colidx', A.colidx, [A.nnz]);
  expectSameDevice(op, { rowptr: A.rowptr, colidx: A.colidx, values: A.values });
}

/** The dense [rows, cols] matrix of A (zeros elsewhere). */
export function csrToDense(A: CsrMatrix, opts: { out?: F32 } = {}): F32 {
  const op = 'csrToDense';
  checkArgs(op, { A: arg.csr(), opts: arg.options({ out: arg.out('f32', { rank: 2 }) }) }, [A, opts]);
  checkCsr(op, A);
  const out = opts.out ?? zeros([A.rows, A.cols], { dtype: 'f32', device: A.device });
  expectLive(op, 'out', out);
  expectDType(op, 'out', out, 'f32');
  expectShape(op, 'out', out, [A.rows, A.cols]);
  expectSameDevice(op, { values: A.values, out });
  native().csrToDense(A.rowptr, A.colidx, A.values, A.rows, A.cols, out);
  return out;
}

export interface CsrSpmmOptions {
  /** Added to every entry of row i of C: bias [rows]. */
  bias?: F32 | null;
  relu?: boolean;
  out?: F32;
}

/**
 * C[rows, N] = A[rows, cols] · B[cols, N] + bias (per row), then ReLU when asked. For a layer y = x·Wᵀ with
 * W pruned to CSR, pass B = xᵀ [In, batch]: C is yᵀ [Out, batch] (keep activations feature-major).
 *
 * Hot path (one call per layer and batch, microseconds at LeNet sizes): every tensor accessor is a native call
 * (~0.2–1 µs), so nothing is re-checked here that the addon checks anyway with messages naming the
 * argument (shapes, dtypes, disposed tensors, devices, A's tensors and contents). Only when `out` is not
 * given is B's shape read, to allocate C.
 */
export function csrSpmm(A: CsrMatrix, B: F32, opts: CsrSpmmOptions = {}): F32 {
  checkArgs('csrSpmm', {
    A: arg.csr(false), B: arg.f32({ live: false }),
    opts: arg.options({ bias: arg.f32({ live: false, optional: true }), relu: arg.bool(), out: arg.out('f32', { live: false }) }),
  }, [A, B, opts]);
  let out = opts.out;
  if (!out) {
    const bs = B.shape;
    if (bs.length !== 2 || bs[0] !== A.cols) {
      throw new LthError('ERR_SHAPE', `csrSpmm: A is [${A.rows},${A.cols}], so B must be [${A.cols}, N], got ${shapeStr(bs)}`);
    }
    out = zeros([A.rows, bs[1]!], { dtype: 'f32', device: A.device });
  }
  try {
    native().csrSpmm(A.rowptr, A.colidx, A.values, A.rows, A.cols, B, opts.bias ?? null, opts.relu ?? false, out);
  } catch (e) {
    if (!opts.out) out.dispose();
    throw e;
  }
  return out;
}
