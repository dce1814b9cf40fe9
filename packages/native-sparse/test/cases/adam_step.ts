// Case table for adam_step: the Adam/AdamW options (sizes, densities and step count: sgd_step.ts).
import type { AdamRefParams } from '../reference/optim.js';

export const adamParams: Array<{ name: string; p: AdamRefParams }> = [
  { name: 'default', p: { lr: 1.2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false } },
  { name: 'L2 wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: false } },
  { name: 'AdamW wd', p: { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true } },
  { name: 'betas .5 .9 eps 1e-3', p: { lr: 3e-4, beta1: 0.5, beta2: 0.9, eps: 1e-3, weightDecay: 0, decoupled: false } },
  { name: 'beta1 0', p: { lr: 1e-3, beta1: 0, beta2: 0.99, eps: 1e-8, weightDecay: 0, decoupled: true } },
];
