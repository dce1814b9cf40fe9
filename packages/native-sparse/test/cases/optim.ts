// The optimizer case table: sizes around the vector widths and the parallel grain, masks of density 0..1 or
// none, and the PyTorch option combinations (momentum, dampening, Nesterov, L2 decay; Adam vs AdamW).
import type { AdamRefParams, SgdRefParams } from '../reference/optim.js';

export const optimSizes = [1, 7, 33, 1000, 100_003];
export const optimDensities: Array<number | null> = [null, 0, 0.5, 1];

export const sgdParams: Array<{ name: string; p: SgdRefParams }> = [
  { name: 'plain', p: { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum 0.9', p: { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false } },
  { name: 'momentum dampening wd', p: { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 5e-4, nesterov: false } },
  { name: 'nesterov wd', p: { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 1e-4, nesterov: true } },
  { name: 'wd only', p: { lr: 0.01, momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false } },
];

export const adamParams: Array<{ name: string; p: AdamRefParams }> = [
  { name: 'default', p: { lr: 1.2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false } },
  { name: 'L2 wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false } },
  { name: 'AdamW wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true } },
  { name: 'betas .5 .9 eps 1e-3', p: { lr: 3e-4, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0, decoupled: false } },
  { name: 'beta1 0', p: { lr: 1e-3, beta1: 0, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: true } },
];

/** Consecutive steps per case (fresh gradients each step). */
export const optimSteps = 4;
