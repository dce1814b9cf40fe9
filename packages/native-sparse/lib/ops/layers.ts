// Layer ops: ReLU, inverted dropout (seeded, counter-based: the same mask on every device and thread
// count), residual add, batch norm (PyTorch semantics), softmax cross-entropy with the correct count, and sigmoid binary cross-entropy.
import { arg, checkArgs, expectDType, expectLive, expectNumber, expectRank, expectSameDevice, expectShape, shapeStr, type ArgSpec } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;
type I32 = Tensor<'i32'>;

interface LayersNative {
  reluForward(x: F32, y: F32): void;
  reluBackward(y: F32, dy: F32, dx: F32): void;
  dropoutForward(x: F32, p: number, seed: number | bigint, y: F32, keep: U8): void;
  dropoutBackward(dy: F32, keep: U8, p: number, dx: F32): void;
  addForward(a: F32, b: F32, y: F32): void;
  batchNormForwardTrain(
    x: F32, gamma: F32 | null, beta: F32 | null, runningMean: F32 | null, runningVar: F32 | null,
    eps: number, momentum: number, y: F32, saveMean: F32 | null, saveInvstd: F32 | null,
  ): void;
  batchNormForwardEval(
    x: F32, gamma: F32 | null, beta: F32 | null, runningMean: F32, runningVar: F32, eps: number, y: F32,
  ): void;
  batchNormBackward(
    x: F32, gamma: F32 | null, saveMean: F32, saveInvstd: F32, dy: F32,
    dx: F32 | null, dgamma: F32 | null, dbeta: F32 | null,
  ): void;
  softmaxCrossEntropy(logits: F32, labels: I32, dlogits: F32 | null): { loss: number; correct: number };
  sigmoidBce(logits: F32, labels: F32, dlogits: F32 | null): { loss: number; correct: number };
}
const native = () => nativeAs<LayersNative>();

function live(op: string, ts: Record<string, Tensor | null | undefined>, dtype: 'f32' | 'u8' | 'i32' = 'f32'): void {
  for (const [name, t] of Object.entries(ts)) {
    if (!t) continue;
    expectLive(op, name, t);
    expectDType(op, name, t, dtype);
  }
}

/** `out` when given (checked against shape), else a new zero tensor of that shape on `like`'s device. */
function output<D extends 'f32' | 'u8'>(op: string, name: string, out: Tensor<D> | undefined, shape: readonly number[], dtype: D, like: Tensor): Tensor<D> {
  if (!out) return zeros(shape, { dtype, device: like.device });
  expectLive(op, name, out);
  expectDType(op, name, out, dtype);
  expectShape(op, name, out, shape);
  return out;
}

const f32 = arg.f32();
const vec = arg.f32({ optional: true, rank: 1 });
/** An optional output; elementwise ops name the inputs it may be (they read and write the same index). */
const outSpec = (inPlaceOf?: string[]): ArgSpec => arg.options({ out: arg.out('f32', { inPlaceOf }) });

/** y = max(x, 0), any shape; `out` may be x (in place). */
export function relu(x: F32, opts: { out?: F32 } = {}): F32 {
  const op = 'relu';
  checkArgs(op, { x: f32, opts: outSpec(['x']) }, [x, opts]);
  live(op, { x });
  const y = output(op, 'out', opts.out, x.shape, 'f32', x);
  expectSameDevice(op, { x, out: y });
  native().reluForward(x, y);
  return y;
}

/** dx = dy where y > 0, else 0 (y is relu's output); `out` may be dy or y (in place). */
export function reluBackward(y: F32, dy: F32, opts: { out?: F32 } = {}): F32 {
  const op = 'reluBackward';
  checkArgs(op, { y: f32, dy: f32, opts: outSpec(['y', 'dy']) }, [y, dy, opts]);
  live(op, { y, dy });
  expectShape(op, 'dy', dy, y.shape);
  const dx = output(op, 'out', opts.out, y.shape, 'f32', y);
  expectSameDevice(op, { y, dy, out: dx });
  native().reluBackward(y, dy, dx);
  return dx;
}

function checkP(op: string, p: number): void {
  if (typeof p !== 'number' || !(p >= 0 && p < 1) || Math.fround(p) >= 1) {
    throw new LthError('ERR_ARG', `${op}: p must be a number in [0, 1), got ${p}`);
  }
}

export interface DropoutResult {
  y: F32;
  /** 1 where the element was kept, 0 where dropped. */
  keep: U8;
}

/**
 * Inverted dropout: keep[i] = uniform(seed, i) >= p, y = keep ? x / (1 − p) : 0 (float32 division).
 * The mask depends only on (seed, i): the same on every device and thread count. p = 0 keeps everything.
 * `out` may be x (in place).
 */
export function dropout(x: F32, p: number, seed: number | bigint, opts: { out?: F32; keep?: U8 } = {}): DropoutResult {
  const op = 'dropout';
  checkArgs(op, {
    x: f32, p: arg.number(0, 1), seed: arg.seed(),
    opts: arg.options({ out: arg.out('f32', { inPlaceOf: ['x'] }), keep: arg.out('u8') }),
  }, [x, p, seed, opts]);
  live(op, { x });
  checkP(op, p);
  const y = output(op, 'out', opts.out, x.shape, 'f32', x);
  const keep = output(op, 'keep', opts.keep, x.shape, 'u8', x);
  expectSameDevice(op, { x, out: y, keep });
  native().dropoutForward(x, p, seed, y, keep);
  return { y, keep };
}

/** dx = keep ? dy / (1 − p) : 0; `out` may be dy (in place). */
export function dropoutBackward(dy: F32, keep: U8, p: number, opts: { out?: F32 } = {}): F32 {
  const op = 'dropoutBackward';
  checkArgs(op, { dy: f32, keep: arg.u8(), p: arg.number(0, 1), opts: outSpec(['dy']) }, [dy, keep, p, opts]);
  live(op, { dy });
  live(op, { keep }, 'u8');
  checkP(op, p);
  expectShape(op, 'keep', keep, dy.shape);
  const dx = output(op, 'out', opts.out, dy.shape, 'f32', dy);
  expectSameDevice(op, { dy, keep, out: dx });
  native().dropoutBackward(dy, keep, p, dx);
  return dx;
}

/** y = a + b (residual add; same shapes; `out` may be a or b). Its backward passes dy to both inputs. */
export function add(a: F32, b: F32, opts: { out?: F32 } = {}): F32 {
  const op = 'add';
  checkArgs(op, { a: f32, b: f32, opts: outSpec(['a', 'b']) }, [a, b, opts]);
  live(op, { a, b });
  expectShape(op, 'b', b, a.shape);
  const y = output(op, 'out', opts.out, a.shape, 'f32', a);
  expectSameDevice(op, { a, b, out: y });
  native().addForward(a, b, y);
  return y;
}

/** Channels of a batch-norm input [N,C,...] (rank >= 2), and the values per channel N·H·W. */
function bnDims(op: string, x: F32): { C: number; perChannel: number } {
  if (x.shape.length < 2) {
    throw new LthError('ERR_SHAPE', `${op}: 'x' must be [N,C,...] (rank >= 2), got ${shapeStr(x.shape)}`);
  }
  return { C: x.shape[1]!, perChannel: x.shape[0]! * x.shape.slice(2).reduce((a, b) => a * b, 1) };
}

function channelVecs(op: string, C: number, ts: Record<string, F32 | null | undefined>): void {
  for (const [name, t] of Object.entries(ts)) {
    if (!t) continue;
    expectLive(op, name, t);
    expectDType(op, name, t, 'f32');
    expectRank(op, name, t, 1);
    expectShape(op, name, t, [C]);
  }
}

export interface BatchNormTrainOptions {
  /** Default 1e-5. */
  eps?: number;
  /** Weight of the batch statistic in the running average, PyTorch style; default 0.1. */
  momentum?: number;
  out?: F32;
  saveMean?: F32;
  saveInvstd?: F32;
}

export interface BatchNormTrainResult {
  y: F32;
  /** Per-channel batch mean and 1/sqrt(biased var + eps), for batchNormBackward. */
  saveMean: F32;
  saveInvstd: F32;
}

/**
 * Training-mode batch norm over x [N,C,...] per channel: normalise with the biased batch variance,
 * y = x̂·gamma + beta; runningMean/runningVar (updated in place, may be null) move to
 * (1 − momentum)·old + momentum·batch with the unbiased batch variance. gamma/beta null = 1/0.
 */
export function batchNormTrain(
  x: F32, gamma: F32 | null, beta: F32 | null, runningMean: F32 | null, runningVar: F32 | null,
  opts: BatchNormTrainOptions = {},
): BatchNormTrainResult {
  const op = 'batchNormTrain';
  const state = arg.f32({ optional: true, rank: 1, role: 'out' });
  checkArgs(op, {
    x: arg.f32({ minRank: 2 }), gamma: vec, beta: vec, runningMean: state, runningVar: state,
    opts: arg.options({
      eps: arg.number(0, Infinity, true), momentum: arg.number(0, 1, true), out: arg.out('f32'),
      saveMean: arg.out('f32', { rank: 1 }), saveInvstd: arg.out('f32', { rank: 1 }),
    }),
  }, [x, gamma, beta, runningMean, runningVar, opts]);
  live(op, { x });
  const { C, perChannel } = bnDims(op, x);
  if (perChannel < 2) {
    throw new LthError('ERR_SHAPE', `${op}: training needs more than one value per channel, got x ${shapeStr(x.shape)}`);
  }
  channelVecs(op, C, { gamma, beta, runningMean, runningVar });
  const eps = opts.eps ?? 1e-5;
  const momentum = opts.momentum ?? 0.1;
  expectNumber(op, 'eps', eps, 0);
  expectNumber(op, 'momentum', momentum, 0, 1);
  const y = output(op, 'out', opts.out, x.shape, 'f32', x);
  const saveMean = output(op, 'saveMean', opts.saveMean, [C], 'f32', x);
  const saveInvstd = output(op, 'saveInvstd', opts.saveInvstd, [C], 'f32', x);
  expectSameDevice(op, { x, gamma, beta, runningMean, runningVar, out: y, saveMean, saveInvstd });
  native().batchNormForwardTrain(x, gamma, beta, runningMean, runningVar, eps, momentum, y, saveMean, saveInvstd);
  return { y, saveMean, saveInvstd };
}

/** Evaluation-mode batch norm: y = (x − runningMean)/sqrt(runningVar + eps)·gamma + beta. */
export function batchNormEval(
  x: F32, gamma: F32 | null, beta: F32 | null, runningMean: F32, runningVar: F32,
  opts: { eps?: number; out?: F32 } = {},
): F32 {
  const op = 'batchNormEval';
  checkArgs(op, {
    x: arg.f32({ minRank: 2 }), gamma: vec, beta: vec, runningMean: arg.f32({ rank: 1 }), runningVar: arg.f32({ rank: 1 }),
    opts: arg.options({ eps: arg.number(0, Infinity, true), out: arg.out('f32') }),
  }, [x, gamma, beta, runningMean, runningVar, opts]);
  live(op, { x });
  const { C } = bnDims(op, x);
  if (!runningMean || !runningVar) throw new LthError('ERR_ARG', `${op}: runningMean and runningVar are required`);
  channelVecs(op, C, { gamma, beta, runningMean, runningVar });
  const eps = opts.eps ?? 1e-5;
  expectNumber(op, 'eps', eps, 0);
  const y = output(op, 'out', opts.out, x.shape, 'f32', x);
  expectSameDevice(op, { x, gamma, beta, runningMean, runningVar, out: y });
  native().batchNormForwardEval(x, gamma, beta, runningMean, runningVar, eps, y);
  return y;
}

export interface BatchNormGrads {
  dx: F32 | null;
  dgamma: F32 | null;
  dbeta: F32 | null;
}

export interface BatchNormBackwardOptions {
  /** Which gradients to compute (default all), or tensors to write them into. */
  dx?: F32 | boolean;
  dgamma?: F32 | boolean;
  dbeta?: F32 | boolean;
}

/**
 * Backward of training-mode batch norm, from batchNormTrain's saveMean/saveInvstd:
 * dbeta = Σ dy, dgamma = Σ dy·x̂, dx = gamma·invstd·(dy − dbeta/M − x̂·dgamma/M), M = N·H·W.
 */
export function batchNormBackward(
  x: F32, gamma: F32 | null, saveMean: F32, saveInvstd: F32, dy: F32, opts: BatchNormBackwardOptions = {},
): BatchNormGrads {
  const op = 'batchNormBackward';
  checkArgs(op, {
    x: arg.f32({ minRank: 2 }), gamma: vec, saveMean: arg.f32({ rank: 1 }), saveInvstd: arg.f32({ rank: 1 }), dy: f32,
    opts: arg.options({ dx: arg.grad(), dgamma: arg.grad({ rank: 1 }), dbeta: arg.grad({ rank: 1 }) }),
  }, [x, gamma, saveMean, saveInvstd, dy, opts]);
  live(op, { x, dy });
  const { C } = bnDims(op, x);
  channelVecs(op, C, { gamma, saveMean, saveInvstd });
  expectShape(op, 'dy', dy, x.shape);
  const pick = (v: F32 | boolean | undefined, shape: readonly number[], name: string): F32 | null =>
    v === false ? null : output(op, name, v === undefined || v === true ? undefined : v, shape, 'f32', x);
  const dx = pick(opts.dx, x.shape, 'dx');
  const dgamma = pick(opts.dgamma, [C], 'dgamma');
  const dbeta = pick(opts.dbeta, [C], 'dbeta');
  expectSameDevice(op, { x, gamma, saveMean, saveInvstd, dy, dx, dgamma, dbeta });
  native().batchNormBackward(x, gamma, saveMean, saveInvstd, dy, dx, dgamma, dbeta);
  return { dx, dgamma, dbeta };
}

export interface SoftmaxCrossEntropyResult {
  /** Mean over the batch of −log softmax(logits)[label]; 0 for an empty batch. */
  loss: number;
  /** Rows whose first maximum logit is the label. */
  correct: number;
  /** (softmax − onehot) / B, or null when not asked for. */
  dlogits: F32 | null;
}

/**
 * Softmax cross-entropy of logits [B,C] against i32 labels [B] in [0, C) (a label out of range throws
 * ERR_ARG before any work). Only the loss and the count cross into JS.
 */
export function softmaxCrossEntropy(
  logits: F32, labels: I32, opts: { dlogits?: F32 | boolean } = {},
): SoftmaxCrossEntropyResult {
  const op = 'softmaxCrossEntropy';
  checkArgs(op, { logits: arg.f32({ rank: 2 }), labels: arg.i32({ rank: 1 }), opts: arg.options({ dlogits: arg.grad({ rank: 2 }) }) },
    [logits, labels, opts]);
  live(op, { logits });
  live(op, { labels }, 'i32');
  expectRank(op, 'logits', logits, 2);
  const [B, C] = [logits.shape[0]!, logits.shape[1]!];
  expectShape(op, 'labels', labels, [B]);
  const d = opts.dlogits;
  const dlogits = d === false ? null : output(op, 'dlogits', d === undefined || d === true ? undefined : d, [B, C], 'f32', logits);
  expectSameDevice(op, { logits, labels, dlogits });
  const r = native().softmaxCrossEntropy(logits, labels, dlogits);
  return { loss: r.loss, correct: r.correct, dlogits };
}

export interface SigmoidBinaryCrossEntropyResult {
  /** Mean over the batch of −y·log σ(z) − (1−y)·log(1−σ(z)), computed stably; 0 for an empty batch. */
  loss: number;
  /** Examples with (z > 0) == (y > 0.5). */
  correct: number;
  /** (σ(z) − y) / B, or null when not asked for. */
  dlogits: F32 | null;
}

/**
 * Sigmoid binary cross-entropy, one logit per example: logits [B], f32 labels [B] in [0, 1] (a label
 * outside [0, 1] or NaN throws ERR_ARG before any work). The loss uses the softplus form
 * max(z,0) − z·y + log1p(exp(−|z|)), finite for any finite z. Only the loss and the count cross into JS.
 */
export function sigmoidBinaryCrossEntropy(
  logits: F32, labels: F32, opts: { dlogits?: F32 | boolean } = {},
): SigmoidBinaryCrossEntropyResult {
  const op = 'sigmoidBinaryCrossEntropy';
  checkArgs(op, { logits: arg.f32({ rank: 1 }), labels: arg.f32({ rank: 1 }), opts: arg.options({ dlogits: arg.grad({ rank: 1 }) }) },
    [logits, labels, opts]);
  live(op, { logits, labels });
  expectRank(op, 'logits', logits, 1);
  const B = logits.shape[0]!;
  expectShape(op, 'labels', labels, [B]);
  const d = opts.dlogits;
  const dlogits = d === false ? null : output(op, 'dlogits', d === undefined || d === true ? undefined : d, [B], 'f32', logits);
  expectSameDevice(op, { logits, labels, dlogits });
  const r = native().sigmoidBce(logits, labels, dlogits);
  return { loss: r.loss, correct: r.correct, dlogits };
}
