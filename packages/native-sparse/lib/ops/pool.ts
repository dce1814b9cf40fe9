// Pooling over NCHW tensors: max pooling (with i32 argmax indices for the backward pass), average
// pooling (count_include_pad like PyTorch), and global average pooling [N,C,H,W] -> [N,C].
// Output size P = floor((H + 2·padH − kernelH) / strideH) + 1; padding is at most half the kernel.
import { arg, checkArgs, checkShapeValue, expectDType, expectLive, expectRank, expectSameDevice, expectShape, shapeStr, type ArgSpec } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';
import { expectShape4, outputShape4, pairArg, slidingOutput, type Pair } from './spatial.js';

type F32 = Tensor<'f32'>;
type I32 = Tensor<'i32'>;

type Geo6 = [kh: number, kw: number, sh: number, sw: number, ph: number, pw: number];

interface PoolNative {
  maxPool2dForward(x: F32, ...geo: [...Geo6, y: F32, argmax: I32]): void;
  maxPool2dBackward(dy: F32, argmax: I32, ...geo: [...Geo6, dx: F32]): void;
  avgPool2dForward(x: F32, ...geo: [...Geo6, countIncludePad: boolean, y: F32]): void;
  avgPool2dBackward(dy: F32, ...geo: [...Geo6, countIncludePad: boolean, dx: F32]): void;
  globalAvgPoolForward(x: F32, y: F32): void;
  globalAvgPoolBackward(dy: F32, dx: F32): void;
}
const native = () => nativeAs<PoolNative>();

export interface Pool2dGeometry {
  kernelSize: Pair;
  /** Default: the kernel size (non-overlapping windows), like PyTorch. */
  stride?: Pair;
  /** Implicit padding on each side (−inf for max, 0 for average), at most half the kernel; default 0. */
  padding?: Pair;
}

function resolve(op: string, inputShape: readonly number[], geo: Pool2dGeometry): { geo: Geo6; out: number[] } {
  const [N, C, H, W] = expectShape4(op, 'input shape', inputShape);
  if (typeof geo !== 'object' || geo === null || geo.kernelSize === undefined) {
    throw new LthError('ERR_ARG', `${op}: option 'kernelSize' is required`);
  }
  const [kh, kw] = pairArg(op, 'kernelSize', geo.kernelSize, 1, 1);
  const [sh, sw] = pairArg(op, 'stride', geo.stride, [kh, kw], 1);
  const [ph, pw] = pairArg(op, 'padding', geo.padding, 0, 0);
  if (2 * ph > kh || 2 * pw > kw) {
    throw new LthError('ERR_ARG', `${op}: padding [${ph},${pw}] must be at most half the kernel [${kh},${kw}]`);
  }
  const P = slidingOutput(op, 'window height', H, kh, sh, ph);
  const Q = slidingOutput(op, 'window width', W, kw, sw, pw);
  return { geo: [kh, kw, sh, sw, ph, pw], out: outputShape4(op, [N, C, P, Q]) };
}

/** Output shape [N,C,P,Q] of a 2-D pooling of an input of shape inputShape. */
const geometry = { kernelSize: arg.pair(1, false), stride: arg.pair(1), padding: arg.pair(0) };
const poolOpts = (extra: Record<string, ArgSpec>): ArgSpec => arg.options({ ...geometry, ...extra }, false);
const f4 = arg.f32({ rank: 4 });
const out4 = (inPlaceOf?: string[]): ArgSpec => arg.out('f32', { rank: 4, inPlaceOf });

export function pool2dOutputShape(inputShape: readonly number[], geo: Pool2dGeometry): number[] {
  checkArgs('pool2dOutputShape', { inputShape: arg.shape(4), geo: poolOpts({}) }, [inputShape, geo]);
  return resolve('pool2dOutputShape', inputShape, geo).out;
}

function checkF32(op: string, name: string, t: F32, rank: number): void {
  expectLive(op, name, t);
  expectDType(op, name, t, 'f32');
  expectRank(op, name, t, rank);
}

export interface MaxPool2dOptions extends Pool2dGeometry {
  out?: F32;
  argmax?: I32;
}

export interface MaxPool2dResult {
  y: F32;
  /** Flat h·W + w index of the chosen input within its (n, c) plane; ties go to the first maximum. */
  argmax: I32;
}

/** Max pooling; padding counts as −inf. */
export function maxPool2d(x: F32, opts: MaxPool2dOptions): MaxPool2dResult {
  const op = 'maxPool2d';
  checkArgs(op, { x: f4, opts: poolOpts({ out: out4(), argmax: arg.out('i32', { rank: 4 }) }) }, [x, opts]);
  checkF32(op, 'x', x, 4);
  const g = resolve(op, x.shape, opts);
  const y = opts.out ?? zeros(g.out, { dtype: 'f32', device: x.device });
  const argmax = opts.argmax ?? zeros(g.out, { dtype: 'i32', device: x.device });
  expectShape(op, 'out', y, g.out);
  expectShape(op, 'argmax', argmax, g.out);
  expectDType(op, 'argmax', argmax, 'i32');
  expectSameDevice(op, { x, out: y, argmax });
  native().maxPool2dForward(x, ...g.geo, y, argmax);
  return { y, argmax };
}

/** dx[N,C,H,W]: each dy routed to its argmax input (summed where windows overlap). */
export function maxPool2dBackward(
  dy: F32,
  argmax: I32,
  inputShape: readonly number[],
  opts: Pool2dGeometry & { out?: F32 },
): F32 {
  const op = 'maxPool2dBackward';
  checkArgs(op, { dy: f4, argmax: arg.i32({ rank: 4 }), inputShape: arg.shape(4), opts: poolOpts({ out: out4() }) },
    [dy, argmax, inputShape, opts]);
  checkF32(op, 'dy', dy, 4);
  expectLive(op, 'argmax', argmax);
  expectDType(op, 'argmax', argmax, 'i32');
  const g = resolve(op, inputShape, opts);
  expectShape(op, 'dy', dy, g.out);
  expectShape(op, 'argmax', argmax, g.out);
  const dx = opts.out ?? zeros(inputShape, { dtype: 'f32', device: dy.device });
  expectShape(op, 'out', dx, inputShape);
  expectSameDevice(op, { dy, argmax, out: dx });
  native().maxPool2dBackward(dy, argmax, ...g.geo, dx);
  return dx;
}

export interface AvgPool2dOptions extends Pool2dGeometry {
  /** Divide by kernelH·kernelW (true, default, like PyTorch) or by the in-bounds inputs of each window. */
  countIncludePad?: boolean;
  out?: F32;
}

/** Average pooling. */
export function avgPool2d(x: F32, opts: AvgPool2dOptions): F32 {
  const op = 'avgPool2d';
  checkArgs(op, { x: f4, opts: poolOpts({ countIncludePad: arg.bool(), out: out4() }) }, [x, opts]);
  checkF32(op, 'x', x, 4);
  const g = resolve(op, x.shape, opts);
  const y = opts.out ?? zeros(g.out, { dtype: 'f32', device: x.device });
  expectShape(op, 'out', y, g.out);
  expectSameDevice(op, { x, out: y });
  native().avgPool2dForward(x, ...g.geo, opts.countIncludePad ?? true, y);
  return y;
}

/** dx[N,C,H,W]: each dy / divisor spread over its window. */
export function avgPool2dBackward(dy: F32, inputShape: readonly number[], opts: AvgPool2dOptions): F32 {
  const op = 'avgPool2dBackward';
  checkArgs(op, { dy: f4, inputShape: arg.shape(4), opts: poolOpts({ countIncludePad: arg.bool(), out: out4() }) },
    [dy, inputShape, opts]);
  checkF32(op, 'dy', dy, 4);
  const g = resolve(op, inputShape, opts);
  expectShape(op, 'dy', dy, g.out);
  const dx = opts.out ?? zeros(inputShape, { dtype: 'f32', device: dy.device });
  expectShape(op, 'out', dx, inputShape);
  expectSameDevice(op, { dy, out: dx });
  native().avgPool2dBackward(dy, ...g.geo, opts.countIncludePad ?? true, dx);
  return dx;
}

function globalDims(op: string, name: string, shape: readonly number[]): [number, number] {
  if (checkShapeValue(op, name, shape).length < 3) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' must be [N,C,H,W] (rank >= 3), got ${shapeStr(shape)}`);
  }
  if (shape.slice(2).some((d) => d === 0)) {
    throw new LthError('ERR_SHAPE', `${op}: '${name}' ${shapeStr(shape)} has an empty spatial extent`);
  }
  return [shape[0]!, shape[1]!];
}

/** y[N,C] = mean of x[N,C,H,W] over H·W. */
export function globalAvgPool(x: F32, opts: { out?: F32 } = {}): F32 {
  const op = 'globalAvgPool';
  checkArgs(op, { x: arg.f32({ minRank: 3 }), opts: arg.options({ out: arg.out('f32', { rank: 2 }) }) }, [x, opts]);
  expectLive(op, 'x', x);
  expectDType(op, 'x', x, 'f32');
  const [N, C] = globalDims(op, 'x', x.shape);
  const y = opts.out ?? zeros([N, C], { dtype: 'f32', device: x.device });
  expectShape(op, 'out', y, [N, C]);
  expectSameDevice(op, { x, out: y });
  native().globalAvgPoolForward(x, y);
  return y;
}

/** dx[N,C,H,W] = dy[N,C] / (H·W) broadcast over each plane. */
export function globalAvgPoolBackward(dy: F32, inputShape: readonly number[], opts: { out?: F32 } = {}): F32 {
  const op = 'globalAvgPoolBackward';
  checkArgs(op, { dy: arg.f32({ rank: 2 }), inputShape: arg.shape(), opts: arg.options({ out: arg.out('f32') }) },
    [dy, inputShape, opts]);
  checkF32(op, 'dy', dy, 2);
  const [N, C] = globalDims(op, 'input shape', inputShape);
  expectShape(op, 'dy', dy, [N, C]);
  const dx = opts.out ?? zeros(inputShape, { dtype: 'f32', device: dy.device });
  expectShape(op, 'out', dx, inputShape);
  expectSameDevice(op, { dy, out: dx });
  native().globalAvgPoolBackward(dy, dx);
  return dx;
}
