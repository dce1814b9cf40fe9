// Float64 references for the optimizer steps (PyTorch SGD / Adam / AdamW formulas, see lib/ops/optim.ts).
// State arrays are updated in place; pruned positions (mask == 0) end with weight and state exactly 0.
export interface SgdRefParams {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export function sgdStepRef(
  p: SgdRefParams,
  w: Float64Array,
  g: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  velocity: Float64Array | null,
): void {
  for (let i = 0; i < w.length; i++) {
    if (mask && !mask[i]) {
      w[i] = 0;
      if (velocity) velocity[i] = 0;
      continue;
    }
    const gi = g[i]! + p.weightDecay * w[i]!;
    let d = gi;
    if (p.momentum !== 0) {
      const buf = p.momentum * velocity![i]! + (1 - p.dampening) * gi;
      velocity![i] = buf;
      d = p.nesterov ? gi + p.momentum * buf : buf;
    }
    w[i] = w[i]! - p.lr * d;
  }
}

export interface AdamRefParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  decoupled: boolean;
}

export function adamStepRef(
  p: AdamRefParams,
  step: number,
  w: Float64Array,
  g: ArrayLike<number>,
  mask: ArrayLike<number> | null,
  m: Float64Array,
  v: Float64Array,
): void {
  const bc1 = 1 - p.beta1 ** step;
  const bc2 = 1 - p.beta2 ** step;
  for (let i = 0; i < w.length; i++) {
    if (mask && !mask[i]) {
      w[i] = m[i] = v[i] = 0;
      continue;
    }
    let wi = w[i]!;
    let gi = g[i]!;
    if (p.decoupled) wi *= 1 - p.lr * p.weightDecay;
    else gi += p.weightDecay * wi;
    m[i] = p.beta1 * m[i]! + (1 - p.beta1) * gi;
    v[i] = p.beta2 * v[i]! + (1 - p.beta2) * gi * gi;
    const denom = Math.sqrt(v[i]!) / Math.sqrt(bc2) + p.eps;
    w[i] = wi - ((p.lr / bc1) * m[i]!) / denom;
  }
}
