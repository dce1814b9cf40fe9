// The cross-target parity table: every kernel op exported by lib, on realistic sizes (LeNet-300-100 at batch 60,
// a Conv-4 64→64 3×3 layer at 32×32 batch 8, ResNet-20 stride-2 layers, 266K-weight global pruning over 3
// tensors) and awkward ones (1×1, odd sizes, empty batches, exact ties). Inputs are seeded and built once per
// case; test/support/parity.ts runs each case on two kernel targets and compares.
//
// Tolerances: float(…) compares |Δ| ≤ (rel + terms·2^-24)·max|baseline| with rel 1e-4 by default and terms the
// longest reduction behind one element; elementwise arithmetic uses rel 1e-6 (a few ulps of the largest value);
// selections and copies (relu, maxpool values, CSR values, add) compare values exactly (rel 0; ±0 equal);
// exact(…) is bit-identical (masks, counts, argmax, keep masks, CSR structure, `correct`).
import {
  adamStep,
  add,
  avgPool2d,
  avgPool2dBackward,
  batchNormBackward,
  batchNormEval,
  batchNormTrain,
  conv2dBackwardData,
  conv2dBackwardFilter,
  conv2dForward,
  conv2dOutputShape,
  countNonzero,
  csrFromArrays,
  csrSpmm,
  csrToDense,
  denseNnz,
  denseToCsr,
  dropout,
  dropoutBackward,
  flipTranslate,
  gatherRows,
  gemm,
  globalAvgPool,
  globalAvgPoolBackward,
  magnitudePrune,
  maskedDenseBackward,
  maskedDenseForward,
  maxPool2d,
  maxPool2dBackward,
  pool2dOutputShape,
  pruneByFraction,
  relu,
  reluBackward,
  sgdStep,
  shuffleMask,
  sigmoidBinaryCrossEntropy,
  softmaxCrossEntropy,
  type CsrArrays,
} from '../../lib/index.js';
import { exact, float, parityCase, type ParityCase } from '../support/parity.js';
import { batchedCases } from './masked_dense_batched.js';
import { sparseDenseParityCases } from './sparse_dense.js';
import { randn, randomLabels, randomMask, Rng, uniform } from '../support/random.js';

const numel = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** Values compared exactly (±0 equal): selections and copies. */
const same = (d: Float32Array | number) => float(d, { rel: 0 });
/** Elementwise arithmetic: a few ulps of the largest value. */
const elem = (d: Float32Array | number, zeroWhere: Uint8Array | null = null) => float(d, { rel: 1e-6, zeroWhere });

/** n values k·step with k uniform in [−levels, levels]: many exact ties, ±equal magnitudes. */
function ties(rng: Rng, n: number, levels: number, step: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.int(2 * levels + 1) - levels) * step;
  return a;
}

function bytes(rng: Rng, n: number, pZero: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() < pZero ? 0 : 1 + rng.int(255);
  return a;
}

function shift(a: Float32Array, by: number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i]! += by;
  return a;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}
const alive = (m: Uint8Array | null, n: number) => (m ? m.reduce((s, v) => s + (v ? 1 : 0), 0) : n);

// ---- gemm ------------------------------------------------------------------------------------------------
type CInit = 'none' | 'random' | 'nan';

function gemmCase(
  name: string,
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  beta: number,
  cInit: CInit,
): ParityCase {
  const t = `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`;
  return parityCase(
    'gemm',
    `${t} ${M}x${N}x${K} α ${alpha} β ${beta}${cInit === 'nan' ? ' (C holds NaN)' : ''} — ${name}`,
    (rng) => ({
      a: randn(rng, M * K),
      b: randn(rng, K * N),
      c: cInit === 'nan' ? new Float32Array(M * N).fill(NaN) : randn(rng, M * N),
    }),
    (ctx, i) => {
      const A = ctx.up(i.a, transA ? [K, M] : [M, K]);
      const B = ctx.up(i.b, transB ? [N, K] : [K, N]);
      const out = cInit === 'none' ? undefined : ctx.up(i.c, [M, N]);
      const C = gemm(A, B, { transA, transB, alpha, beta, out });
      return { C: float(ctx.down(C), { terms: K }) };
    },
  );
}

const gemmCases: ParityCase[] = [];
for (const [ta, tb] of [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const) {
  gemmCases.push(
    gemmCase('LeNet fc1 at batch 60', 60, 300, 784, ta, tb, 1, 0, 'none'),
    gemmCase('odd sizes, accumulate', 37, 29, 53, ta, tb, 0.75, -0.5, 'random'),
    gemmCase('tile-straddling', 65, 47, 33, ta, tb, -1.5, 1, 'random'),
    gemmCase('1x1x1', 1, 1, 1, ta, tb, 2, 0.5, 'random'),
  );
}
gemmCases.push(
  gemmCase('beta 0 ignores old C', 17, 13, 9, false, true, 1, 0, 'nan'),
  gemmCase('K = 0: C = beta·C', 5, 3, 0, false, false, 1, 0.5, 'random'),
  gemmCase('M = 0', 0, 7, 4, true, false, 1, 0, 'none'),
  gemmCase('N = 0', 6, 0, 4, false, true, 1, 0, 'none'),
  gemmCase('alpha 0', 9, 11, 13, false, false, 0, 1, 'random'),
  gemmCase('LeNet fc1 dW = dyᵀ·x', 300, 784, 60, true, false, 1, 0, 'none'),
  // Enough 128×128 tiles for the CUDA kernel's large tile, ragged in M, N and K (1300 = 10·128 + 20, 1420 = 11·128 + 12).
  gemmCase('large tile, ragged edges', 1300, 1420, 19, false, false, 1, 0, 'none'),
  gemmCase('large tile, ragged edges', 1300, 1420, 19, true, true, -0.5, 0.25, 'random'),
  gemmCase('large tile, ragged edges', 1300, 1420, 19, false, true, 1, 0, 'nan'),
  gemmCase('large tile, ragged edges', 1300, 1420, 19, true, false, 2, 1, 'random'),
  // Few tiles and a long K: the CUDA kernel splits the reduction (partial sums added in slice order).
  gemmCase('split reduction', 33, 70, 4099, false, false, 1, 0, 'none'),
  gemmCase('split reduction', 33, 70, 4099, true, true, 0.5, -1, 'random'),
  gemmCase('split reduction, beta 0 over NaN', 5, 3, 2051, false, true, 1, 0, 'nan'),
);

// ---- masked dense --------------------------------------------------------------------------------------
interface DenseIn {
  x: Float32Array;
  w: Float32Array;
  mask: Uint8Array | null;
  bias: Float32Array;
  dy: Float32Array;
}

/** Every third output row and the first input column pruned entirely (units and inputs a pruning removed). */
function pruneWholeRows(mask: Uint8Array, In: number, Out: number): Uint8Array {
  for (let o = 0; o < Out; o += 3) mask.fill(0, o * In, (o + 1) * In);
  for (let o = 0; o < Out && In > 0; o++) mask[o * In] = 0;
  return mask;
}

function denseInputs(B: number, In: number, Out: number, density: number | null, wholeRows: boolean) {
  return (rng: Rng): DenseIn => {
    const x = randn(rng, B * In);
    const w = randn(rng, Out * In, 1 / Math.sqrt(Math.max(In, 1)));
    const mask = density === null ? null : randomMask(rng, Out * In, density);
    return {
      x,
      w,
      mask: mask && wholeRows ? pruneWholeRows(mask, In, Out) : mask,
      bias: randn(rng, Out, 0.1),
      dy: randn(rng, B * Out),
    };
  };
}

function denseCases(
  name: string,
  B: number,
  In: number,
  Out: number,
  density: number | null,
  bias: boolean,
  reluOn: boolean,
  wholeRows = false,
): ParityCase[] {
  const label = `${name}: B ${B}, ${In}→${Out}, ${density === null ? 'no mask' : `density ${density}`}${wholeRows ? ' (whole rows pruned)' : ''}${bias ? ', bias' : ''}${reluOn ? ', relu' : ''}`;
  const inputs = denseInputs(B, In, Out, density, wholeRows);
  return [
    parityCase('maskedDenseForward', label, inputs, (ctx, i) => {
      const x = ctx.up(i.x, [B, In]);
      const W = ctx.up(i.w, [Out, In]);
      const mask = i.mask ? ctx.up(i.mask, [Out, In]) : null;
      const b = bias ? ctx.up(i.bias, [Out]) : null;
      return { y: float(ctx.down(maskedDenseForward(x, W, { mask, bias: b, relu: reluOn })), { terms: In }) };
    }),
    parityCase('maskedDenseBackward', label, inputs, (ctx, i) => {
      const x = ctx.up(i.x, [B, In]);
      const W = ctx.up(i.w, [Out, In]);
      const mask = i.mask ? ctx.up(i.mask, [Out, In]) : null;
      const dy = ctx.up(i.dy, [B, Out]);
      const g = maskedDenseBackward(x, W, dy, { mask });
      return {
        dx: float(ctx.down(g.dx!), { terms: Out }),
        dW: float(ctx.down(g.dW!), { terms: B, zeroWhere: i.mask }),
        db: float(ctx.down(g.db!), { terms: B }),
      };
    }),
  ];
}

const maskedDenseCases: ParityCase[] = [
  ...denseCases('LeNet fc1', 60, 784, 300, 0.2, true, true),
  ...denseCases('LeNet fc2', 60, 300, 100, 0.2, true, true),
  ...denseCases('LeNet fc3', 60, 100, 10, 0.2, true, false),
  ...denseCases('LeNet fc1 dense', 60, 784, 300, null, true, true),
  ...denseCases('odd', 13, 29, 17, 0.5, true, true),
  ...denseCases('density 0', 7, 9, 5, 0, true, true),
  ...denseCases('density 1', 7, 9, 5, 1, false, false),
  ...denseCases('1x1', 1, 1, 1, 1, true, false),
  ...denseCases('empty batch', 0, 8, 4, 0.5, true, false),
  ...denseCases('In = 0', 3, 0, 5, 0.5, true, true),
  ...denseCases('odd', 13, 29, 17, 0.5, true, false, true),
  ...denseCases('LeNet fc2', 60, 300, 100, 0.3, true, true, true),
  // Large CUDA tile for y (ragged edges), long reductions for dx; a batch long enough to split dW's reduction.
  ...denseCases('large', 1300, 37, 1420, 0.4, true, true, true),
  ...denseCases('large batch', 2500, 20, 10, 0.5, true, false, true),
];

// ---- convolution ---------------------------------------------------------------------------------------
type P2 = [number, number];

function convCases(
  name: string,
  xs: [number, number, number, number],
  [K, R, S]: [number, number, number],
  stride: P2,
  padding: P2,
  density: number | null,
  bias: boolean,
): ParityCase[] {
  const [N, C] = xs;
  const ws = [K, C, R, S];
  const ys = conv2dOutputShape(xs, ws, { stride, padding });
  const [P, Q] = [ys[2]!, ys[3]!];
  const label = `${name}: x [${xs}] w [${ws}] stride ${stride} pad ${padding}${density === null ? '' : ` density ${density}`}`;
  const inputs = (rng: Rng) => ({
    x: randn(rng, numel(xs)),
    w: randn(rng, numel(ws), 1 / Math.sqrt(C * R * S)),
    mask: density === null ? null : randomMask(rng, numel(ws), density),
    bias: randn(rng, K, 0.1),
    dy: randn(rng, numel(ys)),
  });
  const geo = { stride, padding };
  return [
    parityCase('conv2dForward', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const y = conv2dForward(ctx.up(i.x, xs), ctx.up(i.w, ws), { ...geo, mask, bias: bias ? ctx.up(i.bias, [K]) : null });
      return { y: float(ctx.down(y), { terms: C * R * S }) };
    }),
    parityCase('conv2dBackwardData', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const dx = conv2dBackwardData(ctx.up(i.dy, ys), ctx.up(i.w, ws), xs, { ...geo, mask });
      return { dx: float(ctx.down(dx), { terms: K * R * S }) };
    }),
    parityCase('conv2dBackwardFilter', label, inputs, (ctx, i) => {
      const mask = i.mask ? ctx.up(i.mask, ws) : null;
      const g = conv2dBackwardFilter(ctx.up(i.x, xs), ctx.up(i.dy, ys), ws, { ...geo, mask });
      return {
        dw: float(ctx.down(g.dw), { terms: N * P * Q, zeroWhere: i.mask }),
        db: float(ctx.down(g.db!), { terms: N * P * Q }),
      };
    }),
  ];
}

const convParityCases: ParityCase[] = [
  ...convCases('Conv-4 layer', [8, 64, 32, 32], [64, 3, 3], [1, 1], [1, 1], 0.3, true),
  ...convCases('ResNet-20 stride-2 3x3', [4, 16, 32, 32], [32, 3, 3], [2, 2], [1, 1], 0.5, false),
  ...convCases('ResNet-20 stride-2 1x1 shortcut', [4, 16, 32, 32], [32, 1, 1], [2, 2], [0, 0], null, false),
  ...convCases('ResNet-20 stride-2 3x3 (32→64)', [4, 32, 16, 16], [64, 3, 3], [2, 2], [1, 1], 0.8, true),
  ...convCases('odd', [3, 3, 7, 5], [5, 3, 2], [2, 1], [1, 0], 0.6, true),
  ...convCases('kernel = padded input', [2, 4, 5, 5], [3, 5, 5], [1, 1], [0, 0], null, true),
  ...convCases('density 0', [2, 3, 6, 6], [4, 3, 3], [1, 1], [1, 1], 0, true),
  ...convCases('1x1', [1, 1, 1, 1], [1, 1, 1], [1, 1], [0, 0], 1, true),
  ...convCases('empty batch', [0, 3, 5, 5], [2, 3, 3], [1, 1], [1, 1], 0.5, true),
];

// ---- pooling -------------------------------------------------------------------------------------------
type Values = 'gauss' | 'ties' | 'negative' | 'constant';

function poolValues(rng: Rng, n: number, v: Values): Float32Array {
  if (v === 'ties') return ties(rng, n, 1, 1); // {−1, 0, 1}: ties in most windows
  if (v === 'constant') return new Float32Array(n).fill(0.5);
  const a = randn(rng, n);
  return v === 'negative' ? shift(a, -10) : a; // all negative: padding must act as −inf, not 0
}

/** For each output window, a random in-bounds input position (flat h·W + w), like a max-pool argmax. */
function randomArgmax(rng: Rng, [N, C, H, W]: number[], [P, Q]: number[], [kh, kw]: P2, [sh, sw]: P2, [ph, pw]: P2): Int32Array {
  const a = new Int32Array(N! * C! * P! * Q!);
  let o = 0;
  for (let nc = 0; nc < N! * C!; nc++) {
    for (let p = 0; p < P!; p++) {
      for (let q = 0; q < Q!; q++) {
        const h0 = Math.max(0, p * sh - ph);
        const h1 = Math.min(H!, p * sh - ph + kh);
        const w0 = Math.max(0, q * sw - pw);
        const w1 = Math.min(W!, q * sw - pw + kw);
        a[o++] = (h0 + rng.int(h1 - h0)) * W! + (w0 + rng.int(w1 - w0));
      }
    }
  }
  return a;
}

function maxPoolCases(name: string, xs: number[], kernelSize: P2, stride: P2, padding: P2, values: Values): ParityCase[] {
  const geo = { kernelSize, stride, padding };
  const ys = pool2dOutputShape(xs, geo);
  const label = `${name}: x [${xs}] kernel ${kernelSize} stride ${stride} pad ${padding}, ${values} values`;
  const overlap = Math.ceil(kernelSize[0] / stride[0]) * Math.ceil(kernelSize[1] / stride[1]);
  const inputs = (rng: Rng) => ({
    x: poolValues(rng, numel(xs), values),
    dy: randn(rng, numel(ys)),
    argmax: randomArgmax(rng, xs, ys.slice(2), kernelSize, stride, padding),
  });
  return [
    parityCase('maxPool2d', label, inputs, (ctx, i) => {
      const r = maxPool2d(ctx.up(i.x, xs), geo);
      return { y: same(ctx.down(r.y)), argmax: exact(ctx.down(r.argmax)) };
    }),
    parityCase('maxPool2dBackward', label, inputs, (ctx, i) => {
      const dx = maxPool2dBackward(ctx.up(i.dy, ys), ctx.up(i.argmax, ys), xs, geo);
      return { dx: float(ctx.down(dx), { terms: overlap }) };
    }),
  ];
}

function avgPoolCases(name: string, xs: number[], kernelSize: P2, stride: P2, padding: P2): ParityCase[] {
  const out: ParityCase[] = [];
  for (const countIncludePad of [true, false]) {
    const geo = { kernelSize, stride, padding, countIncludePad };
    const ys = pool2dOutputShape(xs, geo);
    const label = `${name}: x [${xs}] kernel ${kernelSize} stride ${stride} pad ${padding}, countIncludePad ${countIncludePad}`;
    const inputs = (rng: Rng) => ({ x: randn(rng, numel(xs)), dy: randn(rng, numel(ys)) });
    const overlap = Math.ceil(kernelSize[0] / stride[0]) * Math.ceil(kernelSize[1] / stride[1]);
    out.push(
      parityCase('avgPool2d', label, inputs, (ctx, i) => ({
        y: float(ctx.down(avgPool2d(ctx.up(i.x, xs), geo)), { terms: kernelSize[0] * kernelSize[1] }),
      })),
      parityCase('avgPool2dBackward', label, inputs, (ctx, i) => ({
        dx: float(ctx.down(avgPool2dBackward(ctx.up(i.dy, ys), xs, geo)), { terms: overlap }),
      })),
    );
  }
  return out;
}

function globalPoolCases(xs: number[]): ParityCase[] {
  const label = `x [${xs}]`;
  const [N, C] = [xs[0]!, xs[1]!];
  const HW = numel(xs.slice(2));
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(xs)), dy: randn(rng, N * C) });
  return [
    parityCase('globalAvgPool', label, inputs, (ctx, i) => ({ y: float(ctx.down(globalAvgPool(ctx.up(i.x, xs))), { terms: HW }) })),
    parityCase('globalAvgPoolBackward', label, inputs, (ctx, i) => ({
      dx: elem(ctx.down(globalAvgPoolBackward(ctx.up(i.dy, [N, C]), xs))),
    })),
  ];
}

const poolParityCases: ParityCase[] = [
  ...maxPoolCases('Conv-4 pool', [8, 64, 32, 32], [2, 2], [2, 2], [0, 0], 'gauss'),
  ...maxPoolCases('ResNet stem 3x3/2 pad 1, ties', [2, 3, 9, 7], [3, 3], [2, 2], [1, 1], 'ties'),
  ...maxPoolCases('odd 2x2/2, ties', [2, 3, 7, 9], [2, 2], [2, 2], [0, 0], 'ties'),
  ...maxPoolCases('3x2 stride [1,2] pad [1,0], negative', [2, 2, 6, 7], [3, 2], [1, 2], [1, 0], 'negative'),
  ...maxPoolCases('4x4/3 pad 2, constant input', [1, 3, 10, 11], [4, 4], [3, 3], [2, 2], 'constant'),
  ...maxPoolCases('1x1', [1, 1, 1, 1], [1, 1], [1, 1], [0, 0], 'gauss'),
  ...maxPoolCases('empty batch', [0, 3, 4, 4], [2, 2], [2, 2], [0, 0], 'gauss'),
  ...avgPoolCases('Conv-4 pool', [8, 64, 32, 32], [2, 2], [2, 2], [0, 0]),
  ...avgPoolCases('3x3/2 pad 1', [4, 16, 8, 8], [3, 3], [2, 2], [1, 1]),
  ...avgPoolCases('odd 3x2 stride [2,1] pad [1,1]', [2, 3, 7, 5], [3, 2], [2, 1], [1, 1]),
  ...avgPoolCases('1x1', [1, 1, 1, 1], [1, 1], [1, 1], [0, 0]),
  ...avgPoolCases('empty batch', [0, 2, 5, 5], [3, 3], [2, 2], [1, 1]),
  ...globalPoolCases([8, 64, 8, 8]),
  ...globalPoolCases([3, 5, 7, 3]),
  ...globalPoolCases([2, 3, 1, 9]),
  ...globalPoolCases([1, 1, 1, 1]),
  ...globalPoolCases([0, 4, 3, 3]),
];

// ---- elementwise ---------------------------------------------------------------------------------------
/** Gaussian values with exact zeros and negative zeros sprinkled in. */
function withZeros(rng: Rng, n: number): Float32Array {
  const a = randn(rng, n);
  for (let i = 0; i < n; i += 7) a[i] = i % 14 === 0 ? 0 : -0;
  return a;
}

const elementwiseShapes: number[][] = [[60, 300], [8, 16, 32, 32], [1001], [1], [0]];

const reluCases: ParityCase[] = elementwiseShapes.flatMap((s) => {
  const inputs = (rng: Rng) => {
    const y = withZeros(rng, numel(s)).map((v) => (v > 0 ? v : 0));
    return { x: withZeros(rng, numel(s)), y, dy: randn(rng, numel(s)) };
  };
  return [
    parityCase('relu', `[${s}]`, inputs, (ctx, i) => ({ y: same(ctx.down(relu(ctx.up(i.x, s)))) })),
    parityCase('reluBackward', `[${s}]`, inputs, (ctx, i) => ({ dx: same(ctx.down(reluBackward(ctx.up(i.y, s), ctx.up(i.dy, s)))) })),
  ];
});

const dropoutCases: ParityCase[] = (
  [
    [[60, 300], 0.5, 12345],
    [[8, 16, 32, 32], 0.1, (1n << 64n) - 1n],
    [[1001], 0.9, 0],
    [[60, 300], 0, 99],
    [[1], 0.3, 7],
    [[0], 0.5, 1],
  ] as Array<[number[], number, number | bigint]>
).flatMap(([s, p, seed]) => {
  const label = `[${s}] p ${p} seed ${seed}`;
  const inputs = (rng: Rng) => ({ x: randn(rng, numel(s)), dy: randn(rng, numel(s)), keep: randomMask(rng, numel(s), 1 - p) });
  return [
    parityCase('dropout', label, inputs, (ctx, i) => {
      const r = dropout(ctx.up(i.x, s), p, seed);
      return { y: elem(ctx.down(r.y)), keep: exact(ctx.down(r.keep)) };
    }),
    parityCase('dropoutBackward', label, inputs, (ctx, i) => ({
      dx: elem(ctx.down(dropoutBackward(ctx.up(i.dy, s), ctx.up(i.keep, s), p))),
    })),
  ];
});

const addCases: ParityCase[] = elementwiseShapes.map((s) =>
  parityCase(
    'add',
    `[${s}]`,
    (rng) => ({ a: randn(rng, numel(s)), b: randn(rng, numel(s)) }),
    (ctx, i) => ({ y: same(ctx.down(add(ctx.up(i.a, s), ctx.up(i.b, s)))) }),
  ),
);

// ---- batch norm ----------------------------------------------------------------------------------------
interface BnSpec {
  name: string;
  shape: number[];
  affine: boolean;
  running: boolean;
  mean: number;
  std: number;
}

/** Per-channel mean and 1/sqrt(biased var + eps) of x, in float64, rounded to float32. */
function batchStats(x: Float32Array, shape: number[], eps: number): { mean: Float32Array; invstd: Float32Array } {
  const [N, C] = [shape[0]!, shape[1]!];
  const HW = numel(shape.slice(2));
  const mean = new Float32Array(C);
  const invstd = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) s += x[(n * C + c) * HW + k]!;
    const m = s / (N * HW);
    let v = 0;
    for (let n = 0; n < N; n++) for (let k = 0; k < HW; k++) v += (x[(n * C + c) * HW + k]! - m) ** 2;
    mean[c] = m;
    invstd[c] = 1 / Math.sqrt(v / (N * HW) + eps);
  }
  return { mean, invstd };
}

const bnSpecs: BnSpec[] = [
  { name: 'Conv-4 layer', shape: [8, 64, 32, 32], affine: true, running: true, mean: 0.5, std: 2 },
  { name: 'ResNet-20 stage 1', shape: [8, 16, 32, 32], affine: true, running: true, mean: 0, std: 1 },
  { name: 'large offset (cancellation)', shape: [4, 8, 16, 16], affine: true, running: true, mean: 100, std: 0.5 },
  { name: 'BatchNorm1d LeNet', shape: [60, 300], affine: true, running: true, mean: -1, std: 3 },
  { name: 'odd, no affine, no running stats', shape: [3, 5, 7, 3], affine: false, running: false, mean: 0.2, std: 1 },
  { name: 'rank 3', shape: [4, 5, 3], affine: true, running: true, mean: 0, std: 1 },
  { name: 'two values per channel', shape: [2, 3], affine: true, running: true, mean: 0, std: 1 },
  { name: 'N = 1', shape: [1, 4, 1, 2], affine: true, running: true, mean: 1, std: 1 },
];

const batchNormCases: ParityCase[] = bnSpecs.flatMap((b) => {
  const C = b.shape[1]!;
  const M = numel(b.shape) / C;
  const label = `${b.name}: [${b.shape}]`;
  const eps = 1e-5;
  const inputs = (rng: Rng) => {
    const x = shift(randn(rng, numel(b.shape), b.std), b.mean);
    return {
      x,
      gamma: shift(randn(rng, C, 0.2), 1),
      beta: randn(rng, C, 0.2),
      rm: randn(rng, C, 0.1),
      rv: uniform(rng, C, 0.5, 2),
      dy: randn(rng, numel(b.shape)),
      stats: batchStats(x, b.shape, eps),
    };
  };
  return [
    parityCase('batchNormTrain', label, inputs, (ctx, i) => {
      const rm = b.running ? ctx.up(i.rm, [C]) : null;
      const rv = b.running ? ctx.up(i.rv, [C]) : null;
      const r = batchNormTrain(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        b.affine ? ctx.up(i.beta, [C]) : null,
        rm,
        rv,
        { eps, momentum: 0.1 },
      );
      const res = {
        y: float(ctx.down(r.y), { terms: M }),
        saveMean: float(ctx.down(r.saveMean), { terms: M }),
        saveInvstd: float(ctx.down(r.saveInvstd), { terms: M }),
      };
      return rm && rv ? { ...res, runningMean: float(ctx.down(rm), { terms: M }), runningVar: float(ctx.down(rv), { terms: M }) } : res;
    }),
    parityCase('batchNormEval', label, inputs, (ctx, i) => {
      const y = batchNormEval(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        b.affine ? ctx.up(i.beta, [C]) : null,
        ctx.up(i.rm, [C]),
        ctx.up(i.rv, [C]),
        { eps },
      );
      return { y: float(ctx.down(y), { rel: 1e-5 }) };
    }),
    parityCase('batchNormBackward', label, inputs, (ctx, i) => {
      const g = batchNormBackward(
        ctx.up(i.x, b.shape),
        b.affine ? ctx.up(i.gamma, [C]) : null,
        ctx.up(i.stats.mean, [C]),
        ctx.up(i.stats.invstd, [C]),
        ctx.up(i.dy, b.shape),
      );
      // dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)) cancels to almost nothing when M is tiny: scale by its terms.
      const scale = maxAbs(b.affine ? i.gamma : [1]) * maxAbs(i.stats.invstd) * maxAbs(i.dy);
      return {
        dx: float(ctx.down(g.dx!), { terms: M, scale }),
        dgamma: float(ctx.down(g.dgamma!), { terms: M }),
        dbeta: float(ctx.down(g.dbeta!), { terms: M }),
      };
    }),
  ];
});

// ---- losses --------------------------------------------------------------------------------------------
const softmaxCases: ParityCase[] = (
  [
    ['LeNet output', 60, 10, 'gauss', 3],
    ['100 classes', 128, 100, 'gauss', 5],
    ['1000 classes', 3, 1000, 'gauss', 1],
    ['integer logits: argmax ties (first maximum)', 64, 10, 'ties', 1],
    ['integer logits, 100 classes: ties across the row', 33, 100, 'ties', 1],
    ['large logits (needs the max subtracted)', 17, 7, 'gauss', 100],
    ['1x1', 1, 1, 'gauss', 1],
    ['empty batch', 0, 10, 'gauss', 1],
  ] as Array<[string, number, number, 'gauss' | 'ties', number]>
).flatMap(([name, B, C, kind, scale]) => {
  const inputs = (rng: Rng) => ({
    logits: kind === 'ties' ? ties(rng, B * C, 1, 1) : randn(rng, B * C, scale),
    labels: randomLabels(rng, B, C),
  });
  return [true, false].map((withGrad) =>
    parityCase('softmaxCrossEntropy', `${name}: [${B},${C}]${withGrad ? '' : ', loss only'}`, inputs, (ctx, i) => {
      const r = softmaxCrossEntropy(ctx.up(i.logits, [B, C]), ctx.up(i.labels, [B]), { dlogits: withGrad });
      const res = { loss: float(r.loss, { terms: B * C }), correct: exact(r.correct) };
      return r.dlogits ? { ...res, dlogits: float(ctx.down(r.dlogits), { terms: C }) } : res;
    }),
  );
});

const bceCases: ParityCase[] = (
  [
    ['hard labels', 60, 'hard', 2],
    ['soft labels, z = 0 and y = 0.5 exactly, large |z|', 1001, 'soft', 5],
    ['splits across threads', 70001, 'hard', 2],
    ['one example', 1, 'hard', 1],
    ['empty batch', 0, 'hard', 1],
  ] as Array<[string, number, 'hard' | 'soft', number]>
).map(([name, B, kind, scale]) =>
  parityCase(
    'sigmoidBinaryCrossEntropy',
    `${name}: [${B}]`,
    (rng) => {
      const z = randn(rng, B, scale);
      const y = kind === 'hard' ? Float32Array.from(randomMask(rng, B, 0.5)) : uniform(rng, B, 0, 1);
      if (kind === 'soft') {
        for (let k = 0; k < B; k += 5) z[k] = 0; // (z > 0) is false
        for (let k = 1; k < B; k += 5) y[k] = 0.5; // (y > 0.5) is false
        const big = [60, -60, 1e4, -1e4, 88.8, -103.99, -0];
        big.forEach((v, k) => (z[2 + 5 * k] = v));
      }
      return { z, y };
    },
    (ctx, i) => {
      const r = sigmoidBinaryCrossEntropy(ctx.up(i.z, [B]), ctx.up(i.y, [B]));
      return { loss: float(r.loss, { terms: B }), correct: exact(r.correct), dlogits: float(ctx.down(r.dlogits!)) };
    },
  ),
);

// ---- optimizers ----------------------------------------------------------------------------------------
interface OptIn {
  w: Float32Array;
  g: Float32Array;
  mask: Uint8Array | null;
  s1: Float32Array;
  s2: Float32Array;
}

function optInputs(n: number, density: number | null) {
  return (rng: Rng): OptIn => ({
    w: randn(rng, n),
    g: randn(rng, n, 0.1),
    mask: density === null ? null : randomMask(rng, n, density),
    s1: randn(rng, n, 0.05), // velocity / first moment: nonzero at pruned positions too
    s2: randn(rng, n, 0.05).map((v) => v * v), // second moment >= 0
  });
}

const sgdCases: ParityCase[] = (
  [
    ['LeNet fc1, momentum .9 nesterov wd 5e-4', 235200, 0.2, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }],
    ['plain, no mask', 1001, null, { lr: 0.1 }],
    ['momentum .9 dampening .1 wd 1e-4', 4097, 0.5, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 1e-4 }],
    ['wd only, all pruned', 513, 0, { lr: 0.01, weightDecay: 0.1 }],
    ['momentum, nothing pruned', 777, 1, { lr: 0.01, momentum: 0.5 }],
    ['one weight', 1, 1, { lr: 0.1, momentum: 0.9 }],
    ['empty', 0, null, { lr: 0.1, momentum: 0.9 }],
  ] as Array<
    [string, number, number | null, { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean }]
  >
).map(([name, n, density, p]) =>
  parityCase('sgdStep', `${name}: n ${n}${density === null ? '' : ` density ${density}`}`, optInputs(n, density), (ctx, i) => {
    const w = ctx.up(i.w, [n]);
    const mask = i.mask ? ctx.up(i.mask, [n]) : null;
    const velocity = p.momentum ? ctx.up(i.s1, [n]) : null;
    sgdStep(w, ctx.up(i.g, [n]), { ...p, mask, velocity });
    const res = { w: elem(ctx.down(w), i.mask) };
    return velocity ? { ...res, velocity: elem(ctx.down(velocity), i.mask) } : res;
  }),
);

const adamCases: ParityCase[] = (
  [
    ['Adam step 1, LeNet fc1', 235200, 0.2, { lr: 1.2e-3, step: 1 }],
    ['Adam L2 wd 1e-2, step 7', 4097, 0.5, { lr: 1e-3, step: 7, weightDecay: 1e-2 }],
    ['AdamW wd 1e-2, step 100, no mask', 1001, null, { lr: 1e-3, step: 100, weightDecay: 1e-2, decoupled: true }],
    ['AdamW beta1 0 eps 1e-3, nothing pruned', 333, 1, { lr: 3e-4, step: 3, beta1: 0, eps: 1e-3, weightDecay: 0.1, decoupled: true }],
    ['all pruned', 65, 0, { lr: 1e-3, step: 2 }],
    ['one weight', 1, 1, { lr: 1e-3, step: 1 }],
    ['empty', 0, null, { lr: 1e-3, step: 1 }],
  ] as Array<
    [string, number, number | null, { lr: number; step: number; beta1?: number; eps?: number; weightDecay?: number; decoupled?: boolean }]
  >
).map(([name, n, density, p]) =>
  parityCase('adamStep', `${name}: n ${n}${density === null ? '' : ` density ${density}`}`, optInputs(n, density), (ctx, i) => {
    const w = ctx.up(i.w, [n]);
    const m = ctx.up(i.s1, [n]);
    const v = ctx.up(i.s2, [n]);
    const mask = i.mask ? ctx.up(i.mask, [n]) : null;
    adamStep(w, ctx.up(i.g, [n]), { ...p, m, v, mask });
    return { w: elem(ctx.down(w), i.mask), m: elem(ctx.down(m), i.mask), v: elem(ctx.down(v), i.mask) };
  }),
);

// ---- pruning and masks ---------------------------------------------------------------------------------
const LENET = [
  [300, 784],
  [100, 300],
  [10, 100],
]; // 235200 + 30000 + 1000 = 266200 weights

interface PruneSpec {
  name: string;
  shapes: number[][];
  /** 'gauss' or a number of distinct magnitudes (k/8, random signs): massive exact ties. */
  values: 'gauss' | number;
  density: number | null;
  /** Fraction of the alive weights to prune, or 'all'. */
  fraction: number | 'all';
  inPlace?: boolean;
}

const pruneSpecs: PruneSpec[] = [
  { name: 'per tensor, LeNet fc1', shapes: [LENET[0]!], values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'global, LeNet 266K over 3 tensors', shapes: LENET, values: 'gauss', density: 0.8, fraction: 0.2 },
  { name: 'global, LeNet 266K, 9 magnitudes (exact ties everywhere)', shapes: LENET, values: 9, density: 0.7, fraction: 0.37 },
  {
    name: 'global, no masks, all |w| equal (ties by tensor then index)',
    shapes: [[200, 200], [1000], [7, 3]],
    values: 1,
    density: null,
    fraction: 0.5,
  },
  { name: 'per tensor, 3 magnitudes, in place', shapes: [[70001]], values: 3, density: 0.9, fraction: 0.45, inPlace: true },
  { name: 'count 0 copies the masks', shapes: [[37, 29], [5]], values: 'gauss', density: 0.5, fraction: 0 },
  { name: 'prune everything alive', shapes: [[37, 29], [5]], values: 4, density: 0.5, fraction: 'all' },
  { name: '1x1', shapes: [[1, 1]], values: 'gauss', density: null, fraction: 'all' },
  { name: 'empty tensor beside a full one', shapes: [[0], [13]], values: 'gauss', density: null, fraction: 0.5 },
];

function pruneWeights(rng: Rng, n: number, values: 'gauss' | number): Float32Array {
  if (values === 'gauss') return randn(rng, n);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ((1 + rng.int(values)) / 8) * (rng.next() < 0.5 ? -1 : 1);
  return a;
}

const pruneCases: ParityCase[] = pruneSpecs.flatMap((s) => {
  const inputs = (rng: Rng) => {
    const w = s.shapes.map((sh) => pruneWeights(rng, numel(sh), s.values));
    const m = s.shapes.map((sh) => (s.density === null ? null : randomMask(rng, numel(sh), s.density)));
    const total = m.reduce((acc, mk, k) => acc + alive(mk, w[k]!.length), 0);
    const count = s.fraction === 'all' ? total : Math.round(s.fraction * total);
    return { w, m, count };
  };
  const label = `${s.name}: [${s.shapes.map((sh) => `[${sh}]`).join(', ')}]`;
  return [
    parityCase('magnitudePrune', label, inputs, (ctx, i) => {
      const weights = i.w.map((w, k) => ctx.up(w, s.shapes[k]!));
      const masks = i.m.map((m, k) => (m ? ctx.up(m, s.shapes[k]!) : null));
      const out = s.inPlace ? masks.map((m) => m!) : undefined;
      const res = magnitudePrune(weights, masks, i.count, { out });
      return Object.fromEntries(res.map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
    }),
  ];
});

const pruneByFractionCases: ParityCase[] = (['layerwise', 'global'] as const).map((scope) =>
  parityCase(
    'pruneByFraction',
    `${scope}, LeNet 266K, fractions ${scope === 'global' ? '.2,.2,0' : '.2,.2,.1'}`,
    (rng) => ({
      w: LENET.map((sh) => pruneWeights(rng, numel(sh), 'gauss')),
      m: LENET.map((sh) => randomMask(rng, numel(sh), 0.8)),
    }),
    (ctx, i) => {
      const weights = i.w.map((w, k) => ctx.up(w, LENET[k]!));
      const masks = i.m.map((m, k) => ctx.up(m, LENET[k]!));
      const res = pruneByFraction(weights, masks, scope === 'global' ? [0.2, 0.2, 0] : [0.2, 0.2, 0.1], scope);
      return Object.fromEntries(res.map((t, k) => [`mask${k}`, exact(ctx.down(t))]));
    },
  ),
);

const countCases: ParityCase[] = (
  [
    ['LeNet 266K, density .3', 266200, 0.7],
    ['bytes 1..255 count as alive', 4099, 0.5],
    ['all alive', 4097, 0],
    ['none alive', 1000, 1],
    ['one', 1, 0],
    ['empty', 0, 0],
  ] as Array<[string, number, number]>
).map(([name, n, pZero]) =>
  parityCase(
    'countNonzero',
    `${name}: n ${n}`,
    (rng) => ({ m: name.startsWith('bytes') ? bytes(rng, n, pZero) : randomMask(rng, n, 1 - pZero) }),
    (ctx, i) => ({ count: exact(countNonzero(ctx.up(i.m, [n]))) }),
  ),
);

const shuffleCases: ParityCase[] = (
  [
    ['LeNet fc1, density .2', [300, 784], 0.2, 7, false],
    ['byte values are permuted, not just 0/1', [4099], 0.5, (1n << 64n) - 1n, false],
    ['in place', [1001], 0.3, 123456789, true],
    ['all alive', [257], 1, 3, false],
    ['one', [1], 1, 5, false],
    ['empty', [0], 0.5, 5, false],
  ] as Array<[string, number[], number, number | bigint, boolean]>
).map(([name, s, density, seed, inPlace]) =>
  parityCase(
    'shuffleMask',
    `${name}: [${s}] seed ${seed}`,
    (rng) => ({ m: name.startsWith('byte') ? bytes(rng, numel(s), 1 - density) : randomMask(rng, numel(s), density) }),
    (ctx, i) => {
      const m = ctx.up(i.m, s);
      return { mask: exact(ctx.down(shuffleMask(m, seed, inPlace ? { out: m } : {}))) };
    },
  ),
);

// ---- sparse (CSR) --------------------------------------------------------------------------------------
interface CsrSpec {
  name: string;
  rows: number;
  cols: number;
  density: number;
  emptyRows: boolean;
}

/** A random CSR matrix (every 3rd row empty when asked). */
function randomCsr(rng: Rng, s: CsrSpec): CsrArrays {
  const rowptr = new Int32Array(s.rows + 1);
  const colidx: number[] = [];
  for (let r = 0; r < s.rows; r++) {
    if (!(s.emptyRows && r % 3 === 0)) for (let c = 0; c < s.cols; c++) if (rng.next() < s.density) colidx.push(c);
    rowptr[r + 1] = colidx.length;
  }
  return { rows: s.rows, cols: s.cols, rowptr, colidx: Int32Array.from(colidx), values: randn(rng, colidx.length) };
}

const dense2csrSpecs: Array<{ name: string; rows: number; cols: number; zeros: number; mask: number | null }> = [
  { name: 'LeNet fc1, 90% zeros, with -0 and NaN', rows: 300, cols: 784, zeros: 0.9, mask: null },
  { name: 'LeNet fc1 from a mask (zeros of W at alive positions are stored)', rows: 300, cols: 784, zeros: 0.3, mask: 0.1 },
  { name: 'odd, empty rows', rows: 37, cols: 29, zeros: 0.8, mask: null },
  { name: 'all zero', rows: 5, cols: 9, zeros: 1, mask: null },
  { name: '1x1', rows: 1, cols: 1, zeros: 0, mask: null },
  { name: 'no rows', rows: 0, cols: 5, zeros: 0.5, mask: 0.5 },
  { name: 'no columns', rows: 4, cols: 0, zeros: 0.5, mask: null },
];

const denseToCsrCases: ParityCase[] = dense2csrSpecs.flatMap((s) => {
  const shape = [s.rows, s.cols];
  const label = `${s.name}: [${shape}]`;
  const inputs = (rng: Rng) => {
    const w = randn(rng, s.rows * s.cols);
    for (let k = 0; k < w.length; k++) if (rng.next() < s.zeros) w[k] = rng.next() < 0.2 ? -0 : 0;
    if (s.name.includes('NaN')) for (let k = 3; k < w.length; k += 997) w[k] = NaN;
    if (s.name.startsWith('odd')) for (let r = 0; r < s.rows; r += 4) w.fill(0, r * s.cols, (r + 1) * s.cols);
    return { w, mask: s.mask === null ? null : randomMask(rng, w.length, s.mask) };
  };
  return [
    parityCase('denseNnz', label, inputs, (ctx, i) => ({
      nnz: exact(denseNnz(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null })),
    })),
    parityCase('denseToCsr', label, inputs, (ctx, i) => {
      const A = denseToCsr(ctx.up(i.w, shape), { mask: i.mask ? ctx.up(i.mask, shape) : null });
      return {
        rowptr: exact(ctx.down(A.rowptr)),
        colidx: exact(ctx.down(A.colidx)),
        values: exact(ctx.down(A.values)),
      };
    }),
  ];
});

const csrSpecs: CsrSpec[] = [
  { name: 'LeNet fc1 at 10%', rows: 300, cols: 784, density: 0.1, emptyRows: false },
  { name: 'LeNet fc2 at 20%, empty rows', rows: 100, cols: 300, density: 0.2, emptyRows: true },
  { name: 'odd, empty rows', rows: 37, cols: 53, density: 0.3, emptyRows: true },
  { name: 'density 0', rows: 64, cols: 33, density: 0, emptyRows: false },
  { name: 'density 1', rows: 10, cols: 100, density: 1, emptyRows: false },
  { name: '1x1', rows: 1, cols: 1, density: 1, emptyRows: false },
  { name: 'no rows', rows: 0, cols: 5, density: 0.5, emptyRows: false },
];

const csrToDenseCases: ParityCase[] = csrSpecs.map((s) =>
  parityCase(
    'csrToDense',
    `${s.name}: [${s.rows},${s.cols}]`,
    (rng) => randomCsr(rng, s),
    (ctx, a) => {
      const A = csrFromArrays(a, { device: ctx.device });
      ctx.track(A.rowptr);
      ctx.track(A.colidx);
      ctx.track(A.values);
      return { W: exact(ctx.down(csrToDense(A))) };
    },
  ),
);

const csrSpmmCases: ParityCase[] = csrSpecs.flatMap((s) =>
  (
    [
      [60, true, true],
      [1, true, false],
      [7, false, true],
      [0, true, true],
    ] as Array<[number, boolean, boolean]>
  ).map(([N, bias, reluOn]) =>
    parityCase(
      'csrSpmm',
      `${s.name}: [${s.rows},${s.cols}] × [${s.cols},${N}]${bias ? ', bias' : ''}${reluOn ? ', relu' : ''}`,
      (rng) => ({ a: randomCsr(rng, s), b: randn(rng, s.cols * N), bias: randn(rng, s.rows, 0.5) }),
      (ctx, i) => {
        const A = csrFromArrays(i.a, { device: ctx.device });
        ctx.track(A.rowptr);
        ctx.track(A.colidx);
        ctx.track(A.values);
        const C = csrSpmm(A, ctx.up(i.b, [s.cols, N]), { bias: bias ? ctx.up(i.bias, [s.rows]) : null, relu: reluOn });
        return { C: float(ctx.down(C), { terms: s.cols }) };
      },
    ),
  ),
);

// ---- tensors -------------------------------------------------------------------------------------------
const tensorCases: ParityCase[] = [
  parityCase(
    'Tensor.upload/download',
    'f32/u8/i32 round trip, reshape, zero()',
    (rng) => ({
      f: Float32Array.from([...randn(rng, 1000), NaN, -0, Infinity, -Infinity, 1e-45]),
      u: bytes(rng, 1001, 0.3),
      i: Int32Array.from({ length: 999 }, () => rng.int(2 ** 32) - 2 ** 31),
    }),
    (ctx, d) => {
      const f = ctx.up(d.f, [d.f.length]);
      const r = ctx.track(f.reshape([5, d.f.length / 5]));
      const z = ctx.up(d.u, [d.u.length]);
      return {
        f: exact(ctx.down(f)),
        reshaped: exact(r.download()),
        u: exact(ctx.down(z)),
        i: exact(ctx.down(ctx.up(d.i, [d.i.length]))),
        zeroed: exact(ctx.up(d.u, [7, 143]).zero().download()),
      };
    },
  ),
];

// ---- gather rows ---------------------------------------------------------------------------------------------
// A dataset table gathered by a shuffled batch index (repeats allowed), f32 images and i32 labels.
const gatherSpecs: { name: string; rows: number; row: number[]; n: number }[] = [
  { name: 'MNIST batch 60', rows: 1000, row: [1, 28, 28], n: 60 },
  { name: 'CIFAR batch 128', rows: 300, row: [3, 32, 32], n: 128 },
  { name: 'single word rows', rows: 17, row: [], n: 33 },
  { name: 'empty batch', rows: 5, row: [4], n: 0 },
];
const gatherCases: ParityCase[] = gatherSpecs.map((g) =>
  parityCase(
    'gatherRows',
    `${g.name}: [${g.rows},${g.row}] by ${g.n} indices`,
    (rng) => {
      const index = new Int32Array(g.n);
      for (let k = 0; k < g.n; k++) index[k] = rng.int(g.rows);
      return { table: randn(rng, g.rows * numel(g.row)), labels: randomLabels(rng, g.rows, 10), index };
    },
    (ctx, i) => {
      const idx = ctx.up(i.index, [g.n]);
      return {
        x: exact(ctx.down(gatherRows(ctx.up(i.table, [g.rows, ...g.row]), idx))),
        y: exact(ctx.down(gatherRows(ctx.up(i.labels, [g.rows]), idx))),
      };
    },
  ),
);

// ---- flip + translate augmentation ------------------------------------------------------------------------------
const augmentCases: ParityCase[] = (
  [
    [60, 3, 32, 32],
    [7, 1, 5, 3],
  ] as number[][]
).map((shape) =>
  parityCase(
    'flipTranslate',
    `[${shape}] random flips and shifts in [-6, 6]`,
    (rng) => {
      const params = new Int32Array(3 * shape[0]!);
      for (let k = 0; k < shape[0]!; k++) params.set([rng.int(2), rng.int(13) - 6, rng.int(13) - 6], 3 * k);
      return { src: randn(rng, numel(shape)), params };
    },
    (ctx, i) => ({ out: exact(ctx.down(flipTranslate(ctx.up(i.src, shape), ctx.up(i.params, [shape[0]!, 3])))) }),
  ),
);

export const parityCases: ParityCase[] = [
  ...gemmCases,
  ...maskedDenseCases,
  ...convParityCases,
  ...poolParityCases,
  ...reluCases,
  ...dropoutCases,
  ...addCases,
  ...batchNormCases,
  ...softmaxCases,
  ...bceCases,
  ...sgdCases,
  ...adamCases,
  ...pruneCases,
  ...pruneByFractionCases,
  ...countCases,
  ...shuffleCases,
  ...denseToCsrCases,
  ...csrToDenseCases,
  ...csrSpmmCases,
  ...gatherCases,
  ...augmentCases,
  ...batchedCases,
  ...sparseDenseParityCases,
  ...tensorCases,
];
