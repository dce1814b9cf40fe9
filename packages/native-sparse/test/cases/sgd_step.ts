// Case table for the optimizer steps (sgd_step; adam_step.ts adds its options): sizes around the vector widths and the parallel grain, masks of density 0..1 or
// none, and the PyTorch option combinations (momentum, dampening, Nesterov, L2 decay; Adam vs AdamW).
import type { SgdRefParams } from '../reference/optim.js';

export const optimSizes = [1, 7, 33, 1000, 100_003];
export const optimDensities: Array<number | null> = [null, 0, 0.5, 1];

export const sgdParams: Array<{ name: string; p: SgdRefParams }> = [
  { name: 'plain', p: { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum 0.9', p: { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum dampening wd', p: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 5e-4, nesterov: false } },
  { name: 'nesterov wd', p: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true } },
  { name: 'wd only', p: { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false } },
];

/** Consecutive steps per case (fresh gradients each step). */
export const optimSteps = 4;
