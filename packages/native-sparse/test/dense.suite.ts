// The dense kernel tests (gemm and the masked dense layer against the float64 references, on every kernel
// target), shared by dense.test.ts and the tests of the narrower CPU variants (dense-avx2/-generic.test.ts).
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  fromArray,
  gemm,
  getThreads,
  maskedDenseBackward,
  maskedDenseForward,
  setKernelVariant,
  setThreads,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { gemmCases } from './cases/gemm.js';
import { denseCases, pruneWholeRows } from './cases/masked_dense.js';
import { denseBackwardRef, denseForwardRef, gemmRef } from './reference/dense.js';
import { expectClose, expectEqualArrays, scaledAtol } from './support/compare.js';
import { describeEachTarget, kernelTargets, type KernelTarget } from './support/devices.js';
import { randn, randomMask, Rng } from './support/random.js';

export interface DenseSuiteOptions {
  /** Run only these kernel targets (default: all). */
  only?: Array<KernelTarget['name']>;
}

// describeEachTarget, or only the chosen (available) targets.
function describeTargets(only: DenseSuiteOptions['only'], title: string, body: (target: KernelTarget) => void): void {
  if (!only) return describeEachTarget(title, body);
  for (const target of kernelTargets()) {
    if (!only.includes(target.name) || target.unavailable) continue;
    describe(`${title} [${target.name}]`, () => {
      beforeEach(() => setKernelVariant(target.variant));
      afterAll(() => setKernelVariant('fast'));
      body(target);
    });
  }
}

export function denseKernelSuite(opts: DenseSuiteOptions = {}): void {
  const live: Tensor[] = [];
  const track = <T extends Tensor>(t: T): T => (live.push(t), t);
  afterAll(() => live.forEach((t) => t.dispose()));

  describeTargets(opts.only, 'gemm', (target) => {
    for (const c of gemmCases) {
      it(`${c.name}: M${c.M} N${c.N} K${c.K} ${c.ta ? 'T' : 'N'}${c.tb ? 'T' : 'N'} alpha ${c.alpha} beta ${c.beta}`, () => {
        const rng = new Rng(c.M * 131 + c.N * 7 + c.K);
        const a = randn(rng, c.M * c.K);
        const b = randn(rng, c.K * c.N);
        const c0 = randn(rng, c.M * c.N);
        const A = track(fromArray(a, c.ta ? [c.K, c.M] : [c.M, c.K], { device: target.device }));
        const B = track(fromArray(b, c.tb ? [c.N, c.K] : [c.K, c.N], { device: target.device }));
        const C = track(fromArray(c0, [c.M, c.N], { device: target.device }));
        gemm(A, B, { transA: c.ta, transB: c.tb, alpha: c.alpha, beta: c.beta, out: C });
        const want = gemmRef(c.ta, c.tb, c.M, c.N, c.K, c.alpha, a, b, c.beta, c0);
        expectClose(C.download(), want, { rtol: 1e-4, atol: 1e-4 * Math.sqrt(c.K + 1) }, 'C');
      });
    }

    it('beta = 0 ignores NaN in the output buffer over several depth blocks', () => {
      const [M, N, K] = [3, 5, 801];
      const rng = new Rng(17);
      const a = randn(rng, M * K);
      const b = randn(rng, K * N);
      const A = track(fromArray(a, [M, K], { device: target.device }));
      const B = track(fromArray(b, [K, N], { device: target.device }));
      const C = track(fromArray(new Float32Array(M * N).fill(NaN), [M, N], { device: target.device }));
      gemm(A, B, { out: C });
      expectClose(C.download(), gemmRef(false, false, M, N, K, 1, a, b, 0, null), { rtol: 1e-4, atol: 1e-3 }, 'C');
    });

    it('beta = 0 ignores NaN in the output buffer', () => {
      const A = track(fromArray(new Float32Array([1, 2]), [1, 2], { device: target.device }));
      const B = track(fromArray(new Float32Array([3, 4]), [2, 1], { device: target.device }));
      const C = track(fromArray(new Float32Array([NaN]), [1, 1], { device: target.device }));
      gemm(A, B, { out: C });
      expect(Array.from(C.download())).toEqual([11]);
    });
  });

  describeTargets(opts.only, 'maskedDense', (target) => {
    for (const c of denseCases) {
      const name = `${c.name}: B${c.B} In${c.In} Out${c.Out} density ${c.density ?? 'none'}${c.bias ? ' bias' : ''}${c.relu ? ' relu' : ''}`;
      const setup = () => {
        const rng = new Rng(c.B * 1000 + c.In * 10 + c.Out);
        const x = randn(rng, c.B * c.In);
        const w = randn(rng, c.Out * c.In, 1 / Math.sqrt(Math.max(c.In, 1)));
        const m0 = c.density === null ? null : randomMask(rng, c.Out * c.In, c.density);
        const m = m0 && c.wholeRows ? pruneWholeRows(m0, c.In, c.Out) : m0;
        const bias = c.bias ? randn(rng, c.Out, 0.1) : null;
        const dev = { device: target.device } as const;
        return {
          rng,
          x,
          w,
          m,
          bias,
          X: track(fromArray(x, [c.B, c.In], dev)),
          W: track(fromArray(w, [c.Out, c.In], dev)),
          M: m ? track(fromArray(m, [c.Out, c.In], dev)) : null,
          Bias: bias ? track(fromArray(bias, [c.Out], dev)) : null,
        };
      };

      it(`forward ${name}`, () => {
        const s = setup();
        const y = track(maskedDenseForward(s.X, s.W, { mask: s.M, bias: s.Bias, relu: c.relu }));
        const want = denseForwardRef(c.B, c.In, c.Out, s.x, s.w, s.m, s.bias, c.relu);
        expectClose(y.download(), want, { rtol: 1e-4, atol: scaledAtol(want, 1e-5) + 1e-6 }, 'y');
      });

      it(`backward ${name}`, () => {
        const s = setup();
        const dy = randn(s.rng, c.B * c.Out);
        const DY = track(fromArray(dy, [c.B, c.Out], { device: target.device }));
        const g = maskedDenseBackward(s.X, s.W, DY, { mask: s.M });
        [g.dx, g.dW, g.db].forEach((t) => t && track(t));
        const want = denseBackwardRef(c.B, c.In, c.Out, s.x, s.w, s.m, dy);
        expectClose(g.dx!.download(), want.dx, { rtol: 1e-4, atol: scaledAtol(want.dx, 1e-5) + 1e-6 }, 'dx');
        const dW = g.dW!.download();
        expectClose(dW, want.dW, { rtol: 1e-4, atol: scaledAtol(want.dW, 1e-5) + 1e-6 }, 'dW');
        if (s.m) {
          const notZero = dW.findIndex((v, i) => !s.m![i] && !Object.is(v, 0));
          expect(notZero, `dW[${notZero}] is pruned but ${dW[notZero]}, not +0`).toBe(-1);
        }
        expectClose(g.db!.download(), want.db, { rtol: 1e-4, atol: scaledAtol(want.db, 1e-5) + 1e-6 }, 'db');
      });
    }

    it('backward skips gradients that are not asked for and writes into given tensors', () => {
      const rng = new Rng(5);
      const X = track(fromArray(randn(rng, 6), [2, 3], { device: target.device }));
      const W = track(fromArray(randn(rng, 12), [4, 3], { device: target.device }));
      const DY = track(fromArray(randn(rng, 8), [2, 4], { device: target.device }));
      const dW = track(zeros([4, 3], { device: target.device }));
      const g = maskedDenseBackward(X, W, DY, { dx: false, db: false, dW });
      expect(g.dx).toBeNull();
      expect(g.db).toBeNull();
      expect(g.dW).toBe(dW);
      expect(dW.download().some((v) => v !== 0)).toBe(true);
    });
  });

  // The CPU kernels split C over threads (and, on one thread, over several L2-sized column blocks for this
  // N and K); each element is still summed in the same order, so results must be bit-identical.
  it('CPU results do not depend on the thread count', () => {
    const saved = getThreads();
    const [Bn, In, Out] = [13, 800, 400];
    const rng = new Rng(23);
    const x = randn(rng, Bn * In);
    const w = randn(rng, Out * In, 0.05);
    const m = randomMask(rng, Out * In, 0.5);
    const bias = randn(rng, Out, 0.1);
    const dy = randn(rng, Bn * Out);
    const X = track(fromArray(x, [Bn, In]));
    const W = track(fromArray(w, [Out, In]));
    const M = track(fromArray(m, [Out, In]));
    const Bias = track(fromArray(bias, [Out]));
    const DY = track(fromArray(dy, [Bn, Out]));
    const run = (threads: number) => {
      setThreads(threads);
      const y = track(maskedDenseForward(X, W, { mask: M, bias: Bias, relu: true }));
      const g = maskedDenseBackward(X, W, DY, { mask: M, db: false });
      const c = track(gemm(X, W, { transB: true }));
      return [y.download(), track(g.dx!).download(), track(g.dW!).download(), c.download()];
    };
    try {
      const one = run(1);
      const want = denseForwardRef(Bn, In, Out, x, w, m, bias, true);
      expectClose(one[0]!, want, { rtol: 1e-4, atol: scaledAtol(want, 1e-5) }, 'y');
      const grads = denseBackwardRef(Bn, In, Out, x, w, m, dy);
      expectClose(one[1]!, grads.dx, { rtol: 1e-4, atol: scaledAtol(grads.dx, 1e-5) }, 'dx');
      expectClose(one[2]!, grads.dW, { rtol: 1e-4, atol: scaledAtol(grads.dW, 1e-5) }, 'dW');
      for (const threads of [2, 3, 5]) {
        const other = run(threads);
        ['y', 'dx', 'dW', 'gemm'].forEach((name, i) => expectEqualArrays(other[i]!, one[i]!, `${name} on ${threads} threads`));
      }
    } finally {
      setThreads(saved);
    }
  });
}
