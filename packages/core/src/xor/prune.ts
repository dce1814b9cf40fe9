// Hidden-unit pruning heuristics of the draft's appendix A (Figure 10), computed on the trained network:
// - input magnitude: the mean |w| of the unit's incoming weights, (|W₁[j,0]| + |W₁[j,1]|) / 2 ("the smallest
//   average input weight magnitude"),
// - output magnitude: |W₂[0, j]|, the unit's outgoing weight,
// - magnitude product: |W₂[0, j]| × the SUM of |w| of the incoming weights ("the product of |output weight| and
//   the sum of the magnitudes of its input weights"), an L1 norm, not L2.
// The alive units with the lowest scores are pruned; ties go to the lower unit index first (deterministic).
export type UnitHeuristic = 'input' | 'output' | 'product';
export const UNIT_HEURISTICS: readonly UnitHeuristic[] = ['input', 'output', 'product'];

export const HEURISTIC_LABELS: Record<UnitHeuristic, string> = {
  input: 'input magnitude',
  output: 'output magnitude',
  product: 'magnitude product',
};

/** Score of every hidden unit from trained weights w1 [h,2] (row-major) and w2 [1,h]. */
export function unitScores(heuristic: UnitHeuristic, w1: ArrayLike<number>, w2: ArrayLike<number>): number[] {
  const h = w2.length;
  if (w1.length !== 2 * h) throw new RangeError(`xor: w1 has ${w1.length} values, expected ${2 * h}`);
  const scores: number[] = [];
  for (let j = 0; j < h; j++) {
    const inSum = Math.abs(w1[2 * j]!) + Math.abs(w1[2 * j + 1]!);
    const outMag = Math.abs(w2[j]!);
    scores.push(heuristic === 'input' ? inSum / 2 : heuristic === 'output' ? outMag : outMag * inSum);
  }
  return scores;
}

/**
 * The alive set after pruning `count` more units: among alive units, lowest score first, ties to the lower
 * index. Masks only shrink.
 */
export function pruneUnits(alive: readonly boolean[], scores: readonly number[], count: number): boolean[] {
  const candidates = alive.flatMap((a, j) => (a ? [j] : []));
  if (!Number.isInteger(count) || count < 0 || count > candidates.length) {
    throw new RangeError(`xor: cannot prune ${count} of ${candidates.length} alive units`);
  }
  candidates.sort((a, b) => scores[a]! - scores[b]! || a - b);
  const out = [...alive];
  for (const j of candidates.slice(0, count)) out[j] = false;
  return out;
}
