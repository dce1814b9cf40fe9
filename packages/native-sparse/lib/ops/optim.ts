// Optimizer steps (PyTorch SGD and Adam/AdamW semantics) that keep pruned weights and their optimizer state
// at exactly 0. Weights and state tensors are updated in place.
import { arg, checkArgs, expectInt, expectNumber } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import type { Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

interface OptimNative {
  sgdStep(g: F32, mask: U8 | null, lr: number, momentum: number, dampening: number, weightDecay: number,
    nesterov: boolean, w: F32, velocity: F32 | null): void;
  adamStep(g: F32, mask: U8 | null, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
    step: number, decoupled: boolean, w: F32, m: F32, v: F32): void;
}
const native = () => nativeAs<OptimNative>();

// Hot path (one call per parameter tensor and training step): scalars are checked here; tensors (dtype, element
// count, disposed, device) by the addon, whose messages name the argument — each tensor accessor from JS is a
// native call, and these ops are cheap enough for that to show. checkArgs reads only data properties here
// (live: false): types, dtypes and aliasing cost no native call.
const hot = { live: false } as const;
const state = arg.f32({ ...hot, role: 'out' });
const maskSpec = arg.u8({ ...hot, optional: true });

export interface SgdOptions {
  lr: number;
  /** Pruned positions (mask == 0) end with w = 0 and velocity = 0. */
  mask?: U8 | null;
  /** Momentum buffer, updated in place; required when momentum != 0 (start it at zeros). */
  velocity?: F32 | null;
  momentum?: number;
  dampening?: number;
  /** L2 decay added to the gradient (PyTorch SGD weight_decay). */
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * One SGD step in place (PyTorch semantics): g' = g + wd·w; buf = momentum·buf + (1 − dampening)·g';
 * w −= lr·(nesterov ? g' + momentum·buf : buf) (w −= lr·g' without momentum). Unlike PyTorch the first step
 * is not special-cased (PyTorch sets buf = g'); with a zero-initialised velocity and dampening 0 (the
 * default) both agree from the first step.
 */
export function sgdStep(w: F32, g: F32, opts: SgdOptions): void {
  const op = 'sgdStep';
  checkArgs(op, {
    w: state, g: arg.f32(hot),
    opts: arg.options({
      lr: arg.any(), mask: maskSpec, velocity: arg.f32({ ...hot, optional: true, role: 'out' }), momentum: arg.any(),
      dampening: arg.any(), weightDecay: arg.any(), nesterov: arg.bool(),
    }, false),
  }, [w, g, opts]);
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = opts;
  const mask = opts.mask ?? null;
  const velocity = opts.velocity ?? null;
  expectNumber(op, 'lr', lr, 0);
  expectNumber(op, 'momentum', momentum, 0);
  expectNumber(op, 'dampening', dampening);
  expectNumber(op, 'weightDecay', weightDecay, 0);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new LthError('ERR_ARG', `${op}: nesterov needs momentum > 0 and dampening 0 (got ${momentum}, ${dampening})`);
  }
  if (momentum !== 0 && !velocity) throw new LthError('ERR_ARG', `${op}: momentum ${momentum} needs a 'velocity' tensor`);
  native().sgdStep(g, mask, lr, momentum, dampening, weightDecay, nesterov, w, velocity);
}

export interface AdamOptions {
  lr: number;
  /** 1-based index of this update (bias correction uses β^step). */
  step: number;
  /** First and second moments, updated in place (start them at zeros). */
  m: F32;
  v: F32;
  /** Pruned positions (mask == 0) end with w = m = v = 0. */
  mask?: U8 | null;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** true: AdamW (w *= 1 − lr·wd before the update); false: L2 decay added to the gradient (Adam). */
  decoupled?: boolean;
}

/**
 * One Adam/AdamW step in place (PyTorch semantics): m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * w −= lr/(1−β1^step) · m / (sqrt(v)/sqrt(1−β2^step) + eps).
 */
export function adamStep(w: F32, g: F32, opts: AdamOptions): void {
  const op = 'adamStep';
  checkArgs(op, {
    w: state, g: arg.f32(hot),
    opts: arg.options({
      lr: arg.any(), step: arg.any(), m: state, v: state, mask: maskSpec, beta1: arg.any(), beta2: arg.any(), eps: arg.any(),
      weightDecay: arg.any(), decoupled: arg.bool(),
    }, false),
  }, [w, g, opts]);
  const { lr, step, m, v, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0, decoupled = false } = opts;
  const mask = opts.mask ?? null;
  expectNumber(op, 'lr', lr, 0);
  expectNumber(op, 'eps', eps, 0);
  expectNumber(op, 'weightDecay', weightDecay, 0);
  for (const [name, b] of [['beta1', beta1], ['beta2', beta2]] as const) {
    if (!(Number.isFinite(b) && b >= 0 && b < 1)) throw new LthError('ERR_ARG', `${op}: '${name}' must be in [0, 1), got ${b}`);
  }
  expectInt(op, 'step', step, 1);
  native().adamStep(g, mask, lr, beta1, beta2, eps, weightDecay, step, decoupled, w, m, v);
}
