// Magnitude pruning, per tensor or global over several tensors (src/binding/magnitude_prune.cpp), and
// pruneByFraction, which turns fractions into counts on top of it.
import { bound } from '../binding.js';
import { describeValue } from '../describe.js';
import { LthError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { countNonzero } from './mask_ops.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

export interface MagnitudePruneOptions {
  /** Output masks (one per weight, same shape). An output may be the same tensor as its input mask (in place). */
  out?: U8[];
}

/**
 * Prune exactly `count` of the weights still alive (mask != 0, or all when the mask is null), over all given
 * tensors together: one tensor = per-tensor pruning, several = global pruning. Smallest |w| first; among
 * equal |w| the lower tensor index, then the lower flat index, is pruned first. Returns new masks (0/1)
 * unless `out` is given. Masks only shrink. ERR_ARG if count > alive or < 0; ERR_NAN if an alive weight is NaN.
 */
export const magnitudePrune = bound('magnitudePrune');

function fail(what: string, v: unknown): never {
  throw new LthError('ERR_ARG', `pruneByFraction: ${what}, got ${describeValue(v)}`);
}

/**
 * Prune a fraction of the alive weights by magnitude and return new masks (the inputs are not changed).
 * - 'layerwise': layer i prunes exactly Math.round(f_i · alive_i) of its own alive weights.
 * - 'global': the layers with a nonzero fraction form one group that prunes Math.round(f · Σ alive) of its
 *   weights together (their nonzero fractions must all be equal); layers with fraction 0 are left alone.
 * `fraction` is one number for every layer or one per layer, each in [0, 1]; 0 leaves a layer unpruned.
 * Math.round rounds halves up (2.5 → 3). `masks` entries may be null (all alive).
 */
export function pruneByFraction(
  weights: F32[],
  masks: Array<U8 | null | undefined>,
  fraction: number | number[],
  scope: 'layerwise' | 'global',
): U8[] {
  if (!Array.isArray(weights)) fail("'weights' must be an array of Tensors", weights);
  if (!Array.isArray(masks) || masks.length !== weights.length)
    fail(`'masks' must be an array of ${weights.length} masks (null for none)`, masks);
  const fr: unknown[] = Array.isArray(fraction) ? fraction : weights.map(() => fraction);
  if (fr.length !== weights.length) fail(`'fraction' must be one number or ${weights.length}`, fraction);
  fr.forEach((f, i) => {
    if (typeof f !== 'number' || !(f >= 0 && f <= 1)) fail(`'fraction[${i}]' must be a number in [0, 1]`, f);
  });
  const fs = fr as number[];
  if (scope !== 'layerwise' && scope !== 'global') fail("'scope' must be 'layerwise' or 'global'", scope);
  // magnitudePrune checks every tensor; a value that is not one counts 0 here and is rejected there.
  const alive = weights.map((w, i) => {
    const m = masks[i];
    const n: unknown = (w as { numel?: unknown } | null | undefined)?.numel;
    return m ? countNonzero(m) : typeof n === 'number' ? n : 0;
  });
  const out: U8[] = [];
  try {
    if (scope === 'layerwise') {
      for (const [i, w] of weights.entries()) out.push(...magnitudePrune([w], [masks[i]], Math.round(fs[i]! * alive[i]!)));
      return out;
    }
    const group = weights.map((_, i) => i).filter((i) => fs[i] !== 0);
    const f = group.length ? fs[group[0]!]! : 0;
    if (group.some((i) => fs[i] !== f)) fail('global pruning needs one fraction for all pruned layers', fraction);
    const count = Math.round(f * group.reduce((s, i) => s + alive[i]!, 0));
    const pruned = magnitudePrune(
      group.map((i) => weights[i]!),
      group.map((i) => masks[i]),
      count,
    );
    // Layers outside the group keep their mask (count 0 copies it as 0/1).
    for (const [i, w] of weights.entries()) out.push(fs[i] === 0 ? magnitudePrune([w], [masks[i]], 0)[0]! : pruned[group.indexOf(i)]!);
    return out;
  } catch (e) {
    out.forEach((t) => t.dispose());
    throw e;
  }
}
