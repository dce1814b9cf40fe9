// What a trained XOR network achieved, read from its final float32 logits on the 4 points, as the draft's
// appendix A defines it:
// - DB (decision boundary): every point on the right side, sigmoid(z) > 0.5 ⇔ z > 0 for label 1;
// - ZL (zero loss): "the cross-entropy loss reached 0: the network outputs a hard 0 or 1", read literally:
//   the float32 sigmoid output of every point IS its label (Math.fround of the exact sigmoid equals 0 or 1,
//   i.e. z ≥ ~17.3 for label 1 and z ≤ ~-103.3 for label 0, where the output underflows to 0).
//   ZL implies DB.

export interface XorOutcome {
  /** Mean binary cross-entropy on the 4 points (float64, from the float32 logits). */
  loss: number;
  /** Points classified correctly ((z > 0) == label). */
  correct: number;
  /** All 4 points correct: the network found the decision boundary (DB). */
  success: boolean;
  /** Every float32 output is exactly its label: the loss reached 0 (ZL). */
  zeroLoss: boolean;
}

/** The float32 sigmoid output, correctly rounded. */
export const sigmoidF32 = (z: number): number => Math.fround(1 / (1 + Math.exp(-z)));

/** Outcome of one network from its logits z[p] on the 4 points with labels y[p] ∈ {0, 1}. */
export function xorOutcome(z: ArrayLike<number>, y: ArrayLike<number>): XorOutcome {
  if (z.length !== y.length) throw new RangeError(`xor: ${z.length} logits for ${y.length} labels`);
  let loss = 0;
  let correct = 0;
  let zeroLoss = true;
  for (let p = 0; p < z.length; p++) {
    const v = z[p]!;
    const label = y[p]!;
    loss += Math.max(v, 0) - v * label + Math.log1p(Math.exp(-Math.abs(v)));
    if (v > 0 === label > 0.5) correct++;
    if (sigmoidF32(v) !== label) zeroLoss = false;
  }
  return { loss: loss / z.length, correct, success: correct === z.length, zeroLoss };
}
