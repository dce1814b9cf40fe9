// The check that two frameworks ran the same training step, applied to the first step before any timing.
//
// ReLU and max pooling make a network's gradient discontinuous where a pre-activation is within rounding of 0
// (or two pooled values tie), so two correct fp32 implementations can differ there by a whole gradient entry,
// and those entries spread to the layers below. Measured on Conv-4 at batch 60: one of 2.0M conv3 pre-activations
// changes sign between lth's fast kernels and its own C++ reference loops, whose layers otherwise agree to 5e-7
// given the same inputs; conv1–3 gradients then differ by ~2e-3 (L2, relative) against both that reference and
// tfjs. And Adam's first step, w −= lr·g/(|g|+ε), is ill-conditioned where |g| is tiny: a rounding-level change
// of such a gradient (or of its sign) moves the weight by up to 2·lr. So the check is:
//   loss                 |Δ| ≤ 1e-3 · |loss|
//   gradients            per tensor ‖Δg‖₂ ≤ 1e-2 · ‖g‖₂ (a layout, mask or kernel bug gives O(1)), and the entries
//                        off by more than 1e-3 · max|g| (at kinks) are at most 0.1% of all parameters
//   updated weights      within 1e-3 · max|w| + 1e-6 wherever the two gradients agree to 1e-3 of their own size
//                        (where the update is determined by the gradient); the count compared is reported
export interface FirstStepParam {
  name: string;
  grad: Float32Array;
  /** Value after the step. */
  value: Float32Array;
}

export interface FirstStepCheck {
  /** Gradient entries off by more than 1e-3 · max|g| (where the gradient is discontinuous). */
  kinks: number;
  /** Updated weights compared (gradients agree to 1e-3 of their own size), of `total`. */
  compared: number;
  total: number;
  /** Largest per-tensor relative L2 gradient difference. */
  gradL2: number;
  summary: string;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

/** Throws (naming the tensor and entry) when `ours` and `theirs` did not run the same step. */
export function compareFirstStep(
  label: string,
  ours: { loss: number; params: FirstStepParam[] },
  theirs: { loss: number; grads: Float32Array[]; values: Float32Array[] },
): FirstStepCheck {
  if (!(Math.abs(ours.loss - theirs.loss) <= 1e-3 * Math.abs(theirs.loss))) {
    throw new Error(`${label}: first-step loss differs: ${ours.loss} vs ${theirs.loss}`);
  }
  let kinks = 0;
  let compared = 0;
  let total = 0;
  let gradL2 = 0;
  ours.params.forEach((p, t) => {
    const g = theirs.grads[t]!;
    const w = theirs.values[t]!;
    if (g.length !== p.grad.length || w.length !== p.value.length) throw new Error(`${label}: ${p.name}: sizes differ`);
    total += g.length;
    const gTol = 1e-3 * maxAbs(g);
    const wTol = 1e-3 * maxAbs(w) + 1e-6;
    let d2 = 0;
    let n2 = 0;
    for (let i = 0; i < g.length; i++) {
      const dg = p.grad[i]! - g[i]!;
      d2 += dg * dg;
      n2 += g[i]! * g[i]!;
      if (Math.abs(dg) > gTol) kinks++;
      if (!(Math.abs(dg) <= 1e-3 * Math.abs(g[i]!))) continue;
      compared++;
      if (!(Math.abs(p.value[i]! - w[i]!) <= wTol)) {
        throw new Error(`${label}: ${p.name}[${i}] after one step: ${p.value[i]} vs ${w[i]} (gradients ${p.grad[i]} vs ${g[i]})`);
      }
    }
    const rel = n2 > 0 ? Math.sqrt(d2 / n2) : Math.sqrt(d2);
    if (!(rel <= 1e-2)) throw new Error(`${label}: ${p.name} gradient differs by ${rel.toExponential(2)} (L2, relative)`);
    gradL2 = Math.max(gradL2, rel);
  });
  if (kinks > 1e-3 * total)
    throw new Error(`${label}: ${kinks} of ${total} gradient entries differ by more than 1e-3 of their tensor's largest`);
  if (compared < 0.9 * total) throw new Error(`${label}: gradients agree to 1e-3 of their size at only ${compared} of ${total} entries`);
  return {
    kinks,
    compared,
    total,
    gradL2,
    summary: `first step: loss ${ours.loss.toFixed(5)} vs ${theirs.loss.toFixed(5)}; gradients within ${gradL2.toExponential(1)} (L2), ${kinks} of ${total} entries at ReLU/max-pool kinks; updated weights within 1e-3 at the ${((100 * compared) / total).toFixed(1)}% of entries whose gradients agree to 1e-3 of their size`,
  };
}
