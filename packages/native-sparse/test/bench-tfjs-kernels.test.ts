// The tfjs-wasm kernels the benchmarks add (bench/tfjs-conv-filter.ts, bench/tfjs-maxpool-grad.ts): against
// plain float64 loops, through tfjs autograd, and without freeing the tensors autograd still holds.
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTfjs, type Tfjs } from '../bench/tfjs.js';
import { Rng, randn } from './support/random.js';

let tf: Tfjs;
beforeAll(async () => {
  const b = await loadTfjs();
  // These tests are about the wasm replacements; with tfjs-node installed there is nothing of ours to test.
  expect(b.backend).toBe('tfjs-wasm');
  tf = b.tf;
});

function maxRel(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  let s = 0;
  for (let i = 0; i < want.length; i++) {
    d = Math.max(d, Math.abs(got[i]! - want[i]!));
    s = Math.max(s, Math.abs(want[i]!));
  }
  return d / s;
}

/** dW[r,s,c,k] = Σ x[n, i·st + r − pt, j·st + s − pl, c] · dy[n,i,j,k] (NHWC, float64). */
function filterGradRef(
  x: Float32Array,
  dy: Float32Array,
  g: {
    N: number;
    H: number;
    W: number;
    C: number;
    K: number;
    R: number;
    S: number;
    st: number;
    pt: number;
    pl: number;
    Ho: number;
    Wo: number;
  },
): Float64Array {
  const o = new Float64Array(g.R * g.S * g.C * g.K);
  for (let n = 0; n < g.N; n++)
    for (let i = 0; i < g.Ho; i++)
      for (let j = 0; j < g.Wo; j++)
        for (let r = 0; r < g.R; r++)
          for (let s = 0; s < g.S; s++) {
            const h = i * g.st + r - g.pt;
            const w = j * g.st + s - g.pl;
            if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
            for (let c = 0; c < g.C; c++) {
              const xv = x[((n * g.H + h) * g.W + w) * g.C + c]!;
              for (let k = 0; k < g.K; k++) o[((r * g.S + s) * g.C + c) * g.K + k]! += xv * dy[((n * g.Ho + i) * g.Wo + j) * g.K + k]!;
            }
          }
  return o;
}

describe('Conv2DBackpropFilter for tfjs-wasm', () => {
  const cases: Array<[string, number, number, number, number, number, number, number, number, 'same' | 'valid' | number]> = [
    // name, N, H, W, C, K, R, S, stride, pad
    ['3×3 same', 2, 7, 6, 3, 4, 3, 3, 1, 'same'],
    ['3×3 stride 2 same', 2, 8, 8, 3, 4, 3, 3, 2, 'same'],
    ['3×3 stride 2 valid (last row unread)', 2, 9, 10, 3, 4, 3, 3, 2, 'valid'],
    ['1×1 stride 2', 3, 8, 7, 2, 5, 1, 1, 2, 'valid'],
    ['5×3 stride 3 valid', 2, 10, 10, 2, 3, 5, 3, 3, 'valid'],
    ['3×3 stride 2 pad 1', 2, 9, 9, 2, 3, 3, 3, 2, 1],
  ];
  for (const [name, N, H, W, C, K, R, S, st, pad] of cases) {
    it(`${name}: tf.grad of conv2d w.r.t. the filter matches the loops`, () => {
      const rng = new Rng(N * 131 + H * 7 + R);
      const xd = randn(rng, N * H * W * C);
      const fd = randn(rng, R * S * C * K);
      const info = tf.backend_util.computeConv2DInfo([N, H, W, C], [R, S, C, K], st, 1, pad);
      const dyd = randn(rng, N * info.outHeight * info.outWidth * K);
      const [x, f, dy] = [
        tf.tensor4d(xd, [N, H, W, C]),
        tf.tensor4d(fd, [R, S, C, K]),
        tf.tensor4d(dyd, [N, info.outHeight, info.outWidth, K]),
      ];
      const g = tf.grad((ff: Tensor) => tf.sum(tf.mul(tf.conv2d(x, ff as Tensor4D, st, pad), dy)))(f);
      const want = filterGradRef(xd, dyd, {
        N,
        H,
        W,
        C,
        K,
        R,
        S,
        st,
        pt: info.padInfo.top,
        pl: info.padInfo.left,
        Ho: info.outHeight,
        Wo: info.outWidth,
      });
      expect(g.shape).toEqual([R, S, C, K]);
      expect(maxRel(g.dataSync(), want)).toBeLessThan(1e-5);
      // The kernel's borrowed inputs are released, the caller's tensors are intact.
      expect(Array.from(x.dataSync())).toEqual(Array.from(xd));
      expect(Array.from(dy.dataSync())).toEqual(Array.from(dyd));
      tf.dispose([x, f, dy, g]);
    });
  }

  it('NCHW is refused with a clear error', () => {
    const x = tf.zeros([1, 2, 4, 4]) as Tensor4D;
    const dy = tf.zeros([1, 3, 4, 4]) as Tensor4D;
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] }),
    ).toThrow(/only NHWC/);
    tf.dispose([x, dy]);
  });

  it('leaks no tensors', () => {
    const x = tf.randomNormal([2, 6, 6, 3]) as Tensor4D;
    const f = tf.randomNormal([3, 3, 3, 4]) as Tensor4D;
    const before = tf.memory().numTensors;
    const g = tf.grad((ff: Tensor) => tf.sum(tf.conv2d(x, ff as Tensor4D, 1, 'same')))(f);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, f]);
  });
});

describe('MaxPoolGrad for tfjs-wasm (the shipped one is wrong from 4 channels)', () => {
  for (const [N, H, W, C, k] of [
    [1, 4, 4, 1, 2],
    [2, 8, 6, 4, 2],
    [2, 9, 9, 17, 2],
    [1, 9, 6, 64, 3],
  ] as const) {
    it(`[${N},${H},${W},${C}] window ${k}: tf.grad of maxPool matches the loops (first maximum wins)`, () => {
      const rng = new Rng(H * 13 + C);
      // Rounded values make ties common: the gradient must go to the first maximum only.
      const xd = Float32Array.from(randn(rng, N * H * W * C), (v) => Math.round(v * 2) / 2);
      const Ho = Math.floor(H / k);
      const Wo = Math.floor(W / k);
      const dyd = randn(rng, N * Ho * Wo * C);
      const want = new Float64Array(xd.length);
      for (let n = 0; n < N; n++)
        for (let i = 0; i < Ho; i++)
          for (let j = 0; j < Wo; j++)
            for (let c = 0; c < C; c++) {
              let best = -Infinity;
              let at = -1;
              for (let a = 0; a < k; a++)
                for (let b = 0; b < k; b++) {
                  const idx = ((n * H + i * k + a) * W + j * k + b) * C + c;
                  if (xd[idx]! > best) [best, at] = [xd[idx]!, idx];
                }
              want[at]! += dyd[((n * Ho + i) * Wo + j) * C + c]!;
            }
      const [x, dy] = [tf.tensor4d(xd, [N, H, W, C]), tf.tensor4d(dyd, [N, Ho, Wo, C])];
      const g = tf.grad((xx: Tensor) => tf.sum(tf.mul(tf.maxPool(xx as Tensor4D, k, k, 'valid'), dy)))(x);
      // (+ 0 turns the -0 of 0·(negative dy) into 0.)
      expect(Array.from(g.dataSync(), (v) => v + 0)).toEqual(Array.from(Float32Array.from(want)));
      expect(Array.from(x.dataSync())).toEqual(Array.from(xd));
      tf.dispose([x, dy, g]);
    });
  }

  it('overlapping windows are refused with a clear error', () => {
    const x = tf.randomNormal([1, 6, 6, 2]) as Tensor4D;
    expect(() => tf.grad((xx: Tensor) => tf.sum(tf.maxPool(xx as Tensor4D, 3, 2, 'valid')))(x)).toThrow(/only stride = window/);
    x.dispose();
  });
});
