// 2-D convolution, NCHW, cross-correlation like PyTorch: x [N,C,H,W], weights [K,C,R,S], output
// [N,K,P,Q] with P = floor((H + 2·padH − R) / strideH) + 1. The weights may carry a pruning mask
// (u8, same shape, 0 = pruned); the weight gradient is exactly 0 where pruned.
import { arg, checkArgs, expectDType, expectLive, expectRank, expectSameDevice, expectShape, shapeStr, type ArgSpec } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';
import { expectShape4, outputShape4, pairArg, slidingOutput, type Pair } from './spatial.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

interface ConvNative {
  conv2dForward(x: F32, w: F32, mask: U8 | null, bias: F32 | null, sh: number, sw: number, ph: number, pw: number, y: F32): void;
  conv2dBackwardData(dy: F32, w: F32, mask: U8 | null, sh: number, sw: number, ph: number, pw: number, dx: F32): void;
  conv2dBackwardFilter(x: F32, dy: F32, mask: U8 | null, sh: number, sw: number, ph: number, pw: number, dw: F32, db: F32 | null): void;
}
const native = () => nativeAs<ConvNative>();

export interface Conv2dGeometry {
  /** Default 1. */
  stride?: Pair;
  /** Zero padding on each side; default 0. */
  padding?: Pair;
}

interface Resolved {
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  out: [number, number, number, number];
}

function resolve(op: string, xShape: readonly number[], wShape: readonly number[], geo: Conv2dGeometry, xName = 'x'): Resolved {
  const [N, C, H, W] = expectShape4(op, `${xName} shape`, xShape);
  const [K, Cw, R, S] = expectShape4(op, 'weight shape', wShape);
  if (C !== Cw) {
    throw new LthError('ERR_SHAPE', `${op}: ${xName} ${shapeStr(xShape)} has ${C} channels but the weights ${shapeStr(wShape)} expect ${Cw}`);
  }
  const [sh, sw] = pairArg(op, 'stride', geo.stride, 1, 1);
  const [ph, pw] = pairArg(op, 'padding', geo.padding, 0, 0);
  const P = slidingOutput(op, 'kernel height', H, R, sh, ph);
  const Q = slidingOutput(op, 'kernel width', W, S, sw, pw);
  return { sh, sw, ph, pw, out: outputShape4(op, [N, K, P, Q]) };
}

/** The output shape [N,K,P,Q] of a convolution of an input of shape xShape with weights of shape wShape. */
const geometry = { stride: arg.pair(1), padding: arg.pair(0) };
const convOpts = (extra: Record<string, ArgSpec>): ArgSpec => arg.options({ ...geometry, mask: arg.u8({ optional: true, rank: 4 }), ...extra });

export function conv2dOutputShape(xShape: readonly number[], wShape: readonly number[], geo: Conv2dGeometry = {}): number[] {
  checkArgs('conv2dOutputShape', { xShape: arg.shape(4), wShape: arg.shape(4), geo: arg.options(geometry) }, [xShape, wShape, geo]);
  return resolve('conv2dOutputShape', xShape, wShape, geo).out;
}

function checkF32(op: string, name: string, t: F32, rank: number): void {
  expectLive(op, name, t);
  expectDType(op, name, t, 'f32');
  expectRank(op, name, t, rank);
}

function checkMask(op: string, mask: U8 | null | undefined, wShape: readonly number[]): void {
  if (!mask) return;
  expectLive(op, 'mask', mask);
  expectDType(op, 'mask', mask, 'u8');
  expectShape(op, 'mask', mask, wShape);
}

export interface Conv2dForwardOptions extends Conv2dGeometry {
  mask?: U8 | null;
  bias?: F32 | null;
  out?: F32;
}

/** y[N,K,P,Q] = conv(x, w ⊙ mask) + bias[K]. */
export function conv2dForward(x: F32, w: F32, opts: Conv2dForwardOptions = {}): F32 {
  const op = 'conv2dForward';
  checkArgs(op, {
    x: arg.f32({ rank: 4 }), w: arg.f32({ rank: 4 }),
    opts: convOpts({ bias: arg.f32({ optional: true, rank: 1 }), out: arg.out('f32', { rank: 4 }) }),
  }, [x, w, opts]);
  checkF32(op, 'x', x, 4);
  checkF32(op, 'w', w, 4);
  const g = resolve(op, x.shape, w.shape, opts);
  checkMask(op, opts.mask, w.shape);
  if (opts.bias) {
    checkF32(op, 'bias', opts.bias, 1);
    expectShape(op, 'bias', opts.bias, [g.out[1]]);
  }
  const y = opts.out ?? zeros(g.out, { dtype: 'f32', device: x.device });
  expectShape(op, 'out', y, g.out);
  expectSameDevice(op, { x, w, mask: opts.mask, bias: opts.bias, out: y });
  native().conv2dForward(x, w, opts.mask ?? null, opts.bias ?? null, g.sh, g.sw, g.ph, g.pw, y);
  return y;
}

export interface Conv2dBackwardDataOptions extends Conv2dGeometry {
  mask?: U8 | null;
  out?: F32;
}

/**
 * dx = gradient of the convolution w.r.t. its input: the transposed convolution of dy with w ⊙ mask.
 * inputShape is the forward input's [N,C,H,W] (with stride > 1 it is not implied by dy).
 */
export function conv2dBackwardData(dy: F32, w: F32, inputShape: readonly number[], opts: Conv2dBackwardDataOptions = {}): F32 {
  const op = 'conv2dBackwardData';
  checkArgs(op, {
    dy: arg.f32({ rank: 4 }), w: arg.f32({ rank: 4 }), inputShape: arg.shape(4), opts: convOpts({ out: arg.out('f32', { rank: 4 }) }),
  }, [dy, w, inputShape, opts]);
  checkF32(op, 'dy', dy, 4);
  checkF32(op, 'w', w, 4);
  const g = resolve(op, inputShape, w.shape, opts, 'input');
  checkMask(op, opts.mask, w.shape);
  expectShape(op, 'dy', dy, g.out);
  const dx = opts.out ?? zeros(inputShape, { dtype: 'f32', device: dy.device });
  expectShape(op, 'out', dx, inputShape);
  expectSameDevice(op, { dy, w, mask: opts.mask, out: dx });
  native().conv2dBackwardData(dy, w, opts.mask ?? null, g.sh, g.sw, g.ph, g.pw, dx);
  return dx;
}

export interface Conv2dBackwardFilterOptions extends Conv2dGeometry {
  mask?: U8 | null;
  /** Tensor to write dw into. */
  dw?: F32;
  /** Compute the bias gradient (default true), or a tensor to write it into. */
  db?: F32 | boolean;
}

export interface Conv2dFilterGrads {
  dw: F32;
  db: F32 | null;
}

/** dw[K,C,R,S] = (Σ_n x ⋆ dy) ⊙ mask (exactly 0 where pruned); db[K] = Σ dy. weightShape is [K,C,R,S]. */
export function conv2dBackwardFilter(
  x: F32,
  dy: F32,
  weightShape: readonly number[],
  opts: Conv2dBackwardFilterOptions = {},
): Conv2dFilterGrads {
  const op = 'conv2dBackwardFilter';
  checkArgs(op, {
    x: arg.f32({ rank: 4 }), dy: arg.f32({ rank: 4 }), weightShape: arg.shape(4),
    opts: convOpts({ dw: arg.out('f32', { rank: 4 }), db: arg.grad({ rank: 1 }) }),
  }, [x, dy, weightShape, opts]);
  checkF32(op, 'x', x, 4);
  checkF32(op, 'dy', dy, 4);
  const g = resolve(op, x.shape, weightShape, opts);
  checkMask(op, opts.mask, weightShape);
  expectShape(op, 'dy', dy, g.out);
  const K = g.out[1];
  const dw = opts.dw ?? zeros(weightShape, { dtype: 'f32', device: x.device });
  expectShape(op, 'dw', dw, weightShape);
  let db: F32 | null = null;
  if (opts.db === undefined || opts.db === true) db = zeros([K], { dtype: 'f32', device: x.device });
  else if (opts.db !== false) {
    expectShape(op, 'db', opts.db, [K]);
    db = opts.db;
  }
  expectSameDevice(op, { x, dy, mask: opts.mask, dw, db });
  native().conv2dBackwardFilter(x, dy, opts.mask ?? null, g.sh, g.sw, g.ph, g.pw, dw, db);
  return { dw, db };
}
