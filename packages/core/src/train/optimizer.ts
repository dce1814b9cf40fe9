// Optimizers over a model's parameters, on the addon's update kernels: pruned weights and their optimizer
// state stay exactly 0. Biases and batch norm have no mask. A weight whose layer trains sparse carries the
// positions of its alive entries (Param.positions): only those are updated, with the masked step's arithmetic.
import { adamStep, sgdStep, zeros } from '@lth/native-sparse';
import type { Hparams } from '../hparams/schema.js';
import type { F32, Param } from '../models/types.js';

export interface OptimizerState {
  step: number;
  /** Per parameter name: velocity (sgd with momentum) or m, v (adam). */
  slots: Record<string, F32[]>;
}

export class Optimizer {
  private step = 0;
  private readonly slots = new Map<string, F32[]>();

  constructor(
    private readonly params: Param[],
    private readonly h: Hparams['training'],
  ) {
    const nSlots = h.optimizer === 'adam' ? 2 : h.optimizer === 'sgd' ? 0 : 1;
    for (const p of params) {
      this.slots.set(
        p.name,
        Array.from({ length: nSlots }, () => zeros(p.shape, { device: p.value.device })),
      );
    }
  }

  apply(lr: number): void {
    this.step++;
    const h = this.h;
    for (const p of this.params) {
      const s = this.slots.get(p.name)!;
      // One of the two (the op refuses both); plain fields, not a spread: this runs for every parameter at every step.
      const positions = p.positions ?? null;
      const mask = positions ? null : p.mask;
      if (h.optimizer === 'adam') {
        adamStep(p.value, p.grad, {
          mask,
          positions,
          m: s[0]!,
          v: s[1]!,
          lr,
          beta1: 0.9,
          beta2: 0.999,
          eps: 1e-8,
          weightDecay: h.weightDecay,
          step: this.step,
          decoupled: false,
        });
      } else {
        sgdStep(p.value, p.grad, {
          mask,
          positions,
          velocity: s[0] ?? null,
          lr,
          momentum: h.optimizer === 'sgd' ? 0 : h.momentum,
          dampening: 0,
          weightDecay: h.weightDecay,
          nesterov: h.optimizer === 'nesterov',
        });
      }
    }
  }

  /** Everything needed to resume exactly. */
  state(): { step: number; tensors: Record<string, F32> } {
    const tensors: Record<string, F32> = {};
    for (const [name, s] of this.slots) s.forEach((t, i) => (tensors[`${name}.slot${i}`] = t));
    return { step: this.step, tensors };
  }

  load(step: number, tensors: Record<string, Float32Array>): void {
    this.step = step;
    for (const [name, s] of this.slots) {
      s.forEach((t, i) => {
        const d = tensors[`${name}.slot${i}`];
        if (!d) throw new Error(`checkpoint lacks optimizer state ${name}.slot${i}`);
        t.upload(d);
      });
    }
  }

  /** Fresh state (after a reset/rewind the optimizer restarts, as in the paper). */
  reset(): void {
    this.step = 0;
    for (const s of this.slots.values()) s.forEach((t) => t.zero());
  }

  dispose(): void {
    for (const s of this.slots.values()) s.forEach((t) => t.dispose());
  }
}

/** Learning rate at iteration `it` (0-based): linear warm-up, then constant or step milestones. */
export function learningRate(h: Hparams['training'], it: number, toIt: (s: string) => number): number {
  let lr = h.lr;
  if (h.lrSchedule === 'step') for (const m of h.milestones) if (it >= toIt(m)) lr *= h.gamma;
  const warm = toIt(h.warmup);
  if (warm > 0 && it < warm) lr *= (it + 1) / warm;
  return lr;
}
