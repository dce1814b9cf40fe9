// The pooling case table: the common 2×2/2, overlapping 3×3/2 pad 1 (ResNet stem), 3×3/1 pad 1, odd sizes
// where floor drops the last row/column, rectangular kernels and strides, 1×1, and a Conv-4-sized layer.
export interface PoolCase {
  name: string;
  N: number;
  C: number;
  H: number;
  W: number;
  kernel: [number, number];
  stride: [number, number];
  pad: [number, number];
}

const p = (name: string, [N, C, H, W]: number[], kernel: [number, number], stride: [number, number], pad: [number, number]): PoolCase => ({
  name,
  N: N!,
  C: C!,
  H: H!,
  W: W!,
  kernel,
  stride,
  pad,
});

export const poolCases: PoolCase[] = [
  p('2x2 stride 2', [2, 3, 8, 8], [2, 2], [2, 2], [0, 0]),
  p('2x2 stride 2 odd size', [2, 3, 7, 9], [2, 2], [2, 2], [0, 0]),
  p('3x3 stride 2 pad 1', [2, 4, 9, 7], [3, 3], [2, 2], [1, 1]),
  p('3x3 stride 1 pad 1', [1, 2, 5, 6], [3, 3], [1, 1], [1, 1]),
  p('3x2 kernel stride [1,2] pad [1,0]', [2, 2, 6, 7], [3, 2], [1, 2], [1, 0]),
  p('1x1', [2, 3, 4, 5], [1, 1], [1, 1], [0, 0]),
  p('window = input', [3, 2, 5, 5], [5, 5], [5, 5], [0, 0]),
  p('4x4 stride 3 pad 2', [1, 3, 10, 11], [4, 4], [3, 3], [2, 2]),
  p('Conv-4 pool', [16, 64, 32, 32], [2, 2], [2, 2], [0, 0]),
];
