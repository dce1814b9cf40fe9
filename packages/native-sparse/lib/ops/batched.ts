// Ops over a leading trial axis: T independent problems of one shape in one call (e.g. T lottery trials of one
// architecture, weights stacked [T, ...]). Each trial's result equals the unbatched op on its slices; on CUDA
// the T problems run in one batched launch per product with one wait, instead of T calls that wait each.
// An input of one rank less than its per-trial form (x [B,In], labels [B]) is shared by every trial.
import { arg, checkArgs, expectDType, expectLive, expectSameDevice, expectShape, shapeStr, type ArgSpec } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;
type I32 = Tensor<'i32'>;

interface BatchedNative {
  maskedDenseForwardBatched(x: F32, W: F32, mask: U8 | null, bias: F32 | null, relu: boolean, y: F32): void;
  maskedDenseBackwardBatched(x: F32, W: F32, mask: U8 | null, dy: F32, dx: F32 | null, dW: F32 | null, db: F32 | null): void;
  softmaxCrossEntropyBatched(logits: F32, labels: I32, dlogits: F32 | null): { loss: number[]; correct: number[] };
}
const native = () => nativeAs<BatchedNative>();

function checked<T extends Tensor>(op: string, name: string, t: T, dtype: 'f32' | 'u8' | 'i32', shape?: readonly number[]): T {
  expectLive(op, name, t);
  expectDType(op, name, t, dtype);
  if (shape) expectShape(op, name, t, shape);
  return t;
}

interface BatchedDims {
  T: number;
  B: number;
  In: number;
  Out: number;
}

/** W [T,Out,In]; x [T,B,In] (per trial) or [B,In] (shared by every trial); mask like W. */
function dims(op: string, x: F32, W: F32, mask: U8 | null | undefined): BatchedDims {
  checked(op, 'x', x, 'f32');
  checked(op, 'W', W, 'f32');
  if (W.shape.length !== 3) throw new LthError('ERR_SHAPE', `${op}: 'W' must be [T,out,in] (rank 3), got ${shapeStr(W.shape)}`);
  const [T, Out, In] = W.shape as [number, number, number];
  if (x.shape.length !== 2 && x.shape.length !== 3) {
    throw new LthError('ERR_SHAPE', `${op}: 'x' must be [T,B,in] or [B,in] (shared by every trial), got ${shapeStr(x.shape)}`);
  }
  const shared = x.shape.length === 2;
  if (!shared && x.shape[0] !== T) {
    throw new LthError('ERR_SHAPE', `${op}: x ${shapeStr(x.shape)} holds ${x.shape[0]} trials, W ${shapeStr(W.shape)} holds ${T}`);
  }
  if (x.shape[x.shape.length - 1] !== In) {
    throw new LthError('ERR_SHAPE', `${op}: x ${shapeStr(x.shape)} needs W [T,out,${x.shape[x.shape.length - 1]}], got W ${shapeStr(W.shape)}`);
  }
  if (mask) checked(op, 'mask', mask, 'u8', W.shape);
  return { T, B: shared ? x.shape[0]! : x.shape[1]!, In, Out };
}

const xSpec = arg.f32();
const wSpec = arg.f32({ rank: 3 });
const maskSpec: ArgSpec = arg.u8({ optional: true, rank: 3 });

export interface BatchedDenseForwardOptions {
  /** u8 [T,Out,In], 0 = pruned. */
  mask?: U8 | null;
  /** [T,Out] */
  bias?: F32 | null;
  relu?: boolean;
  /** [T,B,Out] */
  out?: F32;
}

/**
 * y[t] = x[t]·(W[t]⊙mask[t])ᵀ + bias[t] for every trial t (ReLU fused when `relu`): W [T,Out,In], x [T,B,In] or
 * [B,In] shared by every trial (evaluation), y [T,B,Out].
 */
export function maskedDenseForwardBatched(x: F32, W: F32, opts: BatchedDenseForwardOptions = {}): F32 {
  const op = 'maskedDenseForwardBatched';
  checkArgs(op, {
    x: xSpec, W: wSpec,
    opts: arg.options({ mask: maskSpec, bias: arg.f32({ optional: true, rank: 2 }), relu: arg.bool(), out: arg.out('f32', { rank: 3 }) }),
  }, [x, W, opts]);
  const d = dims(op, x, W, opts.mask);
  const bias = opts.bias ? checked(op, 'bias', opts.bias, 'f32', [d.T, d.Out]) : null;
  const y = opts.out ? checked(op, 'out', opts.out, 'f32', [d.T, d.B, d.Out]) : zeros([d.T, d.B, d.Out], { device: W.device });
  expectSameDevice(op, { x, W, mask: opts.mask, bias, out: y });
  native().maskedDenseForwardBatched(x, W, opts.mask ?? null, bias, opts.relu ?? false, y);
  return y;
}

export interface BatchedDenseGrads {
  dx: F32 | null;
  dW: F32 | null;
  db: F32 | null;
}

export interface BatchedDenseBackwardOptions {
  mask?: U8 | null;
  /** Which gradients to compute (default all), or tensors to write them into: dx [T,B,In], dW [T,Out,In], db [T,Out]. */
  dx?: F32 | boolean;
  dW?: F32 | boolean;
  db?: F32 | boolean;
}

/** Per trial: dx = dy·(W⊙mask), dW = (dyᵀ·x)⊙mask (exactly 0 where pruned), db = Σ_b dy; dy [T,B,Out]. */
export function maskedDenseBackwardBatched(x: F32, W: F32, dy: F32, opts: BatchedDenseBackwardOptions = {}): BatchedDenseGrads {
  const op = 'maskedDenseBackwardBatched';
  checkArgs(op, {
    x: xSpec, W: wSpec, dy: arg.f32({ rank: 3 }),
    opts: arg.options({ mask: maskSpec, dx: arg.grad(), dW: arg.grad({ rank: 3 }), db: arg.grad({ rank: 2 }) }),
  }, [x, W, dy, opts]);
  const d = dims(op, x, W, opts.mask);
  checked(op, 'dy', dy, 'f32', [d.T, d.B, d.Out]);
  expectSameDevice(op, { x, W, mask: opts.mask, dy });
  const pick = (v: F32 | boolean | undefined, shape: number[], name: string): F32 | null => {
    if (v === false) return null;
    if (v === undefined || v === true) return zeros(shape, { device: W.device });
    checked(op, name, v, 'f32', shape);
    expectSameDevice(op, { W, [name]: v });
    return v;
  };
  const dx = pick(opts.dx, [d.T, d.B, d.In], 'dx');
  const dW = pick(opts.dW, [d.T, d.Out, d.In], 'dW');
  const db = pick(opts.db, [d.T, d.Out], 'db');
  native().maskedDenseBackwardBatched(x, W, opts.mask ?? null, dy, dx, dW, db);
  return { dx, dW, db };
}

export interface SoftmaxCrossEntropyBatchedResult {
  /** Per trial: mean over its batch of −log softmax(logits)[label] (0 for an empty batch). */
  loss: number[];
  /** Per trial: rows whose first maximum is the label. */
  correct: number[];
  /** [T,B,C], (softmax − onehot)/B per trial, or null when not requested. */
  dlogits: F32 | null;
}

/**
 * softmaxCrossEntropy for every trial: logits [T,B,C], labels i32 [T,B] or [B] (shared by every trial). Every
 * label is checked before anything is written; a bad one is ERR_ARG naming its trial and row.
 */
export function softmaxCrossEntropyBatched(
  logits: F32, labels: I32, opts: { dlogits?: F32 | boolean } = {},
): SoftmaxCrossEntropyBatchedResult {
  const op = 'softmaxCrossEntropyBatched';
  checkArgs(op, { logits: arg.f32({ rank: 3 }), labels: arg.i32(), opts: arg.options({ dlogits: arg.grad({ rank: 3 }) }) },
    [logits, labels, opts]);
  checked(op, 'logits', logits, 'f32');
  checked(op, 'labels', labels, 'i32');
  if (logits.shape.length !== 3) throw new LthError('ERR_SHAPE', `${op}: 'logits' must be [T,B,C] (rank 3), got ${shapeStr(logits.shape)}`);
  const [T, B, C] = logits.shape as [number, number, number];
  expectShape(op, 'labels', labels, labels.shape.length === 1 ? [B] : [T, B]);
  const d = opts.dlogits;
  const dlogits = d === false ? null : d === undefined || d === true ? zeros([T, B, C], { device: logits.device }) : checked(op, 'dlogits', d, 'f32', [T, B, C]);
  expectSameDevice(op, { logits, labels, dlogits });
  const r = native().softmaxCrossEntropyBatched(logits, labels, dlogits);
  return { loss: r.loss, correct: r.correct, dlogits };
}
