// Dense GEMM and the masked dense (fully connected) layer.
import { arg, checkArgs, expectLive, shapeStr, type ArgSpec } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Device, type DType, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

interface DenseNative {
  gemm(transA: boolean, transB: boolean, alpha: number, A: F32, B: F32, beta: number, C: F32): void;
  maskedDenseForward(x: F32, W: F32, mask: U8 | null, bias: F32 | null, relu: boolean, y: F32): void;
  maskedDenseBackward(x: F32, W: F32, mask: U8 | null, dy: F32, dx: F32 | null, dW: F32 | null, db: F32 | null): void;
  denseKernelInfo(): DenseKernelInfo;
}

/** The CPU GEMM variant in use (that of the SIMD path: the widest the CPU has, or env LTH_SIMD's) and its micro-tile. */
export interface DenseKernelInfo {
  isa: 'avx512' | 'avx2' | 'neon' | 'generic';
  mr: number;
  nr: number;
}
const native = () => nativeAs<DenseNative>();

export function denseKernelInfo(): DenseKernelInfo {
  checkArgs('denseKernelInfo', {}, []);
  return native().denseKernelInfo();
}

// Argument checks. A tensor's shape, dtype and device are plain read-only properties (no native call), so
// the tensor itself serves as its metadata; `disposed` is a native read, checked each call.
type Meta = Pick<Tensor, 'shape' | 'dtype' | 'device'>;

function meta(op: string, name: string, t: Tensor): Meta {
  expectLive(op, name, t);
  return t;
}

function checkMeta(op: string, name: string, m: Meta, dtype: DType, shape?: readonly number[], rank?: number): void {
  if (m.dtype !== dtype) throw new LthError('ERR_DTYPE', `${op}: '${name}' must be ${dtype}, got ${m.dtype}`);
  if (rank !== undefined && m.shape.length !== rank) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have rank ${rank}, got shape ${shapeStr(m.shape)}`);
  }
  if (shape && (m.shape.length !== shape.length || m.shape.some((d, i) => d !== shape[i]))) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must have shape ${shapeStr(shape)}, got ${shapeStr(m.shape)}`);
  }
}

function sameDevice(op: string, args: Record<string, Meta | null>): Device {
  let first: [string, Meta] | undefined;
  for (const [name, m] of Object.entries(args)) {
    if (!m) continue;
    if (!first) first = [name, m];
    else if (m.device !== first[1].device) {
      throw new LthError('ERR_DEVICE', `${op}: '${name}' is on ${m.device} but '${first[0]}' is on ${first[1].device}`);
    }
  }
  return first![1].device;
}

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
  checkArgs(op, {
    A: arg.f32({ rank: 2 }), B: arg.f32({ rank: 2 }),
    opts: arg.options({ transA: arg.bool(), transB: arg.bool(), alpha: arg.number(-Infinity, Infinity, true), beta: arg.number(-Infinity, Infinity, true), out: arg.out('f32', { rank: 2 }) }),
  }, [A, B, opts]);
  const { transA = false, transB = false, alpha = 1, beta = 0 } = opts;
  const a = meta(op, 'A', A);
  const b = meta(op, 'B', B);
  checkMeta(op, 'A', a, 'f32', undefined, 2);
  checkMeta(op, 'B', b, 'f32', undefined, 2);
  const [M, K] = transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [Kb, N] = transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (K !== Kb) {
    throw new LthError('ERR_SHAPE', `${op}: inner dimensions differ: op(A) is [${M},${K}], op(B) is [${Kb},${N}]`);
  }
  if (beta !== 0 && !opts.out) throw new LthError('ERR_ARG', `${op}: beta ${beta} needs an 'out' tensor to accumulate into`);
  const device = sameDevice(op, { A: a, B: b });
  const out = opts.out ?? zeros([M, N], { dtype: 'f32', device });
  if (opts.out) {
    const o = meta(op, 'out', out);
    checkMeta(op, 'out', o, 'f32', [M, N]);
    sameDevice(op, { A: a, out: o });
  }
  native().gemm(transA, transB, alpha, A, B, beta, out);
  return out;
}

interface DenseArgs {
  B: number;
  In: number;
  Out: number;
  x: Meta;
  W: Meta;
  mask: Meta | null;
}

function checkDense(op: string, x: F32, W: F32, mask: U8 | null | undefined): DenseArgs {
  const xm = meta(op, 'x', x);
  const wm = meta(op, 'W', W);
  checkMeta(op, 'x', xm, 'f32', undefined, 2);
  checkMeta(op, 'W', wm, 'f32', undefined, 2);
  const [B, In] = [xm.shape[0]!, xm.shape[1]!];
  const Out = wm.shape[0]!;
  if (wm.shape[1] !== In) {
    throw new LthError('ERR_SHAPE', `${op}: x ${shapeStr(xm.shape)} needs W [out, ${In}], got W ${shapeStr(wm.shape)}`);
  }
  const mm = mask ? meta(op, 'mask', mask) : null;
  if (mm) checkMeta(op, 'mask', mm, 'u8', wm.shape);
  return { B, In, Out, x: xm, W: wm, mask: mm };
}

const f2 = arg.f32({ rank: 2 });
const mask2: ArgSpec = arg.u8({ optional: true, rank: 2 });

export interface DenseForwardOptions {
  mask?: U8 | null;
  bias?: F32 | null;
  relu?: boolean;
  out?: F32;
}

/** y[B,Out] = x[B,In]·(W⊙mask)ᵀ + bias, W is [Out,In]; ReLU fused when `relu`. */
export function maskedDenseForward(x: F32, W: F32, opts: DenseForwardOptions = {}): F32 {
  const op = 'maskedDenseForward';
  checkArgs(op, {
    x: f2, W: f2,
    opts: arg.options({ mask: mask2, bias: arg.f32({ optional: true, rank: 1 }), relu: arg.bool(), out: arg.out('f32', { rank: 2 }) }),
  }, [x, W, opts]);
  const d = checkDense(op, x, W, opts.mask);
  const bm = opts.bias ? meta(op, 'bias', opts.bias) : null;
  if (bm) checkMeta(op, 'bias', bm, 'f32', [d.Out]);
  const device = sameDevice(op, { x: d.x, W: d.W, mask: d.mask, bias: bm });
  const y = opts.out ?? zeros([d.B, d.Out], { dtype: 'f32', device });
  if (opts.out) {
    const ym = meta(op, 'out', y);
    checkMeta(op, 'out', ym, 'f32', [d.B, d.Out]);
    sameDevice(op, { x: d.x, out: ym });
  }
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
  checkArgs(op, {
    x: f2, W: f2, dy: f2,
    opts: arg.options({ mask: mask2, dx: arg.grad({ rank: 2 }), dW: arg.grad({ rank: 2 }), db: arg.grad({ rank: 1 }) }),
  }, [x, W, dy, opts]);
  const d = checkDense(op, x, W, opts.mask);
  const dym = meta(op, 'dy', dy);
  checkMeta(op, 'dy', dym, 'f32', [d.B, d.Out]);
  const device = sameDevice(op, { x: d.x, W: d.W, mask: d.mask, dy: dym });
  const pick = (v: F32 | boolean | undefined, shape: number[], name: string): F32 | null => {
    if (v === false) return null;
    if (v === undefined || v === true) return zeros(shape, { dtype: 'f32', device });
    const m = meta(op, name, v);
    checkMeta(op, name, m, 'f32', shape);
    sameDevice(op, { x: d.x, [name]: m });
    return v;
  };
  const dx = pick(opts.dx, [d.B, d.In], 'dx');
  const dW = pick(opts.dW, [d.Out, d.In], 'dW');
  const db = pick(opts.db, [d.Out], 'db');
  native().maskedDenseBackward(x, W, opts.mask ?? null, dy, dx, dW, db);
  return { dx, dW, db };
}
