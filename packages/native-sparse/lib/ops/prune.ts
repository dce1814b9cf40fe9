// Magnitude pruning (per tensor or global over several tensors), mask counts and seeded mask shuffles.
import { arg, checkArgs, expectDType, expectInt, expectLive, expectNumber, expectSameDevice, expectShape } from '../check.js';
import { LthError } from '../errors.js';
import { nativeAs } from '../native.js';
import { zeros, type Tensor } from '../tensor.js';

type F32 = Tensor<'f32'>;
type U8 = Tensor<'u8'>;

interface PruneNative {
  magnitudePrune(weights: F32[], masksIn: Array<U8 | null>, masksOut: U8[], count: number): void;
  countNonzero(mask: U8): number;
  shuffleMask(mask: U8, seed: number | bigint, out: U8): void;
}
const native = () => nativeAs<PruneNative>();

/** Number of nonzero (alive) entries of a mask. */
export function countNonzero(mask: U8): number {
  checkArgs('countNonzero', { mask: arg.u8() }, [mask]);
  expectLive('countNonzero', 'mask', mask);
  expectDType('countNonzero', 'mask', mask, 'u8');
  return native().countNonzero(mask);
}

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
export function magnitudePrune(weights: F32[], masks: Array<U8 | null | undefined>, count: number,
  opts: MagnitudePruneOptions = {}): U8[] {
  const op = 'magnitudePrune';
  checkArgs(op, {
    weights: arg.tensors('f32'), masks: arg.tensors('u8', { nullable: true }), count: arg.int(0),
    opts: arg.options({ out: { kind: 'tensors', dtype: 'u8', optional: true, role: 'out', inPlaceOf: ['masks'] } }),
  }, [weights, masks, count, opts]);
  if (masks.length !== weights.length) {
    throw new LthError('ERR_ARG', `${op}: ${weights.length} weights need ${weights.length} masks (null for none), got ${masks.length}`);
  }
  if (opts.out && opts.out.length !== weights.length) {
    throw new LthError('ERR_ARG', `${op}: ${weights.length} weights need ${weights.length} output masks, got ${opts.out.length}`);
  }
  expectInt(op, 'count', count, 0);
  const all: Record<string, Tensor | null | undefined> = {};
  weights.forEach((w, i) => {
    expectLive(op, `weights[${i}]`, w);
    expectDType(op, `weights[${i}]`, w, 'f32');
    const m = masks[i];
    if (m) {
      expectLive(op, `masks[${i}]`, m);
      expectDType(op, `masks[${i}]`, m, 'u8');
      expectShape(op, `masks[${i}]`, m, w.shape);
    }
    const o = opts.out?.[i];
    if (o) {
      expectLive(op, `out[${i}]`, o);
      expectDType(op, `out[${i}]`, o, 'u8');
      expectShape(op, `out[${i}]`, o, w.shape);
    }
    Object.assign(all, { [`weights[${i}]`]: w, [`masks[${i}]`]: m, [`out[${i}]`]: o });
  });
  expectSameDevice(op, all);
  const out = opts.out ?? weights.map((w) => zeros(w.shape, { dtype: 'u8', device: w.device }));
  try {
    native().magnitudePrune(weights, masks.map((m) => m ?? null), out, count);
  } catch (e) {
    if (!opts.out) out.forEach((t) => t.dispose());
    throw e;
  }
  return out;
}

/**
 * Prune a fraction of the alive weights by magnitude and return new masks (the inputs are not changed).
 * - 'layerwise': layer i prunes exactly Math.round(f_i · alive_i) of its own alive weights.
 * - 'global': the layers with a nonzero fraction form one group that prunes Math.round(f · Σ alive) of its
 *   weights together (their nonzero fractions must all be equal); layers with fraction 0 are left alone.
 * `fraction` is one number for every layer or one per layer, each in [0, 1]; 0 leaves a layer unpruned.
 * Math.round rounds halves up (2.5 → 3). `masks` entries may be null (all alive).
 */
export function pruneByFraction(weights: F32[], masks: Array<U8 | null | undefined>, fraction: number | number[],
  scope: 'layerwise' | 'global'): U8[] {
  const op = 'pruneByFraction';
  checkArgs(op, {
    weights: arg.tensors('f32'), masks: arg.tensors('u8', { nullable: true }), fraction: arg.numbers(0, 1),
    scope: arg.oneOf(['layerwise', 'global']),
  }, [weights, masks, fraction, scope]);
  if (masks.length !== weights.length) {
    throw new LthError('ERR_ARG', `${op}: ${weights.length} weights need ${weights.length} masks (null for none), got ${masks.length}`);
  }
  const fr = Array.isArray(fraction) ? fraction : weights.map(() => fraction);
  if (fr.length !== weights.length) {
    throw new LthError('ERR_ARG', `${op}: ${weights.length} weights need ${weights.length} fractions, got ${fr.length}`);
  }
  fr.forEach((f, i) => expectNumber(op, `fraction[${i}]`, f, 0, 1));
  const alive = weights.map((w, i) => {
    const m = masks[i];
    return m ? countNonzero(m) : (expectLive(op, `weights[${i}]`, w), w.numel);
  });
  if (scope === 'layerwise') {
    const out: U8[] = [];
    try {
      for (const [i, w] of weights.entries()) {
        out.push(...magnitudePrune([w], [masks[i]], Math.round(fr[i]! * alive[i]!)));
      }
    } catch (e) {
      out.forEach((t) => t.dispose());
      throw e;
    }
    return out;
  }
  if (scope !== 'global') throw new LthError('ERR_ARG', `${op}: scope must be 'layerwise' or 'global', got '${String(scope)}'`);
  const group = weights.map((_, i) => i).filter((i) => fr[i] !== 0);
  const f = group.length ? fr[group[0]!]! : 0;
  if (group.some((i) => fr[i] !== f)) {
    throw new LthError('ERR_ARG', `${op}: global pruning needs one fraction for all pruned layers, got ${fr.join(', ')}`);
  }
  const out = weights.map((w) => zeros(w.shape, { dtype: 'u8', device: w.device }));
  try {
    const count = Math.round(f * group.reduce((s, i) => s + alive[i]!, 0));
    magnitudePrune(group.map((i) => weights[i]!), group.map((i) => masks[i]), count, { out: group.map((i) => out[i]!) });
    // Layers outside the group keep their mask (count 0 copies it as 0/1).
    for (const [i, w] of weights.entries()) {
      if (fr[i] === 0) magnitudePrune([w], [masks[i]], 0, { out: [out[i]!] });
    }
  } catch (e) {
    out.forEach((t) => t.dispose());
    throw e;
  }
  return out;
}

/**
 * A seeded uniformly random permutation of the mask's entries (same alive count): Fisher–Yates, for i from
 * n−1 down to 1 swap entries i and j = below(seed, i, i+1) of rng.h — the same permutation on every device
 * and thread count. `out` may be the mask itself.
 */
export function shuffleMask(mask: U8, seed: number | bigint, opts: { out?: U8 } = {}): U8 {
  const op = 'shuffleMask';
  checkArgs(op, { mask: arg.u8(), seed: arg.seed(), opts: arg.options({ out: arg.out('u8', { inPlaceOf: ['mask'] }) }) },
    [mask, seed, opts]);
  expectLive(op, 'mask', mask);
  expectDType(op, 'mask', mask, 'u8');
  if (typeof seed === 'number') expectInt(op, 'seed', seed, 0);
  else if (seed < 0n || seed >= 1n << 64n) throw new LthError('ERR_ARG', `${op}: seed must fit in 64 unsigned bits, got ${seed}`);
  const out = opts.out ?? zeros(mask.shape, { dtype: 'u8', device: mask.device });
  expectLive(op, 'out', out);
  expectDType(op, 'out', out, 'u8');
  expectShape(op, 'out', out, mask.shape);
  expectSameDevice(op, { mask, out });
  native().shuffleMask(mask, seed, out);
  return out;
}
