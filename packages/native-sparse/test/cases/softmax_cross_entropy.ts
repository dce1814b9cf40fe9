// Case table for softmax cross-entropy: batch and class sizes, logit scales (large ones need the max subtracted).
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
