// The dense case table: odd sizes, 1×1, sizes that do not divide any tile, density 0 and 1, LeNet shapes.
import { gemm } from '../../lib/index.js';
import { float, parityCase, type ParityCase } from '../support/parity.js';
import { randn } from '../support/random.js';
export interface GemmCase {
  M: number;
  N: number;
  K: number;
  ta: boolean;
  tb: boolean;
  alpha: number;
  beta: number;
}

// The fast CPU kernels tile C in MR×NR micro-tiles (AVX-512 12×32 with a 16-wide last panel, AVX2 6×16/8,
// portable 4×8) and split K in equal blocks of at most KC = 400; the shapes below sit just below, on and
// above those sizes, and K = 801 needs three depth blocks (beta applied once, bias/ReLU/mask after the last).
const shapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 7, 3],
  [5, 1, 9],
  [3, 5, 1],
  [17, 33, 65],
  [31, 29, 127],
  [64, 64, 64],
  [60, 300, 784],
  [60, 100, 300],
  [130, 257, 71],
  [0, 4, 3],
  [4, 0, 3],
  [4, 3, 0],
  [11, 31, 399],
  [12, 32, 400],
  [13, 33, 401],
  [25, 17, 16],
  [5, 9, 6],
  [24, 48, 801],
];

export const gemmCases: GemmCase[] = shapes.flatMap(([M, N, K], s) =>
  [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ].map(([ta, tb], t) => ({
    M,
    N,
    K,
    ta: ta!,
    tb: tb!,
    alpha: (s + t) % 3 === 0 ? 1 : 0.5,
    beta: (s + t) % 2 === 0 ? 0 : 0.75,
  })),
);

// Cross-target parity cases for gemm (test/support/parity.ts runs them on every kernel target): LeNet shapes,
// odd and tile-straddling sizes, empty dimensions, NaN in C under beta 0, and the CUDA kernel's large-tile and
// split-reduction paths.
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

export const gemmParity: ParityCase[] = [];
for (const [ta, tb] of [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const) {
  gemmParity.push(
    gemmCase('LeNet fc1 at batch 60', 60, 300, 784, ta, tb, 1, 0, 'none'),
    gemmCase('odd sizes, accumulate', 37, 29, 53, ta, tb, 0.75, -0.5, 'random'),
    gemmCase('tile-straddling', 65, 47, 33, ta, tb, -1.5, 1, 'random'),
    gemmCase('1x1x1', 1, 1, 1, ta, tb, 2, 0.5, 'random'),
  );
}
gemmParity.push(
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
