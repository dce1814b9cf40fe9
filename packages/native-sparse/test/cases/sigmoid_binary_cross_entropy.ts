// Case table for sigmoid binary cross-entropy: batch sizes, logit scales, hard and soft labels.
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
