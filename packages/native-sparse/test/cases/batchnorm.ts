// Case table for batch norm: shapes of rank 2, 3 and 4, tiny and realistic; with and without gamma/beta.
export interface BatchNormCase {
  shape: number[]; // [N, C, ...]
  affine: boolean; // gamma/beta given (else null: 1 and 0)
  eps: number;
  momentum: number;
}

export const batchNormCases: BatchNormCase[] = [
  { shape: [2, 1], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [7, 3], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [4, 5, 3], affine: false, eps: 1e-3, momentum: 0.5 },
  { shape: [4, 3, 5, 5], affine: true, eps: 1e-5, momentum: 0.1 },
  { shape: [1, 2, 3, 1], affine: true, eps: 1e-5, momentum: 1 },
  { shape: [3, 7, 9, 11], affine: true, eps: 1e-5, momentum: 0 },
  { shape: [32, 64, 16, 16], affine: true, eps: 1e-5, momentum: 0.1 },
];
