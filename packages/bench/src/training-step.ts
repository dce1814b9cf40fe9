// One training step (forward, backward, Adam update) of LeNet-300-100 and Conv-4 at batch 60: lth (native
// kernels, masked, 50% density) vs tfjs (tfjs-node(-gpu) when importable, else tfjs-wasm with our
// Conv2DBackpropFilter and MaxPoolGrad kernels) with the same weights, masks and data. Before timing, the first step
// must agree (loss, gradients, updated weights: see first-step.ts).
import { createModel, initialize, Optimizer, parseHparams, type Model, type Param } from '@lth/core';
import { fromArray, softmaxCrossEntropy, zeros, type Device } from '@lth/native-sparse';
import { time, type BenchRow } from '@lth/native-sparse/bench-harness';
import { loadTfjs, shortError, type Tfjs, type TfjsBaseline } from '@lth/native-sparse/bench-tfjs';
import type * as tfTypes from '@tensorflow/tfjs';
import { compareFirstStep } from './first-step.js';

export interface Net {
  name: string;
  model: string;
  input: [number, number, number];
}

export const NETS: Net[] = [
  { name: 'LeNet-300-100', model: 'lenet-300-100', input: [1, 28, 28] },
  { name: 'Conv-4', model: 'conv4', input: [3, 32, 32] },
];

const B = 60;
const LR = 1.2e-3;

export function buildOurs(net: Net, seed: number, device: Device): Model {
  const h = parseHparams({ model: { model: net.model } });
  const model = createModel(h.model, net.input, 10, device);
  initialize(model, h.model, seed);
  // 50% random masks, weights zeroed where pruned (a ticket at half density).
  let s = 12345;
  for (const p of model.params) {
    if (!p.mask) continue;
    const m = new Uint8Array(p.mask.numel).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 1);
    p.mask.upload(m);
    const w = p.value.download();
    for (let i = 0; i < w.length; i++) if (!m[i]) w[i] = 0;
    p.value.upload(w);
  }
  return model;
}

/**
 * Our parameter layout → tfjs's: conv kernels [K,C,R,S] → [R,S,C,K], dense [out,in] → [in,out]. The first dense
 * layer after the convs reads a (C,H,W)-ordered flatten in lth and (H,W,C) in tfjs (NHWC), so its input rows
 * are permuted; `flat` gives (C, H·W) of that flatten.
 */
function toTfjsLayout(p: Param, a: Float32Array, flat: [number, number] | null): { data: Float32Array; shape: number[] } {
  if (p.kind === 'conv') {
    const [K, C, R, S] = p.shape as [number, number, number, number];
    const o = new Float32Array(a.length);
    for (let k = 0; k < K; k++)
      for (let c = 0; c < C; c++)
        for (let r = 0; r < R; r++) for (let s = 0; s < S; s++) o[((r * S + s) * C + c) * K + k] = a[((k * C + c) * R + r) * S + s]!;
    return { data: o, shape: [R, S, C, K] };
  }
  if (p.kind === 'fc' || p.kind === 'output') {
    const [O, I] = p.shape as [number, number];
    const o = new Float32Array(a.length);
    for (let r = 0; r < O; r++) {
      for (let i = 0; i < I; i++) {
        const j = flat ? (i % flat[1]) * flat[0] + Math.floor(i / flat[1]) : i;
        o[j * O + r] = a[r * I + i]!;
      }
    }
    return { data: o, shape: [I, O] };
  }
  return { data: a, shape: [a.length] };
}

interface Mirror {
  /** One step; returns the loss (computed before the update). */
  step(): number;
  /** One step that also returns the gradients (tfjs layout, model.params order). */
  stepWithGrads(): { loss: number; grads: Float32Array[] };
  /** Variable values in tfjs layout, in model.params order. */
  values(): Float32Array[];
  dispose(): void;
}

/** The same network, weights, masks and data in tfjs (NHWC), trained by tf.train.adam with lth's epsilon. */
function tfjsMirror(tfb: TfjsBaseline, net: Net, model: Model, xs: Float32Array, ys: Int32Array): Mirror {
  const tf: Tfjs = tfb.tf;
  const convs = model.params.filter((p) => p.kind === 'conv');
  const first = flatOf(net, model);
  const vars: Array<{ v: tfTypes.Variable; m: tfTypes.Tensor | null }> = [];
  for (const p of model.params) {
    const flat = p === first.param ? first.flat : null;
    const w = toTfjsLayout(p, p.value.download(), flat);
    const m = p.mask ? toTfjsLayout(p, Float32Array.from(p.mask.download()), flat) : null;
    vars.push({ v: tf.variable(tf.tensor(w.data, w.shape)), m: m ? tf.tensor(m.data, m.shape) : null });
  }
  const [C, H, W] = net.input;
  const nhwc = new Float32Array(xs.length);
  for (let n = 0; n < B; n++)
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) nhwc[((n * H + y) * W + x) * C + c] = xs[((n * C + c) * H + y) * W + x]!;
  const x0 = tf.tensor4d(nhwc, [B, H, W, C]);
  const onehot = tf.oneHot(tf.tensor1d(ys, 'int32'), 10);
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  const masked = (i: number) => tf.mul(vars[i]!.v, vars[i]!.m!);
  const forward = (): tfTypes.Scalar => {
    let h: tfTypes.Tensor = x0;
    let i = 0;
    for (let c = 0; c < convs.length; c++, i += 2) {
      h = tf.relu(tf.add(tf.conv2d(h as tfTypes.Tensor4D, masked(i) as tfTypes.Tensor4D, 1, 'same'), vars[i + 1]!.v));
      if (c % 2 === 1) h = tf.maxPool(h as tfTypes.Tensor4D, 2, 2, 'valid');
    }
    h = tf.reshape(h, [B, -1]);
    for (; i < vars.length; i += 2) {
      const z = tf.add(tf.matMul(h as tfTypes.Tensor2D, masked(i) as tfTypes.Tensor2D), vars[i + 1]!.v);
      h = i === vars.length - 2 ? z : tf.relu(z);
    }
    return tf.losses.softmaxCrossEntropy(onehot, h) as tfTypes.Scalar;
  };
  const run = (keep: boolean) =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(forward);
      const kept = keep ? vars.map((e) => grads[e.v.name]!.dataSync() as Float32Array) : [];
      opt.applyGradients(grads as unknown as Record<string, tfTypes.Variable>);
      return { loss: value.dataSync()[0]!, grads: kept }; // dataSync also waits for an asynchronous (GPU) backend
    });
  return {
    step: () => run(false).loss,
    stepWithGrads: () => run(true),
    values: () => vars.map((e) => e.v.dataSync() as Float32Array),
    dispose: () => {
      tf.dispose([x0, onehot, ...vars.flatMap((e) => (e.m ? [e.v, e.m] : [e.v]))]);
      opt.dispose();
    },
  };
}

export async function run(opts: { quick: boolean; device?: Device }): Promise<BenchRow[]> {
  const device = opts.device ?? 'cpu';
  const rows: BenchRow[] = [];
  const tfb = await loadTfjs({ preferGpu: device === 'cuda' });
  for (const net of NETS) {
    const model = buildOurs(net, 1, device);
    const h = parseHparams({ training: { optimizer: 'adam', lr: LR } });
    const optimizer = new Optimizer(model.params, h.training);
    const size = net.input.reduce((a, b) => a * b, 1);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const xs = Float32Array.from({ length: B * size }, rnd);
    const ys = Int32Array.from({ length: B }, (_, i) => i % 10);
    const X = fromArray(xs, [B, ...net.input], { device });
    const Y = fromArray(ys, [B], { device });
    const D = zeros([B, 10], { device });
    const step = (): number => {
      const r = softmaxCrossEntropy(model.forward(X, true), Y, { dlogits: D });
      model.backward(D);
      optimizer.apply(LR);
      return r.loss;
    };
    const mirror = tfjsMirror(tfb, net, model, xs, ys);
    try {
      const c = `${net.name} batch ${B}, 50% density`;
      // Validate the first step (loss, gradients, updated weights) before timing.
      const ours0 = step();
      let theirs: { loss: number; grads: Float32Array[] };
      try {
        theirs = mirror.stepWithGrads();
      } catch (e) {
        throw new Error(`${net.name}: ${tfb.backend} step failed: ${shortError(e)}`, { cause: e });
      }
      const first = flatOf(net, model);
      const layout = (p: Param, a: Float32Array) => toTfjsLayout(p, a, p === first.param ? first.flat : null).data;
      const check = compareFirstStep(
        `${net.name} vs ${tfb.backend}`,
        {
          loss: ours0,
          params: model.params.map((p) => ({
            name: p.name,
            grad: layout(p, p.grad.download()),
            value: layout(p, p.value.download()),
          })),
        },
        { loss: theirs.loss, grads: theirs.grads, values: mirror.values() },
      );
      const timing = opts.quick ? { warmup: 1, minTimeMs: 300, minRuns: 3 } : { warmup: 5, minTimeMs: 3000, minRuns: 10 };
      const tT = await time(() => mirror.step(), timing);
      const tO = await time(step, timing);
      rows.push({ group: 'training step', case: c, impl: tfb.backend, medianMs: tT.medianMs, speedup: 1 });
      rows.push({
        group: 'training step',
        case: c,
        impl: device === 'cpu' ? 'lth' : 'lth (cuda)',
        medianMs: tO.medianMs,
        speedup: tT.medianMs / tO.medianMs,
        note: check.summary,
      });
    } finally {
      mirror.dispose();
      X.dispose();
      Y.dispose();
      D.dispose();
      optimizer.dispose();
      model.dispose();
    }
  }
  return rows;
}

/**
 * The first dense parameter after the convs and the (C, H·W) of the flatten it reads (null for an MLP): the
 * plain conv nets pool 2×2 after every second conv.
 */
function flatOf(net: Net, model: Model): { param: Param | null; flat: [number, number] | null } {
  const convs = model.params.filter((p) => p.kind === 'conv');
  if (!convs.length) return { param: null, flat: null };
  const pools = Math.floor(convs.length / 2);
  const param = model.params.find((p) => p.kind === 'fc' || p.kind === 'output') ?? null;
  return { param, flat: [convs[convs.length - 1]!.shape[0]!, (net.input[1] >> pools) * (net.input[2] >> pools)] };
}
