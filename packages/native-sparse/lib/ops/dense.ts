// Dense GEMM and the masked dense (fully connected) layer.
import { expectDType, expectLive, expectRank, expectSameDevice, expectShape, shapeStr } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

interface DenseNative {
  gemm(transA: boolean, transB: boolean, alpha: number, A: F32, B: F32, beta: number, C: F32): void;
  maskedDenseForward(x: F32, W: F32, mask: U8 | null, bias: F32 | null, relu: boolean, y: F32): void;
  maskedDenseBackward(x: F32, W: F32, mask: U8 | null, dy: F32, dx: F32 | null, dW: F32 | null, db: F32 | null): void;
}
const native = () => nativeAs<DenseNative>();

export interface GemmOptions {
  transA?: boolean;
  transB?: boolean;
  alpha?: number;
  /** Scale of C's old contents (accumulation); 0 overwrites. Needs `out`. */
  beta?: number;
  out?: F32;
}

/** C[M,N] = alpha·op(A)·op(B) + beta·C. A is [M,K] ([K,M] with transA), B is [K,N] ([N,K] with transB). */
export function gemm(A: F32, B: F32, opts: GemmOptions = {}): F32 {
  const op = 'gemm';
  const { transA = false, transB = false, alpha = 1, beta = 0 } = opts;
  expectLive(op, 'A', A);
  expectLive(op, 'B', B);
  expectRank(op, 'A', A, 2);
  expectRank(op, 'B', B, 2);
  expectDType(op, 'A', A, 'f32');
  expectDType(op, 'B', B, 'f32');
  const [M, K] = transA ? [A.shape[1]!, A.shape[0]!] : [A.shape[0]!, A.shape[1]!];
  const [Kb, N] = transB ? [B.shape[1]!, B.shape[0]!] : [B.shape[0]!, B.shape[1]!];
  if (K !== Kb) {
    throw new LthError('ERR_SHAPE', `${op}: inner dimensions differ: op(A) is [${M},${K}], op(B) is [${Kb},${N}]`);
  }
  if (beta !== 0 && !opts.out) throw new LthError('ERR_ARG', `${op}: beta ${beta} needs an 'out' tensor to accumulate into`);
  const out = opts.out ?? zeros([M, N], { dtype: 'f32', device: A.device });
  expectShape(op, 'out', out, [M, N]);
  expectSameDevice(op, { A, B, out });
  native().gemm(transA, transB, alpha, A, B, beta, out);
  return out;
}

function checkDense(op: string, x: F32, W: F32, mask: U8 | null | undefined): { B: number; In: number; Out: number } {
  expectLive(op, 'x', x);
  expectLive(op, 'W', W);
  expectRank(op, 'x', x, 2);
  expectRank(op, 'W', W, 2);
  expectDType(op, 'x', x, 'f32');
  expectDType(op, 'W', W, 'f32');
  const [B, In] = [x.shape[0]!, x.shape[1]!];
  const Out = W.shape[0]!;
  if (W.shape[1] !== In) {
    throw new LthError('ERR_SHAPE', `${op}: x ${shapeStr(x.shape)} needs W [out, ${In}], got W ${shapeStr(W.shape)}`);
  }
  if (mask) {
    expectLive(op, 'mask', mask);
    expectDType(op, 'mask', mask, 'u8');
    expectShape(op, 'mask', mask, W.shape);
  }
  return { B, In, Out };
}

export interface DenseForwardOptions {
  mask?: U8 | null;
  bias?: F32 | null;
  relu?: boolean;
  out?: F32;
}

/** y[B,Out] = x[B,In]·(W⊙mask)ᵀ + bias, W is [Out,In]; ReLU fused when `relu`. */
export function maskedDenseForward(x: F32, W: F32, opts: DenseForwardOptions = {}): F32 {
  const op = 'maskedDenseForward';
  const { B, Out } = checkDense(op, x, W, opts.mask);
  if (opts.bias) expectShape(op, 'bias', opts.bias, [Out]);
  const y = opts.out ?? zeros([B, Out], { dtype: 'f32', device: x.device });
  expectShape(op, 'out', y, [B, Out]);
  expectSameDevice(op, { x, W, mask: opts.mask, bias: opts.bias, out: y });
  native().maskedDenseForward(x, W, opts.mask ?? null, opts.bias ?? null, opts.relu ?? false, y);
  return y;
}

export interface DenseGrads {
  dx: F32 | null;
  dW: F32 | null;
  db: F32 | null;
}

export interface DenseBackwardOptions {
  mask?: U8 | null;
  /** Which gradients to compute (default all), or tensors to write them into. */
  dx?: F32 | boolean;
  dW?: F32 | boolean;
  db?: F32 | boolean;
}

/** dx = dy·(W⊙mask), dW = (dyᵀ·x)⊙mask (exactly 0 where pruned), db = Σ_b dy. */
export function maskedDenseBackward(x: F32, W: F32, dy: F32, opts: DenseBackwardOptions = {}): DenseGrads {
  const op = 'maskedDenseBackward';
  const { B, In, Out } = checkDense(op, x, W, opts.mask);
  expectShape(op, 'dy', dy, [B, Out]);
  const pick = (v: F32 | boolean | undefined, shape: number[], name: string): F32 | null => {
    if (v === false) return null;
    if (v === undefined || v === true) return zeros(shape, { dtype: 'f32', device: x.device });
    expectShape(op, name, v, shape);
    return v;
  };
  const dx = pick(opts.dx, [B, In], 'dx');
  const dW = pick(opts.dW, [Out, In], 'dW');
  const db = pick(opts.db, [Out], 'db');
  expectSameDevice(op, { x, W, mask: opts.mask, dy, dx, dW, db });
  native().maskedDenseBackward(x, W, opts.mask ?? null, dy, dx, dW, db);
  return { dx, dW, db };
}
