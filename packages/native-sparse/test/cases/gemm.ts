// The dense case table: odd sizes, 1×1, sizes that do not divide any tile, density 0 and 1, LeNet shapes.
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
