import { afterEach, expect, it } from 'vitest';
import {
  add,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  dropout,
  dropoutBackward,
  fromArray,
  getThreads,
  relu,
  reluBackward,
  setThreads,
  sigmoidBinaryCrossEntropy,
  softmaxCrossEntropy,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { batchNormCases } from './cases/batchnorm.js';
import { dropoutPs } from './cases/dropout.js';
import { elementwiseSizes } from './cases/relu.js';
import { bceCases } from './cases/sigmoid_binary_cross_entropy.js';
import { ceCases } from './cases/softmax_cross_entropy.js';
import {
  batchNormBackwardRef,
  batchNormEvalRef,
  batchNormTrainRef,
  dropoutMaskRef,
  dropoutValueRef,
  reluBackwardRef,
  reluRef,
  sigmoidBinaryCrossEntropyRef,
  softmaxCrossEntropyRef,
} from './reference/layers.js';
import { expectClose, expectEqualArrays, scaledAtol } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { dot, numericGradient } from './support/finite-diff.js';
import { randn, randomLabels, Rng, uniform } from './support/random.js';
import { tensorTracker, errorCode as code } from './support/tensors.js';

const track = tensorTracker();

const defaultThreads = getThreads();
afterEach(() => setThreads(defaultThreads));

describeEachTarget('relu / add', (target) => {
  const dev = { device: target.device } as const;
  for (const n of elementwiseSizes) {
    it(`relu forward/backward and add, n = ${n}`, () => {
      const rng = new Rng(n + 1);
      const x = randn(rng, n);
      for (let i = 0; i < n; i += 97) x[i] = 0; // exact zeros: relu'(0) = 0
      const b = randn(rng, n);
      const dy = randn(rng, n);
      const X = track(fromArray(x, [n], dev));
      const Y = track(relu(X));
      expectEqualArrays(Y.download(), Float32Array.from(reluRef(x)), 'y');
      const DX = track(reluBackward(Y, track(fromArray(dy, [n], dev))));
      expectEqualArrays(DX.download(), Float32Array.from(reluBackwardRef(Float32Array.from(reluRef(x)), dy)), 'dx');
      const S = track(add(X, track(fromArray(b, [n], dev))));
      expectEqualArrays(
        S.download(),
        Float32Array.from(x, (v, i) => v + b[i]!),
        'a + b',
      );
    });
  }

  it('works on any shape and in place (out = input)', () => {
    const rng = new Rng(3);
    const x = randn(rng, 2 * 3 * 4 * 5);
    const X = track(fromArray(x, [2, 3, 4, 5], dev));
    expect(relu(X, { out: X })).toBe(X);
    expectEqualArrays(X.download(), Float32Array.from(reluRef(x)), 'relu in place');
    const B = track(fromArray(x, [2, 3, 4, 5], dev));
    expect(add(X, B, { out: B })).toBe(B);
    expectEqualArrays(
      B.download(),
      Float32Array.from(x, (v) => (v < 0 ? 0 : v) + v),
      'add in place',
    );
  });
});

describeEachTarget('dropout', (target) => {
  const dev = { device: target.device } as const;
  const seeds: Array<number | bigint> = [0, 12345, 2n ** 63n + 7n];
  for (const p of dropoutPs) {
    for (const seed of seeds) {
      it(`p = ${p}, seed ${seed}: the documented rng.h mask, exact scaling, exact backward`, () => {
        const n = 5003;
        const x = randn(new Rng(17), n);
        const dy = randn(new Rng(18), n);
        const { y, keep } = dropout(track(fromArray(x, [n], dev)), p, seed);
        track(y);
        track(keep);
        const want = dropoutMaskRef(n, p, BigInt(seed));
        expectEqualArrays(keep.download(), want, 'keep');
        expectEqualArrays(
          y.download(),
          Float32Array.from(x, (v, i) => dropoutValueRef(v, want[i]!, p)),
          'y',
        );
        const dx = track(dropoutBackward(track(fromArray(dy, [n], dev)), keep, p));
        expectEqualArrays(
          dx.download(),
          Float32Array.from(dy, (v, i) => dropoutValueRef(v, want[i]!, p)),
          'dx',
        );
      });
    }

    it(`p = ${p}: keeps a fraction ≈ 1 − p, and the same mask on 1 and 2 threads`, () => {
      const n = 300_001;
      const X = track(fromArray(uniform(new Rng(4), n), [n], dev));
      setThreads(1);
      const one = dropout(X, p, 99);
      setThreads(2);
      const two = dropout(X, p, 99);
      [one.y, one.keep, two.y, two.keep].forEach((t) => track(t));
      const k1 = one.keep.download();
      expectEqualArrays(two.keep.download(), k1, 'keep 2 threads vs 1');
      expectEqualArrays(two.y.download(), one.y.download(), 'y 2 threads vs 1');
      let kept = 0;
      for (const v of k1) kept += v;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(kept - n * (1 - p))).toBeLessThanOrEqual(5 * sd + 1e-9);
      if (p === 0) expectEqualArrays(one.y.download(), X.download(), 'p = 0 keeps x unchanged');
    });
  }

  it('different seeds give different masks', () => {
    const X = track(fromArray(new Float32Array(1000).fill(1), [1000], dev));
    const a = dropout(X, 0.5, 1);
    const b = dropout(X, 0.5, 2);
    [a.y, a.keep, b.y, b.keep].forEach((t) => track(t));
    const ka = a.keep.download(),
      kb = b.keep.download();
    expect(ka.some((v, i) => v !== kb[i])).toBe(true);
  });
});

describeEachTarget('batchNorm', (target) => {
  const dev = { device: target.device } as const;
  for (const c of batchNormCases) {
    const [N, C] = [c.shape[0]!, c.shape[1]!];
    const HW = c.shape.slice(2).reduce((a, b) => a * b, 1);
    it(`train, eval and backward x [${c.shape}]${c.affine ? '' : ' no affine'} eps ${c.eps} momentum ${c.momentum}`, () => {
      const rng = new Rng(N * 100 + C * 10 + HW);
      const x = randn(rng, N * C * HW, 2).map((v, i) => v + ((i / HW) % C) - 1);
      const gamma = c.affine ? uniform(rng, C, 0.5, 1.5) : null;
      const beta = c.affine ? randn(rng, C, 0.3) : null;
      const rm0 = randn(rng, C, 0.2);
      const rv0 = uniform(rng, C, 0.5, 2);
      const dy = randn(rng, N * C * HW);
      const X = track(fromArray(x, c.shape, dev));
      const G = gamma ? track(fromArray(gamma, [C], dev)) : null;
      const Bt = beta ? track(fromArray(beta, [C], dev)) : null;
      const RM = track(fromArray(rm0, [C], dev));
      const RV = track(fromArray(rv0, [C], dev));
      const r = batchNormTrain(X, G, Bt, RM, RV, { eps: c.eps, momentum: c.momentum });
      [r.y, r.saveMean, r.saveInvstd].forEach((t) => track(t));
      const want = batchNormTrainRef(N, C, HW, x, gamma, beta, rm0, rv0, c.eps, c.momentum);
      const t = (w: ArrayLike<number>) => ({ rtol: 1e-4, atol: scaledAtol(w, 2e-5) + 1e-6 });
      expectClose(r.y.download(), want.y, t(want.y), 'y');
      expectClose(r.saveMean.download(), want.mean, t(want.mean), 'saveMean');
      expectClose(r.saveInvstd.download(), want.invstd, t(want.invstd), 'saveInvstd');
      expectClose(RM.download(), want.runningMean, t(want.runningMean), 'runningMean');
      expectClose(RV.download(), want.runningVar, t(want.runningVar), 'runningVar');

      const ye = track(batchNormEval(X, G, Bt, RM, RV, { eps: c.eps }));
      const wantEval = batchNormEvalRef(N, C, HW, x, gamma, beta, RM.download(), RV.download(), c.eps);
      expectClose(ye.download(), wantEval, t(wantEval), 'eval y');

      const g = batchNormBackward(X, G, r.saveMean, r.saveInvstd, track(fromArray(dy, c.shape, dev)));
      [g.dx, g.dgamma, g.dbeta].forEach((v) => v && track(v));
      const wg = batchNormBackwardRef(N, C, HW, x, gamma, want.mean, want.invstd, dy);
      expectClose(g.dx!.download(), wg.dx, t(wg.dx), 'dx');
      expectClose(g.dgamma!.download(), wg.dgamma, t(wg.dgamma), 'dgamma');
      expectClose(g.dbeta!.download(), wg.dbeta, t(wg.dbeta), 'dbeta');
    });
  }

  it('running statistics may be null; backward skips what is not asked for', () => {
    const rng = new Rng(77);
    const x = randn(rng, 4 * 3 * 5);
    const X = track(fromArray(x, [4, 3, 5], dev));
    const r = batchNormTrain(X, null, null, null, null);
    [r.y, r.saveMean, r.saveInvstd].forEach((t) => track(t));
    const want = batchNormTrainRef(4, 3, 5, x, null, null, [0, 0, 0], [1, 1, 1], 1e-5, 0.1);
    expectClose(r.y.download(), want.y, { rtol: 1e-4, atol: 1e-5 }, 'y');
    const dbeta = track(zeros([3], dev));
    const g = batchNormBackward(X, null, r.saveMean, r.saveInvstd, X, { dx: false, dgamma: false, dbeta });
    expect(g.dx).toBeNull();
    expect(g.dgamma).toBeNull();
    expect(g.dbeta).toBe(dbeta);
    const sums = [0, 0, 0];
    x.forEach((v, i) => (sums[Math.floor(i / 5) % 3]! += v));
    expectClose(dbeta.download(), sums, { rtol: 1e-5, atol: 1e-5 }, 'dbeta');
  });

  it('results do not depend on the thread count', () => {
    const rng = new Rng(5);
    const x = randn(rng, 8 * 16 * 64);
    const X = track(fromArray(x, [8, 16, 8, 8], dev));
    const run = () => {
      const r = batchNormTrain(X, null, null, null, null);
      const g = batchNormBackward(X, null, r.saveMean, r.saveInvstd, X);
      const out = [r.y, g.dx!, g.dgamma!, g.dbeta!].map((t) => t.download());
      [r.y, r.saveMean, r.saveInvstd, g.dx!, g.dgamma!, g.dbeta!].forEach((t) => t.dispose());
      return out;
    };
    setThreads(1);
    const a = run();
    setThreads(2);
    const b = run();
    a.forEach((v, i) => expectEqualArrays(b[i]!, v, `output ${i}`));
  });
});

describeEachTarget('softmaxCrossEntropy', (target) => {
  const dev = { device: target.device } as const;
  for (const c of ceCases) {
    it(`B ${c.B} C ${c.C} logit scale ${c.scale}`, () => {
      const rng = new Rng(c.B * 31 + c.C);
      const logits = randn(rng, c.B * c.C, c.scale);
      const labels = randomLabels(rng, c.B, c.C);
      // Make some rows correct for sure: their label gets the largest logit.
      for (let b = 0; b < c.B; b += 3) logits[b * c.C + labels[b]!] = c.scale * 10;
      const r = softmaxCrossEntropy(track(fromArray(logits, [c.B, c.C], dev)), track(fromArray(labels, [c.B], dev)));
      track(r.dlogits!);
      const want = softmaxCrossEntropyRef(c.B, c.C, logits, labels);
      expect(r.correct).toBe(want.correct);
      expect(Math.abs(r.loss - want.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.loss)));
      expectClose(r.dlogits!.download(), want.dlogits, { rtol: 1e-4, atol: scaledAtol(want.dlogits, 1e-5) + 1e-9 }, 'dlogits');
    });
  }

  it('counts a tie for the maximum as the first index; dlogits may be skipped', () => {
    const logits = track(fromArray(Float32Array.from([1, 5, 2, 5, 0, 0, 0, 0]), [2, 4], dev));
    const r1 = softmaxCrossEntropy(logits, track(fromArray(Int32Array.from([1, 0]), [2], dev)), { dlogits: false });
    expect(r1.dlogits).toBeNull();
    expect(r1.correct).toBe(2); // row 0: first max is index 1; row 1: all equal, first is 0
    const r2 = softmaxCrossEntropy(logits, track(fromArray(Int32Array.from([3, 2]), [2], dev)), { dlogits: false });
    expect(r2.correct).toBe(0);
    expect(r2.loss).toBeCloseTo(softmaxCrossEntropyRef(2, 4, [1, 5, 2, 5, 0, 0, 0, 0], [3, 2]).loss, 6);
  });

  it('an empty batch gives loss 0 and 0 correct', () => {
    const r = softmaxCrossEntropy(track(zeros([0, 10], dev)), track(zeros([0], { ...dev, dtype: 'i32' })));
    track(r.dlogits!);
    expect(r).toMatchObject({ loss: 0, correct: 0 });
  });

  it('a label out of range throws ERR_ARG before touching dlogits', () => {
    const logits = track(fromArray(randn(new Rng(1), 3 * 4), [3, 4], dev));
    const dl = track(fromArray(new Float32Array(12).fill(7), [3, 4], dev));
    for (const bad of [4, -1]) {
      const labels = track(fromArray(Int32Array.from([0, 1, bad]), [3], dev));
      expect(code(() => softmaxCrossEntropy(logits, labels, { dlogits: dl }))).toBe('ERR_ARG');
      expect(Array.from(dl.download())).toEqual(new Array(12).fill(7));
    }
  });
});

describeEachTarget('sigmoidBinaryCrossEntropy', (target) => {
  const dev = { device: target.device } as const;
  for (const c of bceCases) {
    it(`B ${c.B} logit scale ${c.scale} ${c.labels} labels${c.fixed ? ' with large |z|' : ''}`, () => {
      const rng = new Rng(c.B * 7 + 1);
      const logits = randn(rng, c.B, c.scale);
      (c.fixed ?? []).forEach((v, i) => (logits[i] = v));
      const labels = c.labels === 'hard' ? Float32Array.from(randomLabels(rng, c.B, 2)) : uniform(rng, c.B, 0, 1);
      const r = sigmoidBinaryCrossEntropy(track(fromArray(logits, [c.B], dev)), track(fromArray(labels, [c.B], dev)));
      track(r.dlogits!);
      const want = sigmoidBinaryCrossEntropyRef(logits, labels);
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.correct).toBe(want.correct);
      expect(Math.abs(r.loss - want.loss)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.loss)));
      const dl = r.dlogits!.download();
      expect(dl.every(Number.isFinite)).toBe(true);
      expectClose(dl, want.dlogits, { rtol: 1e-5, atol: scaledAtol(want.dlogits, 1e-6) + 1e-12 }, 'dlogits');
    });
  }

  it('known values: z = 0 gives log 2; large |z| is exact, not inf or NaN; correct uses z > 0 and y > 0.5', () => {
    const logits = track(fromArray(Float32Array.from([0, 1e4, -1e4, 1e4]), [4], dev));
    const labels = track(fromArray(Float32Array.from([1, 1, 0, 0]), [4], dev));
    const r = sigmoidBinaryCrossEntropy(logits, labels);
    track(r.dlogits!);
    expect(r.loss).toBeCloseTo((Math.LN2 + 0 + 0 + 1e4) / 4, 9);
    expect(r.correct).toBe(2); // z = 0 predicts 0 (wrong for label 1); 1e4 against label 0 is wrong
    expectClose(r.dlogits!.download(), [-0.125, 0, 0, 0.25], { rtol: 1e-6, atol: 1e-9 }, 'dlogits');
  });

  it('an empty batch gives loss 0 and 0 correct; dlogits may be skipped', () => {
    const r = sigmoidBinaryCrossEntropy(track(zeros([0], dev)), track(zeros([0], dev)), { dlogits: false });
    expect(r).toMatchObject({ loss: 0, correct: 0, dlogits: null });
  });

  it('a label outside [0, 1] (or NaN) throws ERR_ARG before touching dlogits', () => {
    const logits = track(fromArray(randn(new Rng(2), 3), [3], dev));
    const dl = track(fromArray(new Float32Array(3).fill(7), [3], dev));
    for (const bad of [1.5, -0.1, Number.NaN]) {
      const labels = track(fromArray(Float32Array.from([0, 1, bad]), [3], dev));
      expect(code(() => sigmoidBinaryCrossEntropy(logits, labels, { dlogits: dl }))).toBe('ERR_ARG');
      expect(Array.from(dl.download())).toEqual([7, 7, 7]);
    }
  });

  it('rejects bad shapes and dtypes in TypeScript and in the native layer', () => {
    const f32 = (shape: number[]): Tensor<'f32'> => track(zeros(shape, dev));
    expect(code(() => sigmoidBinaryCrossEntropy(f32([4, 1]), f32([4])))).toBe('ERR_SHAPE');
    expect(code(() => sigmoidBinaryCrossEntropy(f32([4]), f32([3])))).toBe('ERR_SHAPE');
    expect(code(() => sigmoidBinaryCrossEntropy(f32([4]), f32([4]), { dlogits: f32([5]) }))).toBe('ERR_SHAPE');
    const i32 = track(zeros([4], { ...dev, dtype: 'i32' }));
    expect(code(() => sigmoidBinaryCrossEntropy(f32([4]), i32 as unknown as Tensor<'f32'>))).toBe('ERR_DTYPE');
    const raw = binding() as unknown as LayersNativeRaw;
    expect(code(() => raw.sigmoidBinaryCrossEntropy!(f32([4, 1]), f32([4]), { dlogits: false }))).toBe('ERR_SHAPE');
    expect(code(() => raw.sigmoidBinaryCrossEntropy!(f32([4]), f32([3]), { dlogits: false }))).toBe('ERR_SHAPE');
    expect(code(() => raw.sigmoidBinaryCrossEntropy!(f32([4]), i32, { dlogits: false }))).toBe('ERR_DTYPE');
    expect(code(() => raw.sigmoidBinaryCrossEntropy!(f32([4]), f32([4]), { dlogits: f32([2, 2]) }))).toBe('ERR_SHAPE');
    expect(
      code(() => raw.sigmoidBinaryCrossEntropy!(f32([2]), track(fromArray(Float32Array.from([0, 2]), [2], dev)), { dlogits: false })),
    ).toBe('ERR_ARG');
    expect(
      raw.sigmoidBinaryCrossEntropy!(f32([2]), track(fromArray(Float32Array.from([0, 1]), [2], dev)), { dlogits: false }),
    ).toMatchObject({ correct: 1 });
  });
});

it('batch norm and softmax cross-entropy backward references match central finite differences', () => {
  const [N, C, HW] = [3, 2, 4];
  const rng = new Rng(9);
  const x = Float64Array.from(randn(rng, N * C * HW));
  const gamma = Float64Array.from(uniform(rng, C, 0.5, 1.5));
  const beta = Float64Array.from(randn(rng, C));
  const up = Float64Array.from(randn(rng, N * C * HW));
  const ones = [1, 1],
    zero = [0, 0];
  const loss = (xx: Float64Array, gg: Float64Array, bb: Float64Array) =>
    dot(up, batchNormTrainRef(N, C, HW, xx, gg, bb, zero, ones, 1e-5, 0.1).y);
  const f = batchNormTrainRef(N, C, HW, x, gamma, beta, zero, ones, 1e-5, 0.1);
  const g = batchNormBackwardRef(N, C, HW, x, gamma, f.mean, f.invstd, up);
  const t = { rtol: 1e-6, atol: 1e-7 };
  expectClose(
    g.dx,
    numericGradient((v) => loss(v, gamma, beta), x),
    t,
    'bn dx',
  );
  expectClose(
    g.dgamma,
    numericGradient((v) => loss(x, v, beta), gamma),
    t,
    'bn dgamma',
  );
  expectClose(
    g.dbeta,
    numericGradient((v) => loss(x, gamma, v), beta),
    t,
    'bn dbeta',
  );

  const [B, K] = [4, 5];
  const logits = Float64Array.from(randn(rng, B * K, 2));
  const labels = randomLabels(rng, B, K);
  const ce = softmaxCrossEntropyRef(B, K, logits, labels);
  expectClose(
    ce.dlogits,
    numericGradient((v) => softmaxCrossEntropyRef(B, K, v, labels).loss, logits),
    t,
    'ce dlogits',
  );

  // Sigmoid BCE, hard and soft labels, including moderately large |z|.
  const bz = Float64Array.from([...randn(rng, 6, 2), 8, -9]);
  const by = Float64Array.from([0, 1, 1, 0, 0.3, 0.75, 1, 0]);
  const bce = sigmoidBinaryCrossEntropyRef(bz, by);
  expectClose(
    bce.dlogits,
    numericGradient((v) => sigmoidBinaryCrossEntropyRef(v, by).loss, bz),
    t,
    'bce dlogits',
  );

  // ReLU away from 0: dx = dy where y > 0.
  const rx = Float64Array.from(randn(rng, 20)).map((v) => (Math.abs(v) < 1e-3 ? 0.5 : v));
  const rup = Float64Array.from(randn(rng, 20));
  expectClose(
    reluBackwardRef(reluRef(rx), rup),
    numericGradient((v) => dot(rup, reluRef(v)), rx),
    t,
    'relu dx',
  );
});

// The addon called without the typed wrapper.
type LayersNativeRaw = Record<string, (...a: unknown[]) => unknown>;

describeEachTarget('layer argument errors', (target) => {
  it('rejects bad shapes, dtypes, probabilities, seeds and hyperparameters with codes', () => {
    const dev = { device: target.device } as const;
    const f32 = (shape: number[]): Tensor<'f32'> => track(zeros(shape, dev));
    const x = f32([4, 3]);
    expect(code(() => reluBackward(x, f32([3, 4])))).toBe('ERR_SHAPE');
    expect(code(() => add(x, f32([12])))).toBe('ERR_SHAPE');
    expect(code(() => relu(x, { out: f32([4, 4]) }))).toBe('ERR_SHAPE');
    expect(code(() => dropout(x, 1, 0))).toBe('ERR_ARG');
    expect(code(() => dropout(x, -0.1, 0))).toBe('ERR_ARG');
    expect(code(() => dropout(x, Number.NaN, 0))).toBe('ERR_ARG');
    expect(code(() => dropout(x, 0.5, -1))).toBe('ERR_ARG');
    expect(code(() => dropout(x, 0.5, 1.5))).toBe('ERR_ARG');
    expect(code(() => dropout(x, 0.5, 2n ** 64n))).toBe('ERR_ARG');
    expect(code(() => dropoutBackward(x, x as unknown as Tensor<'u8'>, 0.5))).toBe('ERR_DTYPE');
    expect(code(() => batchNormTrain(f32([1, 3]), null, null, null, null))).toBe('ERR_SHAPE');
    expect(code(() => batchNormTrain(f32([12]), null, null, null, null))).toBe('ERR_SHAPE');
    expect(code(() => batchNormTrain(x, f32([4]), null, null, null))).toBe('ERR_SHAPE');
    expect(code(() => batchNormTrain(x, null, null, null, null, { momentum: 1.5 }))).toBe('ERR_ARG');
    expect(code(() => batchNormTrain(x, null, null, null, null, { eps: -1 }))).toBe('ERR_ARG');
    expect(code(() => batchNormEval(x, null, null, f32([3]), f32([2])))).toBe('ERR_SHAPE');
    expect(code(() => batchNormBackward(x, null, f32([3]), f32([3]), f32([4, 4])))).toBe('ERR_SHAPE');
    const labels = track(zeros([4], { ...dev, dtype: 'i32' }));
    expect(code(() => softmaxCrossEntropy(f32([4]), labels))).toBe('ERR_SHAPE');
    expect(code(() => softmaxCrossEntropy(x, track(zeros([3], { ...dev, dtype: 'i32' }))))).toBe('ERR_SHAPE');
    expect(code(() => softmaxCrossEntropy(x, f32([4]) as unknown as Tensor<'i32'>))).toBe('ERR_DTYPE');
    const gone = f32([4, 3]);
    gone.dispose();
    expect(code(() => relu(gone))).toBe('ERR_DISPOSED');
  });

  it('the native layer re-checks arguments', () => {
    const dev = { device: target.device } as const;
    const raw = binding() as unknown as LayersNativeRaw;
    const x = track(zeros([4, 3], dev));
    const y = track(zeros([4, 3], dev));
    const keep = track(zeros([4, 3], { ...dev, dtype: 'u8' }));
    expect(code(() => raw.dropout!(x, 0.5, 3, { out: y, keep }))).toBe('none');
    expect(code(() => raw.dropout!(x, 1, 3, { out: y, keep }))).toBe('ERR_ARG');
    expect(code(() => raw.dropout!(x, 0.5, -3, { out: y, keep }))).toBe('ERR_ARG');
    expect(code(() => raw.dropout!(x, 0.5, 3, { out: y, keep: y }))).toBe('ERR_DTYPE');
    expect(code(() => raw.add!(x, track(zeros([3, 4], dev)), { out: y }))).toBe('ERR_SHAPE');
    const one = track(zeros([1, 3], dev));
    expect(code(() => raw.batchNormTrain!(one, null, null, null, null, { eps: 1e-5, momentum: 0.1 }))).toBe('ERR_SHAPE');
    expect(code(() => raw.batchNormTrain!(x, null, null, null, null, { eps: 1e-5, momentum: 2, out: y }))).toBe('ERR_ARG');
    const labels = track(fromArray(Int32Array.from([0, 1, 2, 3]), [4], dev));
    expect(code(() => raw.softmaxCrossEntropy!(x, labels, { dlogits: false }))).toBe('ERR_ARG');
    labels.upload(Int32Array.from([0, 1, 2, 2]));
    expect(raw.softmaxCrossEntropy!(x, labels, { dlogits: false })).toMatchObject({ correct: 1 });
  });
});
