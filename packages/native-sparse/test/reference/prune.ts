// References for pruning: a sort-based magnitude pruner (the definition), an O(n) checker of the properties
// that pin its result down uniquely, and Fisher–Yates over rng.h's stream in BigInt arithmetic.

/**
 * Prune `count` alive weights over all tensors together: sort alive (|w|, tensor, index) and prune the first
 * `count`. Returns 0/1 masks.
 */
export function magnitudePruneRef(weights: Float32Array[], masks: Array<Uint8Array | null>, count: number): Uint8Array[] {
  const alive: Array<[number, number, number]> = [];
  const out = weights.map((w, t) => Uint8Array.from(w, (_, i) => (masks[t] ? (masks[t]![i] ? 1 : 0) : 1)));
  weights.forEach((w, t) => w.forEach((x, i) => out[t]![i] && alive.push([Math.abs(x), t, i])));
  if (count < 0 || count > alive.length) throw new Error(`count ${count} outside [0, ${alive.length}]`);
  alive.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  for (let k = 0; k < count; k++) out[alive[k]![1]]![alive[k]![2]] = 0;
  return out;
}

/**
 * Check in O(n) that `after` is THE result of pruning `count` of the weights alive in `before`: masks are 0/1
 * and only shrink, exactly `count` newly pruned, every newly pruned |w| <= every kept |w|, and among weights
 * at the threshold magnitude the pruned ones all precede the kept ones in (tensor, index) order. Returns a
 * description of the first violation, or null.
 */
export function checkPruneProperties(
  weights: Float32Array[],
  before: Array<Uint8Array | null>,
  after: Uint8Array[],
  count: number,
): string | null {
  let pruned = 0;
  let maxPruned = -1;
  let minKept = Infinity;
  for (const [t, w] of weights.entries()) {
    for (let i = 0; i < w.length; i++) {
      const was = before[t] ? before[t]![i] !== 0 : true;
      const now = after[t]![i]!;
      if (now !== 0 && now !== 1) return `mask ${t}[${i}] = ${now} is not 0/1`;
      if (!was && now) return `mask ${t}[${i}] grew`;
      if (!was) continue;
      const m = Math.abs(w[i]!);
      if (now) minKept = Math.min(minKept, m);
      else {
        pruned++;
        maxPruned = Math.max(maxPruned, m);
      }
    }
  }
  if (pruned !== count) return `pruned ${pruned}, expected ${count}`;
  if (pruned > 0 && maxPruned > minKept) return `a pruned |w| ${maxPruned} exceeds a kept |w| ${minKept}`;
  let seenKeptTie = false;
  for (const [t, w] of weights.entries()) {
    for (let i = 0; i < w.length; i++) {
      if ((before[t] ? before[t]![i] === 0 : false) || Math.abs(w[i]!) !== maxPruned) continue;
      if (after[t]![i]) seenKeptTie = true;
      else if (seenKeptTie) return `tie at |w| = ${maxPruned}: ${t}[${i}] pruned after a kept tie`;
    }
  }
  return null;
}

// rng.h in BigInt: splitmix64 finaliser, bits(seed, i), below(seed, i, bound).
const M64 = (1n << 64n) - 1n;
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}
export function rngBits(seed: bigint, i: bigint): bigint {
  return mix64((mix64(seed) + ((0x9e3779b97f4a7c15n * (i + 1n)) & M64)) & M64);
}
export function rngBelow(seed: bigint, i: bigint, bound: bigint): bigint {
  return (rngBits(seed, i) * bound) >> 64n;
}

/** Fisher–Yates as documented: for i = n-1 down to 1, j = below(seed, i, i+1), swap(out[i], out[j]). */
export function shuffleMaskRef(mask: Uint8Array, seed: bigint): Uint8Array {
  const out = Uint8Array.from(mask);
  for (let i = out.length - 1; i >= 1; i--) {
    const j = Number(rngBelow(seed, BigInt(i), BigInt(i + 1)));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
