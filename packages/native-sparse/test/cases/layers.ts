// Case tables for the layer ops: element counts (including 0, 1 and sizes that split across threads),
// batch-norm shapes (rank 2, 3, 4; tiny and realistic), softmax cross-entropy batch/class sizes.
export const elementwiseSizes: number[] = [0, 1, 7, 1000, 65_537, 300_001];

export const dropoutPs: number[] = [0, 0.1, 0.5, 0.9];

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

export interface CeCase {
  B: number;
  C: number;
  scale: number; // logit magnitude
}

export const ceCases: CeCase[] = [
  { B: 1, C: 1, scale: 1 },
  { B: 1, C: 2, scale: 1 },
  { B: 5, C: 10, scale: 1 },
  { B: 60, C: 10, scale: 3 },
  { B: 128, C: 100, scale: 5 },
  { B: 3, C: 1000, scale: 1 },
  { B: 17, C: 10, scale: 100 }, // needs the max subtracted (exp(±300) overflows float32)
  { B: 0, C: 10, scale: 1 },
];

export interface BceCase {
  B: number;
  scale: number; // logit magnitude
  /** 'hard': labels in {0,1}; 'soft': labels uniform in [0,1]. */
  labels: 'hard' | 'soft';
  /** Extra logits set at the start of the batch (large |z|: the naive log σ overflows/underflows). */
  fixed?: number[];
}

export const bceCases: BceCase[] = [
  { B: 0, scale: 1, labels: 'hard' },
  { B: 1, scale: 1, labels: 'hard' },
  { B: 4, scale: 0.1, labels: 'hard' }, // the XOR batch
  { B: 7, scale: 3, labels: 'soft' },
  { B: 8, scale: 1, labels: 'hard', fixed: [0, -0, 100, -100, 1e4, -1e4, 88.8, -103.99] },
  { B: 1000, scale: 5, labels: 'hard' },
  { B: 70_001, scale: 2, labels: 'hard' }, // splits across threads
];
