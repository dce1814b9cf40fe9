// One training step (forward, backward, Adam update) of LeNet-300-100 and Conv-4 at batch 60: lth (native
// kernels, masked, 50% density) vs tfjs with the same weights and data. The first step's loss is compared
// before timing (same initial weights, masks applied in both).
import { createModel, initialize, Optimizer, parseHparams, type Model } from '@lth/core';
import { fromArray, softmaxCrossEntropy, zeros } from '@lth/native-sparse';
import { time, type BenchRow } from '@lth/native-sparse/bench-harness';
import { tfjsBackend } from './tfjs.js';

interface Net {
  name: string;
  model: string;
  input: [number, number, number];
  /**
   * tfjs baseline backend, or null: tfjs-wasm has no Conv2DBackpropFilter kernel and tfjs's pure-JS cpu backend
   * needs minutes per Conv-4 step here, so Conv-4 is timed for lth alone (tfjs-node would be the baseline).
   */
  tfjs: 'wasm' | null;
}

const NETS: Net[] = [
  { name: 'LeNet-300-100', model: 'lenet-300-100', input: [1, 28, 28], tfjs: 'wasm' },
  { name: 'Conv-4', model: 'conv4', input: [3, 32, 32], tfjs: null },
];

function buildOurs(net: Net, seed: number): Model {
  const h = parseHparams({ model: { model: net.model } });
  const model = createModel(h.model, net.input, 10, 'cpu');
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

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const B = 60;
  for (const net of NETS) {
    const model = buildOurs(net, 1);
    const h = parseHparams({ training: { optimizer: 'adam', lr: 1.2e-3 } });
    const optimizer = new Optimizer(model.params, h.training);
    const size = net.input.reduce((a, b) => a * b, 1);
    let seed = 7;
    const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
    const xs = Float32Array.from({ length: B * size }, rnd);
    const ys = Int32Array.from({ length: B }, (_, i) => i % 10);
    const X = fromArray(xs, [B, ...net.input]);
    const Y = fromArray(ys, [B]);
    const D = zeros([B, 10]);
    const step = (): number => {
      const r = softmaxCrossEntropy(model.forward(X, true), Y, { dlogits: D });
      model.backward(D);
      optimizer.apply(1.2e-3);
      return r.loss;
    };

    const timing = opts.quick ? { warmup: 2, minTimeMs: 300, minRuns: 3 } : { warmup: 5, minTimeMs: 1500, minRuns: 10 };
    const c = `${net.name} batch ${B}, 50% density`;
    if (!net.tfjs) {
      const loss0 = step();
      if (!Number.isFinite(loss0)) throw new Error(`${net.name}: non-finite loss ${loss0}`);
      const tO = await time(step, timing);
      rows.push({ group: 'training step', case: c, impl: 'lth', medianMs: tO.medianMs, note: 'no tfjs baseline offline (tfjs-wasm lacks Conv2DBackpropFilter)' });
      X.dispose(); Y.dispose(); D.dispose(); optimizer.dispose(); model.dispose();
      continue;
    }
    const { tf, backend } = await tfjsBackend(net.tfjs);
    // The same network in tfjs: NHWC activations, conv kernels [R,S,C,K], dense kernels [in,out]; the first
    // dense layer after the convs reads a (C,H,W)-ordered flatten, so its rows are permuted to (H,W,C) order.
    const params = model.params.map((p) => ({ p, data: p.value.download(), mask: p.mask?.download() ?? null }));
    const vars: Array<{ v: import('@tensorflow/tfjs').Variable; m: import('@tensorflow/tfjs').Tensor | null; kind: string }> = [];
    let flatC = net.input[0];
    let flatHW = net.input[1] * net.input[2];
    const convs = params.filter((e) => e.p.kind === 'conv');
    if (convs.length) {
      const lastConv = convs[convs.length - 1]!.p;
      flatC = lastConv.shape[0]!;
      flatHW = net.model === 'conv4' ? 8 * 8 : flatHW;
    }
    let firstDense = true;
    for (const { p, data, mask } of params) {
      if (p.kind === 'conv') {
        const [K, C, R, S] = p.shape as [number, number, number, number];
        const perm = (a: Float32Array) => {
          const o = new Float32Array(a.length);
          for (let k = 0; k < K; k++) for (let c = 0; c < C; c++) for (let r = 0; r < R; r++) for (let s2 = 0; s2 < S; s2++) o[((r * S + s2) * C + c) * K + k] = a[((k * C + c) * R + r) * S + s2]!;
          return o;
        };
        vars.push({ v: tf.variable(tf.tensor4d(perm(data), [R, S, C, K])), m: tf.tensor4d(perm(Float32Array.from(mask!)), [R, S, C, K]), kind: 'conv' });
      } else if (p.kind === 'fc' || p.kind === 'output') {
        const [O, I] = p.shape as [number, number];
        const t = (a: Float32Array) => {
          const o = new Float32Array(a.length);
          for (let r = 0; r < O; r++) for (let i = 0; i < I; i++) {
            // Row index in tfjs's flatten order for the first dense layer after convs.
            let j = i;
            if (firstDense && convs.length) {
              const c = Math.floor(i / flatHW);
              const hw = i % flatHW;
              j = hw * flatC + c;
            }
            o[j * O + r] = a[r * I + i]!;
          }
          return o;
        };
        vars.push({ v: tf.variable(tf.tensor2d(t(data), [I, O])), m: tf.tensor2d(t(Float32Array.from(mask!)), [I, O]), kind: p.kind });
        firstDense = false;
      } else {
        vars.push({ v: tf.variable(tf.tensor1d(data)), m: null, kind: 'bias' });
      }
    }
    const xNHWC = (() => {
      const [C, H, W] = net.input;
      const o = new Float32Array(xs.length);
      for (let n = 0; n < B; n++) for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) o[((n * H + y) * W + x) * C + c] = xs[((n * C + c) * H + y) * W + x]!;
      return tf.tensor4d(o, [B, H, W, C]);
    })();
    const onehot = tf.oneHot(tf.tensor1d(ys, 'int32'), 10);
    const tfOpt = tf.train.adam(1.2e-3);
    const forward = () => {
      let hcur: import('@tensorflow/tfjs').Tensor = xNHWC;
      let i = 0;
      const convCount = convs.length;
      for (let c = 0; c < convCount; c++) {
        const w = tf.mul(vars[i]!.v, vars[i]!.m!) as import('@tensorflow/tfjs').Tensor4D;
        hcur = tf.relu(tf.add(tf.conv2d(hcur as import('@tensorflow/tfjs').Tensor4D, w, 1, 'same'), vars[i + 1]!.v));
        i += 2;
        if (c % 2 === 1) hcur = tf.maxPool(hcur as import('@tensorflow/tfjs').Tensor4D, 2, 2, 'valid');
      }
      hcur = tf.reshape(hcur, [B, -1]);
      while (i < vars.length) {
        const last = i === vars.length - 2;
        const z = tf.add(tf.matMul(hcur as import('@tensorflow/tfjs').Tensor2D, tf.mul(vars[i]!.v, vars[i]!.m!) as import('@tensorflow/tfjs').Tensor2D), vars[i + 1]!.v);
        hcur = last ? z : tf.relu(z);
        i += 2;
      }
      return tf.losses.softmaxCrossEntropy(onehot, hcur) as import('@tensorflow/tfjs').Scalar;
    };
    const tfStep = () => tf.tidy(() => {
      const { value, grads } = tf.variableGrads(forward);
      tfOpt.applyGradients(grads as unknown as Record<string, import('@tensorflow/tfjs').Variable>);
      return value.dataSync()[0]!;
    });
    // Validate: the same first-step loss.
    const ours0 = step();
    const theirs0 = tfStep();
    if (!(Math.abs(ours0 - theirs0) <= 1e-3 * Math.abs(theirs0))) {
      throw new Error(`${net.name}: first-step loss differs: lth ${ours0}, tfjs ${theirs0}`);
    }
    const tT = await time(tfStep, timing);
    const tO = await time(step, timing);
    rows.push({ group: 'training step', case: c, impl: backend, medianMs: tT.medianMs, speedup: 1 });
    rows.push({ group: 'training step', case: c, impl: 'lth', medianMs: tO.medianMs, speedup: tT.medianMs / tO.medianMs, note: `first-step loss ${ours0.toFixed(5)} (tfjs ${theirs0.toFixed(5)})` });
    X.dispose(); Y.dispose(); D.dispose(); optimizer.dispose(); model.dispose();
    tf.dispose([xNHWC, onehot, ...vars.flatMap((v) => (v.m ? [v.v, v.m] : [v.v]))]);
    tfOpt.dispose();
  }
  return rows;
}
