import { expect, it } from 'vitest';
import { denseKernelInfo, gemm, maskedDenseForward, zeros, type Tensor } from '../lib/index.js';
import { denseKernelSuite } from './dense.suite.js';
import { denseBackwardRef, denseForwardRef } from './reference/dense.js';
import { expectClose } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { dot, numericGradient } from './support/finite-diff.js';
import { randn, randomMask, Rng } from './support/random.js';
import { tensorTracker, errorCode as code } from './support/tensors.js';

const track = tensorTracker();

denseKernelSuite();

it('reports the CPU GEMM variant in use', () => {
  const info = denseKernelInfo();
  expect(['avx512', 'avx2', 'generic']).toContain(info.isa);
  expect(info.mr).toBeGreaterThan(0);
  expect(info.nr).toBeGreaterThan(0);
});

it('dense backward reference matches central finite differences (with mask, bias, relu off)', () => {
  const [B, In, Out] = [3, 5, 4];
  const rng = new Rng(11);
  const x = Float64Array.from(randn(rng, B * In));
  const w = Float64Array.from(randn(rng, Out * In));
  const m = randomMask(rng, Out * In, 0.6);
  const bias = Float64Array.from(randn(rng, Out));
  const up = Float64Array.from(randn(rng, B * Out));
  const loss = (xx: Float64Array, ww: Float64Array, bb: Float64Array) => dot(up, denseForwardRef(B, In, Out, xx, ww, m, bb, false));
  const g = denseBackwardRef(B, In, Out, x, w, m, up);
  expectClose(
    g.dx,
    numericGradient((v) => loss(v, w, bias), x),
    { rtol: 1e-6, atol: 1e-7 },
    'dx',
  );
  expectClose(
    g.dW,
    numericGradient((v) => loss(x, v, bias), w),
    { rtol: 1e-6, atol: 1e-7 },
    'dW',
  );
  expectClose(
    g.db,
    numericGradient((v) => loss(x, w, v), bias),
    { rtol: 1e-6, atol: 1e-7 },
    'db',
  );
});

describeEachTarget('dense argument errors', (target) => {
  it('reports shapes, dtypes and disposed tensors with codes', () => {
    const dev = { device: target.device } as const;
    const x = track(zeros([2, 3], dev));
    const W = track(zeros([4, 5], dev));
    expect(code(() => maskedDenseForward(x, W))).toBe('ERR_SHAPE');
    const W2 = track(zeros([4, 3], dev));
    const badMask = track(zeros([4, 3], { ...dev, dtype: 'i32' }));
    expect(code(() => maskedDenseForward(x, W2, { mask: badMask as unknown as Tensor<'u8'> }))).toBe('ERR_DTYPE');
    expect(code(() => gemm(x, W2))).toBe('ERR_SHAPE');
    const d = zeros([4, 3], dev);
    d.dispose();
    expect(code(() => maskedDenseForward(x, d))).toBe('ERR_DISPOSED');
  });
});
