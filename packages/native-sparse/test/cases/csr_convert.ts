// The CSR case table: densities 0 .. 1, empty rows, 1×1, N = 1 (SpMV), 7, 60, 512, sizes that do not divide
// the 16-float vectors or the 256-column tiles, and the LeNet layer shapes.
export interface SparseCase {
  rows: number;
  cols: number;
  density: number;
  /** Rows forced empty (every 3rd row) on top of the random structure. */
  emptyRows: boolean;
  /** Structure from a mask (else from W's zeros). */
  useMask: boolean;
  N: number[];
  bias: boolean;
  relu: boolean;
}

export const sparseCases: SparseCase[] = [
  { rows: 1, cols: 1, density: 1, emptyRows: false, useMask: false, N: [1, 7], bias: true, relu: false },
  { rows: 1, cols: 1, density: 0, emptyRows: false, useMask: true, N: [1, 3], bias: true, relu: true },
  { rows: 5, cols: 3, density: 0.5, emptyRows: true, useMask: true, N: [1, 2, 17], bias: false, relu: false },
  { rows: 37, cols: 29, density: 0.1, emptyRows: false, useMask: false, N: [1, 7, 60], bias: true, relu: true },
  { rows: 300, cols: 784, density: 0.01, emptyRows: false, useMask: true, N: [1, 60, 512], bias: true, relu: true },
  { rows: 300, cols: 784, density: 0.1, emptyRows: false, useMask: true, N: [1, 60], bias: true, relu: true },
  { rows: 100, cols: 300, density: 0.5, emptyRows: true, useMask: false, N: [1, 7, 60, 129, 300, 512], bias: true, relu: false },
  { rows: 10, cols: 100, density: 1, emptyRows: false, useMask: false, N: [1, 60, 144], bias: false, relu: true },
  { rows: 64, cols: 33, density: 0, emptyRows: false, useMask: false, N: [1, 16, 31], bias: true, relu: true },
  { rows: 0, cols: 5, density: 0.5, emptyRows: false, useMask: true, N: [4], bias: false, relu: false },
  { rows: 4, cols: 0, density: 0.5, emptyRows: false, useMask: true, N: [3], bias: true, relu: false },
];
