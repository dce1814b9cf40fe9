// The ops over a leading trial axis (lib/ops/batched.ts) on every kernel target: values against the float64
// references of the unbatched ops applied trial by trial (x per trial and x shared by every trial, i.e. trial
// stride 0), every trial bit-identical to the unbatched op on its slices (what batched lottery trials rely on),
// pruned gradients exactly 0, optional outputs, and the argument errors (shapes, dtypes, devices, labels).
import { expect, it } from 'vitest';
import {
  fromArray,
  maskedDenseBackward,
  maskedDenseBackwardBatched,
  maskedDenseForward,
  maskedDenseForwardBatched,
  softmaxCrossEntropy,
  softmaxCrossEntropyBatched,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { denseBackwardRef, denseForwardRef } from './reference/dense.js';
import { softmaxCrossEntropyRef } from './reference/layers.js';
import { expectClose, expectEqualArrays, scaledAtol } from './support/compare.js';
import { denseBatchedCases, type DenseBatchedCase } from './cases/masked_dense_batched.js';
import { ceBatchedCases } from './cases/softmax_cross_entropy_batched.js';
import { describeEachTarget, kernelTargets } from './support/devices.js';
import { paritySizes } from './support/parity.js';
import { randn, randomLabels, randomMask, Rng } from './support/random.js';
import { errorCode as code, tensorTracker } from './support/tensors.js';

const track = tensorTracker();
type F32 = Tensor<'f32'>;

// The case tables of test/cases, their small cases only under LTH_PARITY_SIZES=small (the emulated CUDA run).
const small = paritySizes() === 'small';
const cases = denseBatchedCases.filter((c) => !small || c.size === 'small');
const ceCases = ceBatchedCases.filter((c) => !small || c.size === 'small');

const slice = <A extends Float32Array | Uint8Array | Int32Array>(a: A, t: number, n: number) => a.subarray(t * n, (t + 1) * n) as A;
const label = (c: DenseBatchedCase) =>
  `T ${c.T}, B ${c.B}, ${c.In}→${c.Out}, x ${c.shared ? 'shared (stride 0)' : 'per trial'}, ${c.density === null ? 'no mask' : `density ${c.density}`}${c.relu ? ', relu' : ''}`;

describeEachTarget('batched masked dense and softmax cross-entropy', (target) => {
  const dev = { device: target.device } as const;

  for (const c of cases) {
    const { T, B, In, Out } = c;
    const rng = new Rng(T * 1000 + B + In);
    const x = randn(rng, (c.shared ? 1 : T) * B * In);
    const w = randn(rng, T * Out * In, 1 / Math.sqrt(In));
    const mask = c.density === null ? null : randomMask(rng, T * Out * In, c.density);
    const bias = randn(rng, T * Out, 0.1);
    const dy = randn(rng, T * B * Out);
    const xOf = (t: number) => (c.shared ? x : slice(x, t, B * In));
    const up = () => ({
      X: track(fromArray(x, c.shared ? [B, In] : [T, B, In], dev)),
      W: track(fromArray(w, [T, Out, In], dev)),
      M: mask ? track(fromArray(mask, [T, Out, In], dev)) : null,
    });

    it(`forward, ${label(c)}: float64 reference per trial, and each trial bit-identical to the unbatched op`, () => {
      const { X, W, M } = up();
      const Bias = track(fromArray(bias, [T, Out], dev));
      const y = track(maskedDenseForwardBatched(X, W, { mask: M, bias: Bias, relu: c.relu }));
      expect(y.shape).toEqual([T, B, Out]);
      const got = y.download();
      for (let t = 0; t < T; t++) {
        const wt = slice(w, t, Out * In);
        const mt = mask ? slice(mask, t, Out * In) : null;
        const ref = denseForwardRef(B, In, Out, xOf(t), wt, mt, slice(bias, t, Out), c.relu);
        expectClose(slice(got, t, B * Out), ref, { rtol: 1e-4, atol: scaledAtol(ref, 1e-5) }, `y trial ${t}`);
        const solo = track(
          maskedDenseForward(track(fromArray(xOf(t), [B, In], dev)), track(fromArray(wt, [Out, In], dev)), {
            mask: mt ? track(fromArray(mt, [Out, In], dev)) : null,
            bias: track(fromArray(slice(bias, t, Out), [Out], dev)),
            relu: c.relu,
          }),
        );
        expectEqualArrays(slice(got, t, B * Out), solo.download(), `y trial ${t} vs the unbatched op`);
      }
    });

    it(`backward, ${label(c)}: float64 reference per trial, pruned dW exactly 0, bit-identical to the unbatched op`, () => {
      const { X, W, M } = up();
      const g = maskedDenseBackwardBatched(X, W, track(fromArray(dy, [T, B, Out], dev)), { mask: M });
      const [dx, dW, db] = [track(g.dx!).download(), track(g.dW!).download(), track(g.db!).download()];
      for (let t = 0; t < T; t++) {
        const wt = slice(w, t, Out * In);
        const mt = mask ? slice(mask, t, Out * In) : null;
        const ref = denseBackwardRef(B, In, Out, xOf(t), wt, mt, slice(dy, t, B * Out));
        expectClose(slice(dx, t, B * In), ref.dx, { rtol: 1e-4, atol: scaledAtol(ref.dx, 1e-5) }, `dx trial ${t}`);
        expectClose(slice(dW, t, Out * In), ref.dW, { rtol: 1e-4, atol: scaledAtol(ref.dW, 1e-5) }, `dW trial ${t}`);
        expectClose(slice(db, t, Out), ref.db, { rtol: 1e-4, atol: scaledAtol(ref.db, 1e-5) }, `db trial ${t}`);
        if (mt)
          mt.forEach((m, i) => {
            if (!m && dW[t * Out * In + i] !== 0) expect.fail(`dW trial ${t} at pruned ${i} is ${dW[t * Out * In + i]}`);
          });
        const solo = maskedDenseBackward(
          track(fromArray(xOf(t), [B, In], dev)),
          track(fromArray(wt, [Out, In], dev)),
          track(fromArray(slice(dy, t, B * Out), [B, Out], dev)),
          { mask: mt ? track(fromArray(mt, [Out, In], dev)) : null },
        );
        expectEqualArrays(slice(dx, t, B * In), track(solo.dx!).download(), `dx trial ${t} vs the unbatched op`);
        expectEqualArrays(slice(dW, t, Out * In), track(solo.dW!).download(), `dW trial ${t} vs the unbatched op`);
        expectEqualArrays(slice(db, t, Out), track(solo.db!).download(), `db trial ${t} vs the unbatched op`);
      }
    });
  }

  it('backward computes only the gradients asked for, into given tensors', () => {
    const [T, B, In, Out] = [2, 4, 6, 3];
    const rng = new Rng(5);
    const X = track(fromArray(randn(rng, T * B * In), [T, B, In], dev));
    const W = track(fromArray(randn(rng, T * Out * In), [T, Out, In], dev));
    const dy = track(fromArray(randn(rng, T * B * Out), [T, B, Out], dev));
    const dW = track(fromArray(new Float32Array(T * Out * In).fill(7), [T, Out, In], dev));
    const g = maskedDenseBackwardBatched(X, W, dy, { dx: false, dW, db: false });
    expect(g.dx).toBeNull();
    expect(g.db).toBeNull();
    expect(g.dW).toBe(dW);
    const all = maskedDenseBackwardBatched(X, W, dy);
    expectEqualArrays(dW.download(), track(all.dW!).download(), 'dW into a given tensor');
    [all.dx, all.db].forEach((t) => t && track(t));
  });

  for (const { T, B, C, shared, scale } of ceCases) {
    it(`softmax cross-entropy [${T},${B},${C}], labels ${shared ? 'shared' : 'per trial'}, logit scale ${scale}: reference per trial, bit-identical to the unbatched op`, () => {
      const rng = new Rng(T + B + C);
      const logits = randn(rng, T * B * C, scale);
      const labels = randomLabels(rng, (shared ? 1 : T) * B, C);
      const L = track(fromArray(logits, [T, B, C], dev));
      const r = softmaxCrossEntropyBatched(L, track(fromArray(labels, shared ? [B] : [T, B], dev)));
      const d = track(r.dlogits!).download();
      expect(r.loss).toHaveLength(T);
      for (let t = 0; t < T; t++) {
        const lt = slice(logits, t, B * C);
        const yt = shared ? labels : slice(labels, t, B);
        const ref = softmaxCrossEntropyRef(B, C, lt, yt);
        expect(r.loss[t]).toBeCloseTo(ref.loss, 5);
        expect(r.correct[t]).toBe(ref.correct);
        expectClose(slice(d, t, B * C), ref.dlogits, { rtol: 1e-5, atol: 1e-7 }, `dlogits trial ${t}`);
        const solo = softmaxCrossEntropy(track(fromArray(lt, [B, C], dev)), track(fromArray(yt, [B], dev)));
        expect(r.loss[t], `loss trial ${t} vs the unbatched op`).toBe(solo.loss);
        expect(r.correct[t]).toBe(solo.correct);
        expectEqualArrays(slice(d, t, B * C), track(solo.dlogits!).download(), `dlogits trial ${t} vs the unbatched op`);
      }
    });
  }

  it('a bad label in any trial is ERR_ARG naming the trial, and nothing is written', () => {
    const [T, B, C] = [3, 4, 5];
    const labels = new Int32Array(T * B).fill(1);
    labels[2 * B + 3] = C; // trial 2, row 3
    const L = track(fromArray(randn(new Rng(1), T * B * C), [T, B, C], dev));
    const D = track(fromArray(new Float32Array(T * B * C).fill(9), [T, B, C], dev));
    let err: { code?: string; message?: string } = {};
    try {
      softmaxCrossEntropyBatched(L, track(fromArray(labels, [T, B], dev)), { dlogits: D });
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('ERR_ARG');
    expect(err.message).toMatch(/label 5 of trial 2 at row 3/);
    expectEqualArrays(D.download(), new Float32Array(T * B * C).fill(9), 'dlogits untouched');
    expect(code(() => softmaxCrossEntropyBatched(L, track(fromArray(new Int32Array([0, 1, -1, 2]), [B], dev))))).toBe('ERR_ARG');
  });

  it('wrong shapes, dtypes and disposed tensors are clear errors', () => {
    const [T, B, In, Out] = [3, 4, 6, 5];
    const X = track(zeros([T, B, In], dev));
    const W = track(zeros([T, Out, In], dev));
    const dy = track(zeros([T, B, Out], dev));
    expect(code(() => maskedDenseForwardBatched(X, track(zeros([Out, In], dev))))).toBe('ERR_SHAPE'); // W not stacked
    expect(code(() => maskedDenseForwardBatched(track(zeros([T + 1, B, In], dev)), W))).toBe('ERR_SHAPE'); // trial counts differ
    expect(code(() => maskedDenseForwardBatched(track(zeros([B, In + 1], dev)), W))).toBe('ERR_SHAPE'); // shared x, wrong In
    expect(code(() => maskedDenseForwardBatched(track(zeros([In], dev)), W))).toBe('ERR_SHAPE');
    expect(code(() => maskedDenseForwardBatched(X, W, { bias: track(zeros<'f32'>([Out], dev)) }))).toBe('ERR_SHAPE'); // bias not stacked
    expect(code(() => maskedDenseForwardBatched(X, W, { mask: track(zeros([T, Out, In + 1], { ...dev, dtype: 'u8' })) }))).toBe(
      'ERR_SHAPE',
    );
    expect(code(() => maskedDenseForwardBatched(X, W, { out: track(zeros<'f32'>([T, B, Out + 1], dev)) }))).toBe('ERR_SHAPE');
    expect(code(() => maskedDenseForwardBatched(X, W, { mask: track(zeros([T, Out, In], dev)) as unknown as Tensor<'u8'> }))).toBe(
      'ERR_DTYPE',
    );
    expect(code(() => maskedDenseForwardBatched(track(zeros([T, B, In], { ...dev, dtype: 'i32' })) as unknown as F32, W))).toBe(
      'ERR_DTYPE',
    );
    expect(code(() => maskedDenseBackwardBatched(X, W, track(zeros([T, B, Out + 1], dev))))).toBe('ERR_SHAPE');
    expect(code(() => maskedDenseBackwardBatched(X, W, dy, { db: track(zeros<'f32'>([Out], dev)) }))).toBe('ERR_SHAPE');
    expect(
      code(() => maskedDenseBackwardBatched(X, W, dy, { dx: track(zeros([T, B, In], { ...dev, dtype: 'u8' })) as unknown as F32 })),
    ).toBe('ERR_DTYPE');
    const L = track(zeros([T, B, 10], dev));
    expect(code(() => softmaxCrossEntropyBatched(L, track(zeros([T, B + 1], { ...dev, dtype: 'i32' }))))).toBe('ERR_SHAPE');
    expect(code(() => softmaxCrossEntropyBatched(L, track(zeros([T, B], dev)) as unknown as Tensor<'i32'>))).toBe('ERR_DTYPE');
    expect(code(() => softmaxCrossEntropyBatched(track(zeros([B, 10], dev)), track(zeros([B], { ...dev, dtype: 'i32' }))))).toBe(
      'ERR_SHAPE',
    );
    const gone = zeros([T, Out, In], dev);
    gone.dispose();
    expect(code(() => maskedDenseForwardBatched(X, gone))).toBe('ERR_DISPOSED');
  });

  it('the addon re-checks shapes itself (a caller that skips lib gets ERR_SHAPE, not a crash)', () => {
    const raw = binding() as unknown as Record<string, (...a: unknown[]) => unknown>;
    const X = track(zeros([2, 3, 4], dev));
    const W = track(zeros([2, 5, 4], dev));
    expect(code(() => raw.maskedDenseForwardBatched!(X, W, { out: track(zeros([2, 3, 4], dev)) }))).toBe('ERR_SHAPE');
    expect(code(() => raw.maskedDenseForwardBatched!(track(zeros([3, 3, 4], dev)), W, { out: track(zeros([2, 3, 5], dev)) }))).toBe(
      'ERR_SHAPE',
    );
    expect(code(() => raw.maskedDenseBackwardBatched!(X, W, track(zeros([2, 3, 4], dev)), { dx: false, dW: false, db: false }))).toBe(
      'ERR_SHAPE',
    );
    expect(
      code(() =>
        raw.softmaxCrossEntropyBatched!(track(zeros([2, 3, 4], dev)), track(zeros([2, 4], { ...dev, dtype: 'i32' })), { dlogits: false }),
      ),
    ).toBe('ERR_SHAPE');
  });
});

const cuda = kernelTargets().find((t) => t.name === 'cuda')!;
it.skipIf(cuda.unavailable !== null)(
  `tensors on different devices are ERR_DEVICE${cuda.unavailable ? ` (skipped: ${cuda.unavailable})` : ''}`,
  () => {
    const X = track(zeros([2, 3, 4], { device: 'cpu' }));
    const W = track(zeros([2, 5, 4], { device: 'cuda' }));
    expect(code(() => maskedDenseForwardBatched(X, W))).toBe('ERR_DEVICE');
    expect(code(() => maskedDenseBackwardBatched(X, W, track(zeros([2, 3, 5], { device: 'cuda' }))))).toBe('ERR_DEVICE');
    expect(
      code(() =>
        softmaxCrossEntropyBatched(track(zeros([2, 3, 4], { device: 'cuda' })), track(zeros([2, 3], { dtype: 'i32', device: 'cpu' }))),
      ),
    ).toBe('ERR_DEVICE');
  },
);
