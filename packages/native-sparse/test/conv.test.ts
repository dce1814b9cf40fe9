import { afterEach, expect, it } from 'vitest';
import {
  conv2dBackwardData,
  conv2dBackwardFilter,
  conv2dForward,
  conv2dOutputShape,
  fromArray,
  getThreads,
  setThreads,
  zeros,
  type Tensor,
} from '../lib/index.js';
import { binding } from '../lib/binding.js';
import { convCases, type ConvCase } from './cases/conv2d.js';
import { conv2dBackwardRef, conv2dDwAt, conv2dDxAt, conv2dForwardAt, conv2dForwardRef, convGeom, type ConvGeom } from './reference/conv.js';
import { expectClose, scaledAtol } from './support/compare.js';
import { describeEachTarget } from './support/devices.js';
import { dot, numericGradient } from './support/finite-diff.js';
import { randn, randomMask, Rng } from './support/random.js';
import { tensorTracker, errorCode as code } from './support/tensors.js';

const track = tensorTracker();

interface CaseData {
  g: ConvGeom;
  x: Float32Array;
  w: Float32Array;
  m: Uint8Array | null;
  bias: Float32Array | null;
  dy: Float32Array;
  /** Positions checked (null = all) and the float64 reference values there. */
  want: Record<'y' | 'dx' | 'dw' | 'db', { at: Int32Array | null; values: Float64Array }>;
}

function samplePositions(rng: Rng, n: number, count: number): Int32Array {
  return Int32Array.from({ length: Math.min(n, count) }, () => rng.int(n));
}

// Inputs and float64 references, computed once per case and shared by every kernel target.
const cache = new Map<ConvCase, CaseData>();
function data(c: ConvCase): CaseData {
  let d = cache.get(c);
  if (d) return d;
  const g = convGeom(c.N, c.C, c.H, c.W, c.K, c.R, c.S, c.stride[0], c.stride[1], c.pad[0], c.pad[1]);
  const rng = new Rng(c.N * 7919 + c.C * 131 + c.H * 17 + c.K * 3 + c.R);
  const x = randn(rng, c.N * c.C * c.H * c.W);
  const w = randn(rng, c.K * c.C * c.R * c.S, 1 / Math.sqrt(c.C * c.R * c.S));
  const m = c.density === null ? null : randomMask(rng, w.length, c.density);
  const bias = c.bias ? randn(rng, c.K, 0.1) : null;
  const dy = randn(rng, c.N * c.K * g.P * g.Q);
  let want: CaseData['want'];
  if (c.sample) {
    const at = {
      y: samplePositions(rng, dy.length, c.sample),
      dx: samplePositions(rng, x.length, c.sample),
      dw: samplePositions(rng, w.length, c.sample),
    };
    const db = new Float64Array(c.K);
    for (let i = 0; i < dy.length; i++) db[Math.floor(i / (g.P * g.Q)) % c.K]! += dy[i]!;
    want = {
      y: { at: at.y, values: Float64Array.from(at.y, (i) => conv2dForwardAt(g, x, w, m, bias, i)) },
      dx: { at: at.dx, values: Float64Array.from(at.dx, (i) => conv2dDxAt(g, w, m, dy, i)) },
      dw: { at: at.dw, values: Float64Array.from(at.dw, (i) => conv2dDwAt(g, x, dy, m, i)) },
      db: { at: null, values: db },
    };
  } else {
    const grads = conv2dBackwardRef(g, x, w, m, dy);
    want = {
      y: { at: null, values: conv2dForwardRef(g, x, w, m, bias) },
      dx: { at: null, values: grads.dx },
      dw: { at: null, values: grads.dw },
      db: { at: null, values: grads.db },
    };
  }
  d = { g, x, w, m, bias, dy, want };
  cache.set(c, d);
  return d;
}

const defaultThreads = getThreads();
afterEach(() => setThreads(defaultThreads));

const tol = (want: ArrayLike<number>) => ({ rtol: 1e-4, atol: scaledAtol(want, 2e-5) + 1e-6 });

function check(d: CaseData, what: keyof CaseData['want'], got: Float32Array): void {
  const { at, values } = d.want[what];
  expectClose(at ? Float32Array.from(at, (i) => got[i]!) : got, values, tol(values), what);
}

describeEachTarget('conv2d', (target) => {
  const dev = { device: target.device } as const;
  for (const c of convCases) {
    const name = `${c.name}: x [${c.N},${c.C},${c.H},${c.W}] w [${c.K},${c.C},${c.R},${c.S}] stride ${c.stride} pad ${c.pad} density ${c.density ?? 'none'}`;
    const tensors = (d: CaseData) => ({
      X: track(fromArray(d.x, [c.N, c.C, c.H, c.W], dev)),
      W: track(fromArray(d.w, [c.K, c.C, c.R, c.S], dev)),
      M: d.m ? track(fromArray(d.m, [c.K, c.C, c.R, c.S], dev)) : null,
      DY: track(fromArray(d.dy, [c.N, c.K, d.g.P, d.g.Q], dev)),
    });

    const run = c.fastOnly && target.variant === 'reference' ? it.skip : it;

    run(`forward ${name}`, () => {
      const d = data(c);
      const t = tensors(d);
      const Bias = d.bias ? track(fromArray(d.bias, [c.K], dev)) : null;
      const y = track(conv2dForward(t.X, t.W, { mask: t.M, bias: Bias, stride: c.stride, padding: c.pad }));
      expect(y.shape).toEqual([c.N, c.K, d.g.P, d.g.Q]);
      check(d, 'y', y.download());
    });

    run(`backward ${name}`, () => {
      const d = data(c);
      const t = tensors(d);
      const geo = { mask: t.M, stride: c.stride, padding: c.pad };
      const dx = track(conv2dBackwardData(t.DY, t.W, [c.N, c.C, c.H, c.W], geo));
      check(d, 'dx', dx.download());
      const { dw, db } = conv2dBackwardFilter(t.X, t.DY, [c.K, c.C, c.R, c.S], geo);
      track(dw);
      track(db!);
      const dwv = dw.download();
      check(d, 'dw', dwv);
      if (d.m) for (let i = 0; i < dwv.length; i++) if (!d.m[i]) expect(Object.is(dwv[i], 0), `dw[${i}] pruned`).toBe(true);
      check(d, 'db', db!.download());
    });
  }

  // The fast kernels split work differently by thread count (whole images per thread, or tiles in order
  // with parallel steps); check each split against the reference.
  for (const threads of [1, 2, 3]) {
    it(`matches the reference on ${threads} thread(s): tile bands, multi-image tiles, partial weight gradients`, () => {
      setThreads(threads);
      for (const name of [
        'tile bands straddle images',
        'two images per tile, last tile one image',
        '3x3 stride 2 pad 1',
        '1x1 pointwise masked',
      ]) {
        const c = convCases.find((k) => k.name === name)!;
        const d = data(c);
        const X = track(fromArray(d.x, [c.N, c.C, c.H, c.W], dev));
        const W = track(fromArray(d.w, [c.K, c.C, c.R, c.S], dev));
        const M = d.m ? track(fromArray(d.m, [c.K, c.C, c.R, c.S], dev)) : null;
        const Bias = d.bias ? track(fromArray(d.bias, [c.K], dev)) : null;
        const DY = track(fromArray(d.dy, [c.N, c.K, d.g.P, d.g.Q], dev));
        const geo = { stride: c.stride, padding: c.pad, mask: M };
        check(d, 'y', track(conv2dForward(X, W, { ...geo, bias: Bias })).download());
        check(d, 'dx', track(conv2dBackwardData(DY, W, X.shape, geo)).download());
        const g = conv2dBackwardFilter(X, DY, W.shape, geo);
        check(d, 'dw', track(g.dw).download());
        check(d, 'db', track(g.db!).download());
      }
    });
  }

  it('writes into given outputs, overwriting old contents, and skips db when asked', () => {
    const c = convCases.find((k) => k.name === '3x3 stride 2 pad 1')!;
    const d = data(c);
    const X = track(fromArray(d.x, [c.N, c.C, c.H, c.W], dev));
    const W = track(fromArray(d.w, [c.K, c.C, c.R, c.S], dev));
    const M = track(fromArray(d.m!, [c.K, c.C, c.R, c.S], dev));
    const DY = track(fromArray(d.dy, [c.N, c.K, d.g.P, d.g.Q], dev));
    const nan = (n: number) => new Float32Array(n).fill(Number.NaN);
    const out = track(fromArray(nan(d.dy.length), [c.N, c.K, d.g.P, d.g.Q], dev));
    const dx = track(fromArray(nan(d.x.length), [c.N, c.C, c.H, c.W], dev));
    const dw = track(fromArray(nan(d.w.length), [c.K, c.C, c.R, c.S], dev));
    const Bias = track(fromArray(d.bias!, [c.K], dev));
    expect(conv2dForward(X, W, { mask: M, bias: Bias, stride: 2, padding: 1, out })).toBe(out);
    check(d, 'y', out.download());
    expect(conv2dBackwardData(DY, W, X.shape, { mask: M, stride: 2, padding: 1, out: dx })).toBe(dx);
    check(d, 'dx', dx.download());
    const g = conv2dBackwardFilter(X, DY, W.shape, { mask: M, stride: [2, 2], padding: [1, 1], dw, db: false });
    expect(g.dw).toBe(dw);
    expect(g.db).toBeNull();
    check(d, 'dw', dw.download());
  });
});

it('conv2d backward reference matches central finite differences (stride 2, padding, mask, bias)', () => {
  const g = convGeom(2, 3, 6, 5, 4, 3, 2, 2, 1, 1, 1);
  const rng = new Rng(21);
  const x = Float64Array.from(randn(rng, g.N * g.C * g.H * g.W));
  const w = Float64Array.from(randn(rng, g.K * g.C * g.R * g.S));
  const m = randomMask(rng, w.length, 0.6);
  const bias = Float64Array.from(randn(rng, g.K));
  const up = Float64Array.from(randn(rng, g.N * g.K * g.P * g.Q));
  const loss = (xx: Float64Array, ww: Float64Array, bb: Float64Array) => dot(up, conv2dForwardRef(g, xx, ww, m, bb));
  const grads = conv2dBackwardRef(g, x, w, m, up);
  const t = { rtol: 1e-6, atol: 1e-7 };
  expectClose(
    grads.dx,
    numericGradient((v) => loss(v, w, bias), x),
    t,
    'dx',
  );
  expectClose(
    grads.dw,
    numericGradient((v) => loss(x, v, bias), w),
    t,
    'dw',
  );
  expectClose(
    grads.db,
    numericGradient((v) => loss(x, w, v), bias),
    t,
    'db',
  );
});

it('the per-element conv references agree with the full ones', () => {
  const g = convGeom(2, 3, 7, 6, 4, 3, 2, 2, 1, 1, 1);
  const rng = new Rng(5);
  const x = randn(rng, g.N * g.C * g.H * g.W);
  const w = randn(rng, g.K * g.C * g.R * g.S);
  const m = randomMask(rng, w.length, 0.5);
  const bias = randn(rng, g.K);
  const dy = randn(rng, g.N * g.K * g.P * g.Q);
  const y = conv2dForwardRef(g, x, w, m, bias);
  const grads = conv2dBackwardRef(g, x, w, m, dy);
  const t = { rtol: 1e-12, atol: 1e-12 };
  expectClose(
    Float64Array.from(y, (_, i) => conv2dForwardAt(g, x, w, m, bias, i)),
    y,
    t,
    'y',
  );
  expectClose(
    Float64Array.from(grads.dx, (_, i) => conv2dDxAt(g, w, m, dy, i)),
    grads.dx,
    t,
    'dx',
  );
  expectClose(
    Float64Array.from(grads.dw, (_, i) => conv2dDwAt(g, x, dy, m, i)),
    grads.dw,
    t,
    'dw',
  );
});

it('conv2dOutputShape follows floor((H + 2·pad − R) / stride) + 1', () => {
  expect(conv2dOutputShape([8, 3, 32, 32], [64, 3, 3, 3], { padding: 1 })).toEqual([8, 64, 32, 32]);
  expect(conv2dOutputShape([1, 3, 7, 8], [2, 3, 3, 3], { stride: 2 })).toEqual([1, 2, 3, 3]);
  expect(conv2dOutputShape([1, 3, 7, 8], [2, 3, 5, 1], { stride: [1, 3], padding: [2, 0] })).toEqual([1, 2, 7, 3]);
});

interface ConvNativeRaw {
  conv2dForward(x: Tensor, w: Tensor, opts: Record<string, unknown>): void;
  conv2dBackwardFilter(x: Tensor, dy: Tensor, weightShape: number[], opts: Record<string, unknown>): void;
}

describeEachTarget('conv2d argument errors', (target) => {
  it('rejects bad shapes, stride, padding, masks and dtypes with codes (TypeScript checks)', () => {
    const dev = { device: target.device } as const;
    const f32 = (shape: number[]): Tensor<'f32'> => track(zeros(shape, dev));
    const x = f32([2, 3, 5, 5]);
    const w = f32([4, 3, 3, 3]);
    expect(code(() => conv2dForward(x, f32([4, 2, 3, 3])))).toBe('ERR_SHAPE'); // channels differ
    expect(code(() => conv2dForward(x, f32([4, 3, 7, 3])))).toBe('ERR_SHAPE'); // kernel > input
    expect(code(() => conv2dForward(x, f32([4, 3, 3])))).toBe('ERR_SHAPE'); // rank 3 weights
    expect(code(() => conv2dForward(x, w, { stride: 0 }))).toBe('ERR_ARG');
    expect(code(() => conv2dForward(x, w, { stride: [1, 1.5] }))).toBe('ERR_ARG');
    expect(code(() => conv2dForward(x, w, { padding: -1 }))).toBe('ERR_ARG');
    expect(code(() => conv2dForward(x, w, { mask: track(zeros([4, 3, 3, 1], { ...dev, dtype: 'u8' })) }))).toBe('ERR_SHAPE');
    expect(code(() => conv2dForward(x, w, { mask: track(zeros([4, 3, 3, 3], dev)) as unknown as Tensor<'u8'> }))).toBe('ERR_DTYPE');
    expect(code(() => conv2dForward(x, w, { bias: f32([3]) }))).toBe('ERR_SHAPE');
    expect(code(() => conv2dForward(x, w, { out: f32([2, 4, 5, 5]) }))).toBe('ERR_SHAPE'); // no padding: 3x3 out
    const dy = f32([2, 4, 3, 3]);
    expect(code(() => conv2dBackwardData(dy, w, [2, 3, 5, 5], { padding: 1 }))).toBe('ERR_SHAPE'); // dy is for pad 0
    expect(code(() => conv2dBackwardData(dy, w, [2, 3, 5]))).toBe('ERR_SHAPE');
    expect(code(() => conv2dBackwardFilter(x, dy, [4, 3, 3, 3], { stride: 2 }))).toBe('ERR_SHAPE');
    expect(code(() => conv2dBackwardFilter(x, dy, [4, 3, 3, 3], { db: f32([5]) }))).toBe('ERR_SHAPE');
    const gone = zeros([4, 3, 3, 3], dev);
    gone.dispose();
    expect(code(() => conv2dForward(x, gone))).toBe('ERR_DISPOSED');
  });

  it('the native layer re-checks what TypeScript checks', () => {
    const dev = { device: target.device } as const;
    const raw = binding() as unknown as ConvNativeRaw;
    const x = track(zeros([2, 3, 5, 5], dev));
    const w = track(zeros([4, 3, 3, 3], dev));
    const y = track(zeros([2, 4, 3, 3], dev));
    expect(code(() => raw.conv2dForward(x, w, { out: y }))).toBe('none');
    expect(code(() => raw.conv2dForward(x, w, { stride: [0, 1], out: y }))).toBe('ERR_ARG');
    expect(code(() => raw.conv2dForward(x, w, { padding: [-1, 0], out: y }))).toBe('ERR_ARG');
    expect(code(() => raw.conv2dForward(x, w, { padding: 1, out: y }))).toBe('ERR_SHAPE');
    expect(code(() => raw.conv2dForward(x, track(zeros([4, 3, 6, 3], dev)), { out: y }))).toBe('ERR_SHAPE');
    expect(code(() => raw.conv2dForward(x, w, { mask: track(zeros([4, 3, 3, 3], dev)), out: y }))).toBe('ERR_DTYPE');
    expect(code(() => raw.conv2dBackwardFilter(x, y, [4, 3, 3, 3], { dw: track(zeros([4, 3, 3, 2], dev)), db: false }))).toBe('ERR_SHAPE');
  });
});
