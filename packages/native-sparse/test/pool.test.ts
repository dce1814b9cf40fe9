import { afterEach, expect, it } from 'vitest';
import {
  avgPool2d,
  avgPool2dBackward,
  fromArray,
  getThreads,
  globalAvgPool,
  globalAvgPoolBackward,
  maxPool2d,
  maxPool2dBackward,
  pool2dOutputShape,
  setThreads,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { globalPoolCases } from './cases/global_avgpool.js';
import { poolCases } from './cases/pool2d.js';
import {
  avgPoolBackwardRef,
  avgPoolRef,
  globalAvgPoolBackwardRef,
  globalAvgPoolRef,
  maxPoolBackwardRef,
  maxPoolRef,
  poolGeom,
} from './reference/pool.js';
import { expectClose, expectEqualArrays, scaledAtol } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { dot, numericGradient } from './support/finite-diff.js';
import { randn, Rng } from './support/random.js';
import { tensorTracker, errorCode as code } from './support/tensors.js';

const track = tensorTracker();

const defaultThreads = getThreads();
afterEach(() => setThreads(defaultThreads));

const tol = (want: ArrayLike<number>) => ({ rtol: 1e-5, atol: scaledAtol(want, 1e-6) + 1e-7 });

describeEachTarget('maxPool2d / avgPool2d', (target) => {
  const dev = { device: target.device } as const;
  for (const c of poolCases) {
    const g = poolGeom(c.N, c.C, c.H, c.W, c.kernel[0], c.kernel[1], c.stride[0], c.stride[1], c.pad[0], c.pad[1]);
    const geo = { kernelSize: c.kernel, stride: c.stride, padding: c.pad };
    const name = `${c.name}: x [${c.N},${c.C},${c.H},${c.W}] kernel ${c.kernel} stride ${c.stride} pad ${c.pad}`;
    const setup = () => {
      const rng = new Rng(c.N * 977 + c.C * 31 + c.H * 7 + c.W + c.kernel[0]);
      const x = randn(rng, c.N * c.C * c.H * c.W);
      const dy = randn(rng, c.N * c.C * g.P * g.Q);
      return { x, dy, X: track(fromArray(x, [c.N, c.C, c.H, c.W], dev)), DY: track(fromArray(dy, [c.N, c.C, g.P, g.Q], dev)) };
    };

    it(`max forward and backward ${name}`, () => {
      const s = setup();
      const { y, argmax } = maxPool2d(s.X, geo);
      track(y);
      track(argmax);
      expect(y.shape).toEqual([c.N, c.C, g.P, g.Q]);
      const want = maxPoolRef(g, s.x);
      expectEqualArrays(y.download(), Float32Array.from(want.y), 'y');
      expectEqualArrays(argmax.download(), want.argmax, 'argmax');
      const dx = track(maxPool2dBackward(s.DY, argmax, s.X.shape, geo));
      const wdx = maxPoolBackwardRef(g, s.dy, want.argmax);
      expectClose(dx.download(), wdx, tol(wdx), 'dx');
    });

    for (const includePad of [true, false]) {
      it(`avg forward and backward countIncludePad ${includePad} ${name}`, () => {
        const s = setup();
        const y = track(avgPool2d(s.X, { ...geo, countIncludePad: includePad }));
        const want = avgPoolRef(g, includePad, s.x);
        expectClose(y.download(), want, tol(want), 'y');
        const dx = track(avgPool2dBackward(s.DY, s.X.shape, { ...geo, countIncludePad: includePad }));
        const wdx = avgPoolBackwardRef(g, includePad, s.dy);
        expectClose(dx.download(), wdx, tol(wdx), 'dx');
      });
    }
  }

  it('max pooling: ties go to the first maximum, padding is −inf, NaN propagates', () => {
    const x = track(fromArray(new Float32Array(2 * 4 * 4).fill(-Infinity).fill(3, 16), [1, 2, 4, 4], dev));
    const { y, argmax } = maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
    track(y);
    track(argmax);
    // plane 0 is all −inf: the first in-bounds input of each window; plane 1 all 3: the same positions.
    expectEqualArrays(argmax.download(), Int32Array.from([0, 1, 4, 5, 0, 1, 4, 5]), 'argmax');
    expectEqualArrays(y.download(), Float32Array.from([-Infinity, -Infinity, -Infinity, -Infinity, 3, 3, 3, 3]), 'y');
    const withNaN = new Float32Array(16).fill(1);
    withNaN[5] = Number.NaN;
    const r = maxPool2d(track(fromArray(withNaN, [1, 1, 4, 4], dev)), { kernelSize: 2 });
    track(r.y);
    track(r.argmax);
    expect(Array.from(r.y.download())).toEqual([Number.NaN, 1, 1, 1]);
    expect(r.argmax.download()[0]).toBe(5);
  });

  it('avgPool2d defaults to countIncludePad, and maxPool2d stride defaults to the kernel', () => {
    const x = track(
      fromArray(
        Float32Array.from({ length: 9 }, (_, i) => i + 1),
        [1, 1, 3, 3],
        dev,
      ),
    );
    const y = track(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }));
    expect(y.download()[0]).toBeCloseTo(1 / 4, 6); // corner window holds only x[0,0] = 1
    const yx = track(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false }));
    expect(yx.download()[0]).toBeCloseTo(1, 6);
    expect(pool2dOutputShape([1, 1, 7, 9], { kernelSize: 2 })).toEqual([1, 1, 3, 4]);
  });

  it('results are identical on 1 and 2 threads (argmax exactly)', () => {
    const x = track(fromArray(randn(new Rng(12), 8 * 16 * 15 * 15), [8, 16, 15, 15], dev));
    const geo = { kernelSize: 3, stride: 2, padding: 1 };
    const run = () => {
      const m = maxPool2d(x, geo);
      const a = avgPool2d(x, { ...geo, countIncludePad: false });
      const out = [m.y, m.argmax, a].map((t) => t.download());
      [m.y, m.argmax, a].forEach((t) => t.dispose());
      return out;
    };
    setThreads(1);
    const one = run();
    setThreads(2);
    const two = run();
    one.forEach((v, i) => expectEqualArrays(two[i]!, v, `output ${i}`));
  });

  for (const c of globalPoolCases) {
    it(`global average pool x [${c.N},${c.C},${c.H},${c.W}]`, () => {
      const rng = new Rng(c.N * 13 + c.C * 5 + c.H);
      const HW = c.H * c.W;
      const x = randn(rng, c.N * c.C * HW);
      const dy = randn(rng, c.N * c.C);
      const y = track(globalAvgPool(track(fromArray(x, [c.N, c.C, c.H, c.W], dev))));
      expect(y.shape).toEqual([c.N, c.C]);
      const want = globalAvgPoolRef(c.N, c.C, HW, x);
      expectClose(y.download(), want, tol(want), 'y');
      const dx = track(globalAvgPoolBackward(track(fromArray(dy, [c.N, c.C], dev)), [c.N, c.C, c.H, c.W]));
      const wdx = globalAvgPoolBackwardRef(c.N, c.C, HW, dy);
      expectClose(dx.download(), wdx, tol(wdx), 'dx');
    });
  }
});

it('pooling backward references match central finite differences', () => {
  const g = poolGeom(2, 2, 7, 6, 3, 2, 2, 1, 1, 1);
  const rng = new Rng(8);
  const x = Float64Array.from(randn(rng, g.N * g.C * g.H * g.W));
  const up = Float64Array.from(randn(rng, g.N * g.C * g.P * g.Q));
  const t = { rtol: 1e-6, atol: 1e-7 };
  const { argmax } = maxPoolRef(g, x);
  expectClose(
    maxPoolBackwardRef(g, up, argmax),
    numericGradient((v) => dot(up, maxPoolRef(g, v).y), x),
    t,
    'max dx',
  );
  for (const includePad of [true, false]) {
    expectClose(
      avgPoolBackwardRef(g, includePad, up),
      numericGradient((v) => dot(up, avgPoolRef(g, includePad, v)), x),
      t,
      `avg dx ${includePad}`,
    );
  }
  const gup = Float64Array.from(randn(rng, 6));
  const gx = Float64Array.from(randn(rng, 6 * 5));
  expectClose(
    globalAvgPoolBackwardRef(2, 3, 5, gup),
    numericGradient((v) => dot(gup, globalAvgPoolRef(2, 3, 5, v)), gx),
    t,
    'global dx',
  );
});

// The addon called without the typed wrapper.
type PoolNativeRaw = Record<string, (...a: unknown[]) => unknown>;

describeEachTarget('pooling argument errors', (target) => {
  it('rejects bad kernels, strides, padding and shapes with codes', () => {
    const dev = { device: target.device } as const;
    const f32 = (shape: number[]): Tensor<'f32'> => track(zeros(shape, dev));
    const x = f32([2, 3, 6, 6]);
    expect(code(() => maxPool2d(x, { kernelSize: 0 }))).toBe('ERR_ARG');
    expect(code(() => maxPool2d(x, { kernelSize: 2, stride: 0 }))).toBe('ERR_ARG');
    expect(code(() => maxPool2d(x, { kernelSize: 2, padding: 2 }))).toBe('ERR_ARG'); // more than half the kernel
    expect(code(() => avgPool2d(x, { kernelSize: 3, padding: -1 }))).toBe('ERR_ARG');
    expect(code(() => avgPool2d(x, { kernelSize: [7, 2] }))).toBe('ERR_SHAPE'); // window > input
    expect(code(() => maxPool2d(f32([2, 3, 6]), { kernelSize: 2 }))).toBe('ERR_SHAPE');
    expect(code(() => avgPool2d(x, {} as { kernelSize: number }))).toBe('ERR_ARG');
    const { y, argmax } = maxPool2d(x, { kernelSize: 2 });
    track(y);
    track(argmax);
    expect(code(() => maxPool2dBackward(y, argmax, [2, 3, 6, 6], { kernelSize: 3 }))).toBe('ERR_SHAPE');
    expect(code(() => maxPool2dBackward(y, y as unknown as Tensor<'i32'>, [2, 3, 6, 6], { kernelSize: 2 }))).toBe('ERR_DTYPE');
    expect(code(() => avgPool2dBackward(y, [2, 3, 7, 7], { kernelSize: 3 }))).toBe('ERR_SHAPE');
    expect(code(() => globalAvgPool(f32([2, 3])))).toBe('ERR_SHAPE');
    expect(code(() => globalAvgPool(f32([2, 3, 0, 4])))).toBe('ERR_SHAPE');
    expect(code(() => globalAvgPoolBackward(f32([2, 4]), [2, 3, 4, 4]))).toBe('ERR_SHAPE');
  });

  it('the native layer re-checks arguments and rejects argmax indices outside the plane', () => {
    const dev = { device: target.device } as const;
    const raw = binding() as unknown as PoolNativeRaw;
    const x = track(zeros([1, 1, 4, 4], dev));
    const y = track(zeros([1, 1, 2, 2], dev));
    const am = track(zeros([1, 1, 2, 2], { ...dev, dtype: 'i32' }));
    expect(code(() => raw.maxPool2d!(x, { kernelSize: 2, stride: 2, out: y, argmax: am }))).toBe('none');
    expect(code(() => raw.maxPool2d!(x, { kernelSize: 2, stride: [0, 2], out: y, argmax: am }))).toBe('ERR_ARG');
    expect(code(() => raw.maxPool2d!(x, { kernelSize: 2, stride: 2, padding: [2, 0], out: y, argmax: am }))).toBe('ERR_ARG');
    expect(code(() => raw.maxPool2d!(x, { kernelSize: 3, stride: 2, out: y, argmax: am }))).toBe('ERR_SHAPE');
    expect(code(() => raw.maxPool2d!(x, { kernelSize: 2, stride: 2, out: y, argmax: y }))).toBe('ERR_DTYPE');
    const bad = track(fromArray(Int32Array.from([0, 3, 16, 5]), [1, 1, 2, 2], dev));
    expect(code(() => raw.maxPool2dBackward!(y, bad, [1, 1, 4, 4], { kernelSize: 2, stride: 2, out: x }))).toBe('ERR_ARG');
    bad.upload(Int32Array.from([0, -1, 2, 5]));
    expect(code(() => raw.maxPool2dBackward!(y, bad, [1, 1, 4, 4], { kernelSize: 2, stride: 2, out: x }))).toBe('ERR_ARG');
  });
});
