// Cross-check against an independent autograd: a masked LeNet-300-100 forward/backward in
// @tensorflow/tfjs (wasm backend) must give the same loss and gradients as the addon's kernels.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromArray, maskedDenseBackward, maskedDenseForward, reluBackward, softmaxCrossEntropy, type Tensor } from '../lib/index.js';
import { randn, randomLabels, randomMask, Rng } from './support/random.js';

const require = createRequire(import.meta.url);
const sizes = [784, 300, 100, 10];
const batch = 60;

/** max |a-b| / max |b|: the gradient-level relative error used for the ≤ 1e-4 criterion. */
function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}

describe('LeNet-300-100 forward/backward vs @tensorflow/tfjs autograd (wasm)', () => {
  beforeAll(async () => {
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  const rng = new Rng(2024);
  const x = randn(rng, batch * 784);
  const labels = randomLabels(rng, batch, 10);
  const layers = sizes.slice(1).map((out, l) => {
    const inp = sizes[l]!;
    return {
      inp,
      out,
      w: randn(rng, out * inp, Math.sqrt(2 / (inp + out))),
      b: randn(rng, out, 0.05),
      m: randomMask(rng, out * inp, [0.2, 0.36, 0.6][l]!),
    };
  });
  const owned: Tensor[] = [];
  afterAll(() => owned.forEach((t) => t.dispose()));
  const own = <T extends Tensor>(t: T): T => (owned.push(t), t);

  it('gives the same loss and gradients (rel. error ≤ 1e-4)', () => {
    // ---- tfjs: masked weights in the graph, so d/dW is automatically masked.
    const tfVars = layers.map((L) => ({
      w: tf.variable(tf.tensor2d(L.w, [L.out, L.inp])),
      b: tf.variable(tf.tensor1d(L.b)),
      m: tf.tensor2d(Float32Array.from(L.m), [L.out, L.inp]),
    }));
    const tx = tf.tensor2d(x, [batch, 784]);
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
    const { value, grads } = tf.variableGrads(() => {
      let h: tf.Tensor2D = tx;
      tfVars.forEach((v, l) => {
        const z = tf.add(tf.matMul(h, tf.mul(v.w, v.m) as tf.Tensor2D, false, true), v.b) as tf.Tensor2D;
        h = l < tfVars.length - 1 ? tf.relu(z) : z;
      });
      return tf.losses.softmaxCrossEntropy(onehot, h) as tf.Scalar;
    });
    const tfLoss = value.dataSync()[0]!;

    // ---- ours
    const X = own(fromArray(x, [batch, 784]));
    const W = layers.map((L) => own(fromArray(L.w, [L.out, L.inp])));
    const B = layers.map((L) => own(fromArray(L.b, [L.out])));
    const M = layers.map((L) => own(fromArray(L.m, [L.out, L.inp])));
    const acts: Tensor<'f32'>[] = [X];
    layers.forEach((_, l) => {
      acts.push(own(maskedDenseForward(acts[l]!, W[l]!, { mask: M[l], bias: B[l], relu: l < layers.length - 1 })));
    });
    const ce = softmaxCrossEntropy(acts[3]!, own(fromArray(labels, [batch])));
    own(ce.dlogits!);
    expect(Math.abs(ce.loss - tfLoss) / Math.abs(tfLoss)).toBeLessThanOrEqual(1e-4);

    let dy = ce.dlogits!;
    for (let l = layers.length - 1; l >= 0; l--) {
      const g = maskedDenseBackward(acts[l]!, W[l]!, dy, { mask: M[l], dx: l > 0 });
      own(g.dW!);
      own(g.db!);
      const tw = grads[tfVars[l]!.w.name]!.dataSync();
      const tb = grads[tfVars[l]!.b.name]!.dataSync();
      expect(relError(g.dW!.download(), tw), `layer ${l} dW`).toBeLessThanOrEqual(1e-4);
      expect(relError(g.db!.download(), tb), `layer ${l} db`).toBeLessThanOrEqual(1e-4);
      if (l > 0) {
        own(g.dx!);
        dy = own(reluBackward(acts[l]!, g.dx!)); // acts[l] is the ReLU output of layer l-1
      }
    }
    tf.dispose([tx, onehot, value, ...Object.values(grads), ...tfVars.flatMap((v) => [v.w, v.b, v.m])]);
  });
});
